/* batch.h: per-thread batches of allocation records (gomemtrace:alloc_batch).
 *
 * One LTTng-UST event costs ~140 ns here, more than a malloc/free pair; in full mode a
 * cgo-heavy program makes several per microsecond. With GOMEMTRACE_BATCH > 1 a successful
 * malloc/calloc and a free of a recorded block become a 32-byte record in the calling
 * thread's buffer, with their own time stamp and a stack id (the stack itself is written
 * once, as gomemtrace:stack); a full buffer is one event. The sampler thread writes out every
 * buffer every 100 ms ("flush") and at exit, then says up to when everything is written
 * (gomemtrace:flush), so the reader knows when it may put records back in time order.
 * Record layout and events: include/gomemtrace/schema.h, tp.h, docs/events.md. */
#ifndef GM_BATCH_H
#define GM_BATCH_H
#include <stdbool.h>
#include <stdint.h>

/* Period of the flusher, ms (the sampler thread; samples are taken every Nth flush). */
#define GM_BATCH_FLUSH_MS 100

/* Call from the constructor, after gm_config_load(). */
void gm_batch_init(void);

/* From a hook at nesting depth 1, for a recorded call: append a record (kind: enum
 * gm_batch_kind; size: 0 for free) with stack st[0..depth) (`has_stack` 0: no stack) to this
 * thread's buffer. False when the call must be written as an event of its own instead
 * (batching off or not enabled in the session, no buffer free, the flusher holds ours). */
bool gm_batch_add(unsigned kind, uintptr_t ptr, uint64_t size, const uint64_t *st, uint32_t depth,
		  bool has_stack);

/* Forget which stacks were written: each is written again (gomemtrace:stack) at its next use.
 * Sampler thread only (every second, and when a new session starts); lock-free, no syscall. */
void gm_batch_forget(void);
/* Bytes of the batch buffers and the table of written stacks resident in RAM. */
uint64_t gm_batch_resident(void);

/* Write out every thread's buffer, then gomemtrace:flush. `final`: at exit (wait a little
 * for threads inside a hook; report what could not be written). Sampler thread or the exit
 * path only; async-signal-safe (the Go exit runs it in the trap's handler). */
void gm_batch_flush_all(bool final);
#endif
