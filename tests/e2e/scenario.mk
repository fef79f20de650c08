# The scenario matrix (issue 4): the example programs of examples/ (each a cgo program with
# known memory behaviour that prints its ground truth) recorded and reported on every Go
# version of GM_GO_VERSIONS; gm-json-flat lets the shell driver read the JSON report without jq.
check_PROGRAMS += tests/tools/gm-json-flat
tests_tools_gm_json_flat_SOURCES = tests/tools/gm-json-flat.c
E2E_TESTS += tests/e2e/scenario_matrix.sh
EXTRA_DIST += tests/e2e/scenario_lib.sh docs/scenarios.md \
	examples/scavretain/main.go \
	examples/freeosmem/main.go \
	examples/goheapgrowth/main.go \
	examples/cmmap/main.go \
	examples/arenas/main.go examples/arenas/arenas.c examples/arenas/arenas.h \
	examples/mixed/main.go \
	examples/memlimit/main.go \
	examples/children/main.go
