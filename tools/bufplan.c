/* bufplan.c: the LTTng buffer budget of `gomemtrace record` (see bufplan.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "tools/bufplan.h"

uint64_t gm_bufplan_ceil2(uint64_t v)
{
	uint64_t p = 1;
	while (p < v)
		p *= 2;
	return p;
}

uint64_t gm_bufplan_min_subbuf(uint32_t batch)
{
	uint64_t need = (uint64_t)batch * 32 + 2048;
	return need > 8192 ? gm_bufplan_ceil2(need) : 8192;
}

/* The largest power of two <= v (v >= 1). */
static uint64_t gm_bufplan_floor2(uint64_t v)
{
	uint64_t p = 1;
	while (p <= v / 2)
		p *= 2;
	return p;
}

void gm_bufplan(uint64_t budget, uint32_t ncpus, uint64_t min_subbuf, struct gm_bufplan *out)
{
	if (!ncpus)
		ncpus = 1;
	uint64_t min = gm_bufplan_ceil2(min_subbuf);
	if (min > GM_BUFPLAN_MAX_SUBBUF)
		min = GM_BUFPLAN_MAX_SUBBUF;
	uint64_t data = budget > GM_BUFPLAN_METADATA_ALLOWANCE ? budget - GM_BUFPLAN_METADATA_ALLOWANCE : 0;
	uint64_t per_cpu = data / ncpus;
	/* the smallest plan unless one below fits */
	out->subbuf_size = min, out->num_subbuf = 2;
	static const uint32_t nums[] = { 4, 2 };
	for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		uint64_t share = per_cpu / (nums[i] + 1); /* + LTTng's reader sub-buffer */
		uint64_t sub = share ? gm_bufplan_floor2(share) : 0;
		if (sub > GM_BUFPLAN_MAX_SUBBUF)
			sub = GM_BUFPLAN_MAX_SUBBUF;
		if (sub < min)
			continue;
		out->subbuf_size = sub, out->num_subbuf = nums[i];
		if (sub == GM_BUFPLAN_MAX_SUBBUF && 9 * sub <= per_cpu)
			out->num_subbuf = 8; /* room for more of the biggest */
		break;
	}
	out->ncpus = ncpus;
	out->total = gm_bufplan_bytes(ncpus, out->num_subbuf, out->subbuf_size);
	out->over_budget = out->total > budget;
}

uint64_t gm_bufplan_bytes(uint32_t ncpus, uint64_t num, uint64_t size)
{
	return (uint64_t)(ncpus ? ncpus : 1) * (gm_bufplan_ceil2(num) + 1) * gm_bufplan_ceil2(size) +
	       GM_BUFPLAN_METADATA_ALLOWANCE;
}

uint32_t gm_bufplan_parse_cpus(const char *t)
{
	uint64_t n = 0;
	const char *p = t;
	while (*p && *p != '\n') {
		if (!isdigit((unsigned char)*p))
			return 0;
		char *e;
		unsigned long lo = strtoul(p, &e, 10), hi = lo;
		if (*e == '-') {
			p = e + 1;
			if (!isdigit((unsigned char)*p))
				return 0;
			hi = strtoul(p, &e, 10);
		}
		if (hi < lo || hi > 1u << 20)
			return 0;
		n += hi - lo + 1;
		p = e;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return 0;
	}
	return n > (1u << 20) ? 0 : (uint32_t)n;
}

uint32_t gm_bufplan_possible_cpus(void)
{
	char buf[4096];
	int fd = open("/sys/devices/system/cpu/possible", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n > 0) {
			buf[n] = '\0';
			uint32_t c = gm_bufplan_parse_cpus(buf);
			if (c)
				return c;
		}
	}
	long c = sysconf(_SC_NPROCESSORS_CONF);
	return c > 0 ? (uint32_t)c : 1;
}

uint64_t gm_bufplan_parse_size(const char *s)
{
	if (!s || !isdigit((unsigned char)*s))
		return 0;
	char *e;
	errno = 0;
	unsigned long long v = strtoull(s, &e, 10);
	if (errno)
		return 0;
	unsigned shift = 0;
	switch (*e) {
	case '\0': break;
	case 'k': case 'K': shift = 10, e++; break;
	case 'M': shift = 20, e++; break;
	case 'G': shift = 30, e++; break;
	default: return 0;
	}
	if (*e || v > (UINT64_MAX >> shift))
		return 0;
	return (uint64_t)v << shift;
}
