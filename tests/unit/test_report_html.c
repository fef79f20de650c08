/* test_report_html.c: unit tests of the HTML report's writer (tools/report/html.c) on a model
 * built from synthetic events: every marker line of the template is filled (the stylesheet
 * and the script as compiled in); the gm-data block is the JSON report exactly, once its
 * script-text escapes are undone, and holds no "</", "<!--" or raw U+2028 even when the
 * trace's path and a process name do; the gm-stacks block holds every live stack, outermost
 * frame first, with the live bytes of the process (c_heap_live) as its total. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gomemtrace/schema.h"
#include "tools/report/html_assets.h"
#include "tools/report/model.h"
#include "tools/report/output.h"

/* ---- helpers ---- */
static struct gm_rep_model M;
static uint64_t T = 1000000000ULL;
/* a name that would end the script element, open a comment and break a JS literal */
static const char BAD[] = "evil</script><!--x\xe2\x80\xa8y";

static void do_malloc(uint64_t ptr, uint64_t size, const uint64_t *st, uint32_t d)
{
	struct gm_rep_ev e;
	memset(&e, 0, sizeof e);
	e.kind = GM_EV_MALLOC, e.ts = (T += 1000), e.vpid = 42, e.vtid = 42, e.procname = BAD;
	e.a[GM_A_STACK] = st, e.alen[GM_A_STACK] = d;
	e.v[GM_F_PTR] = (int64_t)ptr, e.v[GM_F_SIZE] = (int64_t)size;
	gm_rep_model_event(&M, &e);
}

static int setup(void **state)
{
	struct gm_rep_opts o = { .top = 10, .pid = -1, .from = 0, .to = -1 };
	gm_rep_model_init(&M, &o);
	(void)state;
	return 0;
}

static int teardown(void **state)
{
	gm_rep_model_free(&M);
	(void)state;
	return 0;
}

/* The HTML page (html) or the JSON report of the model, as a string (the caller frees it). */
static char *written(int html)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	assert_non_null(o);
	if (html)
		assert_int_equal(gm_rep_write_html(o, &M, "/tmp/t</script>"), 0);
	else
		gm_rep_write_json(o, &M, "/tmp/t</script>");
	assert_int_equal(fclose(o), 0);
	return buf;
}

/* The text of the <script> element with this id (a copy), or fail. */
static char *block(const char *page, const char *id)
{
	char open[128];
	snprintf(open, sizeof open, "<script type=\"application/json\" id=\"%s\">\n", id);
	const char *b = strstr(page, open);
	assert_non_null(b);
	b += strlen(open);
	const char *e = strstr(b, "\n</script>");
	assert_non_null(e);
	return strndup(b, (size_t)(e - b));
}

/* Undo html.c's escapes: \u003c -> '<', \u2028/\u2029 -> their UTF-8 (in place). */
static void unescape(char *s)
{
	char *w = s;
	for (const char *r = s; *r;) {
		if (!strncmp(r, "\\u003c", 6)) {
			*w++ = '<', r += 6;
		} else if (!strncmp(r, "\\u2028", 6) || !strncmp(r, "\\u2029", 6)) {
			*w++ = (char)0xe2, *w++ = (char)0x80, *w++ = r[5] == '8' ? (char)0xa8 : (char)0xa9, r += 6;
		} else {
			*w++ = *r++;
		}
	}
	*w = 0;
}

static const uint64_t S1[] = { 0x401000, 0x402000, 0x403000 }, S2[] = { 0x404000 };

/* ---- tests ---- */
static void test_page_parts(void **state)
{
	(void)state;
	do_malloc(0x1000, 100, S1, 3);
	gm_rep_analyze(&M);
	char *page = written(1);
	assert_null(strstr(page, "/*@gm:"));                 /* every marker filled */
	assert_non_null(strstr(page, gm_html_page_css));
	assert_non_null(strstr(page, gm_html_page_js));
	assert_int_equal(strncmp(page, "<!DOCTYPE html>", 15), 0);
	assert_non_null(strstr(page, "</html>\n"));
	free(page);
}

static void test_data_is_the_json(void **state)
{
	(void)state;
	do_malloc(0x1000, 100, S1, 3);
	do_malloc(0x2000, 50, S2, 1);
	gm_rep_analyze(&M);
	char *page = written(1), *json = written(0), *data = block(page, "gm-data");
	assert_null(strstr(data, "</"));
	assert_null(strstr(data, "<!--"));
	assert_null(strstr(data, "\xe2\x80\xa8"));
	assert_non_null(strstr(data, "evil\\u003c/script>\\u003c!--x\\u2028y"));
	unescape(data);
	assert_string_equal(data, json);
	free(data), free(json), free(page);
}

static void test_stacks_block(void **state)
{
	(void)state;
	do_malloc(0x1000, 100, S1, 3);
	do_malloc(0x1100, 100, S1, 3);
	do_malloc(0x2000, 50, S2, 1);
	gm_rep_analyze(&M);
	char *page = written(1), *st = block(page, "gm-stacks");
	assert_non_null(strstr(st, "\"pid\": 42, \"generation\": 0"));
	assert_non_null(strstr(st, "\"total\": 250 }"));
	/* S1 has three frames, no module: named by address, outermost (0x403000) first; the
	 * frames merge by name, so S2's one frame is the fourth */
	assert_non_null(strstr(st, "[200, 2, 0, 1, 2]"));
	assert_non_null(strstr(st, "[50, 1, 3]"));
	char *f0 = strstr(st, "\"frames\": [\n  [\"0x402fff\", \"?\"");
	assert_non_null(f0);
	free(st), free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_page_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_is_the_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stacks_block, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
