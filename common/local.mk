# common/: code both the tracer and the reader use (ELF images, .gopclntab, Go build info).
# Nothing here allocates in its lookup paths, so the tracer can call it from its constructor.
noinst_LTLIBRARIES += common/libgmcommon.la
common_libgmcommon_la_SOURCES = \
	common/elf_image.c common/elf_image.h \
	common/gopclntab.c common/gopclntab.h \
	common/gopclntab_inline.c common/gopclntab_inline.h \
	common/gobuildinfo.c common/gobuildinfo.h
common_libgmcommon_la_CFLAGS = $(AM_CFLAGS) -fvisibility=hidden
