/* config.c: GOMEMTRACE_* environment variables -> struct gm_config, and the one way the
 * tracer prints a warning. Read in the constructor, before the program has threads. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "gomemtrace/schema.h"
#include "preload/config.h"

struct gm_config gm_config = {
	.stack_depth = 48,
	.sample_interval_ms = 1000,
	.free_stacks = false,
	.go_trap = true,
	.trace_malloc = true,
	.trace_mmap = true,
	.trace_madvise = true,
	.go_chunks = true,
	.debug = false,
	.sample_bytes = 512 * 1024, /* like Go's MemProfileRate */
	.sample_big = 1 << 20,
	.batch = 128,
};

/* ---- parsing ------------------------------------------------------------------------ */

static unsigned long long gm_config_num(const char *name, unsigned long long def,
					unsigned long long max)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return def;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v > max) {
		gm_config_warn("%s=%s is not a number in 0..%llu; using %llu", name, s, max, def);
		return def;
	}
	return v;
}

static bool gm_config_bool(const char *name, bool def)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return def;
	if (!strcmp(s, "1") || !strcmp(s, "yes") || !strcmp(s, "on") || !strcmp(s, "true"))
		return true;
	if (!strcmp(s, "0") || !strcmp(s, "no") || !strcmp(s, "off") || !strcmp(s, "false"))
		return false;
	gm_config_warn("%s=%s is not a boolean (0/1); using %d", name, s, def);
	return def;
}

/* GOMEMTRACE_FAMILIES: comma-separated subset of malloc,mmap,madvise (or "all"). */
static void gm_config_families(void)
{
	const char *s = getenv("GOMEMTRACE_FAMILIES");
	if (!s || !*s || !strcmp(s, "all"))
		return;
	gm_config.trace_malloc = gm_config.trace_mmap = gm_config.trace_madvise = false;
	while (*s) {
		size_t n = strcspn(s, ",");
		if (n == 6 && !strncmp(s, "malloc", n))
			gm_config.trace_malloc = true;
		else if (n == 4 && !strncmp(s, "mmap", n))
			gm_config.trace_mmap = true;
		else if (n == 7 && !strncmp(s, "madvise", n))
			gm_config.trace_madvise = true;
		else if (n)
			gm_config_warn("GOMEMTRACE_FAMILIES: unknown family '%.*s' (malloc, mmap, madvise)",
				       (int)n, s);
		s += n + (s[n] == ',');
	}
}

void gm_config_load(void)
{
	gm_config.stack_depth = gm_config_num("GOMEMTRACE_STACK_DEPTH", gm_config.stack_depth,
					      GM_STACK_DEPTH_MAX);
	gm_config.sample_interval_ms = gm_config_num("GOMEMTRACE_SAMPLE_MS",
						     gm_config.sample_interval_ms, 3600000);
	gm_config.free_stacks = gm_config_bool("GOMEMTRACE_FREE_STACKS", gm_config.free_stacks);
	gm_config.go_trap = gm_config_bool("GOMEMTRACE_GO_TRAP", gm_config.go_trap);
	gm_config.go_chunks = gm_config_bool("GOMEMTRACE_GO_CHUNKS", gm_config.go_chunks);
	gm_config.debug = gm_config_bool("GOMEMTRACE_DEBUG", gm_config.debug);
	gm_config.sample_bytes = gm_config_num("GOMEMTRACE_SAMPLE_BYTES", gm_config.sample_bytes,
					       1ULL << 40);
	gm_config.sample_big = gm_config_num("GOMEMTRACE_SAMPLE_BIG", gm_config.sample_big, 1ULL << 40);
	gm_config.batch = gm_config_num("GOMEMTRACE_BATCH", gm_config.batch, GM_BATCH_MAX);
	if (gm_config.batch == 1)
		gm_config.batch = 0;
	gm_config_families();
}

/* ---- warnings ----------------------------------------------------------------------- */

void gm_config_warn(const char *fmt, ...)
{
	char buf[512];
	int n = snprintf(buf, sizeof buf, "gomemtrace: ");
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, sizeof buf - n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		m = 0;
	n += (size_t)m < sizeof buf - n - 1 ? m : (int)(sizeof buf - n - 2);
	buf[n++] = '\n';
	int saved = errno;
	(void)!syscall(SYS_write, 2, buf, (size_t)n);
	errno = saved;
}
