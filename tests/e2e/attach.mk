# e2e tests of `gomemtrace attach` (a window of a running preloaded process).
E2E_TESTS += tests/e2e/attach_window.sh tests/e2e/attach_faults.sh
EXTRA_DIST += tests/e2e/attach_lib.sh
