/* gotrap.c: the Go trap. Catches the Go runtime's raw madvise (the scavenger) and exit_group,
 * which are SYSCALL instructions inside runtime.madvise / runtime.exit and so invisible to
 * LD_PRELOAD, by patching those few syscall sites to `int3; nop` before any Go code runs.
 *
 * A trap at a patched site lands in gm_gotrap_handler (SIGTRAP, on the thread's signal stack,
 * every signal blocked): it re-issues the syscall from here with the interrupted registers,
 * hands the kernel's exact result back in RAX, resumes after the site, and records the call
 * (gomemtrace:madvise with origin GM_ORIGIN_GO_RAW, or gomemtrace:go_exit plus the final
 * sample). sigaction and the functions of glibc that bypass it (signal, sigset, ...) are
 * interposed for SIGTRAP only: a handler installed by the Go runtime or by C code is stored,
 * reported back as the "old" action, and called for every SIGTRAP that is not ours.
 *
 * The patch lives in the process's private copy of the text page: execve discards it, fork
 * copies it together with the handler. See docs/go-trap.md (design, trade-offs, cost).
 * Byte sequences verified on Go 1.19, 1.21, 1.22, 1.23 (amd64): runtime.madvise has
 * `48 c7 c0 1c 00 00 00  0f 05` at +0xe, runtime.exit `b8 e7 00 00 00  0f 05` at +0x4. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>

#include "preload/gotrap.h"

/* ---- the site finder (pure) ---- */

int gm_gotrap_find_sites(const uint8_t *code, size_t len, uint32_t nr, uint32_t *offs, int max)
{
	int n = 0;
	for (size_t i = 5; i + 2 <= len; i++) {
		if (code[i] != 0x0f || code[i + 1] != 0x05)
			continue;
		uint32_t imm;
		memcpy(&imm, code + i - 4, 4);
		if (imm != nr)
			continue;
		bool mov32 = code[i - 5] == 0xb8;                                   /* mov $imm32,%eax */
		bool mov64 = i >= 7 && code[i - 7] == 0x48 && code[i - 6] == 0xc7 && /* mov $imm32,%rax */
			     code[i - 5] == 0xc0;
		if (!mov32 && !mov64)
			continue;
		if (n < max)
			offs[n] = (uint32_t)i;
		n++;
	}
	return n;
}

#ifndef GM_GOTRAP_TESTING

#include "gomemtrace/schema.h"
#include "gomemtrace/tp.h"
#include "preload/config.h"
#include "preload/export.h"
#include "preload/goheap.h"
#include "preload/gosyms.h"
#include "preload/guard.h"
#include "preload/sampler.h"
#include "preload/stack.h"

/* ---- raw syscalls (no errno, no libc, async-signal-safe) ---- */

static long gm_gotrap_sys6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#define gm_gotrap_sys(nr, a1, a2, a3) gm_gotrap_sys6((nr), (long)(a1), (long)(a2), (long)(a3), 0, 0, 0)

/* The kernel's struct sigaction (rt_sigaction), for queries that must bypass libc. */
struct gm_ksigaction {
	void *handler;      /* sa_handler / sa_sigaction */
	unsigned long flags; /* SA_* */
	void *restorer;     /* SA_RESTORER trampoline */
	uint64_t mask;      /* blocked signals 1..64 */
};

/* ---- state ---- */

#define GM_TRAP_MAX_SITES 4
#define GM_TRAP_INT3_NOP 0x90ccu /* cc 90, little-endian */
#define GM_TRAP_SYSCALL 0x050fu  /* 0f 05 */

enum gm_site_kind {
	GM_SITE_MADVISE = 0, /* runtime.madvise: SYS_madvise */
	GM_SITE_EXIT = 1,    /* runtime.exit: SYS_exit_group */
};

/* One patched syscall site. Written by gm_gotrap_init (before Go code runs); read-only after. */
struct gm_trap_site {
	uintptr_t addr; /* address of the `syscall` instruction, now `int3; nop` */
	uint8_t kind;   /* enum gm_site_kind */
};

