/* fuzz_elf_image.c: fuzz target of common/elf_image.c, the ELF reader both the tracer and
 * the reader trust with whatever file they are given. The input is the file: opened from
 * memory (gm_elf_from_memory) and, for one input in 16, from a memfd through gm_elf_open
 * (its own mmap path); then every lookup runs on it: the sections and symbols it names
 * itself, the usual names, addresses taken from its headers, notes and relocations. */
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/elf_image.h"
#include "tests/fuzz/fuzz.h"

/* ---- lookups ---- */

/* Touch the bytes of a result, so that a sanitizer checks they are inside the input. */
static volatile uint8_t gm_fz_sink;
static void gm_fz_touch(const uint8_t *p, size_t n)
{
	if (p && n) {
		gm_fz_sink ^= p[0];
		gm_fz_sink ^= p[n - 1];
	}
}

/* Every address-based lookup at link address a. */
static void gm_fz_elf_addr(const struct gm_elf_image *img, uint64_t a)
{
	size_t avail = 0;
	const uint8_t *p = gm_elf_vaddr_data(img, a, 1, &avail);
	gm_fz_touch(p, avail);
	uint64_t w;
	gm_elf_link_word(img, a, &w);
	struct gm_elf_sym s;
	if (gm_elf_symbol_at(img, a, &s) == 0)
		gm_fz_sink ^= (uint8_t)strlen(s.name);
}

static void gm_fz_elf_queries(const struct gm_elf_image *img)
{
	static const char *const names[] = { ".gopclntab", ".data.rel.ro.gopclntab", ".go.buildinfo",
					     ".go.module", ".text", ".note.gnu.build-id", "" };
	struct gm_elf_section sec;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (gm_elf_section(img, names[i], &sec) == 0)
			gm_fz_touch(sec.data, sec.size);
	/* the sections it names */
	for (size_t i = 0; i < img->shnum && i < 64; i++) {
		const char *n = img->shstr && img->sh[i].sh_name < img->shstrsize ? img->shstr + img->sh[i].sh_name : NULL;
		if (n && memchr(n, '\0', img->shstrsize - img->sh[i].sh_name) &&
		    gm_elf_section(img, n, &sec) == 0)
			gm_fz_touch(sec.data, sec.size);
	}
	gm_elf_is_pie(img);
	gm_elf_has_interp(img);
	const char *interp = gm_elf_interp(img);
	if (interp)
		gm_fz_touch((const uint8_t *)interp, strlen(interp) + 1);
	gm_elf_phdr(img, PT_DYNAMIC);
	/* addresses from the program headers: starts, ends, just past them */
	for (size_t i = 0; i < img->phnum && i < 32; i++) {
		const Elf64_Phdr *ph = &img->ph[i];
		gm_fz_elf_addr(img, ph->p_vaddr);
		gm_fz_elf_addr(img, ph->p_vaddr + ph->p_filesz - 1);
		gm_fz_elf_addr(img, ph->p_vaddr + ph->p_filesz);
		gm_fz_elf_addr(img, ph->p_vaddr + ph->p_memsz - 8);
		uint64_t v;
		gm_elf_offset_vaddr(img, ph->p_offset, &v);
		gm_elf_offset_vaddr(img, ph->p_offset + ph->p_filesz - 1, &v);
	}
	/* the symbols it has, by name and by address */
	const struct gm_elf_symtab *tabs[2] = { &img->symtab, &img->dynsym };
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i < tabs[t]->count && i < 48; i++) {
			const Elf64_Sym *s = &tabs[t]->syms[i * (tabs[t]->count / 48 + 1) % tabs[t]->count];
			gm_fz_elf_addr(img, s->st_value);
			gm_fz_elf_addr(img, s->st_value + s->st_size);
			if (s->st_name < tabs[t]->strsize &&
			    memchr(tabs[t]->strtab + s->st_name, '\0', tabs[t]->strsize - s->st_name)) {
				struct gm_elf_sym o;
				gm_elf_symbol(img, tabs[t]->strtab + s->st_name, &o);
				gm_elf_imports(img, tabs[t]->strtab + s->st_name);
			}
		}
	struct gm_elf_sym o;
	gm_elf_symbol(img, "runtime.firstmoduledata", &o);
	gm_elf_imports(img, "pthread_create");
	/* relocations */
	size_t n = 0;
	const Elf64_Rela *r = gm_elf_dyn_rela(img, &n);
	for (size_t i = 0; r && i < n && i < 32; i++)
		gm_fz_elf_addr(img, r[i].r_offset);
	/* notes */
	const uint8_t *d;
	size_t len;
	if (gm_elf_build_id(img, &d, &len) == 0)
		gm_fz_touch(d, len);
	if (gm_elf_note(img, "Go", 4, &d, &len) == 0)
		gm_fz_touch(d, len);
}

/* ---- entry point ---- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gm_elf_image img;
	uint8_t *b = gm_fz_copy(data, size);
	if (!b)
		return 0;
	if (gm_elf_from_memory(&img, b, size) == 0) {
		gm_fz_elf_queries(&img);
		gm_elf_close(&img);
	}
	if (size && (data[size - 1] & 15) == 0) {
		int fd = memfd_create("gm-fuzz-elf", MFD_CLOEXEC);
		if (fd >= 0 && write(fd, data, size) == (ssize_t)size) {
			char path[64];
			snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
			if (gm_elf_open(&img, path) == 0) {
				gm_fz_elf_queries(&img);
				gm_elf_close(&img);
			}
		}
		if (fd >= 0)
			close(fd);
	}
	free(b);
	return 0;
}
