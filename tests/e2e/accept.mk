# Acceptance checks of the reader (issue 3): agreement with heaptrack on a real cgo library
# (Debian's go-sqlite3). The reader's speed/memory bench is bench/report (make bench-report).
E2E_TESTS += tests/e2e/accept_heaptrack.sh
EXTRA_DIST += tests/data/accept/sqlite/main.go
