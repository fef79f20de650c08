# End-to-end tests of `gomemtrace report` (tools/report/): real Go programs traced under a
# real lttng-sessiond, then read by tests/tools/gm-report-run (gm_report_main). report_profiles
# and report_sampled also run tests/data/robust/churn (built by tests/e2e/robust.mk);
# report_html renders the HTML page in headless chromium (skipped without it).
E2E_TESTS += tests/e2e/report_leak.sh tests/e2e/report_retain.sh tests/e2e/report_badinput.sh \
	tests/e2e/report_profiles.sh tests/e2e/report_sampled.sh tests/e2e/report_unknown_go.sh \
	tests/e2e/report_goheap_check.sh tests/e2e/report_cgroup.sh tests/e2e/report_shortrun.sh \
	tests/e2e/report_finalizer.sh tests/e2e/report_fragment.sh \
	tests/e2e/report_html.sh
EXTRA_DIST += tests/e2e/report_lib.sh tests/data/report/cgoleak/main.go tests/data/report/retain/main.go \
	tests/data/report/shortgrow/main.go tests/data/report/finalizer/main.go \
	tests/data/report/finalizer/cleanup_go124.go tests/data/report/finalizer/cleanup_old.go \
	tests/data/report/sqlitefin/main.go tests/data/report/fragment/main.go
