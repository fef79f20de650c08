/* test_elf_image.c: common/elf_image on real Go executables (cgo, stripped, PIE, static;
 * every Go of GM_GO_VERSIONS) and on truncated and corrupted copies of them, which must give
 * errors and never read outside the buffer (each copy ends at a PROT_NONE guard page). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/elf_image.h"
#include "common/gobuildinfo.h"
#include "common/gopclntab.h"
#include "tests/unit/test_gosyms_fixtures.h"

/* ---- helpers ---- */

/* Read a whole file into a malloc'ed buffer. */
static uint8_t *gm_t_slurp(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	uint8_t *b = malloc((size_t)st.st_size);
	assert_non_null(b);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, b + got, (size_t)st.st_size - got);
		assert_true(n > 0);
		got += (size_t)n;
	}
	close(fd);
	*size = got;
	return b;
}

/* A buffer whose last byte is followed by a PROT_NONE page (len rounded up to 8 so the start
 * stays 8-aligned; the caller copies at most len bytes). */
struct gm_t_guarded {
	uint8_t *map;  /* the whole mapping */
	size_t maplen; /* its length */
	uint8_t *buf;  /* start of the data, ending at the guard page */
};

static void gm_t_guard(struct gm_t_guarded *g, const uint8_t *src, size_t len)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t l8 = (len + 7) & ~(size_t)7;
	size_t data_pages = (l8 + pg - 1) / pg + 1;
	g->maplen = (data_pages + 1) * pg;
	g->map = mmap(NULL, g->maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(g->map != MAP_FAILED);
	assert_int_equal(mprotect(g->map + data_pages * pg, pg, PROT_NONE), 0);
	g->buf = g->map + data_pages * pg - l8;
	memset(g->buf, 0, l8);
	memcpy(g->buf, src, len);
}

static void gm_t_unguard(struct gm_t_guarded *g)
{
	munmap(g->map, g->maplen);
}

/* Call everything the image offers (and the parsers on top of it); nothing may crash. */
static void gm_t_exercise(const struct gm_elf_image *img)
{
	static const char *const secs[] = {".text", ".gopclntab", ".data.rel.ro.gopclntab", ".go.buildinfo",
					   ".symtab", ".dynsym", ".note.gnu.build-id", ".bss", "nope"};
	struct gm_elf_section s;
	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++)
		if (gm_elf_section(img, secs[i], &s) == 0 && s.data) {
			volatile uint8_t x = s.size ? s.data[s.size - 1] : 0; /* must be readable */
			(void)x;
			struct gm_pclntab t;
			if (strstr(secs[i], "gopclntab") && gm_pclntab_init(&t, s.data, s.size) == 0) {
				struct gm_pclntab_func f;
				if (gm_pclntab_find_name(&t, "main.main", &f) == 0) {
					const char *file;
					int32_t line, sp;
					gm_pclntab_line(&t, &f, f.entry, &file, &line);
					gm_pclntab_sp_delta(&t, &f, f.entry + 4, &sp);
					gm_pclntab_find_pc(&t, f.entry + 1, &f);
				}
			}
		}
	struct gm_elf_sym sym;
	if (gm_elf_symbol(img, "main.main", &sym) == 0)
		gm_elf_symbol_at(img, sym.value + 1, &sym);
	gm_elf_symbol_at(img, 0x401000, &sym);
	gm_elf_imports(img, "pthread_create");
	gm_elf_is_pie(img);
	gm_elf_has_interp(img);
	const uint8_t *id;
	size_t idlen;
	if (gm_elf_build_id(img, &id, &idlen) == 0 && idlen) {
		volatile uint8_t x = id[idlen - 1];
		(void)x;
	}
	size_t avail;
	const uint8_t *d = gm_elf_vaddr_data(img, 0x401000, 16, &avail);
	if (d) {
		volatile uint8_t x = d[avail - 1];
		(void)x;
	}
	struct gm_gobuildinfo bi;
	gm_gobuildinfo_read(img, &bi);
	const char *v;
	size_t vl;
	gm_gobuildinfo_setting(&bi, "CGO_ENABLED", &v, &vl);
}

/* ---- tests on whole files ---- */

static void test_cgo_executable(void **state)
{
	for (int i = 0; i < gm_fx_nvers; i++) {
		struct gm_elf_image img;
		assert_int_equal(gm_elf_open(&img, gm_fx_path(gm_fx_vers[i], "cgo")), 0);
		assert_true(img.mapped);
		assert_true(gm_elf_has_interp(&img));
		assert_false(gm_elf_is_pie(&img));
		struct gm_elf_section text;
		assert_int_equal(gm_elf_section(&img, ".text", &text), 0);
		assert_true(text.size > 0x1000 && (text.flags & SHF_EXECINSTR));
		size_t avail;
		assert_ptr_equal(gm_elf_vaddr_data(&img, text.addr, 16, &avail), text.data);
		assert_true(avail >= text.size);
		struct gm_elf_sym sym, at;
		assert_int_equal(gm_elf_symbol(&img, "main.main", &sym), 0);
		assert_int_equal(sym.type, STT_FUNC);
		assert_false(sym.dynamic);
		assert_true(sym.value >= text.addr && sym.value < text.addr + text.size);
		assert_int_equal(gm_elf_symbol_at(&img, sym.value + 1, &at), 0);
		assert_string_equal(at.name, "main.main");
		/* cgo's runtime/cgo creates threads with pthread_create: an undefined import */
		assert_true(gm_elf_imports(&img, "pthread_create"));
		assert_false(gm_elf_imports(&img, "main.main"));
		assert_false(gm_elf_imports(&img, "pthread_create_no_such"));
		assert_int_not_equal(gm_elf_symbol(&img, "pthread_create", &sym), 0); /* not defined here */
		gm_elf_close(&img);
		assert_null(img.data);
	}
}

