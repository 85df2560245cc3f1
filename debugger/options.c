/* SPDX-License-Identifier: MIT */
/*
 * Option parsing. Every option takes its value either as the next
 * argument or after '=' (--trace FILE, --trace=FILE), as QEMU users type.
 * Anything malformed gets one clear line on stderr and status 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/options.h"

void options_usage(FILE *out)
{
	fputs(
"usage: quadrant COMMAND [OPTIONS] IMAGE\n"
"\n"
"commands:\n"
"  run     run the guest; its console alone on stdout, diagnostics on\n"
"          stderr; exits with QEMU's status for isa-debug-exit\n"
"  debug   the interactive debugger (readline CLI)\n"
"  tui     the full-screen debugger (ncurses)\n"
"\n"
"options:\n"
"  --mmu tdp|shadow     x86 hypervisor MMU (default tdp)\n"
"  --mem SIZE           guest RAM, e.g. 128M, 1G (default 128M)\n"
"  --ipa-bits N         arm64 stage-2 input size, 32..48 (default 40)\n"
"  --granule 4k|16k|64k arm64 stage-2 granule (default 4k)\n"
"  --trace FILE         write every MMU/CPU event, one per line\n"
"  --stats              print counters to stderr at exit\n"
"  --serial FILE        guest console to FILE instead of stdout\n"
"  --no-prev-roots      x86 shadow: no previous-root cache, so every\n"
"                       CR3 load builds or looks up its root afresh\n"
"  --strict             stop on an unimplemented instruction\n"
"                       (default: #UD / UNDEFINED in the guest, logged once)\n"
"  --max-insns N        stop after N instructions (status 10)\n"
"  --gdb [ADDR:]PORT    GDB remote stub (127.0.0.1 unless ADDR)\n"
"  -S                   with --gdb: wait for GDB before the first insn\n"
"  -x FILE              debug: run the commands in FILE first\n"
"  --batch              debug: run commands from -x/stdin, then exit\n"
"  -h, --help           this text\n"
"\n"
"exit status: the guest's (v << 1) | 1 when it writes v to port 0xf4;\n"
"0 on a triple fault (as QEMU -no-reboot) or PSCI SYSTEM_OFF;\n"
"2 bad usage or image; 4 guest halted for ever; 6 --strict stop;\n"
"8 internal error; 10 --max-insns reached.\n", out);
}

bool options_parse_size(const char *s, uint64_t *bytes)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': mul = KiB; end++; break;
	case 'm': case 'M': mul = MiB; end++; break;
	case 'g': case 'G': mul = GiB; end++; break;
	default: return false;
	}
	if (*end == 'i' || *end == 'B')
		end += (end[0] == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || v > UINT64_MAX / mul)
		return false;
	*bytes = v * mul;
	return true;
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static int bad(const char *fmt, const char *arg)
{
	fprintf(stderr, "quadrant: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'quadrant --help'.\n");
	return QSTATUS_USAGE;
}

/*
 * The value of option @name at argv[*i]: after '=' in the same word, or
 * the next word. NULL (with a message) if missing.
 */
static const char *value_of(int argc, char **argv, int *i, const char *name)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (a[n] == '=')
		return a + n + 1;
	if (*i + 1 >= argc)
		return NULL;
	return argv[++*i];
}

/* Does argv word @a name option @name (alone or as name=value)? */
static bool is_opt(const char *a, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(a, name, n) && (a[n] == '\0' || a[n] == '=');
}

int options_parse(struct quadrant_opts *o, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v;
		uint64_t n;

#define VALUE(name)                                                     \
	do {                                                            \
		v = value_of(argc, argv, &i, name);                     \
		if (!v)                                                 \
			return bad("option %s needs a value", name);    \
	} while (0)
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			options_usage(stdout);
			return -1;
		} else if (is_opt(a, "--mmu")) {
			VALUE("--mmu");
			if (!strcmp(v, "tdp"))
				o->machine.mmu = VM_MMU_TDP;
			else if (!strcmp(v, "shadow"))
				o->machine.mmu = VM_MMU_SHADOW;
			else
				return bad("--mmu must be tdp or shadow, not '%s'", v);
			o->machine.mmu_given = true;
		} else if (is_opt(a, "--mem") || !strcmp(a, "-m")) {
			VALUE(a[1] == 'm' ? "-m" : "--mem");
			if (!options_parse_size(v, &n) || n < 2 * MiB ||
			    n > 64 * GiB || (n & (PAGE_SIZE - 1)))
				return bad("--mem wants a size from 2M to 64G in "
					   "whole pages (e.g. 128M), not '%s'", v);
			o->machine.ram_bytes = n;
		} else if (is_opt(a, "--ipa-bits")) {
			VALUE("--ipa-bits");
			if (!parse_u64(v, &n) || n < 32 || n > 48)
				return bad("--ipa-bits must be 32 to 48, not '%s'", v);
			o->machine.ipa_bits = (unsigned int)n;
		} else if (is_opt(a, "--granule")) {
			VALUE("--granule");
			if (!strcmp(v, "4k") || !strcmp(v, "4K"))
				o->machine.granule = 4096;
			else if (!strcmp(v, "16k") || !strcmp(v, "16K"))
				o->machine.granule = 16384;
			else if (!strcmp(v, "64k") || !strcmp(v, "64K"))
				o->machine.granule = 65536;
			else
				return bad("--granule must be 4k, 16k or 64k, not '%s'", v);
		} else if (is_opt(a, "--trace")) {
			VALUE("--trace");
			o->trace_path = v;
		} else if (is_opt(a, "--serial")) {
			VALUE("--serial");
			o->serial_path = v;
		} else if (!strcmp(a, "--stats")) {
			o->stats = true;
		} else if (!strcmp(a, "--no-prev-roots")) {
			o->machine.no_prev_roots = true;
		} else if (!strcmp(a, "--strict")) {
			o->machine.strict = true;
		} else if (is_opt(a, "--max-insns")) {
			VALUE("--max-insns");
			if (!parse_u64(v, &n) || !n)
				return bad("--max-insns wants a positive count, not '%s'", v);
			o->max_insns = n;
		} else if (is_opt(a, "--gdb")) {
			VALUE("--gdb");
			o->gdb = v;
		} else if (!strcmp(a, "-S")) {
			o->gdb_wait = true;
		} else if (!strcmp(a, "-x")) {
			VALUE("-x");
			o->script = v;
		} else if (!strcmp(a, "--batch")) {
			o->batch = true;
		} else if (a[0] == '-' && a[1]) {
			return bad("unknown option '%s'", a);
		} else if (o->image) {
			return bad("one image only; '%s' is a second one", a);
		} else {
			o->image = a;
		}
#undef VALUE
	}
	if (o->machine.no_prev_roots &&
	    !(o->machine.mmu_given && o->machine.mmu == VM_MMU_SHADOW))
		return bad("%s is for the x86 shadow MMU: add --mmu shadow",
			   "--no-prev-roots");
	if (!o->image)
		return bad("%s: which image? (quadrant COMMAND [OPTIONS] IMAGE)",
			   o->command);
	if (o->gdb_wait && !o->gdb)
		return bad("%s", "-S needs --gdb PORT");
	return 0;
}