/* The trap. Written by gm_gotrap_init (constructor, single-threaded) and by gm_gotrap_check
 * (the sampler thread); read by the signal handler and the sigaction hooks on any thread. */
static struct {
	struct gm_trap_site sites[GM_TRAP_MAX_SITES]; /* patched sites; fixed after init */
	uint32_t nsites;                              /* their number; fixed after init */
	uint8_t state;                                /* enum gm_trap_state (atomic) */
	int installed;                                /* 1 while our SIGTRAP handler is the kernel's (atomic) */
	const char *reason;                           /* why not armed; a static string */
	char reason_buf[160];                         /* storage for a formatted reason (init only) */
} gm_trap = { .state = GM_TRAP_OFF, .reason = "" };

/* The program's own SIGTRAP action, stored instead of installed while ours is. Writers: the
 * sigaction hooks (any thread, serialised by `lock`, signals blocked); readers: the handler
 * (any thread), through the `seq` seqlock. */
static struct {
	struct sigaction act; /* what the program believes is installed */
	unsigned seq;         /* odd while a writer is inside (atomic) */
	int lock;             /* writers' spin lock (atomic) */
} gm_trap_user;

/* libc's sigaction, resolved by dlsym; written once (racing threads store the same value). */
static int (*gm_real_sigaction)(int, const struct sigaction *, struct sigaction *);

/* ---- helpers ---- */

static int (*gm_gotrap_real(void))(int, const struct sigaction *, struct sigaction *)
{
	if (GM_LIKELY(gm_real_sigaction))
		return gm_real_sigaction;
	gm_guard_depth++;
	void *p = gm_dlsym(RTLD_NEXT, "sigaction");
	gm_guard_depth--;
	__atomic_store_n(&gm_real_sigaction, p, __ATOMIC_RELEASE);
	return gm_real_sigaction;
}

static int gm_gotrap_site_index(uintptr_t addr)
{
	for (uint32_t i = 0; i < gm_trap.nsites; i++)
		if (gm_trap.sites[i].addr == addr)
			return (int)i;
	return -1;
}

static void gm_gotrap_set_state(uint8_t state, const char *reason)
{
	gm_trap.reason = reason;
	__atomic_store_n(&gm_trap.state, state, __ATOMIC_RELEASE);
	if (gm_config.debug)
		gm_config_warn("go trap: state %u, %u sites%s%s", state, gm_trap.nsites,
			       *reason ? ": " : "", reason);
	lttng_ust_tracepoint(gomemtrace, trap_status, state, gm_trap.nsites, reason);
}

/* Block every signal on this thread (raw), saving the previous mask in *old. */
static void gm_gotrap_block_all(uint64_t *old)
{
	uint64_t all = ~0ULL;
	gm_gotrap_sys6(SYS_rt_sigprocmask, SIG_SETMASK, (long)&all, (long)old, 8, 0, 0);
}

static void gm_gotrap_restore_mask(const uint64_t *old)
{
	gm_gotrap_sys6(SYS_rt_sigprocmask, SIG_SETMASK, (long)old, 0, 8, 0, 0);
}

/* ---- the stored SIGTRAP action ---- */

static void gm_gotrap_user_read(struct sigaction *out)
{
	for (int tries = 0; tries < 100000; tries++) {
		unsigned s = __atomic_load_n(&gm_trap_user.seq, __ATOMIC_ACQUIRE);
		if (s & 1) {
			__builtin_ia32_pause();
			continue;
		}
		memcpy(out, &gm_trap_user.act, sizeof *out);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&gm_trap_user.seq, __ATOMIC_RELAXED) == s)
			return;
	}
	memcpy(out, &gm_trap_user.act, sizeof *out); /* a writer died inside: take what is there */
}

