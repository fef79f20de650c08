/* gosyms.c: the traced executable's Go runtime, as seen from inside the process (see
 * gosyms.h). The constructor maps /proc/self/exe read-only, checks that it is the image the
 * kernel loaded (its program headers equal those at AT_PHDR), derives the load bias, parses
 * .gopclntab (by section, else by scanning the read-only segments) and .go.buildinfo, and
 * resolves a few runtime functions the other pieces ask for by name. The mapping stays for
 * the process lifetime: the stack walker and the Go trap read it from signal handlers.
 *
 * The file is read through our own mapping, not through the process's loaded image: in a
 * PIE the loaded .gopclntab has its textStart relocated while the file keeps the link
 * address, and the file view is the same for every build mode. The pages the start-up scans
 * touched are dropped again (MADV_DONTNEED on our clean file mapping) so that the tracer
 * adds as little as possible to the RSS it is measuring. */
#include "preload/gosyms.h"

#include <limits.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/elf_image.h"
#include "common/gobuildinfo.h"
#include "common/gopclntab.h"

/* ---- state ---- */

/* Runtime functions resolved once at start-up, so that gm_gosyms_func() on them is cheap
 * (the stack walker may ask lazily from a hook or a signal handler). */
static const char *const gm_gosyms_known_names[] = {
	"runtime.madvise",     "runtime.sysMmap",      "runtime.sysMunmap",
	"runtime.mmap",        "runtime.munmap",       "runtime.exit",
	"runtime.exitThread",  "runtime.rt_sigaction", "runtime.clone",
	"runtime.systemstack", "runtime.systemstack_switch", "runtime.mcall",
	"runtime.morestack",   "runtime.asmcgocall",   "runtime.cgocallback",
	"runtime.asmcgocall_landingpad",
	"runtime.goexit",      "runtime.mstart",       "runtime.rt0_go",
	"runtime.main",        "runtime.sigtramp",     "runtime.cgoSigtramp",
	"runtime.sigreturn",   "runtime.sigreturn__sigaction", "runtime.gcenable",
	"runtime.bgscavenge",  "runtime.mallocgc",     "runtime.sysUnusedOS",
	"runtime/internal/syscall.Syscall6", "internal/runtime/syscall.Syscall6",
	"syscall.Syscall6",    "syscall.RawSyscall6",  "main.main",
	"runtime.runfinq",     "runtime.runFinalizers", "runtime.runCleanups",
};
#define GM_GOSYMS_NKNOWN (sizeof(gm_gosyms_known_names) / sizeof(gm_gosyms_known_names[0]))

/* Everything gosyms knows. Written only by gm_gosyms_init (constructor, single thread),
 * read-only afterwards by any thread and signal handler. */
static struct {
	struct gm_elf_image img;                  /* the executable file, mapped */
	struct gm_pclntab tab;                    /* its .gopclntab */
	struct gm_gobuildinfo bi;                 /* its .go.buildinfo */
	uintptr_t bias;                           /* runtime address - link address */
	bool is_go;                               /* tab is usable */
	bool cgo;                                 /* imports pthread_create (runtime/cgo linked) */
	char exe[PATH_MAX];                       /* /proc/self/exe */
	uint64_t known_entry[GM_GOSYMS_NKNOWN];   /* link entry of gm_gosyms_known_names[i], 0 if absent */
	uint64_t known_end[GM_GOSYMS_NKNOWN];     /* link end of it */
} gm_gosyms;

uintptr_t gm_gosyms_text_lo, gm_gosyms_text_hi;

/* ---- start-up ---- */

/* The load bias of the main executable, checking that img is the image the kernel loaded:
 * its program headers must equal the ones at AT_PHDR. 0 or -1. */
static int gm_gosyms_bias(const struct gm_elf_image *img, uintptr_t *bias)
{
	uintptr_t at_phdr = getauxval(AT_PHDR);
	if (!at_phdr || getauxval(AT_PHNUM) != img->phnum || img->phnum == 0)
		return -1;
	uint64_t phdr_vaddr;
	const Elf64_Phdr *pp = gm_elf_phdr(img, PT_PHDR);
	if (pp) {
		phdr_vaddr = pp->p_vaddr;
	} else {
		/* No PT_PHDR: the headers are in the segment that maps file offset 0. */
		const Elf64_Phdr *first = NULL;
		for (size_t i = 0; i < img->phnum; i++)
			if (img->ph[i].p_type == PT_LOAD && img->ph[i].p_offset == 0) {
				first = &img->ph[i];
				break;
			}
		if (!first)
			return -1;
		phdr_vaddr = first->p_vaddr + img->eh->e_phoff;
	}
	uintptr_t b = at_phdr - (uintptr_t)phdr_vaddr;
	if (!gm_elf_is_pie(img) && b != 0)
		return -1;
	if (memcmp((const void *)at_phdr, img->ph, img->phnum * sizeof(Elf64_Phdr)) != 0)
		return -1; /* e.g. the program was started as `ld.so ./app`: /proc/self/exe is ld.so */
	*bias = b;
	return 0;
}

