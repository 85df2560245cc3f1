/* SPDX-License-Identifier: MIT */
#include <criterion/criterion.h>

#include "x86_test_machine.h"

Test(x86_basic, mov_add_hlt)
{
	struct x86_tm *tm = x86_tm_new(TM_PROT32);
	/* mov eax, 1; add eax, 2; hlt */
	static const uint8_t code[] = { 0xb8, 1, 0, 0, 0, 0x83, 0xc0, 2, 0xf4 };

	x86_tm_code(tm, code, sizeof(code));
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT);
	cr_assert_eq(tm->cpu->gpr[X86_RAX], 3);
	x86_tm_free(tm);
}
