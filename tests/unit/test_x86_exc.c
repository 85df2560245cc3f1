/* SPDX-License-Identifier: MIT */
/*
 * The x86 interpreter's system side: exception delivery through 32- and
 * 64-bit IDTs with error codes, ring switches through the TSS and IRET
 * back, #DF and triple fault, the switch to long mode, unimplemented
 * instructions (#UD, or --strict), and random bytes that must never
 * hurt the host. Every IDT vector points at a HLT stub, so a test sees
 * which exception arrived from where the CPU halted.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hv/x86/interp.h"
#include "x86_test_machine.h"

static struct x86_tm *tm;

static void fini(void)
{
	if (tm)
		x86_tm_free(tm);
	tm = NULL;
}

TestSuite(x86_exc, .fini = fini);

#define R(r) (tm->cpu->gpr[X86_##r])

static uint64_t stack(unsigned int i, unsigned int size)
{
	return x86_tm_get(tm, R(RSP) + i * size, size);
}

static int run_to_vector(enum x86_tm_mode mode, const uint8_t *code, size_t len)
{
	tm = x86_tm_new(mode);
	x86_tm_code(tm, code, len);
	cr_assert_eq(x86_tm_run(tm, 10000), VCPU_EXIT_HALT, "%s", tm->exit.msg);
	return x86_tm_vector(tm);
}

/* nop; ud2 */
static const uint8_t ud32[] = {
	0x90, 0x0f, 0x0b,
};
Test(x86_exc, ud_32)
{
	cr_assert_eq(run_to_vector(TM_PROT32, ud32, sizeof(ud32)), X86_UD);
	cr_assert_eq(stack(0, 4), TM_CODE + 1);		/* EIP: the ud2 */
	cr_assert_eq(stack(1, 4), TM_CS32);
	cr_assert_eq(R(RSP), TM_STACK - 12);
}

/* nop; ud2 */
static const uint8_t ud64[] = {
	0x90, 0x0f, 0x0b,
};
Test(x86_exc, ud_64)
{
	cr_assert_eq(run_to_vector(TM_LONG64, ud64, sizeof(ud64)), X86_UD);
	cr_assert_eq(stack(0, 8), TM_CODE + 1);
	cr_assert_eq(stack(1, 8), TM_CS64);
	cr_assert_eq(stack(4, 8), TM_DS);		/* SS */
	cr_assert_eq(R(RSP), TM_STACK - 40);
}

/* mov eax, 1; xor ecx, ecx; div ecx */
static const uint8_t de32[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00, 0x31, 0xc9, 0xf7, 0xf1,
};
Test(x86_exc, divide_error_32)
{
	cr_assert_eq(run_to_vector(TM_PROT32, de32, sizeof(de32)), X86_DE);
	cr_assert_eq(stack(0, 4), TM_CODE + 7);
	cr_assert_eq(R(RAX), 1);	/* no partial update */
}

/* mov rax, 0x8000000000000000; cqo; mov rcx, -1; idiv rcx */
static const uint8_t idivof[] = {
	0x48, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x48,
	0x99, 0x48, 0xc7, 0xc1, 0xff, 0xff, 0xff, 0xff, 0x48, 0xf7, 0xf9,
};
Test(x86_exc, idiv_overflow_64)
{
	cr_assert_eq(run_to_vector(TM_LONG64, idivof, sizeof(idivof)), X86_DE);
	cr_assert_eq(R(RAX), 0x8000000000000000ull);
}

/* mov rbx, 0x40001000; mov qword ptr [rbx], 1 */
static const uint8_t pf64[] = {
	0x48, 0xc7, 0xc3, 0x00, 0x10, 0x00, 0x40, 0x48, 0xc7, 0x03, 0x01,
	0x00, 0x00, 0x00,
};
Test(x86_exc, page_fault_64_cr2_error_code)
{
	cr_assert_eq(run_to_vector(TM_LONG64, pf64, sizeof(pf64)), X86_PF);
	cr_assert_eq(tm->cpu->cr2, 0x40001000);
	cr_assert_eq(stack(0, 8), PFERR_WRITE);		/* not present, write */
	cr_assert_eq(stack(1, 8), TM_CODE + 7);
}