static void test_stripped_and_pie(void **state)
{
	for (int i = 0; i < gm_fx_nvers; i++) {
		struct gm_elf_image img;
		struct gm_elf_sym sym;
		struct gm_elf_section s;
		assert_int_equal(gm_elf_open(&img, gm_fx_path(gm_fx_vers[i], "cgo-strip")), 0);
		assert_null(img.symtab.syms);
		assert_non_null(img.dynsym.syms);
		assert_int_not_equal(gm_elf_symbol(&img, "main.main", &sym), 0);
		assert_true(gm_elf_imports(&img, "pthread_create"));
		assert_int_equal(gm_elf_section(&img, ".gopclntab", &s), 0); /* -s -w keeps section headers */
		gm_elf_close(&img);

		assert_int_equal(gm_elf_open(&img, gm_fx_path(gm_fx_vers[i], "pie")), 0);
		assert_true(gm_elf_is_pie(&img));
		assert_true(gm_elf_has_interp(&img));
		assert_non_null(gm_elf_phdr(&img, PT_PHDR));
		/* a pure-Go PIE is dynamically linked but imports no libc thread API */
		assert_false(gm_elf_imports(&img, "pthread_create"));
		gm_elf_close(&img);

		assert_int_equal(gm_elf_open(&img, gm_fx_path(gm_fx_vers[i], "static-strip")), 0);
		assert_false(gm_elf_is_pie(&img));
		assert_false(gm_elf_has_interp(&img));
		assert_null(img.symtab.syms);
		assert_null(img.dynsym.syms);
		gm_elf_close(&img);
	}
}

/* The GNU build-id equals what readelf -n prints. */
static void test_build_id(void **state)
{
	static char self[2048];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1); /* not readelf's own */
	assert_true(sl > 0);
	self[sl] = '\0';
	const char *files[2] = {self, gm_fx_path(gm_fx_vers[0], "cgo")};
	for (int k = 0; k < 2; k++) {
		char cmd[4400], want[128] = "", got[128] = "";
		snprintf(cmd, sizeof(cmd), "readelf -n '%s' | sed -n 's/.*Build ID: *//p'", files[k]);
		FILE *f = popen(cmd, "r");
		assert_non_null(f);
		if (!fgets(want, sizeof(want), f))
			want[0] = '\0';
		pclose(f);
		want[strcspn(want, "\n")] = '\0';
		if (!want[0])
			continue; /* toolchain without --build-id: nothing to compare */
		struct gm_elf_image img;
		assert_int_equal(gm_elf_open(&img, files[k]), 0);
		const uint8_t *id;
		size_t len;
		assert_int_equal(gm_elf_build_id(&img, &id, &len), 0);
		assert_true(len > 0 && len < 60);
		for (size_t i = 0; i < len; i++)
			sprintf(got + 2 * i, "%02x", id[i]);
		assert_string_equal(got, want);
		gm_elf_close(&img);
	}
	/* a pure-Go static binary has only Go's own build id note */
	struct gm_elf_image img;
	const uint8_t *id;
	size_t len;
	assert_int_equal(gm_elf_open(&img, gm_fx_path(gm_fx_vers[0], "static")), 0);
	assert_int_not_equal(gm_elf_build_id(&img, &id, &len), 0);
	assert_int_equal(gm_elf_note(&img, "Go", 4, &id, &len), 0);
	assert_true(len > 0);
	gm_elf_close(&img);
}

static void test_not_elf(void **state)
{
	struct gm_elf_image img;
	assert_int_not_equal(gm_elf_open(&img, "/nonexistent/gomemtrace"), 0);
	assert_int_not_equal(gm_elf_open(&img, "/proc/self"), 0); /* a directory */
	char p[4300];
	snprintf(p, sizeof(p), "%s/tests/data/gosyms/build.sh", getenv("GM_TOP_SRCDIR") ? getenv("GM_TOP_SRCDIR")
										       : GM_TEST_SRCDIR);
	assert_int_not_equal(gm_elf_open(&img, p), 0); /* a shell script */
	assert_null(img.data);
	gm_elf_close(&img); /* harmless on a failed image */
	static uint64_t small[8];
	assert_int_not_equal(gm_elf_from_memory(&img, small, sizeof(small)), 0);
	assert_int_not_equal(gm_elf_from_memory(&img, NULL, 100), 0);
}

/* ---- truncated and corrupted files ---- */

