# End-to-end test of `gomemtrace diff` (tools/report/diff*.c): tests/data/diff/leaky built
# three ways (plain, -tags pad: the same code at other addresses, -tags leak: 8 MiB more
# leaked) with the oldest and the newest Go, recorded by `gomemtrace record`, compared.
E2E_TESTS += tests/e2e/diff.sh
EXTRA_DIST += tests/data/diff/leaky/main.go tests/data/diff/leaky/leak_on.go tests/data/diff/leaky/leak_off.go \
	tests/data/diff/leaky/a_pad.go tests/data/diff/leaky/leaky.c tests/data/diff/leaky/leaky.h