/* mov eax, cr0; or eax, 0x80000000; mov cr0, eax; mov eax, [0x40000000] */
static const uint8_t pf32[] = {
	0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22, 0xc0,
	0xa1, 0x00, 0x00, 0x00, 0x40,
};
Test(x86_exc, page_fault_32_pae_paging)
{
	tm = x86_tm_new(TM_PROT32);
	/* PAE paging through the test tables: PDPTE 0 only. */
	x86_tm_set(tm, TM_PML4 + 0x800, 8, 0);
	tm->cpu->cr3 = TM_PDPT;
	tm->cpu->cr4 = X86_CR4_PAE;
	x86_tm_set(tm, TM_PDPT, 8, TM_PD | 1);
	x86_tm_code(tm, pf32, sizeof(pf32));
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT, "%s", tm->exit.msg);
	cr_assert_eq(x86_tm_vector(tm), X86_PF);
	cr_assert_eq(tm->cpu->cr2, 0x40000000);
	cr_assert_eq(stack(0, 4), 0);		/* read, not present, supervisor */
}

/* hlt */
static const uint8_t user_hlt[] = {
	0xf4,
};
Test(x86_exc, gp_from_ring3_switches_to_rsp0)
{
	tm = x86_tm_new(TM_LONG64);
	x86_tm_code(tm, user_hlt, sizeof(user_hlt));
	x86_tm_user(tm, true);
	R(RSP) = 0x70000;
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT);
	cr_assert_eq(x86_tm_vector(tm), X86_GP);
	cr_assert_eq(tm->cpu->cpl, 0);
	cr_assert_eq(R(RSP), TM_STACK0 - 48);
	cr_assert_eq(stack(0, 8), 0);			/* error code */
	cr_assert_eq(stack(1, 8), TM_CODE);		/* RIP of the hlt */
	cr_assert_eq(stack(2, 8), TM_CS64_3);
	cr_assert_eq(stack(4, 8), 0x70000);		/* user RSP */
	cr_assert_eq(stack(5, 8), TM_DS3);		/* user SS */
}

/* Ring 3 calls int 0x80; the handler returns 42 in eax with iretd. */
/* int 0x80; mov ebx, eax; int 0x81 */
static const uint8_t user_int[] = {
	0xcd, 0x80, 0x89, 0xc3, 0xcd, 0x81,
};
/* mov eax, 42; iretd */
static const uint8_t h80_32[] = {
	0xb8, 0x2a, 0x00, 0x00, 0x00, 0xcf,
};
Test(x86_exc, int80_ring_switch_and_iret_32)
{
	tm = x86_tm_new(TM_PROT32);
	x86_tm_code(tm, user_int, sizeof(user_int));
	x86_tm_put(tm, TM_HANDLER(0x80), h80_32, sizeof(h80_32));
	x86_tm_user(tm, false);
	R(RSP) = 0x70000;
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT, "%s", tm->exit.msg);
	cr_assert_eq(R(RBX), 42);
	/* int 0x81 has a DPL 0 gate: #GP(0x81 * 8 + 2) on the ring-0 stack */
	cr_assert_eq(x86_tm_vector(tm), X86_GP);
	cr_assert_eq(stack(0, 4), 0x81 * 8 + 2);
	cr_assert_eq(stack(1, 4), TM_CODE + 4);
	cr_assert_eq(stack(2, 4), TM_CS32_3);
	cr_assert_eq(stack(4, 4), 0x70000);
	cr_assert_eq(stack(5, 4), TM_DS3);
	cr_assert_eq(R(RSP), TM_STACK0 - 24);
	cr_assert_eq(tm->cpu->seg[X86_SS].sel, TM_DS);
}

/* int 0x80; mov rbx, rax; ud2 */
static const uint8_t user_int64[] = {
	0xcd, 0x80, 0x48, 0x89, 0xc3, 0x0f, 0x0b,
};
/* mov eax, 42; iretq */
static const uint8_t h80_64[] = {
	0xb8, 0x2a, 0x00, 0x00, 0x00, 0x48, 0xcf,
};
Test(x86_exc, int80_ring_switch_and_iret_64)
{
	tm = x86_tm_new(TM_LONG64);
	x86_tm_code(tm, user_int64, sizeof(user_int64));
	x86_tm_put(tm, TM_HANDLER(0x80), h80_64, sizeof(h80_64));
	x86_tm_user(tm, true);
	R(RSP) = 0x70008;
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT, "%s", tm->exit.msg);
	cr_assert_eq(R(RBX), 42);
	cr_assert_eq(x86_tm_vector(tm), X86_UD);
	cr_assert_eq(stack(1, 8), TM_CS64_3);
	cr_assert_eq(stack(3, 8), 0x70008);
	cr_assert_eq(R(RSP), TM_STACK0 - 40);
}

