/*
 * vectors.S: the exception vector table, the register frame, and the
 * switch to EL0 and back.
 *
 * VBAR_EL1 points at a 2 KiB aligned table of 16 entries, 0x80 bytes
 * each: four groups (current EL with SP_EL0, current EL with SP_ELx,
 * lower EL in AArch64, lower EL in AArch32), each with Synchronous, IRQ,
 * FIQ and SError entries in that order. On an exception the CPU saves
 * the return address in ELR_EL1 and PSTATE in SPSR_EL1, sets ESR_EL1
 * (and FAR_EL1 for aborts), masks DAIF, switches to SP_EL1 and jumps to
 * the entry. Every entry here builds a struct trap_frame (trap.h) on
 * the EL1 stack and calls trap_dispatch(frame, entry number); on return
 * it reloads ELR_EL1, SPSR_EL1, SP_EL0 and x0..x30 from the (possibly
 * edited) frame and ERETs.
 */
#define FRAME_SIZE	(36 * 8)
#define F_SPEL0		(31 * 8)
#define F_ELR		(32 * 8)
#define F_SPSR		(33 * 8)
#define F_ESR		(34 * 8)
#define F_FAR		(35 * 8)

.macro	ventry	kind
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
	mov	x1, #\kind
	b	trap_entry
.endm

	.text
	.balign	0x800
	.globl	vectors
vectors:
	ventry	0
	ventry	1
	ventry	2
	ventry	3
	ventry	4
	ventry	5
	ventry	6
	ventry	7
	ventry	8
	ventry	9
	ventry	10
	ventry	11
	ventry	12
	ventry	13
	ventry	14
	ventry	15

/* x0 is saved already, x1 holds the entry number, x1 is saved too. */
trap_entry:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x2, sp_el0
	stp	x30, x2, [sp, #240]
	mrs	x2, elr_el1
	mrs	x3, spsr_el1
	stp	x2, x3, [sp, #F_ELR]
	mrs	x2, esr_el1
	mrs	x3, far_el1
	stp	x2, x3, [sp, #F_ESR]
	mov	x0, sp
	mov	x29, xzr		/* end the frame-pointer chain here */
	bl	trap_dispatch

	ldp	x2, x3, [sp, #F_ELR]
	msr	elr_el1, x2
	msr	spsr_el1, x3
	ldp	x30, x2, [sp, #240]
	msr	sp_el0, x2
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	add	sp, sp, #FRAME_SIZE
	eret

/*
 * uint64_t run_el0(uint64_t entry, uint64_t sp, uint64_t a0, uint64_t a1)
 *
 * Save the callee-saved registers on the EL1 stack and remember that
 * stack pointer in el0_saved_sp; then ERET with ELR_EL1 = entry,
 * SPSR_EL1 = 0x3c0 (M = EL0t, D, A, I, F masked), SP_EL0 = sp, x0 = a0,
 * x1 = a1 and the other argument registers cleared. SP_EL1 keeps its
 * value at EL0, so exceptions from EL0 build their frames below the
 * saved registers. el0_return(value), called from the handler of EL0's
 * "SVC #0", drops that frame, reloads the registers and returns value
 * from run_el0().
 */
	.globl	run_el0
run_el0:
	stp	x29, x30, [sp, #-96]!
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	mov	x4, sp
	adrp	x5, el0_saved_sp
	str	x4, [x5, :lo12:el0_saved_sp]
	msr	elr_el1, x0
	msr	sp_el0, x1
	mov	x4, #0x3c0
	msr	spsr_el1, x4
	mov	x0, x2
	mov	x1, x3
	mov	x2, xzr
	mov	x3, xzr
	mov	x4, xzr
	mov	x5, xzr
	mov	x29, xzr
	mov	x30, xzr
	eret

	.globl	el0_return
el0_return:
	adrp	x4, el0_saved_sp
	ldr	x3, [x4, :lo12:el0_saved_sp]
	mov	sp, x3
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp], #96
	ret

	.bss
	.balign	8
el0_saved_sp:
	.quad	0
