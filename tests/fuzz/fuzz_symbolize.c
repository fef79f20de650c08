/* fuzz_symbolize.c: fuzz target of the reader's module map and symbolizer
 * (tools/report/modmap.c, symbolize.c) on a hostile binary: what `gomemtrace report` does
 * with the files a trace names (ELF, .gopclntab and inline trees, DWARF through libdw,
 * symbol tables). Input: a 2-byte little-endian length L, L bytes of operations, then the
 * binary, written to a memfd that the modules name as /proc/self/fd/N. The operations
 * (gm_fz_sym_op) add modules over each other (that binary, a missing file, "[vdso]"), set
 * build ids (its own, or wrong), unload, copy the map as a fork does, and look addresses
 * up: raw offsets, and the pcs of the binary's own Go functions and symbols, so that the
 * lookups reach its tables. Every result is formatted. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/elf_image.h"
#include "common/gopclntab.h"
#include "tools/report/modmap.h"
#include "tools/report/symbolize.h"
#include "tests/fuzz/fuzz.h"

/* ---- state of one run ---- */

#define GM_FZ_MAXMODS 8   /* modules remembered for later operations */
#define GM_FZ_MAXOPS 96   /* operations per input */

/* One input's objects. */
struct gm_fz_sym {
	struct gm_modmap *map;            /* the process's map */
	struct gm_sym *sym;               /* the symbolizer */
	char path[64];                    /* the binary's /proc/self/fd path */
	struct gm_elf_image img;          /* the binary, for addresses worth looking up */
	struct gm_pclntab tab;            /* its Go table, if any */
	int have_tab;                     /* tab is valid */
	uint64_t baddr[GM_FZ_MAXMODS];    /* base addresses of the modules added */
	int nmods;                        /* their number (ring) */
	uint64_t first_vaddr;             /* p_vaddr of the binary's first PT_LOAD */
};

static volatile size_t gm_fz_sink;

/* Look addr up, format every frame. */
static void gm_fz_sym_lookup(struct gm_fz_sym *z, uint64_t addr, bool is_return)
{
	struct gm_sym_result r = gm_sym_lookup(z->sym, z->map, addr, is_return);
	char buf[512];
	for (unsigned i = 0; i < r.n; i++)
		gm_fz_sink ^= strlen(gm_sym_format(&r.frames[i], buf, sizeof(buf)));
	gm_sym_format(&r.frames[0], buf, 8);
}

/* The process address of link address a in the module at baddr (as if it held the binary). */
static uint64_t gm_fz_sym_proc(const struct gm_fz_sym *z, uint64_t baddr, uint64_t a)
{
	uint64_t off;
	const struct gm_module *m = gm_modmap_find(z->map, baddr, &off);
	return m && m->is_pic ? m->baddr + (a - z->first_vaddr) : a;
}

/* ---- operations ---- */

static void gm_fz_sym_op(struct gm_fz_sym *z, struct gm_fz *c)
{
	uint8_t op = gm_fz_u8(c);
	uint64_t baddr = z->nmods ? z->baddr[gm_fz_u8(c) % (z->nmods < GM_FZ_MAXMODS ? z->nmods : GM_FZ_MAXMODS)] : 0;
	switch (op % 8) {
	case 0: { /* add a module */
		uint8_t how = gm_fz_u8(c);
		uint64_t b = how & 8 ? gm_fz_edgy(c) : (uint64_t)gm_fz_u8(c) << 20, sz = gm_fz_edgy(c);
		const char *path = (how & 3) == 0 ? "[vdso]" : (how & 3) == 1 ? "/nonexistent/gm-fuzz" : z->path;
		if (gm_modmap_add(z->map, b, sz, path, how & 4))
			z->baddr[z->nmods++ % GM_FZ_MAXMODS] = b;
		break;
	}
	case 1: { /* a build id: the binary's, truncated, or bytes */
		const uint8_t *id = NULL;
		size_t len = 0;
		uint8_t k = gm_fz_u8(c);
		uint8_t raw[80];
		if (k & 1)
			gm_elf_build_id(&z->img, &id, &len);
		if (!id) {
			len = k >> 1 > sizeof(raw) ? sizeof(raw) : k >> 1;
			for (size_t i = 0; i < len; i++)
				raw[i] = gm_fz_u8(c);
			id = raw;
		}
		gm_modmap_set_build_id(z->map, baddr, id, k & 2 && len ? len - 1 : len);
		break;
	}
	case 2:
		gm_modmap_unload(z->map, baddr);
		break;
	case 3:
		gm_modmap_statedump_start(z->map);
		break;
	case 4: { /* a fork */
		struct gm_modmap *m = gm_modmap_copy(z->map);
		if (m) {
			gm_modmap_free(z->map);
			z->map = m;
		}
		break;
	}
	case 5: /* a raw address near a module */
		gm_fz_sym_lookup(z, baddr + gm_fz_uint(c, 4), op & 8);
		break;
	case 6: { /* pcs of one of the binary's Go functions */
		struct gm_pclntab_func f;
		if (z->have_tab && gm_pclntab_func_at(&z->tab, gm_fz_uint(c, 2) % z->tab.nfunc, &f) == 0) {
			uint64_t d = gm_fz_u8(c);
			gm_fz_sym_lookup(z, gm_fz_sym_proc(z, baddr, f.entry + d), op & 8);
			gm_fz_sym_lookup(z, gm_fz_sym_proc(z, baddr, f.end - 1), true);
		}
		break;
	}
	default: { /* addresses of one of its symbols */
		const struct gm_elf_symtab *st = op & 8 ? &z->img.dynsym : &z->img.symtab;
		if (st->count) {
			const Elf64_Sym *s = &st->syms[gm_fz_uint(c, 2) % st->count];
			gm_fz_sym_lookup(z, gm_fz_sym_proc(z, baddr, s->st_value + gm_fz_u8(c)), op & 16);
		}
		break;
	}
	}
}

/* ---- entry point ---- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t l = data[0] | (size_t)data[1] << 8;
	if (l > size - 2)
		l = size - 2;
	struct gm_fz c = { data + 2, l };
	const uint8_t *bin = data + 2 + l;
	size_t nbin = size - 2 - l;
	struct gm_fz_sym z;
	memset(&z, 0, sizeof(z));
	int fd = memfd_create("gm-fuzz-sym", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, bin, nbin) != (ssize_t)nbin) {
		close(fd);
		return 0;
	}
	snprintf(z.path, sizeof(z.path), "/proc/self/fd/%d", fd);
	uint8_t *copy = gm_fz_copy(bin, nbin);
	if (copy && gm_elf_from_memory(&z.img, copy, nbin) == 0) {
		z.have_tab = gm_pclntab_from_elf(&z.img, &z.tab) == 0;
		for (size_t i = 0; i < z.img.phnum; i++)
			if (z.img.ph[i].p_type == PT_LOAD) {
				z.first_vaddr = z.img.ph[i].p_vaddr;
				break;
			}
	}
	z.map = gm_modmap_new();
	z.sym = gm_sym_new(NULL);
	if (z.map && z.sym) {
		gm_sym_set_go_dwarf_first(z.sym, l && (data[2] & 0x80));
		for (int i = 0; i < GM_FZ_MAXOPS && c.n; i++)
			gm_fz_sym_op(&z, &c);
		for (size_t i = 0; i < gm_modmap_count(z.map); i++)
			gm_fz_sink ^= gm_modmap_at(z.map, i)->memsz;
	}
	gm_sym_free(z.sym);
	gm_modmap_free(z.map);
	gm_elf_close(&z.img);
	free(copy);
	close(fd);
	return 0;
}
