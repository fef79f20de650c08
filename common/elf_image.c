/* elf_image.c: a bounds-checked, allocation-free read-only view of an ELF64 file (see
 * elf_image.h). The tracer opens the traced executable with it from its constructor; the
 * reader opens executables to symbolize stacks. The file is mapped with raw syscalls so
 * that, inside the tracer, the mapping never goes through the tracer's own mmap hooks. */
#include "common/elf_image.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- bounds ---- */

/* [off, off+len) lies inside the image. */
static bool gm_elf_in(const struct gm_elf_image *img, uint64_t off, uint64_t len)
{
	return off <= img->size && len <= img->size - off;
}

/* A NUL-terminated string at tab[idx] inside a table of `size` bytes, or NULL. */
static const char *gm_elf_str(const char *tab, size_t size, uint64_t idx)
{
	if (!tab || idx >= size)
		return NULL;
	if (!memchr(tab + idx, '\0', size - idx))
		return NULL;
	return tab + idx;
}

/* ---- opening ---- */

/* Load one symbol table (section index i) and its string table; leaves *st empty on error. */
static void gm_elf_load_symtab(struct gm_elf_image *img, size_t i, struct gm_elf_symtab *st)
{
	const Elf64_Shdr *s = &img->sh[i];
	if (s->sh_entsize != sizeof(Elf64_Sym) || s->sh_offset % 8 || !gm_elf_in(img, s->sh_offset, s->sh_size))
		return;
	if (s->sh_link == 0 || s->sh_link >= img->shnum)
		return;
	const Elf64_Shdr *str = &img->sh[s->sh_link];
	if (str->sh_type != SHT_STRTAB || !gm_elf_in(img, str->sh_offset, str->sh_size) || str->sh_size == 0)
		return;
	st->syms = (const Elf64_Sym *)(img->data + s->sh_offset);
	st->count = s->sh_size / sizeof(Elf64_Sym);
	st->strtab = (const char *)img->data + str->sh_offset;
	st->strsize = str->sh_size;
}

int gm_elf_from_memory(struct gm_elf_image *img, const void *buf, size_t size)
{
	memset(img, 0, sizeof(*img));
	if (!buf || size < sizeof(Elf64_Ehdr) || (uintptr_t)buf % 8)
		return -1;
	img->data = buf;
	img->size = size;
	const Elf64_Ehdr *eh = buf;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_ident[EI_VERSION] != EV_CURRENT)
		goto bad;
	img->eh = eh;
	/* Program headers: required to be sane when present. */
	if (eh->e_phnum) {
		if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff % 8 ||
		    !gm_elf_in(img, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)))
			goto bad;
		img->ph = (const Elf64_Phdr *)(img->data + eh->e_phoff);
		img->phnum = eh->e_phnum;
	}
	/* Section headers: optional (sstrip removes them); unusable ones are ignored. */
	if (eh->e_shnum && eh->e_shentsize == sizeof(Elf64_Shdr) && eh->e_shoff % 8 == 0 &&
	    gm_elf_in(img, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr))) {
		img->sh = (const Elf64_Shdr *)(img->data + eh->e_shoff);
		img->shnum = eh->e_shnum;
		if (eh->e_shstrndx != SHN_UNDEF && eh->e_shstrndx < img->shnum) {
			const Elf64_Shdr *s = &img->sh[eh->e_shstrndx];
			if (s->sh_type == SHT_STRTAB && gm_elf_in(img, s->sh_offset, s->sh_size)) {
				img->shstr = (const char *)img->data + s->sh_offset;
				img->shstrsize = s->sh_size;
			}
		}
		for (size_t i = 0; i < img->shnum; i++) {
			if (img->sh[i].sh_type == SHT_SYMTAB && !img->symtab.syms)
				gm_elf_load_symtab(img, i, &img->symtab);
			else if (img->sh[i].sh_type == SHT_DYNSYM && !img->dynsym.syms)
				gm_elf_load_symtab(img, i, &img->dynsym);
		}
	}
	if (!img->ph && !img->sh)
		goto bad;
	return 0;
