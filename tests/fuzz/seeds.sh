#!/bin/sh
# seeds.sh OUT DIR...: the seed corpora of the fuzz targets, made at fuzz time (nothing large
# is committed) from the Go test programs the unit tests build (tests/data/gosyms/build.sh:
# $(builddir)/tests/unit/gosyms-fx, symbols-fx) and any other directory of ELF files given:
#   OUT/elf_image, OUT/gosyms    the binaries
#   OUT/gopclntab                the binaries, and each .gopclntab alone ('R' + the section)
#   OUT/gobuildinfo              the binaries, and each .go.buildinfo alone
#   OUT/symbolize                the binaries behind operations (tests/fuzz/fuzz_symbolize.c):
#                                add it as a module (fixed and PIC), look up its functions
#                                and symbols, a build id, a fork, a replacement
# The committed seeds (tests/fuzz/seeds/TARGET) are used as they are. Exit 0.
set -eu
out=$1; shift
for t in elf_image gopclntab gobuildinfo gosyms symbolize report_model; do mkdir -p "$out/$t"; done
# The operations of the symbolize seeds (octal escapes for printf; fuzz_symbolize.c decodes
# them): add the binary (how 002: fixed at 0x400000; 006: PIC at 0x5500000) with memsz 1<<28,
# look up Go functions 16, 64, 128 (a return address), 32, 8, symbol 3, base+0x1000, set its
# own build id, fork, replace it by a missing file, look up again, unload, statedump.
ops_tail='\006\000\020\000\005\006\000\100\000\011\016\000\200\000\000\007\000\003\000\000\005\000\000\020\000\000\001\000\001\006\000\040\000\000\004\000\006\000\010\000\003\000\000\001\004\343\006\000\020\000\005\002\000\003\000'
ops_fixed="\\000\\002\\004\\343$ops_tail"
ops_pic="\\000\\006\\125\\343$ops_tail"
len_of() { printf "$1" | wc -c; }
n=0
for d in "$@"; do
	[ -d "$d" ] || continue
	for f in "$d"/*; do
		[ -f "$f" ] && [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
		b=$(basename "$f"); n=$((n + 1))
		for t in elf_image gosyms gopclntab gobuildinfo; do cp "$f" "$out/$t/$b"; done
		for s in gopclntab go.buildinfo; do
			t=gobuildinfo; [ $s = gopclntab ] && t=gopclntab
			if objcopy -O binary --only-section=.$s "$f" "$out/$t/.sec" 2>/dev/null && [ -s "$out/$t/.sec" ]; then
				{ printf R; cat "$out/$t/.sec"; } >"$out/$t/$b.$s"
			fi
			rm -f "$out/$t/.sec"
		done
		for k in fixed pic; do
			eval ops=\$ops_$k
			l=$(len_of "$ops")
			{ printf "\\$(printf %03o $((l % 256)))\\$(printf %03o $((l / 256)))"; printf "$ops"; cat "$f"; } \
				>"$out/symbolize/$b.$k"
		done
	done
done
echo "seeds.sh: $n binaries into $out"