/* Replace the stored action (act may be NULL: query only); old receives the previous one. */
static void gm_gotrap_user_swap(const struct sigaction *act, struct sigaction *old)
{
	struct sigaction prev, next;
	if (act)
		next = *act; /* act and old may be the same object */
	uint64_t mask;
	gm_gotrap_block_all(&mask);
	while (__atomic_exchange_n(&gm_trap_user.lock, 1, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	prev = gm_trap_user.act;
	if (act) {
		__atomic_fetch_add(&gm_trap_user.seq, 1, __ATOMIC_ACQ_REL);
		__atomic_thread_fence(__ATOMIC_RELEASE);
		gm_trap_user.act = next;
		__atomic_fetch_add(&gm_trap_user.seq, 1, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&gm_trap_user.lock, 0, __ATOMIC_RELEASE);
	gm_gotrap_restore_mask(&mask);
	if (old)
		*old = prev;
}

/* ---- the signal handler ---- */

/* What the kernel would have done with a SIGTRAP nobody handles: terminate with a core. */
static void gm_gotrap_die(int sig)
{
	struct gm_ksigaction dfl = { 0 };
	dfl.handler = SIG_DFL;
	gm_gotrap_sys6(SYS_rt_sigaction, sig, (long)&dfl, 0, 8, 0, 0);
	__atomic_store_n(&gm_trap.installed, 0, __ATOMIC_RELEASE);
	long pid = gm_gotrap_sys(SYS_getpid, 0, 0, 0);
	long tid = gm_gotrap_sys(SYS_gettid, 0, 0, 0);
	gm_gotrap_sys(SYS_tgkill, pid, tid, sig);
	uint64_t m = 1ULL << (sig - 1);
	gm_gotrap_sys6(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&m, 0, 8, 0, 0);
}

/* A SIGTRAP that is not ours: to the program's handler, as the kernel would have delivered it. */
static __attribute__((noinline)) void gm_gotrap_forward(int sig, siginfo_t *si, void *uc)
{
	struct sigaction a;
	gm_gotrap_user_read(&a);
	bool forced = si && si->si_code > 0; /* int3, single-step, hw breakpoint: kernel-forced */
	if (a.sa_handler == SIG_IGN && !forced)
		return;
	if (a.sa_handler == SIG_DFL || a.sa_handler == SIG_IGN) {
		gm_gotrap_die(sig);
		return;
	}
	if (a.sa_flags & SA_RESETHAND) {
		struct sigaction dfl;
		memset(&dfl, 0, sizeof dfl);
		dfl.sa_handler = SIG_DFL;
		gm_gotrap_user_swap(&dfl, NULL);
	}
	if (a.sa_flags & SA_SIGINFO)
		a.sa_sigaction(sig, si, uc);
	else
		a.sa_handler(sig);
}

static __attribute__((noinline)) void gm_gotrap_report_madvise(uintptr_t site, const greg_t *g, long r)
{
	if (!gm_config.trace_madvise || !lttng_ust_tracepoint_enabled(gomemtrace, madvise))
		return;
	if (gm_guard_depth != 0) /* the tracer's own thread or code: not the program's */
		return;
	gm_guard_depth++;
	gm_guard_thread_check();
	uint64_t st[GM_STACK_DEPTH_MAX];
	uint32_t d = gm_stack_capture_go(st, gm_config.stack_depth, site, (uintptr_t)g[REG_RSP],
					 (uintptr_t)g[REG_RBP]);
	int32_t ret = r < 0 ? -1 : (int32_t)r;
	int32_t err = r < 0 ? (int32_t)-r : 0;
	lttng_ust_do_tracepoint(gomemtrace, madvise, (uint64_t)g[REG_RDI], (uint64_t)g[REG_RSI],
				(int32_t)g[REG_RDX], ret, err, GM_ORIGIN_GO_RAW, st, d);
	gm_guard_depth--;
}

/* Set by the thread that traps the runtime's exit_group, before its final sample; never
 * cleared (the process is leaving). Read by every other trapped madvise. */
static _Atomic int gm_gotrap_exiting;

/* A madvise trapped once the process is leaving: the exit sample must describe the heap the
 * program left, so the runtime's other threads (the background scavenger) wait here until the
 * exit_group ends them. Bounded (GM_GOTRAP_EXIT_HOLD_MS) so that an exit that never comes
 * cannot hold a thread for ever; the call then goes ahead as usual. */
#define GM_GOTRAP_EXIT_HOLD_MS 10000
static void gm_gotrap_hold_at_exit(void)
{
	struct timespec ms = { 0, 1000000 };
	for (int i = 0; i < GM_GOTRAP_EXIT_HOLD_MS && atomic_load_explicit(&gm_gotrap_exiting, memory_order_acquire); i++)
		gm_gotrap_sys(SYS_nanosleep, &ms, NULL, 0);
}

static __attribute__((noinline)) void gm_gotrap_report_exit(int32_t status)
{
	atomic_store_explicit(&gm_gotrap_exiting, 1, memory_order_release);
	int saved = gm_guard_depth;
	gm_guard_depth++;
	if (saved == 0) {
		gm_guard_thread_check();
		lttng_ust_tracepoint(gomemtrace, go_exit, status);
	}
	gm_sampler_final(GM_EXIT_GO);
	gm_guard_depth--;
}

static void gm_gotrap_handler(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	greg_t *g = uc->uc_mcontext.gregs;
	uintptr_t rip = (uintptr_t)g[REG_RIP];
	int i = si && si->si_code == SI_KERNEL ? gm_gotrap_site_index(rip - 1) : -1;
	if (i < 0) {
		gm_gotrap_forward(sig, si, ucv);
		return;
	}
	int saved_errno = errno;
	const struct gm_trap_site *s = &gm_trap.sites[i];
	if (s->kind == GM_SITE_EXIT)
		gm_gotrap_report_exit((int32_t)g[REG_RDI]);
	else if (GM_UNLIKELY(atomic_load_explicit(&gm_gotrap_exiting, memory_order_relaxed)))
		gm_gotrap_hold_at_exit();
	else if (s->kind == GM_SITE_MADVISE && (g[REG_RDX] == MADV_DONTNEED || g[REG_RDX] == MADV_FREE) &&
		 lttng_ust_tracepoint_enabled(gomemtrace, sample))
		gm_goheap_check_release((uintptr_t)g[REG_RDI], (size_t)g[REG_RSI]); /* before the call; only
										      * while recording */
	/* The syscall itself, with the registers it would have had. */
	long r = gm_gotrap_sys6((long)g[REG_RAX], (long)g[REG_RDI], (long)g[REG_RSI], (long)g[REG_RDX],
				(long)g[REG_R10], (long)g[REG_R8], (long)g[REG_R9]);
	g[REG_RAX] = r;
	g[REG_RCX] = (greg_t)(s->addr + 2); /* as SYSCALL leaves them */
	g[REG_R11] = g[REG_EFL];
	g[REG_RIP] = (greg_t)(s->addr + 2);
	if (s->kind == GM_SITE_MADVISE) {
		if (r == 0 && (g[REG_RDX] == MADV_DONTNEED || g[REG_RDX] == MADV_FREE))
			gm_sampler_note_moved((uint64_t)g[REG_RSI], 0);
		gm_gotrap_report_madvise(s->addr, g, r);
	}
	errno = saved_errno;
}

/* ---- patching ---- */

/* Protection of the mapping holding addr, from /proc/self/maps; -1 if not found. */
static int gm_gotrap_prot_of(uintptr_t addr)
{
	int fd = (int)gm_gotrap_sys(SYS_open, "/proc/self/maps", O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	char buf[4096], line[128];
	size_t ln = 0;
	int prot = -1;
	long n;
	while (prot < 0 && (n = gm_gotrap_sys(SYS_read, fd, buf, sizeof buf)) > 0) {
		for (long k = 0; k < n && prot < 0; k++) {
			if (buf[k] != '\n') {
				if (ln < sizeof line - 1)
					line[ln++] = buf[k];
				continue;
			}
			line[ln] = 0;
			ln = 0;
			uintptr_t lo = 0, hi = 0;
			const char *p = line;
			for (; *p && *p != '-'; p++)
				lo = lo * 16 + (uintptr_t)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
			if (*p++ != '-')
				continue;
			for (; *p && *p != ' '; p++)
				hi = hi * 16 + (uintptr_t)(*p <= '9' ? *p - '0' : (*p | 0x20) - 'a' + 10);
			if (*p++ != ' ' || addr < lo || addr >= hi || strlen(p) < 3)
				continue;
			prot = (p[0] == 'r' ? PROT_READ : 0) | (p[1] == 'w' ? PROT_WRITE : 0) |
			       (p[2] == 'x' ? PROT_EXEC : 0);
		}
	}
	gm_gotrap_sys(SYS_close, fd, 0, 0);
	return prot;
}

/* Replace the two bytes at site with `bytes` (one 16-bit store), making the page(s)
 * writable for the moment (never non-executable). 0, or -errno of the failed mprotect. */
static long gm_gotrap_poke(uintptr_t site, uint16_t bytes)
{
	uintptr_t ps = getauxval(AT_PAGESZ);
	if (!ps)
		ps = 4096;
	uintptr_t lo = site & ~(ps - 1);
	uintptr_t hi = (site + 2 + ps - 1) & ~(ps - 1);
	int prot = gm_gotrap_prot_of(site);
	if (prot < 0)
		prot = PROT_READ | PROT_EXEC;
	long r = gm_gotrap_sys(SYS_mprotect, lo, hi - lo, prot | PROT_WRITE | PROT_EXEC);
	if (r < 0)
		return r;
	__asm__ volatile("movw %1, (%0)" : : "r"(site), "r"(bytes) : "memory");
	r = gm_gotrap_sys(SYS_mprotect, lo, hi - lo, prot);
	if (r < 0)
		gm_config_warn("go trap: cannot restore the protection of %#lx (errno %ld); left writable",
			       (unsigned long)lo, -r);
	return 0;
}

/* The sites of one runtime function; appended to gm_trap.sites. Number found. */
static int gm_gotrap_scan(const char *name, uint32_t nr, uint8_t kind)
{
	uintptr_t lo, hi;
	char abi0[64];
	if (gm_gosyms_func(name, &lo, &hi) != 0) {
		size_t n = strlen(name);
		if (n + 6 > sizeof abi0)
			return 0;
		memcpy(abi0, name, n);
		memcpy(abi0 + n, ".abi0", 6);
		if (gm_gosyms_func(abi0, &lo, &hi) != 0)
			return 0;
	}
	if (hi <= lo || hi - lo > 4096)
		return 0;
	uint32_t offs[GM_TRAP_MAX_SITES];
	int n = gm_gotrap_find_sites((const uint8_t *)lo, hi - lo, nr, offs, GM_TRAP_MAX_SITES);
	int added = 0;
	for (int i = 0; i < n && i < GM_TRAP_MAX_SITES && gm_trap.nsites < GM_TRAP_MAX_SITES; i++) {
		gm_trap.sites[gm_trap.nsites].addr = lo + offs[i];
		gm_trap.sites[gm_trap.nsites].kind = kind;
		gm_trap.nsites++;
		added++;
	}
	return added;
}

/* ---- arming ---- */

static void gm_gotrap_fail(const char *what, long err)
{
	const char *name = err ? strerrorname_np((int)err) : NULL;
	if (err)
		snprintf(gm_trap.reason_buf, sizeof gm_trap.reason_buf, "%s (%s)", what,
			 name ? name : "errno");
	else
		snprintf(gm_trap.reason_buf, sizeof gm_trap.reason_buf, "%s", what);
	gm_config_warn("the Go runtime's madvise/exit are not traced: %s", gm_trap.reason_buf);
	gm_gotrap_set_state(GM_TRAP_FAILED, gm_trap.reason_buf);
}

void gm_gotrap_init(void)
{
	if (!gm_config.go_trap) {
		gm_gotrap_set_state(GM_TRAP_OFF, "GOMEMTRACE_GO_TRAP=0");
		return;
	}
	if (!gm_gosyms_is_go()) {
		gm_gotrap_set_state(GM_TRAP_NOT_GO, "not a Go program");
		return;
	}
	if (!gm_gosyms_has_cgo()) {
		gm_gotrap_set_state(GM_TRAP_NO_CGO, "a Go program without cgo");
		return;
	}
	if (gm_gotrap_scan("runtime.madvise", SYS_madvise, GM_SITE_MADVISE) != 1) {
		gm_trap.nsites = 0;
		gm_gotrap_fail("no syscall site recognised in runtime.madvise", 0);
		return;
	}
	if (gm_gotrap_scan("runtime.exit", SYS_exit_group, GM_SITE_EXIT) > 1) {
		gm_trap.nsites = 1; /* ambiguous: keep madvise only */
	}

	/* The handler first, so that a trap always finds it. */
	int (*real)(int, const struct sigaction *, struct sigaction *) = gm_gotrap_real();
	struct sigaction act, old;
	memset(&act, 0, sizeof act);
	act.sa_sigaction = gm_gotrap_handler;
	/* Every signal blocked but SIGTRAP itself (SA_NODEFER): a trap site reached from a
	 * handler we forward to (the runtime's throw -> exit) must trap again, not find SIGTRAP
	 * blocked, which makes the kernel reset it to SIG_DFL and kill the process. */
	act.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART | SA_NODEFER;
	sigfillset(&act.sa_mask);
	sigdelset(&act.sa_mask, SIGTRAP);
	if (!real || real(SIGTRAP, &act, &old) != 0) {
		gm_trap.nsites = 0;
		gm_gotrap_fail("cannot install the SIGTRAP handler", real ? errno : ENOSYS);
		return;
	}
	gm_trap_user.act = old;
	__atomic_store_n(&gm_trap.installed, 1, __ATOMIC_RELEASE);

	for (uint32_t i = 0; i < gm_trap.nsites; i++) {
		long r = gm_gotrap_poke(gm_trap.sites[i].addr, GM_TRAP_INT3_NOP);
		if (r < 0) {
			while (i-- > 0)
				gm_gotrap_poke(gm_trap.sites[i].addr, GM_TRAP_SYSCALL);
			__atomic_store_n(&gm_trap.installed, 0, __ATOMIC_RELEASE);
			real(SIGTRAP, &old, NULL);
			gm_trap.nsites = 0;
			gm_gotrap_fail("mprotect of the Go text refused", -r);
			return;
		}
	}
	gm_gotrap_set_state(GM_TRAP_ARMED, "");
}

uint8_t gm_gotrap_state(void) { return __atomic_load_n(&gm_trap.state, __ATOMIC_ACQUIRE); }
uint32_t gm_gotrap_sites(void) { return gm_trap.nsites; }
const char *gm_gotrap_reason(void) { return gm_trap.reason; }

void gm_gotrap_check(void)
{
	/* The constructor's trap_status usually fires before the probes are registered (our
	 * constructor runs first): repeat it once from the first tick that can record it. */
	static int status_sent; /* sampler thread only */
	if (!status_sent && lttng_ust_tracepoint_enabled(gomemtrace, trap_status)) {
		status_sent = 1;
		lttng_ust_tracepoint(gomemtrace, trap_status, gm_gotrap_state(), gm_trap.nsites,
				     gm_trap.reason);
	}
	if (gm_gotrap_state() != GM_TRAP_ARMED)
		return;
	struct gm_ksigaction k;
	if (gm_gotrap_sys6(SYS_rt_sigaction, SIGTRAP, 0, (long)&k, 8, 0, 0) != 0)
		return;
	if (k.handler == (void *)gm_gotrap_handler)
		return;
	/* Someone installed a SIGTRAP handler behind our back (raw rt_sigaction): undo the
	 * patch, so that no trap is ever delivered to a handler that would not expect it. */
	__atomic_store_n(&gm_trap.installed, 0, __ATOMIC_RELEASE);
	for (uint32_t i = 0; i < gm_trap.nsites; i++)
		gm_gotrap_poke(gm_trap.sites[i].addr, GM_TRAP_SYSCALL);
	gm_config_warn("go trap disarmed: the SIGTRAP handler was replaced by raw rt_sigaction; "
		       "the Go runtime's madvise/exit are no longer traced");
	gm_gotrap_set_state(GM_TRAP_DISARMED, "SIGTRAP handler replaced");
}

/* ---- sigaction and friends ---- */

static bool gm_gotrap_ours(int sig)
{
	return sig == SIGTRAP && __atomic_load_n(&gm_trap.installed, __ATOMIC_ACQUIRE);
}

GM_EXPORT int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (gm_gotrap_ours(sig)) {
		gm_gotrap_user_swap(act, old);
		return 0;
	}
	int (*real)(int, const struct sigaction *, struct sigaction *) = gm_gotrap_real();
	if (!real) {
		errno = ENOSYS;
		return -1;
	}
	/* While armed, no handler may block SIGTRAP: the runtime's handlers block everything
	 * and call runtime.exit when they throw (see gm_gotrap_unblockable). */
	struct sigaction copy;
	if (act && __atomic_load_n(&gm_trap.installed, __ATOMIC_ACQUIRE) &&
	    sigismember(&act->sa_mask, SIGTRAP) == 1) {
		copy = *act;
		sigdelset(&copy.sa_mask, SIGTRAP);
		act = &copy;
	}
	return real(sig, act, old);
}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-attributes"
GM_EXPORT int __sigaction(int sig, const struct sigaction *act, struct sigaction *old)
	__attribute__((alias("sigaction")));
#pragma GCC diagnostic pop

/* signal/bsd_signal/ssignal, sysv_signal and sigset call glibc's internal __sigaction,
 * not the interposable one: re-implemented on top of ours (glibc 2.36 semantics). */
static sighandler_t gm_gotrap_signal_flags(int sig, sighandler_t h, int flags)
{
	if (h == SIG_ERR || sig <= 0 || sig >= NSIG) {
		errno = EINVAL;
		return SIG_ERR;
	}
	struct sigaction act, old;
	memset(&act, 0, sizeof act);
	act.sa_handler = h;
	sigemptyset(&act.sa_mask);
	if (!(flags & SA_NODEFER))
		sigaddset(&act.sa_mask, sig);
	act.sa_flags = flags;
	if (sigaction(sig, &act, &old) < 0)
		return SIG_ERR;
	return old.sa_handler;
}

GM_EXPORT sighandler_t signal(int sig, sighandler_t h)
{
	if (!gm_gotrap_ours(sig)) {
		static sighandler_t (*real)(int, sighandler_t);
		if (!real) {
			gm_guard_depth++;
			real = gm_dlsym(RTLD_NEXT, "signal");
			gm_guard_depth--;
		}
		if (real)
			return real(sig, h);
	}
	return gm_gotrap_signal_flags(sig, h, SA_RESTART);
}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-attributes"
GM_EXPORT sighandler_t bsd_signal(int sig, sighandler_t h) __attribute__((alias("signal")));
GM_EXPORT sighandler_t ssignal(int sig, sighandler_t h) __attribute__((alias("signal")));
#pragma GCC diagnostic pop

GM_EXPORT sighandler_t sysv_signal(int sig, sighandler_t h)
{
	if (!gm_gotrap_ours(sig)) {
		static sighandler_t (*real)(int, sighandler_t);
		if (!real) {
			gm_guard_depth++;
			real = gm_dlsym(RTLD_NEXT, "sysv_signal");
			gm_guard_depth--;
		}
		if (real)
			return real(sig, h);
	}
	return gm_gotrap_signal_flags(sig, h, SA_RESETHAND | SA_NODEFER);
}
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-attributes"
GM_EXPORT sighandler_t __sysv_signal(int sig, sighandler_t h) __attribute__((alias("sysv_signal")));
#pragma GCC diagnostic pop

GM_EXPORT sighandler_t sigset(int sig, sighandler_t h)
{
	if (!gm_gotrap_ours(sig)) {
		static sighandler_t (*real)(int, sighandler_t);
		if (!real) {
			gm_guard_depth++;
			real = gm_dlsym(RTLD_NEXT, "sigset");
			gm_guard_depth--;
		}
		if (real)
			return real(sig, h);
	}
	sigset_t one, prev;
	sigemptyset(&one);
	sigaddset(&one, sig);
	struct sigaction old;
	if (h == SIG_HOLD) {
		sigaction(sig, NULL, &old);
		if (sigprocmask(SIG_BLOCK, &one, &prev) < 0)
			return SIG_ERR;
	} else {
		struct sigaction act;
		memset(&act, 0, sizeof act);
		act.sa_handler = h;
		sigemptyset(&act.sa_mask);
		if (sigaction(sig, &act, &old) < 0 || sigprocmask(SIG_UNBLOCK, &one, &prev) < 0)
			return SIG_ERR;
	}
	return sigismember(&prev, sig) ? SIG_HOLD : old.sa_handler;
}

GM_EXPORT int sigignore(int sig)
{
	if (!gm_gotrap_ours(sig)) {
		static int (*real)(int);
		if (!real) {
			gm_guard_depth++;
			real = gm_dlsym(RTLD_NEXT, "sigignore");
			gm_guard_depth--;
		}
		if (real)
			return real(sig);
	}
	struct sigaction act;
	memset(&act, 0, sizeof act);
	act.sa_handler = SIG_IGN;
	return sigaction(sig, &act, NULL);
}

GM_EXPORT int siginterrupt(int sig, int flag)
{
	if (!gm_gotrap_ours(sig)) {
		static int (*real)(int, int);
		if (!real) {
			gm_guard_depth++;
			real = gm_dlsym(RTLD_NEXT, "siginterrupt");
			gm_guard_depth--;
		}
		if (real)
			return real(sig, flag);
	}
	struct sigaction act;
	sigaction(sig, NULL, &act);
	if (flag)
		act.sa_flags &= ~SA_RESTART;
	else
		act.sa_flags |= SA_RESTART;
	return sigaction(sig, &act, NULL);
}

/* A trap site reached while SIGTRAP is blocked would not reach our handler: the kernel
 * forces the signal and resets its action to SIG_DFL, killing the process. So while the trap
 * is armed SIGTRAP cannot be blocked by C code: it is removed from the sets passed to
 * sigprocmask/pthread_sigmask (and from handlers' sa_mask, above). A SIGTRAP sent by kill()
 * to such a thread is delivered to the program's handler as if it had not been blocked. */
static const sigset_t *gm_gotrap_unblockable(int how, const sigset_t *set, sigset_t *copy)
{
	if (!set || how == SIG_UNBLOCK || !__atomic_load_n(&gm_trap.installed, __ATOMIC_ACQUIRE) ||
	    sigismember(set, SIGTRAP) != 1)
		return set;
	*copy = *set;
	sigdelset(copy, SIGTRAP);
	return copy;
}

GM_EXPORT int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	static int (*real)(int, const sigset_t *, sigset_t *);
	if (!real) {
		gm_guard_depth++;
		real = gm_dlsym(RTLD_NEXT, "pthread_sigmask");
		gm_guard_depth--;
		if (!real)
			return ENOSYS;
	}
	sigset_t copy;
	return real(how, gm_gotrap_unblockable(how, set, &copy), old);
}

GM_EXPORT int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	static int (*real)(int, const sigset_t *, sigset_t *);
	if (!real) {
		gm_guard_depth++;
		real = gm_dlsym(RTLD_NEXT, "sigprocmask");
		gm_guard_depth--;
		if (!real) {
			errno = ENOSYS;
			return -1;
		}
	}
	sigset_t copy;
	return real(how, gm_gotrap_unblockable(how, set, &copy), old);
}

__attribute__((constructor(101))) static void gm_gotrap_resolve(void)
{
	(void)gm_gotrap_real();
}

#endif /* GM_GOTRAP_TESTING */
