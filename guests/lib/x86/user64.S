/*
 * user64.S: run a function at CPL 3 and come back (64-bit).
 *
 * Same scheme as user32.S. In long mode IRETQ always pops SS:RSP, DS/ES
 * do not matter, and a trap from ring 3 leaves SS null at ring 0, so
 * user_return reloads SS. The user stack is entered with RSP = 8 mod 16,
 * as if fn had been called.
 */
#include "trap.h"

	.code64
	.text
	.globl user_call
user_call:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, user_saved_sp(%rip)
	leaq	user_stack_top - 16(%rip), %rdx
	leaq	user_trampoline(%rip), %rax
	movq	%rax, 8(%rdx)
	addq	$8, %rdx
	movq	%rdi, %rax		/* fn */
	movq	%rsi, %rdi		/* its argument */
	pushq	$(SEG_UDATA | 3)	/* SS */
	pushq	%rdx			/* RSP */
	pushq	$0x2			/* RFLAGS */
	pushq	$(SEG_UCODE | 3)	/* CS */
	pushq	%rax			/* RIP */
	iretq

	.globl user_trampoline
user_trampoline:
	int	$T_USER_EXIT
	ud2

	.globl user_return
user_return:
	movq	%rdi, %rax
	movw	$SEG_KDATA, %cx
	movw	%cx, %ss
	movq	user_saved_sp(%rip), %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

	.section .bss
	.balign 8
user_saved_sp:
	.skip 8

	.section .bss.user, "aw", @nobits
	.balign 4096
	.globl user_stack, user_stack_top
user_stack:
	.skip 4096
user_stack_top:
