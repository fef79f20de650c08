/* input.h: the reader's input side: a trace read through libbabeltrace2, decoded into flat
 * `struct gm_rep_ev` records (one per gomemtrace or lttng-ust event) and lost-event counts,
 * handed to a callback. Kept separate from the model so that a live session
 * (src.ctf.lttng-live) can feed the same callbacks later. */
#ifndef GM_REPORT_INPUT_H
#define GM_REPORT_INPUT_H
#include <stddef.h>
#include <stdint.h>

/* ---- events ---- */
/* Which event a record is (only the events the report uses are decoded). */
enum gm_rep_kind {
	GM_EV_OTHER = 0,
	GM_EV_MALLOC,      /* malloc, valloc, pvalloc: size, ptr */
	GM_EV_CALLOC,      /* nmemb, size, ptr */
	GM_EV_REALLOC,     /* realloc, reallocarray: in_ptr, nmemb, size, ptr */
	GM_EV_MEMALIGN,    /* posix_memalign, aligned_alloc, memalign: align, size, ptr */
	GM_EV_FREE,        /* ptr */
	GM_EV_MMAP,        /* addr, len, prot, flags, fd, offset, ret */
	GM_EV_MUNMAP,      /* addr, len, ret */
	GM_EV_MREMAP,      /* old_addr, old_len, new_len, flags, new_addr, ret */
	GM_EV_MADVISE,     /* addr, len, arg (advice), ret */
	GM_EV_MPROTECT,    /* addr, len, arg (prot), ret */
	GM_EV_PROC_INFO,   /* exe, go_version, page_size, sample_bytes, ... */
	GM_EV_TRAP_STATUS, /* state, sites, reason */
	GM_EV_GO_EXIT,     /* status */
	GM_EV_SAMPLE,      /* seq, kind, go_read_ns, rss ... go_resident */
	GM_EV_GO_CHUNKS,   /* seq, base, inuse[], released[], resident[] */
	GM_EV_ALLOC_BATCH, /* tid, rec[] (records: include/gomemtrace/schema.h) */
	GM_EV_STACK,       /* id, stack[] */
	GM_EV_FLUSH,       /* upto, final, unflushed */
	GM_EV_START,       /* start_ns, how: the process's beginning is in the trace */
	GM_EV_RESYNC,      /* seq, periodic: the tracer resynchronized (a session started late,
			      or its periodic resync) */
	GM_EV_SD_START,    /* lttng_ust_statedump:start */
	GM_EV_SD_END,      /* lttng_ust_statedump:end */
	GM_EV_SD_BIN_INFO, /* lttng_ust_statedump:bin_info: baddr, memsz, path, is_pic */
	GM_EV_SD_BUILD_ID, /* lttng_ust_statedump:build_id: baddr, build_id[] */
	GM_EV_LIB_LOAD,    /* lttng_ust_lib:load: baddr, memsz, path */
	GM_EV_LIB_UNLOAD,  /* lttng_ust_lib:unload: baddr */
	GM_EV_LIB_BUILD_ID,/* lttng_ust_lib:build_id: baddr, build_id[] */
	GM_EV_KIND_COUNT
};

/* Integer fields, by slot (payload member names in input.c, gm_rep_field_names[]). */
enum gm_rep_field {
	GM_F_SIZE, GM_F_PTR, GM_F_ERR, GM_F_ORIGIN, GM_F_NMEMB, GM_F_IN_PTR, GM_F_ALIGN,
	GM_F_ADDR, GM_F_LEN, GM_F_PROT, GM_F_FLAGS, GM_F_FD, GM_F_OFFSET, GM_F_RET,
	GM_F_OLD_ADDR, GM_F_OLD_LEN, GM_F_NEW_LEN, GM_F_NEW_ADDR, GM_F_ARG,
	GM_F_PPID, GM_F_PAGE_SIZE, GM_F_SAMPLE_BYTES, GM_F_TRAP_STATE, GM_F_STATE, GM_F_SITES,
	GM_F_STATUS, GM_F_SEQ, GM_F_FINAL, GM_F_RSS, GM_F_PSS, GM_F_ANON, GM_F_LAZYFREE,
	GM_F_FILE, GM_F_SHMEM, GM_F_SWAP, GM_F_CGROUP, GM_F_M_ARENA, GM_F_M_MMAP, GM_F_M_INUSE,
	GM_F_M_FREE, GM_F_M_KEEPCOST, GM_F_GO_SOURCE, GM_F_GO_MAPPED, GM_F_GO_INUSE,
	GM_F_GO_FREE, GM_F_GO_RELEASED, GM_F_GO_RESIDENT, GM_F_BASE, GM_F_BADDR, GM_F_MEMSZ,
	GM_F_IS_PIC, GM_F_SAMPLE_BIG, GM_F_TID, GM_F_ID, GM_F_UPTO, GM_F_UNFLUSHED, GM_F_BATCH,
	GM_F_KIND, GM_F_GO_READ_NS, GM_F_HOP_FAILURES, GM_F_GO_HEAP_CHECKED, GM_F_GO_HEAP_CHECK_FAILED,
	GM_F_GO_HEAP_CHECK_ADDR, GM_F_START_NS, GM_F_HOW, GM_F_PERIODIC,
	GM_F_CG_LIMIT, GM_F_CG_ANON, GM_F_CG_FILE, GM_F_CG_KERNEL, GM_F_CG_SOCK, GM_F_CG_PROCS,
	GM_F_TRACER_RESIDENT, GM_F_FREER, GM_F_GO_OBJECTS, GM_F_GO_SPANS,
	GM_F_COUNT
};
/* String fields. */
enum gm_rep_str { GM_S_EXE, GM_S_GO_VERSION, GM_S_PATH, GM_S_REASON, GM_S_PROCNAME, GM_S_STACK_LAYOUT,
		  GM_S_HOP_REASON, GM_S_COUNT };
