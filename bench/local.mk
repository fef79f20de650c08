# bench/: `make bench`, overhead of the tracer against the untraced program (issue 5).
