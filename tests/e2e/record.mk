# e2e tests of `gomemtrace record` (and preload-path, the example and its raw-trace summary).
E2E_TESTS += tests/e2e/record_trace.sh tests/e2e/record_status.sh tests/e2e/record_refuse.sh \
	tests/e2e/record_signal.sh tests/e2e/record_discard.sh
E2E_TESTS += tests/e2e/record_noperm.sh tests/e2e/record_footprint.sh tests/e2e/record_lttngrc.sh
