/*
 * entry64.S: where a 64-bit guest starts, still in 32-bit protected mode.
 *
 * QEMU's Multiboot loader takes only ELF32 images, so a 64-bit guest is
 * linked as ELF64 and relabelled ELF32 (see guests/Makefile); this code
 * is assembled as .code32 and must bring the CPU into long mode itself:
 *
 *   1. load our GDT (desc.c: selector 0x08 is a 64-bit code segment; we
 *      may not load it into CS yet, outside long mode its L bit would make
 *      it a 16-bit segment, so CS stays the loader's until the far jump);
 *   2. build boot page tables: PML4[0] -> PDPT[0] -> one PD whose 512
 *      entries map the first 1 GiB with 2 MiB pages (PS=1), identity;
 *   3. CR4.PAE=1, CR3 = PML4, EFER.LME=1, then CR0.PG=1: the CPU sets
 *      EFER.LMA and runs in compatibility mode on the old CS;
 *   4. far jump through selector 0x08: CS.L=1, 64-bit mode.
 *
 * Guests that need other mappings build their own tables and load CR3.
 */
#include "trap.h"

#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define CR4_PAE  (1 << 5)
#define CR0_PG   0x80000000
#define CR0_PE   0x00000001
#define PTE_P_W  0x003
#define PTE_PS   0x080

	.section .text.entry, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl	%eax, %esi		/* multiboot magic */
	movl	%ebx, %ebp		/* multiboot info */

	lgdt	desc_gdt_dtr			/* 6-byte form: the 32-bit base */
	movw	$SEG_KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss

	movl	$__bss_start, %edi	/* clear .bss, the page tables too */
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	xorl	%eax, %eax
	rep stosb

	/* 2. identity map [0, 1 GiB) with 2 MiB pages */
	movl	$boot_pdpt, %eax
	orl	$PTE_P_W, %eax
	movl	%eax, boot_pml4
	movl	$boot_pd, %eax
	orl	$PTE_P_W, %eax
	movl	%eax, boot_pdpt
	xorl	%ecx, %ecx
1:	movl	%ecx, %eax
	shll	$21, %eax
	orl	$(PTE_P_W | PTE_PS), %eax
	movl	%eax, boot_pd(, %ecx, 8)	/* high half stays 0 */
	incl	%ecx
	cmpl	$512, %ecx
	jne	1b

	/* 3. PAE, CR3, EFER.LME, paging */
	movl	%cr4, %eax
	orl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	wrmsr
	movl	%cr0, %eax
	orl	$(CR0_PG | CR0_PE), %eax
	movl	%eax, %cr0

	/* 4. into 64-bit mode */
	ljmp	$SEG_KCODE, $long_mode

	.code64
long_mode:
	movw	$SEG_KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	xorw	%ax, %ax
	movw	%ax, %fs
	movw	%ax, %gs
	lgdt	desc_gdt_dtr			/* again, now with the 8-byte base */
	movl	%esi, boot_magic(%rip)
	movl	%ebp, boot_info(%rip)
	movq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp
	call	lib_start
	.globl halt_forever
halt_forever:
	cli
	hlt
	jmp	halt_forever

	.section .bss.pagetables, "aw", @nobits
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.skip 4096
boot_pdpt:
	.skip 4096
boot_pd:
	.skip 4096

	.section .bss.stack, "aw", @nobits
	.balign 16
	.globl boot_stack, boot_stack_top
boot_stack:
	.skip 16384
boot_stack_top:
