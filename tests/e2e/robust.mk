# Robustness of the preload (issue 2): threads, edge cases, fork, dlopen, no session,
# preemption signals inside hooks, the session daemon killed during a recording, a full disk,
# no section headers.
check_PROGRAMS += tests/data/robust/churn
tests_data_robust_churn_SOURCES = tests/data/robust/churn.c
tests_data_robust_churn_LDADD = -lpthread -ldl
E2E_TESTS += tests/e2e/robust_edge.sh tests/e2e/robust_threads.sh tests/e2e/robust_fork.sh \
	tests/e2e/robust_dlopen.sh tests/e2e/robust_nosession.sh tests/e2e/robust_sigurg.sh \
	tests/e2e/robust_ownthreads.sh tests/e2e/robust_sessiond.sh tests/e2e/robust_diskfull.sh \
	tests/e2e/robust_noshdr.sh tests/e2e/sampling.sh tests/e2e/batch.sh \
	tests/e2e/robust_footprint.sh
EXTRA_DIST += tests/data/robust/sigurg/main.go
