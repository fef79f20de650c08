# End-to-end tests of `gomemtrace report` (tools/report/): real Go programs traced under a
# real lttng-sessiond, then read by tests/tools/gm-report-run (gm_report_main).
E2E_TESTS += tests/e2e/report_leak.sh tests/e2e/report_retain.sh tests/e2e/report_badinput.sh
EXTRA_DIST += tests/e2e/report_lib.sh tests/data/report/cgoleak/main.go tests/data/report/retain/main.go
