# e2e tests of the stack walker on real Go programs.
E2E_TESTS += tests/e2e/stack_cgo.sh
EXTRA_DIST += tests/data/stack/main.go
