/*
 * entry32.S: where a 32-bit guest starts.
 *
 * The Multiboot loader jumps here in 32-bit protected mode with paging
 * off, flat 4 GiB CS and DS, interrupts off, EAX = 0x2BADB002 and
 * EBX = the physical address of the multiboot_info. The GDT it used is
 * not ours to keep (the spec says GDTR may be invalid), so we load our
 * own (desc.c) before touching a segment register, zero .bss (the loader
 * should have, but a stack in dirty memory is a bad start), switch to our
 * stack and call lib_start(). Nothing returns here; if it did we halt.
 */
#include "trap.h"

	.section .text.entry, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl	%eax, %esi		/* keep the magic and info pointer */
	movl	%ebx, %ebp		/* across the .bss clear */

	lgdt	desc_gdt_dtr
	ljmp	$SEG_KCODE, $1f
1:	movw	$SEG_KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs

	movl	$__bss_start, %edi	/* rep stosb: ES:EDI, ECX bytes of AL */
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb

	movl	%esi, boot_magic
	movl	%ebp, boot_info
	movl	$boot_stack_top, %esp
	xorl	%ebp, %ebp		/* end of the frame-pointer chain */
	call	lib_start
	.globl halt_forever
halt_forever:
	cli
	hlt
	jmp	halt_forever

	.section .bss.stack, "aw", @nobits
	.balign 16
	.globl boot_stack, boot_stack_top
boot_stack:
	.skip 16384
boot_stack_top:
