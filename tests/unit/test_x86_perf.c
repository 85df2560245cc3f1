/* SPDX-License-Identifier: MIT */
/*
 * Interpreter speed on a tight ALU loop (add, xor, sub, dec, jnz), in
 * millions of guest instructions per host second. Prints the figure;
 * asserts only a low floor so sanitizer builds pass.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <time.h>

#include "x86_test_machine.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

Test(x86_perf, alu_loop_mips)
{
	struct x86_tm *tm = x86_tm_new(TM_LONG64);
	/* mov ecx, 10000000; 1: add eax, ecx; xor edx, eax; sub ebx, 3;
	   dec ecx; jnz 1b; hlt */
	static const uint8_t code[] = {
		0xb9, 0x80, 0x96, 0x98, 0x00, 0x01, 0xc8, 0x31, 0xc2, 0x83,
		0xeb, 0x03, 0xff, 0xc9, 0x75, 0xf5, 0xf4,
	};
	double t0, t1;
	uint64_t n;

	x86_tm_code(tm, code, sizeof(code));
	t0 = now();
	cr_assert_eq(x86_tm_run(tm, 1ull << 40), VCPU_EXIT_HALT);
	t1 = now();
	n = tm->vm.icount;
	cr_assert_eq(n, 2 + 5 * 10000000ull);
	fprintf(stderr, "x86 ALU loop: %llu instructions in %.3f s = %.0f MIPS\n",
		(unsigned long long)n, t1 - t0, n / (t1 - t0) / 1e6);
	cr_assert_gt(n / (t1 - t0), 2e6);
	x86_tm_free(tm);
}