bad:
	memset(img, 0, sizeof(*img));
	return -1;
}

int gm_elf_open(struct gm_elf_image *img, const char *path)
{
	memset(img, 0, sizeof(*img));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
		close(fd);
		return -1;
	}
	long p = syscall(SYS_mmap, NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0L);
	close(fd);
	if (p == -1)
		return -1;
	if (gm_elf_from_memory(img, (const void *)p, (size_t)st.st_size) != 0) {
		syscall(SYS_munmap, (void *)p, (size_t)st.st_size);
		return -1;
	}
	img->mapped = true;
	return 0;
}

void gm_elf_close(struct gm_elf_image *img)
{
	if (img->mapped && img->data)
		syscall(SYS_munmap, (void *)img->data, img->size);
	memset(img, 0, sizeof(*img));
}

/* ---- headers ---- */

bool gm_elf_is_pie(const struct gm_elf_image *img)
{
	return img->eh && img->eh->e_type == ET_DYN;
}

const Elf64_Phdr *gm_elf_phdr(const struct gm_elf_image *img, uint32_t type)
{
	for (size_t i = 0; i < img->phnum; i++)
		if (img->ph[i].p_type == type)
			return &img->ph[i];
	return NULL;
}

bool gm_elf_has_interp(const struct gm_elf_image *img)
{
	return gm_elf_phdr(img, PT_INTERP) != NULL;
}

const char *gm_elf_interp(const struct gm_elf_image *img)
{
	const Elf64_Phdr *p = gm_elf_phdr(img, PT_INTERP);
	if (!p || p->p_filesz == 0 || !gm_elf_in(img, p->p_offset, p->p_filesz))
		return NULL;
	const char *s = (const char *)img->data + p->p_offset;
	return memchr(s, '\0', p->p_filesz) ? s : NULL; /* NUL-terminated inside the segment */
}

/* ---- sections and addresses ---- */

int gm_elf_section(const struct gm_elf_image *img, const char *name, struct gm_elf_section *out)
{
	for (size_t i = 0; i < img->shnum; i++) {
		const Elf64_Shdr *s = &img->sh[i];
		const char *n = gm_elf_str(img->shstr, img->shstrsize, s->sh_name);
		if (!n || strcmp(n, name) != 0)
			continue;
		if (s->sh_type != SHT_NOBITS && !gm_elf_in(img, s->sh_offset, s->sh_size))
			return -1; /* a section beyond the end of a truncated file */
		out->name = n;
		out->type = s->sh_type;
		out->flags = s->sh_flags;
		out->addr = s->sh_addr;
		out->offset = s->sh_offset;
		out->size = s->sh_size;
		out->data = s->sh_type == SHT_NOBITS ? NULL : img->data + s->sh_offset;
		return 0;
	}
	return -1;
}

const uint8_t *gm_elf_vaddr_data(const struct gm_elf_image *img, uint64_t vaddr, size_t len,
				 size_t *avail)
{
	for (size_t i = 0; i < img->phnum; i++) {
		const Elf64_Phdr *p = &img->ph[i];
		if (p->p_type != PT_LOAD || vaddr < p->p_vaddr || vaddr - p->p_vaddr >= p->p_filesz)
			continue;
		uint64_t delta = vaddr - p->p_vaddr;
		if (p->p_offset > img->size || delta >= img->size - p->p_offset)
			return NULL;
		uint64_t off = p->p_offset + delta;
		uint64_t left = p->p_filesz - delta;
		if (left > img->size - off)
			left = img->size - off; /* truncated file */
		if (len > left)
			return NULL;
		if (avail)
			*avail = left;
		return img->data + off;
	}
	return NULL;
}

int gm_elf_offset_vaddr(const struct gm_elf_image *img, uint64_t off, uint64_t *vaddr)
{
	for (size_t i = 0; i < img->phnum; i++) {
		const Elf64_Phdr *p = &img->ph[i];
		if (p->p_type == PT_LOAD && off >= p->p_offset && off - p->p_offset < p->p_filesz) {
			*vaddr = p->p_vaddr + (off - p->p_offset);
			return 0;
		}
	}
	return -1;
}

