/*
 * trapasm32.S: exception entry stubs for 32-bit guests.
 *
 * On an exception the CPU pushes EFLAGS, CS, EIP (and, coming from ring
 * 3, first SS and ESP from before the switch to TSS.ss0:esp0), plus an
 * error code for some vectors. Each stub evens that out by pushing a
 * zero error code where the CPU pushes none, then pushes its vector
 * number. alltraps saves DS, ES and the general registers, loads kernel
 * data segments and calls trap_dispatch(struct trapframe *). When that
 * returns, the frame, possibly edited (a fixed-up EIP, say), is restored
 * and IRET resumes the interrupted code, at ring 3 if CS says so.
 */
#include "trap.h"

	.code32
	.text

#define STUB(n) \
	.globl vector##n; vector##n: pushl $0; pushl $n; jmp alltraps
#define STUB_ERR(n) \
	.globl vector##n; vector##n: pushl $n; jmp alltraps

STUB(0); STUB(1); STUB(2); STUB(3); STUB(4); STUB(5); STUB(6); STUB(7)
STUB_ERR(8); STUB(9); STUB_ERR(10); STUB_ERR(11); STUB_ERR(12)
STUB_ERR(13); STUB_ERR(14); STUB(15); STUB(16); STUB_ERR(17); STUB(18)
STUB(19); STUB(20); STUB_ERR(21); STUB(22); STUB(23); STUB(24); STUB(25)
STUB(26); STUB(27); STUB(28); STUB_ERR(29); STUB_ERR(30); STUB(31)
STUB(128)

alltraps:
	pushl	%ds
	pushl	%es
	pushal
	cld
	movw	$SEG_KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	pushl	%esp			/* struct trapframe * */
	call	trap_dispatch
	addl	$4, %esp
	popal
	popl	%es
	popl	%ds
	addl	$8, %esp		/* vector and error code */
	iret

	.section .rodata
	.balign 4
	.globl trap_vectors
trap_vectors:
	.long vector0, vector1, vector2, vector3, vector4, vector5, vector6
	.long vector7, vector8, vector9, vector10, vector11, vector12
	.long vector13, vector14, vector15, vector16, vector17, vector18
	.long vector19, vector20, vector21, vector22, vector23, vector24
	.long vector25, vector26, vector27, vector28, vector29, vector30
	.long vector31, vector128
