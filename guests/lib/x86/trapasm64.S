/*
 * trapasm64.S: exception entry stubs for 64-bit guests.
 *
 * In long mode the CPU aligns RSP to 16 bytes and always pushes SS, RSP,
 * RFLAGS, CS, RIP (from TSS.rsp0's stack if coming from ring 3, where it
 * also loads SS with a null selector), plus an error code for some
 * vectors. Each stub pushes a zero error code where the CPU pushes none,
 * then its vector. alltraps saves the fifteen general registers and
 * calls trap_dispatch(struct trapframe *) with RSP 16-byte aligned
 * (5 + 2 + 15 eight-byte pushes = 176 bytes). IRETQ resumes the
 * interrupted code with whatever the handler left in the frame.
 */
#include "trap.h"

	.code64
	.text

#define STUB(n) \
	.globl vector##n; vector##n: pushq $0; pushq $n; jmp alltraps
#define STUB_ERR(n) \
	.globl vector##n; vector##n: pushq $n; jmp alltraps

STUB(0); STUB(1); STUB(2); STUB(3); STUB(4); STUB(5); STUB(6); STUB(7)
STUB_ERR(8); STUB(9); STUB_ERR(10); STUB_ERR(11); STUB_ERR(12)
STUB_ERR(13); STUB_ERR(14); STUB(15); STUB(16); STUB_ERR(17); STUB(18)
STUB(19); STUB(20); STUB_ERR(21); STUB(22); STUB(23); STUB(24); STUB(25)
STUB(26); STUB(27); STUB(28); STUB_ERR(29); STUB_ERR(30); STUB(31)
STUB(128)

alltraps:
	pushq	%rax
	pushq	%rcx
	pushq	%rdx
	pushq	%rbx
	pushq	%rbp
	pushq	%rsi
	pushq	%rdi
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi		/* struct trapframe * */
	call	trap_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rdi
	popq	%rsi
	popq	%rbp
	popq	%rbx
	popq	%rdx
	popq	%rcx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq

	.section .rodata
	.balign 8
	.globl trap_vectors
trap_vectors:
	.quad vector0, vector1, vector2, vector3, vector4, vector5, vector6
	.quad vector7, vector8, vector9, vector10, vector11, vector12
	.quad vector13, vector14, vector15, vector16, vector17, vector18
	.quad vector19, vector20, vector21, vector22, vector23, vector24
	.quad vector25, vector26, vector27, vector28, vector29, vector30
	.quad vector31, vector128