/* Link address lies in an executable PT_LOAD segment. */
static bool gm_gosyms_in_exec(const struct gm_elf_image *img, uint64_t addr)
{
	for (size_t i = 0; i < img->phnum; i++) {
		const Elf64_Phdr *p = &img->ph[i];
		if (p->p_type == PT_LOAD && (p->p_flags & PF_X) && addr >= p->p_vaddr &&
		    addr - p->p_vaddr <= p->p_memsz)
			return true;
	}
	return false;
}

/* Resolve gm_gosyms_known_names in one pass over the functab. */
static void gm_gosyms_resolve_known(void)
{
	struct gm_pclntab_func f;
	for (uint64_t i = 0; i < gm_gosyms.tab.nfunc; i++) {
		if (gm_pclntab_func_at(&gm_gosyms.tab, i, &f) != 0)
			continue;
		/* cheap prefix filter: every known name starts with 'r', 'i', 's' or 'm' */
		char c = f.name[0];
		if (c != 'r' && c != 'i' && c != 's' && c != 'm')
			continue;
		for (size_t k = 0; k < GM_GOSYMS_NKNOWN; k++)
			if (!gm_gosyms.known_entry[k] && strcmp(f.name, gm_gosyms_known_names[k]) == 0) {
				gm_gosyms.known_entry[k] = f.entry;
				gm_gosyms.known_end[k] = f.end;
				break;
			}
	}
}

/* Parse the opened image gm_gosyms.img, whose load bias gm_gosyms.bias is set: .gopclntab,
 * the Go text range, .go.buildinfo, cgo, the known functions. 0, or -1 (the caller clears). */
static int gm_gosyms_parse(void)
{
	struct gm_elf_image *img = &gm_gosyms.img;
	if (gm_pclntab_from_elf(img, &gm_gosyms.tab) != 0)
		return -1;
	struct gm_pclntab_func f0;
	if (gm_pclntab_func_at(&gm_gosyms.tab, 0, &f0) != 0)
		return -1;
	uint64_t lo = gm_gosyms.tab.ver >= 118 && gm_gosyms.tab.text_start < f0.entry ? gm_gosyms.tab.text_start
										    : f0.entry;
	uint64_t hi = gm_pclntab_text_end(&gm_gosyms.tab);
	if (hi <= lo || !gm_gosyms_in_exec(img, lo) || !gm_gosyms_in_exec(img, hi))
		return -1; /* a table that does not describe this file's text */
	gm_gobuildinfo_read(img, &gm_gosyms.bi); /* optional: stays "" when absent */
	gm_gosyms.cgo = gm_elf_imports(img, "pthread_create");
	if (!gm_gosyms.cgo && !img->sh && gm_elf_has_interp(img)) {
		/* no section headers (removed: the loader needs none), so no .dynsym by name: a
		 * dynamically linked Go executable whose build info says CGO_ENABLED=1 links
		 * runtime/cgo (Go links dynamically only then, on Linux) */
		const char *v;
		size_t n;
		gm_gosyms.cgo = gm_gobuildinfo_setting(&gm_gosyms.bi, "CGO_ENABLED", &v, &n) == 0 && n == 1 && v[0] == '1';
	}
	gm_gosyms_resolve_known();
	gm_gosyms_text_lo = (uintptr_t)lo + gm_gosyms.bias;
	gm_gosyms_text_hi = (uintptr_t)hi + gm_gosyms.bias;
	gm_gosyms.is_go = true;
	return 0;
}

/* Forget a failed start-up. */
static void gm_gosyms_clear(void)
{
	gm_elf_close(&gm_gosyms.img);
	memset(&gm_gosyms.tab, 0, sizeof(gm_gosyms.tab));
	memset(&gm_gosyms.bi, 0, sizeof(gm_gosyms.bi));
	gm_gosyms.cgo = false;
	gm_gosyms_text_lo = gm_gosyms_text_hi = 0;
}