Test(x86_exc, ist_stack)
{
	tm = x86_tm_new(TM_LONG64);
	/* vector 6 on IST1 */
	x86_tm_set(tm, TM_IDT + 16 * 6 + 4, 1, 1);
	x86_tm_code(tm, ud64, sizeof(ud64));
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT);
	cr_assert_eq(x86_tm_vector(tm), X86_UD);
	cr_assert_eq(R(RSP), TM_STACK_IST - 40);
}

Test(x86_exc, double_fault_then_triple)
{
	tm = x86_tm_new(TM_LONG64);
	/* #PF's gate not present: #NP while delivering #PF -> #DF */
	x86_tm_set(tm, TM_IDT + 16 * 14 + 5, 1, 0x0e);
	x86_tm_code(tm, pf64, sizeof(pf64));
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT);
	cr_assert_eq(x86_tm_vector(tm), X86_DF);
	cr_assert_eq(stack(0, 8), 0);
	x86_tm_free(tm);

	/* and with #DF's gate gone too: shutdown */
	tm = x86_tm_new(TM_LONG64);
	x86_tm_set(tm, TM_IDT + 16 * 14 + 5, 1, 0x0e);
	x86_tm_set(tm, TM_IDT + 16 * 8 + 5, 1, 0x0e);
	x86_tm_code(tm, pf64, sizeof(pf64));
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_SHUTDOWN);
}

Test(x86_exc, empty_idt_triple_faults)
{
	tm = x86_tm_new(TM_PROT32);
	tm->cpu->idtr.limit = 0;
	x86_tm_code(tm, ud32, sizeof(ud32));
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_SHUTDOWN);
}

/* mov eax, cr4; or eax, 0x20; mov cr4, eax; mov eax, 0x10000; mov cr3, eax; mov ecx, 0xc0000080; rdmsr; or eax, 0x100; wrmsr; mov eax, cr0; or eax, 0x80000000; mov cr0, eax; jmp 0x18:0x100100 */
static const uint8_t lm[] = {
	0x0f, 0x20, 0xe0, 0x83, 0xc8, 0x20, 0x0f, 0x22, 0xe0, 0xb8, 0x00,
	0x00, 0x01, 0x00, 0x0f, 0x22, 0xd8, 0xb9, 0x80, 0x00, 0x00, 0xc0,
	0x0f, 0x32, 0x0d, 0x00, 0x01, 0x00, 0x00, 0x0f, 0x30, 0x0f, 0x20,
	0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80, 0x0f, 0x22, 0xc0, 0xea, 0x00,
	0x01, 0x10, 0x00, 0x18, 0x00,
};
/* mov rax, 0x123456789; push rax; pop rbx; hlt */
static const uint8_t lm64[] = {
	0x48, 0xb8, 0x89, 0x67, 0x45, 0x23, 0x01, 0x00, 0x00, 0x00, 0x50,
	0x5b, 0xf4,
};
Test(x86_exc, switch_to_long_mode)
{
	tm = x86_tm_new(TM_PROT32);
	x86_tm_code(tm, lm, sizeof(lm));
	x86_tm_put(tm, TM_CODE + 0x100, lm64, sizeof(lm64));
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT, "%s", tm->exit.msg);
	cr_assert_eq(x86_tm_vector(tm), -1);
	cr_assert_eq(tm->cpu->mode, 64);
	cr_assert(tm->cpu->efer & X86_EFER_LMA);
	cr_assert_eq(R(RBX), 0x123456789ull);
}

/* mov ecx, 0xc0000080; rdmsr; or eax, 0x100; wrmsr; mov eax, cr0; or eax, 0x80000000; mov cr0, eax */
static const uint8_t lm_nopae[] = {
	0xb9, 0x80, 0x00, 0x00, 0xc0, 0x0f, 0x32, 0x0d, 0x00, 0x01, 0x00,
	0x00, 0x0f, 0x30, 0x0f, 0x20, 0xc0, 0x0d, 0x00, 0x00, 0x00, 0x80,
	0x0f, 0x22, 0xc0,
};
Test(x86_exc, long_mode_needs_pae)
{
	cr_assert_eq(run_to_vector(TM_PROT32, lm_nopae, sizeof(lm_nopae)), X86_GP);
}

