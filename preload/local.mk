# preload/: libgomemtrace.so, injected with LD_PRELOAD into the traced program.
pkglib_LTLIBRARIES += preload/libgomemtrace.la
# Order matters: tp.c first, so that the provider's destructor (which unregisters the probes)
# runs after sampler.c's, which takes the final sample of a C exit (destructors of one object
# run in reverse link order), and resync.c right after it, whose constructor of default priority
# must run once the probes are registered (constructors of one object run in link order).
preload_libgomemtrace_la_SOURCES = \
	preload/export.h \
	preload/tp.c \
	preload/resync.c preload/resync.h \
	preload/init.c \
	preload/config.c preload/config.h \
	preload/guard.c preload/guard.h \
	preload/malloc_hooks.c \
	preload/sampling.c preload/sampling.h \
	preload/batch.c preload/batch.h \
	preload/mmap_hooks.c \
	preload/thread_hooks.c \
	preload/stack.c preload/stack.h \
	preload/unwind.c preload/unwind.h \
	preload/gosyms.c preload/gosyms.h \
	preload/gotrap.c preload/gotrap.h \
	preload/goheap.c preload/goheap.h preload/gostats.c preload/gostats.h \
	preload/sampler.c preload/sampler.h
preload_libgomemtrace_la_CPPFLAGS = $(AM_CPPFLAGS) -DUNW_LOCAL_ONLY -DLTTNG_UST_COMPAT_API_VERSION=1 \
	-DLTTNG_UST_TRACEPOINT_HIDDEN_DEFINITION
preload_libgomemtrace_la_CFLAGS = $(AM_CFLAGS) $(LTTNG_UST_CFLAGS) $(UNWIND_CFLAGS) \
	-fvisibility=hidden -fno-omit-frame-pointer
preload_libgomemtrace_la_LIBADD = common/libgmcommon.la $(LTTNG_UST_LIBS) $(UNWIND_LIBS) -ldl -lpthread
preload_libgomemtrace_la_LDFLAGS = -module -avoid-version -shared -no-undefined -Wl,-z,nodelete
