# include/: what the tracer and the reader share.
pkginclude_HEADERS = include/gomemtrace/tp.h include/gomemtrace/schema.h include/gomemtrace/sample_now.h
