/* SPDX-License-Identifier: MIT */
/* The command line: every option, and clear refusals. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "debugger/options.h"

static int parse(struct quadrant_opts *o, int argc, char **argv)
{
	*o = (struct quadrant_opts){ .command = "run" };
	return options_parse(o, argc, argv);
}

Test(options, sizes)
{
	uint64_t b;

	cr_assert(options_parse_size("128M", &b));
	cr_assert_eq(b, 128 * MiB);
	cr_assert(options_parse_size("1G", &b) && b == GiB);
	cr_assert(options_parse_size("64KiB", &b) && b == 64 * KiB);
	cr_assert(options_parse_size("4096", &b) && b == 4096);
	cr_assert(options_parse_size("0x1000", &b) && b == 4096);
	cr_assert_not(options_parse_size("12Q", &b));
	cr_assert_not(options_parse_size("", &b));
	cr_assert_not(options_parse_size("-5M", &b));
	cr_assert_not(options_parse_size("99999999999999999999G", &b));
}

Test(options, all_options_both_spellings)
{
	struct quadrant_opts o;
	char *argv[] = { "--mmu=tdp", "--mem", "256M", "--trace=t.txt",
			 "--stats", "--strict", "--max-insns", "1000",
			 "--serial", "s.txt", "img.elf" };

	cr_assert_eq(parse(&o, 11, argv), 0);
	cr_assert_eq(o.machine.mmu, VM_MMU_TDP);
	cr_assert(o.machine.mmu_given);
	cr_assert_eq(o.machine.ram_bytes, 256 * MiB);
	cr_assert_str_eq(o.trace_path, "t.txt");
	cr_assert(o.stats && o.machine.strict);
	cr_assert_eq(o.max_insns, 1000);
	cr_assert_str_eq(o.serial_path, "s.txt");
	cr_assert_str_eq(o.image, "img.elf");
}

Test(options, arm64_options)
{
	struct quadrant_opts o;
	char *argv[] = { "--ipa-bits", "40", "--granule=16k", "x" };

	cr_assert_eq(parse(&o, 4, argv), 0);
	cr_assert_eq(o.machine.ipa_bits, 40);
	cr_assert_eq(o.machine.granule, 16384);
}

static void refused(int argc, char **argv)
{
	struct quadrant_opts o;

	cr_assert_eq(parse(&o, argc, argv), QSTATUS_USAGE, "%s", argv[0]);
}

Test(options, refusals, .init = cr_redirect_stderr)
{
	refused(2, (char *[]){ "--mmu=ept", "x" });
	refused(2, (char *[]){ "--mem=1T", "x" });
	refused(2, (char *[]){ "--mem=1000", "x" });
	refused(2, (char *[]){ "--ipa-bits=52", "x" });
	refused(2, (char *[]){ "--granule=8k", "x" });
	refused(2, (char *[]){ "--max-insns=0", "x" });
	refused(2, (char *[]){ "--bogus", "x" });
	refused(2, (char *[]){ "a", "b" });
	refused(1, (char *[]){ "--trace" });
	refused(1, (char *[]){ "--stats" });
	refused(2, (char *[]){ "-S", "x" });
}
