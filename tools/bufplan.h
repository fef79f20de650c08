/* bufplan.h: the LTTng buffer budget of `gomemtrace record` (docs/production.md, "Footprint").
 *
 * LTTng-UST maps every per-CPU ring buffer of a per-UID channel into each traced process, for
 * every *possible* CPU, and its pages count in the process's RSS (RssShmem). So the buffers
 * are sized from a total budget and the number of possible CPUs, never per CPU: the traced
 * process's extra shared memory stays within the budget on any machine. Pure arithmetic: no
 * I/O except gm_bufplan_possible_cpus(). */
#ifndef GM_TOOLS_BUFPLAN_H
#define GM_TOOLS_BUFPLAN_H
#include <stdbool.h>
#include <stdint.h>

/* Default budgets: sampled mode (GOMEMTRACE_SAMPLE_BYTES > 0) and full mode (= 0). */
#define GM_BUFPLAN_SAMPLED_BUDGET (8ULL << 20)
#define GM_BUFPLAN_FULL_BUDGET (256ULL << 20)
/* Per-CPU limits: a sub-buffer must hold the largest event (gm_bufplan_min_subbuf); LTTng
 * wants at least 2 sub-buffers, and rounds both figures up to powers of two. */
#define GM_BUFPLAN_MAX_SUBBUF (4ULL << 20)
#define GM_BUFPLAN_MIN_NUM 2
/* What LTTng maps besides the data channel's per-CPU buffers, per session and UID, not per CPU
 * (the metadata channel, the ring buffers' control structures): 60 KiB measured with lttng-ust
 * 2.13 (tests/e2e/record_footprint.sh); taken from the budget before the data channel is sized. */
#define GM_BUFPLAN_METADATA_ALLOWANCE (64ULL << 10)

/* A plan. Filled by gm_bufplan(); read-only after. */
struct gm_bufplan {
	uint64_t subbuf_size; /* bytes per sub-buffer (power of two) */
	uint32_t num_subbuf;  /* sub-buffers per CPU (power of two, 2..8) */
	uint32_t ncpus;       /* possible CPUs the plan is for */
	uint64_t total;       /* gm_bufplan_bytes() of the plan */
	bool over_budget;     /* even the smallest buffers exceed the budget (very many CPUs) */
};

/* The smallest power of two >= v (1 for 0), as LTTng rounds sub-buffer sizes and counts. */
uint64_t gm_bufplan_ceil2(uint64_t v);

/* The smallest sub-buffer that holds the largest event of a tracer writing `batch` records per
 * alloc_batch (32 bytes each, GOMEMTRACE_BATCH) — or a 128-frame stack, a proc_info with its
 * paths: 2 KiB on top — as a power of two, at least 8 KiB. */
uint64_t gm_bufplan_min_subbuf(uint32_t batch);

/* Bytes LTTng maps into a traced process for a channel of `num` sub-buffers of `size` bytes per
 * CPU (each rounded up to a power of two, as LTTng does): every CPU has one more sub-buffer,
 * the consumer's (measured: RssShmem = ncpus x (num + 1) x size + 60 KiB), plus the allowance. */
uint64_t gm_bufplan_bytes(uint32_t ncpus, uint64_t num, uint64_t size);

/* Size the data channel for `budget` bytes in all on `ncpus` possible CPUs (0 counts as 1),
 * sub-buffers of at least `min_subbuf` bytes: 4 sub-buffers per CPU of the biggest power of two
 * (<= 4 MiB) that fits, 8 when even 8 of 4 MiB fit, 2 when 4 of min_subbuf do not; if none
 * fits, 2 of min_subbuf, marked over_budget. */
void gm_bufplan(uint64_t budget, uint32_t ncpus, uint64_t min_subbuf, struct gm_bufplan *out);

/* Possible CPUs from a /sys/devices/system/cpu/possible text ("0-63", "0,2-5\n"); 0 if the
 * text does not parse. */
uint32_t gm_bufplan_parse_cpus(const char *text);

/* Possible CPUs of this machine, as lttng-ust counts them (the possible mask; else
 * sysconf(_SC_NPROCESSORS_CONF)). */
uint32_t gm_bufplan_possible_cpus(void);

/* "4M", "512k", "4096" and the like (k/K, M, G suffixes, powers of 1024) to bytes; 0 if not a
 * size. */
uint64_t gm_bufplan_parse_size(const char *s);
#endif