/* Array fields (decoded into uint64_t). */
enum gm_rep_arr { GM_A_STACK, GM_A_INUSE, GM_A_RELEASED, GM_A_RESIDENT, GM_A_BUILD_ID, GM_A_REC, GM_A_COUNT };

/* One decoded event. Built by the input, valid only during the callback (strings and
 * arrays point into the reader's buffers). Absent fields read 0 / NULL / length 0. */
struct gm_rep_ev {
	enum gm_rep_kind kind;            /* what it is */
	uint64_t ts;                      /* ns from the clock's origin */
	int64_t cycles_off;               /* ns from origin - clock cycles (a 1 GHz clock: batch record
					     times and flush `upto` are cycles); valid if cycles_ok */
	int cycles_ok;                    /* the event's clock runs at 1 GHz */
	int64_t vpid;                     /* context vpid, -1 if absent */
	int64_t vtid;                     /* context vtid, -1 if absent */
	const char *procname;             /* context procname, "" if absent */
	uint8_t has[GM_F_COUNT];          /* has[GM_F_x]: integer field x was in the event */
	int64_t v[GM_F_COUNT];            /* integer fields (unsigned ones bit-cast) */
	const char *s[GM_S_COUNT];        /* string fields */
	const uint64_t *a[GM_A_COUNT];    /* array fields */
	uint32_t alen[GM_A_COUNT];        /* their lengths */
};

/* ---- reading ---- */
/* Callbacks; `ctx` is the caller's. event() returns nonzero to stop reading (e.g. --to). */
struct gm_rep_input_ops {
	int (*event)(void *ctx, const struct gm_rep_ev *ev);
	/* Lost data: `events` discarded events or `packets` discarded packets of one stream;
	 * ts is the end of the gap (ns from origin, 0 if unknown). */
	void (*discarded)(void *ctx, uint64_t events, uint64_t packets, uint64_t ts);
	/* Optional: the first event of a stream (one per CPU ring buffer and trace) at ts, before
	 * that event's own callback; `lost_before`: the stream's older packets are gone (its
	 * first packet is not its first ever, or that cannot be told). A snapshot is complete
	 * from the latest first event of such streams (scan.c). */
	void (*stream_first)(void *ctx, uint64_t ts, int lost_before);
	/* Optional: called between reading steps (a live session: also while waiting for data). */
	void (*tick)(void *ctx);
};

/* What a read ended with. */
enum gm_rep_input_status {
	GM_IN_OK = 0,        /* the whole trace was read (or the callback stopped it) */
	GM_IN_NO_DIR = 1,    /* the directory does not exist or cannot be read */
	GM_IN_NOT_CTF = 2,   /* no CTF trace (no `metadata` file) under it */
	GM_IN_BT_ERROR = 3,  /* babeltrace2 could not set up the graph */
	GM_IN_PARTIAL = 4,   /* reading failed part way (truncated or corrupt data) */
};

/* The recording sessions under `dir`: the directories that hold a session's traces (LTTng
 * puts them under SESSION/ust/uid/UID/64-bit, or .../ust/pid/...; a relayd under
 * OUTPUT/HOST/SESSION-DATE/), sorted, malloc'd in *out (each string too). Their number. */
size_t gm_rep_input_sessions(const char *dir, char ***out);

/* Read every CTF trace under `dir` (recursively: LTTng puts one per uid/pid and ABI) in
 * timestamp order. On failure `err` (errlen bytes) gets a one-line reason. */
enum gm_rep_input_status gm_rep_input_read_dir(const char *dir, const struct gm_rep_input_ops *ops,
					       void *ctx, char *err, size_t errlen);

/* Read a live session from an lttng-relayd (net://RELAYD[:LIVE_PORT]/host/HOSTNAME/SESSION)
 * until it ends, ops->tick between steps. Status and err as above (GM_IN_NO_DIR: no such
 * session). */
enum gm_rep_input_status gm_rep_input_read_live(const char *url, const struct gm_rep_input_ops *ops, void *ctx,
						char *err, size_t errlen);
#endif
