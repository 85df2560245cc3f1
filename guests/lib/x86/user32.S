/*
 * user32.S: run a function at CPL 3 and come back (32-bit).
 *
 * uintptr_t user_call(user_fn_t fn, uintptr_t arg)
 *   saves the callee-saved registers and ESP, builds fn's frame on the
 *   user stack (arg, and a return address pointing at user_trampoline),
 *   loads DS/ES with the user data selector (IRET to ring 3 would null
 *   them otherwise, as their DPL 0 < CPL 3), and IRETs to ring 3 with
 *   SS:ESP = user stack, CS:EIP = fn, EFLAGS = 0x2 (IF=0, IOPL=0).
 *
 * user_trampoline (ring 3): fn returned its value in EAX; "int $0x80"
 *   goes through the DPL 3 gate to ring 0 on TSS.esp0's stack and
 *   trap_dispatch calls user_return(EAX).
 *
 * user_return(value): abandons the trap frame, reloads the saved ESP and
 *   registers and returns value from user_call. It may also be called by
 *   a fault handler to end the user call early.
 */
#include "trap.h"

	.code32
	.text
	.globl user_call
user_call:
	pushl	%ebp
	pushl	%ebx
	pushl	%esi
	pushl	%edi
	movl	%esp, user_saved_sp
	movl	20(%esp), %eax		/* fn */
	movl	24(%esp), %ecx		/* arg */
	movl	$user_stack_top - 20, %edx	/* ESP + 4 16-byte aligned */
	movl	%ecx, 4(%edx)
	movl	$user_trampoline, (%edx)
	movw	$(SEG_UDATA | 3), %bx
	movw	%bx, %ds
	movw	%bx, %es
	pushl	$(SEG_UDATA | 3)	/* SS */
	pushl	%edx			/* ESP */
	pushl	$0x2			/* EFLAGS */
	pushl	$(SEG_UCODE | 3)	/* CS */
	pushl	%eax			/* EIP */
	iret

	.globl user_trampoline
user_trampoline:
	int	$T_USER_EXIT
	ud2

	.globl user_return
user_return:
	movl	4(%esp), %eax
	movw	$SEG_KDATA, %cx
	movw	%cx, %ds
	movw	%cx, %es
	movl	user_saved_sp, %esp
	popl	%edi
	popl	%esi
	popl	%ebx
	popl	%ebp
	ret

	.section .bss
	.balign 4
user_saved_sp:
	.skip 4

	.section .bss.user, "aw", @nobits
	.balign 4096
	.globl user_stack, user_stack_top
user_stack:
	.skip 4096
user_stack_top:
