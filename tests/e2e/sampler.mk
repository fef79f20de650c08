# e2e tests of the sampler piece: Go page states, RSS and the final sample against the
# runtime's own runtime/metrics, on every configured Go version, plain and stripped.
E2E_TESTS += tests/e2e/sampler_goheap.sh
EXTRA_DIST += tests/data/sampler/main.go
