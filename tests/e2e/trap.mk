# e2e tests of the trap piece (the Go runtime's raw madvise/exit_group, SIGTRAP ownership).
E2E_TESTS += tests/e2e/trap_madvise.sh tests/e2e/trap_signals.sh tests/e2e/trap_children.sh
EXTRA_DIST += tests/e2e/trap_common.sh tests/data/trap/main.go