/* Every prefix of a real executable: up to 8 KiB byte by byte (8-byte steps), then around
 * every section boundary and at 64 KiB steps. Prefixes shorter than the section header table
 * must lose the sections; nothing may read past the end. */
static void test_truncated(void **state)
{
	const char *kinds[2] = {"cgo", "pie"};
	for (int k = 0; k < 2; k++) {
		size_t size;
		uint8_t *file = gm_t_slurp(gm_fx_path(gm_fx_vers[0], kinds[k]), &size);
		const Elf64_Ehdr *eh = (const Elf64_Ehdr *)file;
		size_t shend = eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr);
		size_t cuts[4096];
		size_t n = 0;
		for (size_t c = 0; c < 8192 && n < 1024; c += 8)
			cuts[n++] = c;
		const Elf64_Shdr *sh = (const Elf64_Shdr *)(file + eh->e_shoff);
		for (size_t i = 0; i < eh->e_shnum && n + 3 < 4000; i++) {
			size_t e = (sh[i].sh_offset + sh[i].sh_size) & ~(size_t)7;
			cuts[n++] = e > 8 ? e - 8 : 0;
			cuts[n++] = e < size ? e : size;
			cuts[n++] = sh[i].sh_offset & ~(size_t)7;
		}
		for (size_t c = 65536; c < size && n < 4090; c += 65536)
			cuts[n++] = c;
		cuts[n++] = shend > 8 ? shend - 8 : 0;
		cuts[n++] = size - 1;
		int opened = 0;
		for (size_t i = 0; i < n; i++) {
			if (cuts[i] >= size)
				continue;
			struct gm_t_guarded g;
			gm_t_guard(&g, file, cuts[i]);
			struct gm_elf_image img;
			int rc = gm_elf_from_memory(&img, g.buf, cuts[i]);
			if (cuts[i] < sizeof(Elf64_Ehdr))
				assert_int_not_equal(rc, 0);
			if (rc == 0) {
				opened++;
				struct gm_elf_section s;
				if (cuts[i] < shend)
					assert_int_not_equal(gm_elf_section(&img, ".text", &s), 0);
				gm_t_exercise(&img);
			}
			gm_t_unguard(&g);
		}
		assert_true(opened > 0);
		free(file);
	}
}

/* xorshift64: a fixed pseudo-random sequence, so that failures reproduce. */
static uint64_t gm_t_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random corruption of the ELF header, the program and section headers, the symbol tables
 * and the start of .gopclntab. */
static void test_corrupted(void **state)
{
	size_t size;
	uint8_t *file = gm_t_slurp(gm_fx_path(gm_fx_vers[0], "cgo"), &size);
	const Elf64_Ehdr *eh0 = (const Elf64_Ehdr *)file;
	struct gm_elf_image ref;
	assert_int_equal(gm_elf_from_memory(&ref, file, size), 0);
	struct gm_elf_section pcln, symtab;
	assert_int_equal(gm_elf_section(&ref, ".gopclntab", &pcln), 0);
	assert_int_equal(gm_elf_section(&ref, ".symtab", &symtab), 0);
	struct {
		size_t off, len;
	} zones[] = {
		{0, sizeof(Elf64_Ehdr)},
		{eh0->e_phoff, (size_t)eh0->e_phnum * sizeof(Elf64_Phdr)},
		{eh0->e_shoff, (size_t)eh0->e_shnum * sizeof(Elf64_Shdr)},
		{symtab.offset, 4096},
		{pcln.offset, 128},
	};
	struct gm_t_guarded g;
	gm_t_guard(&g, file, size);
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	for (int iter = 0; iter < 1500; iter++) {
		memcpy(g.buf, file, size);
		int nz = (int)(gm_t_rand(&seed) % 5);
		int nflip = 1 + (int)(gm_t_rand(&seed) % 8);
		for (int j = 0; j < nflip; j++) {
			size_t o = zones[nz].off + gm_t_rand(&seed) % zones[nz].len;
			uint64_t r = gm_t_rand(&seed);
			g.buf[o] = (r & 1) ? (uint8_t)(r >> 8) : (r & 2) ? 0xff : 0;
		}
		struct gm_elf_image img;
		if (gm_elf_from_memory(&img, g.buf, size) == 0)
			gm_t_exercise(&img);
	}
	/* Pure garbage after a valid identification. */
	for (int iter = 0; iter < 300; iter++) {
		for (size_t o = 0; o < 65536; o += 8) {
			uint64_t r = gm_t_rand(&seed);
			memcpy(g.buf + o, &r, 8);
		}
		memcpy(g.buf, file, 16);
		struct gm_elf_image img;
		if (gm_elf_from_memory(&img, g.buf, 65536) == 0)
			gm_t_exercise(&img);
	}
	gm_t_unguard(&g);
	free(file);
}

static int gm_t_setup(void **state)
{
	return gm_fx_setup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cgo_executable), cmocka_unit_test(test_stripped_and_pie),
		cmocka_unit_test(test_build_id),       cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_truncated),      cmocka_unit_test(test_corrupted),
	};
	return cmocka_run_group_tests(tests, gm_t_setup, NULL);
}
