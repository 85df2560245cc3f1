/*
 * el0.S: small routines that run at EL0, entered by run_el0() with the
 * argument in x0 (and x1), each ending with "SVC #0", which returns to
 * EL1 with x0 as run_el0()'s result. They live in .el0.text, a 64 KiB
 * aligned section (link.ld) that a guest maps with EL0 permissions, at
 * any virtual address: the code is position independent.
 */
	.section .el0.text, "ax"

	.globl	el0_load
el0_load:			/* x0 = *(uint64_t *)x0 */
	ldr	x0, [x0]
	svc	#0

	.globl	el0_store
el0_store:			/* *(uint64_t *)x0 = x1; x0 = 0 */
	str	x1, [x0]
	mov	x0, #0
	svc	#0

	.globl	el0_call
el0_call:			/* x0 = ((uint64_t (*)(void))x0)() */
	blr	x0
	svc	#0

	.globl	el0_svc_probe
el0_svc_probe:			/* SVC #0x42 to the handler, then x0 = 0x5ec */
	svc	#0x42
	mov	x0, #0x5ec
	svc	#0

	.globl	el0_mrs_ctr
el0_mrs_ctr:			/* x0 = CTR_EL0: traps with SCTLR_EL1.UCT = 0 */
	mrs	x0, ctr_el0
	svc	#0

	.globl	el0_mrs_sctlr
el0_mrs_sctlr:			/* an EL1 register: UNDEFINED at EL0 */
	mov	x0, #0
	mrs	x0, sctlr_el1
	svc	#0