/* ---- dynamic relocations ---- */

/* The value of dynamic tag `tag` in PT_DYNAMIC. 0 or -1. */
static int gm_elf_dyn_tag(const struct gm_elf_image *img, int64_t tag, uint64_t *val)
{
	const Elf64_Phdr *d = gm_elf_phdr(img, PT_DYNAMIC);
	if (!d || d->p_offset % 8 || !gm_elf_in(img, d->p_offset, d->p_filesz))
		return -1;
	const Elf64_Dyn *dyn = (const Elf64_Dyn *)(img->data + d->p_offset);
	for (size_t i = 0; i < d->p_filesz / sizeof(Elf64_Dyn) && dyn[i].d_tag != DT_NULL; i++)
		if (dyn[i].d_tag == tag) {
			*val = dyn[i].d_un.d_val;
			return 0;
		}
	return -1;
}

const Elf64_Rela *gm_elf_dyn_rela(const struct gm_elf_image *img, size_t *count)
{
	uint64_t at, size, ent = sizeof(Elf64_Rela);
	*count = 0;
	if (gm_elf_dyn_tag(img, DT_RELA, &at) != 0 || gm_elf_dyn_tag(img, DT_RELASZ, &size) != 0)
		return NULL;
	if ((gm_elf_dyn_tag(img, DT_RELAENT, &ent) == 0 && ent != sizeof(Elf64_Rela)) || at % 8)
		return NULL;
	const uint8_t *p = gm_elf_vaddr_data(img, at, size, NULL);
	if (!p || (uintptr_t)p % 8)
		return NULL;
	*count = size / sizeof(Elf64_Rela);
	return (const Elf64_Rela *)p;
}

int gm_elf_link_word(const struct gm_elf_image *img, uint64_t vaddr, uint64_t *out)
{
	const uint8_t *p = gm_elf_vaddr_data(img, vaddr, 8, NULL);
	if (!p)
		return -1;
	memcpy(out, p, 8);
	if (*out || !gm_elf_is_pie(img))
		return 0;
	size_t n;
	const Elf64_Rela *r = gm_elf_dyn_rela(img, &n);
	for (size_t i = 0; r && i < n; i++)
		if (r[i].r_offset == vaddr && ELF64_R_TYPE(r[i].r_info) == R_X86_64_RELATIVE) {
			*out = (uint64_t)r[i].r_addend;
			break;
		}
	return 0;
}

/* ---- symbols ---- */

/* Fill *out from symbol s of table st; false if its name is out of bounds. */
static bool gm_elf_fill_sym(const struct gm_elf_symtab *st, const Elf64_Sym *s, bool dynamic,
			    struct gm_elf_sym *out)
{
	const char *n = gm_elf_str(st->strtab, st->strsize, s->st_name);
	if (!n)
		return false;
	out->name = n;
	out->value = s->st_value;
	out->size = s->st_size;
	out->type = ELF64_ST_TYPE(s->st_info);
	out->bind = ELF64_ST_BIND(s->st_info);
	out->shndx = s->st_shndx;
	out->dynamic = dynamic;
	return true;
}

/* Compare a symbol name with `name`, ignoring a version suffix ("@GLIBC_2.34") in the table. */
static bool gm_elf_name_eq(const char *symname, const char *name)
{
	size_t n = strlen(name);
	return strncmp(symname, name, n) == 0 && (symname[n] == '\0' || symname[n] == '@');
}

/* Search one table for a symbol by name; defined: want a defined one, else an undefined one. */
static int gm_elf_find_in(const struct gm_elf_symtab *st, bool dynamic, const char *name, bool defined,
			  struct gm_elf_sym *out)
{
	for (size_t i = 1; i < st->count; i++) {
		const Elf64_Sym *s = &st->syms[i];
		if ((s->st_shndx != SHN_UNDEF) != defined)
			continue;
		const char *n = gm_elf_str(st->strtab, st->strsize, s->st_name);
		if (n && gm_elf_name_eq(n, name) && gm_elf_fill_sym(st, s, dynamic, out))
			return 0;
	}
	return -1;
}

