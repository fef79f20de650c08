# e2e tests of the report's symbolizer and pprof/folded writers on real traces
# (driver: tests/unit/test-symbolize-tool, built by tests/unit/symbols.mk).
E2E_TESTS += tests/e2e/symbols_pprof.sh
