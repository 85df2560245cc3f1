/*
 * entry.S: the first instructions, from the loader to lib_start().
 *
 * QEMU's -kernel (and Quadrant's loader) jump to the ELF entry at EL1
 * with the MMU off; x0..x3 are not relied on (a Linux Image would get
 * the DTB address in x0, a bare ELF gets nothing we need). We:
 *   - mask D, A, I and F (PSTATE.DAIF): no interrupts in these guests;
 *   - write SCTLR_EL1 whole (see arm64.h): MMU, caches, alignment
 *     checks off, SPAN set;
 *   - leave CPACR_EL1.FPEN = 0 so that an FP/SIMD instruction traps:
 *     the guests are built integer only (-mgeneral-regs-only);
 *   - select SP_EL1 (SPSel = 1) and point it at the top of .stack;
 *   - point VBAR_EL1 at the vector table of vectors.S (2 KiB aligned);
 *   - zero .bss, and call lib_start(), which does not return.
 */
	.section .text.entry, "ax"
	.globl _start
_start:
	msr	daifset, #0xf
	ldr	x0, =0x30d00800		/* SCTLR_INIT */
	msr	sctlr_el1, x0
	msr	cpacr_el1, xzr
	isb
	msr	spsel, #1
	adrp	x0, __stack_top
	add	x0, x0, :lo12:__stack_top
	mov	sp, x0
	adrp	x0, vectors
	add	x0, x0, :lo12:vectors
	msr	vbar_el1, x0
	isb

	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
1:	cmp	x0, x1
	b.hs	2f
	stp	xzr, xzr, [x0], #16
	b	1b
2:	mov	x29, xzr
	mov	x30, xzr
	bl	lib_start
3:	wfi
	b	3b
	.ltorg