int gm_gosyms_init(void)
{
	if (gm_gosyms.is_go)
		return 0;
	ssize_t n = readlink("/proc/self/exe", gm_gosyms.exe, sizeof(gm_gosyms.exe) - 1);
	if (n <= 0)
		goto fail;
	gm_gosyms.exe[n] = '\0';
	if (gm_elf_open(&gm_gosyms.img, gm_gosyms.exe) != 0)
		goto fail;
	struct gm_elf_image *img = &gm_gosyms.img;
	if (gm_gosyms_bias(img, &gm_gosyms.bias) != 0 || gm_gosyms_parse() != 0)
		goto fail;
	/* Give back the file pages the scans above touched (clean, file-backed: they come back
	 * from the page cache on the next access). Raw syscall: not our own madvise hook. */
	syscall(SYS_madvise, (void *)img->data, img->size, MADV_DONTNEED);
	return 0;
fail:
	gm_gosyms_clear();
	return -1;
}

#ifdef GM_GOSYMS_TESTING
int gm_gosyms_init_from_memory(const void *buf, size_t size)
{
	gm_gosyms_clear();
	memset(&gm_gosyms, 0, sizeof(gm_gosyms));
	if (gm_elf_from_memory(&gm_gosyms.img, buf, size) != 0 || gm_gosyms_parse() != 0) {
		gm_gosyms_clear();
		return -1;
	}
	return 0;
}
#endif

/* ---- queries ---- */

bool gm_gosyms_is_go(void)
{
	return gm_gosyms.is_go;
}

bool gm_gosyms_has_cgo(void)
{
	return gm_gosyms.is_go && gm_gosyms.cgo;
}

const char *gm_gosyms_version(void)
{
	return gm_gosyms.bi.version;
}

const char *gm_gosyms_exe(void)
{
	return gm_gosyms.exe;
}

int gm_gosyms_minor(void)
{
	return gm_gosyms.bi.major == 1 ? gm_gosyms.bi.minor : 0;
}

uintptr_t gm_gosyms_load_bias(void)
{
	return gm_gosyms.bias;
}

uintptr_t gm_gosyms_data(const char *name, uint64_t *size)
{
	struct gm_elf_sym s;
	if (!gm_gosyms.is_go || gm_elf_symbol(&gm_gosyms.img, name, &s) != 0 || !s.value)
		return 0;
	if (size)
		*size = s.size;
	return (uintptr_t)s.value + gm_gosyms.bias;
}

int gm_gosyms_func(const char *name, uintptr_t *entry, uintptr_t *end)
{
	if (!gm_gosyms.is_go || !name)
		return -1;
	for (size_t k = 0; k < GM_GOSYMS_NKNOWN; k++) {
		if (strcmp(name, gm_gosyms_known_names[k]) != 0)
			continue;
		if (!gm_gosyms.known_entry[k])
			return -1;
		*entry = (uintptr_t)gm_gosyms.known_entry[k] + gm_gosyms.bias;
		*end = (uintptr_t)gm_gosyms.known_end[k] + gm_gosyms.bias;
		return 0;
	}
	struct gm_pclntab_func f;
	if (gm_pclntab_find_name(&gm_gosyms.tab, name, &f) != 0)
		return -1;
	*entry = (uintptr_t)f.entry + gm_gosyms.bias;
	*end = (uintptr_t)f.end + gm_gosyms.bias;
	return 0;
}

int gm_gosyms_lookup(uintptr_t pc, const char **name, uintptr_t *entry, uintptr_t *end)
{
	struct gm_pclntab_func f;
	if (!gm_gosyms.is_go || !gm_gosyms_in_go_text(pc) ||
	    gm_pclntab_find_pc(&gm_gosyms.tab, pc - gm_gosyms.bias, &f) != 0)
		return -1;
	if (name)
		*name = f.name;
	if (entry)
		*entry = (uintptr_t)f.entry + gm_gosyms.bias;
	if (end)
		*end = (uintptr_t)f.end + gm_gosyms.bias;
	return 0;
}

int gm_gosyms_sp_delta(uintptr_t pc)
{
	struct gm_pclntab_func f;
	int32_t d;
	if (!gm_gosyms.is_go || !gm_gosyms_in_go_text(pc) ||
	    gm_pclntab_find_pc(&gm_gosyms.tab, pc - gm_gosyms.bias, &f) != 0 ||
	    gm_pclntab_sp_delta(&gm_gosyms.tab, &f, pc - gm_gosyms.bias, &d) != 0 || d < 0)
		return -1;
	return d;
}
