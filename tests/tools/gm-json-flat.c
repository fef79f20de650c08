/* gm-json-flat.c: test helper of the scenario matrix (tests/e2e/scenario_matrix.sh):
 * `gm-json-flat [FILE]` reads one JSON document (FILE or stdin) and prints every scalar as
 * one line `path<TAB>value`, so that shell tests can read the JSON report with grep/awk and
 * no jq (which CI does not install). Paths join object keys and array indexes with dots:
 *
 *     processes.1.final.rss	160251904
 *     processes.1.findings.0.kind	cgo_leak
 *
 * Strings are printed unescaped (\n, \t, \" and \\ become their characters; \uXXXX is printed
 * as '?' unless ASCII). Exit status: 0, or 1 with a message on a syntax error. Single-threaded. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- input ---- */

struct gm_jf {
	const char *s; /* the whole document (main thread only) */
	size_t pos;    /* read position in s */
	char path[4096]; /* current path, NUL-terminated */
	size_t plen;   /* strlen(path) */
};

static void gm_jf_die(struct gm_jf *j, const char *what)
{
	fprintf(stderr, "gm-json-flat: %s at offset %zu\n", what, j->pos);
	exit(1);
}

static void gm_jf_ws(struct gm_jf *j)
{
	while (j->s[j->pos] && isspace((unsigned char)j->s[j->pos]))
		j->pos++;
}

/* ---- path ---- */

static size_t gm_jf_push(struct gm_jf *j, const char *part, size_t n)
{
	size_t old = j->plen;
	if (old + n + 2 >= sizeof j->path)
		gm_jf_die(j, "path too long");
	if (old)
		j->path[j->plen++] = '.';
	memcpy(j->path + j->plen, part, n);
	j->plen += n;
	j->path[j->plen] = 0;
	return old;
}

static void gm_jf_pop(struct gm_jf *j, size_t old)
{
	j->plen = old;
	j->path[old] = 0;
}

/* ---- values ---- */

/* Parse a string at pos (on the opening quote) into out (at most cap-1 bytes kept). */
static void gm_jf_string(struct gm_jf *j, char *out, size_t cap)
{
	size_t n = 0;
	j->pos++;
	for (;;) {
		char c = j->s[j->pos++];
		if (!c)
			gm_jf_die(j, "unterminated string");
		if (c == '"')
			break;
		if (c == '\\') {
			char e = j->s[j->pos++];
			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v = 0;
				for (int i = 0; i < 4; i++) {
					char h = j->s[j->pos++];
					if (!isxdigit((unsigned char)h))
						gm_jf_die(j, "bad \\u escape");
					v = v * 16 + (unsigned)(isdigit((unsigned char)h) ? h - '0' : (tolower(h) - 'a' + 10));
				}
				c = v < 128 ? (char)v : '?';
				break;
			}
			case 0: gm_jf_die(j, "unterminated escape"); break;
			default: c = e; break;
			}
		}
		if (n + 1 < cap)
			out[n++] = c;
	}
	out[n] = 0;
}

static void gm_jf_value(struct gm_jf *j);

static void gm_jf_object(struct gm_jf *j)
{
	char key[1024];
	j->pos++;
	gm_jf_ws(j);
	if (j->s[j->pos] == '}') {
		j->pos++;
		return;
	}
	for (;;) {
		gm_jf_ws(j);
		if (j->s[j->pos] != '"')
			gm_jf_die(j, "object key expected");
		gm_jf_string(j, key, sizeof key);
		gm_jf_ws(j);
		if (j->s[j->pos++] != ':')
			gm_jf_die(j, "':' expected");
		size_t old = gm_jf_push(j, key, strlen(key));
		gm_jf_value(j);
		gm_jf_pop(j, old);
		gm_jf_ws(j);
		char c = j->s[j->pos++];
		if (c == '}')
			return;
		if (c != ',')
			gm_jf_die(j, "',' or '}' expected");
	}
}

static void gm_jf_array(struct gm_jf *j)
{
	char idx[32];
	j->pos++;
	gm_jf_ws(j);
	if (j->s[j->pos] == ']') {
		j->pos++;
		return;
	}
	for (unsigned long i = 0;; i++) {
		int n = snprintf(idx, sizeof idx, "%lu", i);
		size_t old = gm_jf_push(j, idx, (size_t)n);
		gm_jf_value(j);
		gm_jf_pop(j, old);
		gm_jf_ws(j);
		char c = j->s[j->pos++];
		if (c == ']')
			return;
		if (c != ',')
			gm_jf_die(j, "',' or ']' expected");
	}
}

static void gm_jf_value(struct gm_jf *j)
{
	static char buf[65536];
	gm_jf_ws(j);
	char c = j->s[j->pos];
	if (c == '{') {
		gm_jf_object(j);
	} else if (c == '[') {
		gm_jf_array(j);
	} else if (c == '"') {
		gm_jf_string(j, buf, sizeof buf);
		printf("%s\t%s\n", j->path, buf);
	} else {
		size_t start = j->pos;
		while (j->s[j->pos] && (isalnum((unsigned char)j->s[j->pos]) || strchr("+-.", j->s[j->pos])))
			j->pos++;
		if (j->pos == start)
			gm_jf_die(j, "value expected");
		printf("%s\t%.*s\n", j->path, (int)(j->pos - start), j->s + start);
	}
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	FILE *f = stdin;
	if (argc > 1 && !(f = fopen(argv[1], "r"))) {
		perror(argv[1]);
		return 1;
	}
	size_t cap = 1 << 16, len = 0, n;
	char *s = malloc(cap);
	while (s && (n = fread(s + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap)
			s = realloc(s, cap *= 2);
	}
	if (!s) {
		fprintf(stderr, "gm-json-flat: out of memory\n");
		return 1;
	}
	s[len] = 0;
	struct gm_jf j = { .s = s };
	gm_jf_value(&j);
	gm_jf_ws(&j);
	if (j.s[j.pos])
		gm_jf_die(&j, "trailing data");
	free(s);
	return 0;
}
