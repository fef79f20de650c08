# e2e tests of `gomemtrace attach` (a window of a running preloaded process) and of the flight
# recorder (attach --snapshot, gomemtrace snapshot).
E2E_TESTS += tests/e2e/attach_window.sh tests/e2e/attach_faults.sh tests/e2e/attach_snapshot.sh \
	tests/e2e/attach_relayd.sh
EXTRA_DIST += tests/e2e/attach_lib.sh