int gm_elf_symbol(const struct gm_elf_image *img, const char *name, struct gm_elf_sym *out)
{
	if (gm_elf_find_in(&img->symtab, false, name, true, out) == 0)
		return 0;
	return gm_elf_find_in(&img->dynsym, true, name, true, out);
}

/* Search one table for the symbol containing addr. */
static int gm_elf_at_in(const struct gm_elf_symtab *st, bool dynamic, uint64_t addr, struct gm_elf_sym *out)
{
	for (size_t i = 1; i < st->count; i++) {
		const Elf64_Sym *s = &st->syms[i];
		uint8_t t = ELF64_ST_TYPE(s->st_info);
		if (s->st_shndx == SHN_UNDEF || (t != STT_FUNC && t != STT_OBJECT))
			continue;
		bool hit = s->st_size ? (addr >= s->st_value && addr - s->st_value < s->st_size) : addr == s->st_value;
		if (hit && gm_elf_fill_sym(st, s, dynamic, out))
			return 0;
	}
	return -1;
}

int gm_elf_symbol_at(const struct gm_elf_image *img, uint64_t addr, struct gm_elf_sym *out)
{
	if (gm_elf_at_in(&img->symtab, false, addr, out) == 0)
		return 0;
	return gm_elf_at_in(&img->dynsym, true, addr, out);
}

bool gm_elf_imports(const struct gm_elf_image *img, const char *name)
{
	struct gm_elf_sym s;
	return gm_elf_find_in(&img->dynsym, true, name, false, &s) == 0;
}

/* ---- notes ---- */

/* All n bytes at p are zero. */
static bool gm_elf_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Walk the notes in [p, p+size) (4-byte aligned Elf64_Nhdr records). */
static int gm_elf_note_in(const uint8_t *p, uint64_t size, const char *owner, uint32_t type,
			  const uint8_t **desc, size_t *len)
{
	size_t olen = strlen(owner) + 1;
	uint64_t off = 0;
	while (size - off >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		memcpy(&nh, p + off, sizeof(nh));
		uint64_t namesz = ((uint64_t)nh.n_namesz + 3) & ~3ULL;
		uint64_t descsz = ((uint64_t)nh.n_descsz + 3) & ~3ULL;
		off += sizeof(nh);
		if (namesz > size - off || descsz > size - off - namesz)
			return -1;
		/* the owner is NUL-padded to n_namesz (Go writes "Go\0\0" with n_namesz 4) */
		if (nh.n_type == type && nh.n_namesz >= olen && memcmp(p + off, owner, olen) == 0 &&
		    gm_elf_zero(p + off + olen, nh.n_namesz - olen)) {
			*desc = p + off + namesz;
			*len = nh.n_descsz;
			return 0;
		}
		off += namesz + descsz;
	}
	return -1;
}

int gm_elf_note(const struct gm_elf_image *img, const char *owner, uint32_t type,
		const uint8_t **desc, size_t *len)
{
	for (size_t i = 0; i < img->shnum; i++) {
		const Elf64_Shdr *s = &img->sh[i];
		if (s->sh_type == SHT_NOTE && gm_elf_in(img, s->sh_offset, s->sh_size) &&
		    gm_elf_note_in(img->data + s->sh_offset, s->sh_size, owner, type, desc, len) == 0)
			return 0;
	}
	for (size_t i = 0; i < img->phnum; i++) {
		const Elf64_Phdr *p = &img->ph[i];
		if (p->p_type == PT_NOTE && gm_elf_in(img, p->p_offset, p->p_filesz) &&
		    gm_elf_note_in(img->data + p->p_offset, p->p_filesz, owner, type, desc, len) == 0)
			return 0;
	}
	return -1;
}

int gm_elf_build_id(const struct gm_elf_image *img, const uint8_t **id, size_t *len)
{
	return gm_elf_note(img, "GNU", NT_GNU_BUILD_ID, id, len);
}