/* mov ecx, 0x12345; rdmsr */
static const uint8_t badmsr[] = {
	0xb9, 0x45, 0x23, 0x01, 0x00, 0x0f, 0x32,
};
Test(x86_exc, unknown_msr_gp)
{
	cr_assert_eq(run_to_vector(TM_PROT32, badmsr, sizeof(badmsr)), X86_GP);
}

/* movaps xmm0, xmm1 */
static const uint8_t sse[] = {
	0x0f, 0x28, 0xc1,
};
Test(x86_exc, unimplemented_is_ud)
{
	cr_assert_eq(run_to_vector(TM_LONG64, sse, sizeof(sse)), X86_UD);
	cr_assert_eq(stack(0, 8), TM_CODE);	/* #UD has no error code */
}

Test(x86_exc, unimplemented_strict_stops)
{
	tm = x86_tm_new(TM_LONG64);
	tm->vm.cfg.strict = true;
	x86_tm_code(tm, sse, sizeof(sse));
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_STRICT);
	cr_assert(strstr(tm->exit.msg, "movaps"), "%s", tm->exit.msg);
	cr_assert(strstr(tm->exit.msg, "0f 28 c1"), "%s", tm->exit.msg);
	cr_assert_eq(tm->cpu->rip, TM_CODE);
}

/* mov ecx, 0xc0000081; xor eax, eax; mov edx, 0x00180018; wrmsr; mov ecx, 0xc0000082; mov eax, 0x100100; xor edx, edx; wrmsr; lea rcx, [rip + 1f]; mov r11, 0x202; sysretq; 1: syscall */
static const uint8_t syscall64[] = {
	0xb9, 0x81, 0x00, 0x00, 0xc0, 0x31, 0xc0, 0xba, 0x18, 0x00, 0x18,
	0x00, 0x0f, 0x30, 0xb9, 0x82, 0x00, 0x00, 0xc0, 0xb8, 0x00, 0x01,
	0x10, 0x00, 0x31, 0xd2, 0x0f, 0x30, 0x48, 0x8d, 0x0d, 0x0a, 0x00,
	0x00, 0x00, 0x49, 0xc7, 0xc3, 0x02, 0x02, 0x00, 0x00, 0x48, 0x0f,
	0x07, 0x0f, 0x05,
};
/* mov rbx, rcx; hlt */
static const uint8_t sysentry[] = {
	0x48, 0x89, 0xcb, 0xf4,
};
Test(x86_exc, syscall_sysret)
{
	tm = x86_tm_new(TM_LONG64);
	x86_tm_code(tm, syscall64, sizeof(syscall64));
	x86_tm_put(tm, TM_CODE + 0x100, sysentry, sizeof(sysentry));
	cr_assert_eq(x86_tm_run(tm, 100), VCPU_EXIT_HALT, "%s", tm->exit.msg);
	cr_assert_eq(x86_tm_vector(tm), -1);
	cr_assert_eq(tm->cpu->cpl, 0);
	cr_assert_eq(R(RBX), TM_CODE + sizeof(syscall64));
	cr_assert_eq(R(R11) & X86_FL_IF, X86_FL_IF);
}

/*
 * Random bytes in both modes: whatever they do, the host survives and
 * run() returns. Deterministic (xorshift), so a failure reproduces.
 */
Test(x86_exc, garbage_never_crashes)
{
	uint64_t s = 0x9e3779b97f4a7c15ull;

	for (int round = 0; round < 600; round++) {
		uint8_t code[256];

		for (size_t i = 0; i < sizeof(code); i++) {
			s ^= s << 13;
			s ^= s >> 7;
			s ^= s << 17;
			code[i] = s;
		}
		tm = x86_tm_new(round & 1 ? TM_LONG64 : TM_PROT32);
		if (round & 2)
			x86_tm_user(tm, round & 1);
		x86_tm_code(tm, code, sizeof(code));
		for (int k = 0; k < 4; k++) {
			int r = x86_tm_run(tm, 2000);

			cr_assert(r >= 0 && r != VCPU_EXIT_INTERNAL,
				  "round %d: %d %s", round, r, tm->exit.msg);
			if (r != VCPU_EXIT_BUDGET && r != VCPU_EXIT_HALT)
				break;
		}
		x86_tm_free(tm);
		tm = NULL;
	}
}
