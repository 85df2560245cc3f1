/*
 * probe32.S: memory accesses that survive a fault (32-bit, cdecl).
 *
 * Each probe clears EAX and then makes exactly one access at a labelled
 * instruction. If that instruction faults, probe_fixup() (probe.c) finds
 * its address in probe_table and points EIP at probe_fault_ret, which
 * returns 1. The probes run at ring 0 or ring 3 alike.
 *
 * probe_exec jumps (not calls) to va with the return address in EDX; the
 * code there, probe_exec_stub, is "xor %eax,%eax; jmp *%edx" (31 C0 FF
 * E2, the same bytes in 64-bit mode). A fetch fault at va is recognized
 * by EIP == CR2 == va and EDX == probe_exec_ret.
 */
	.code32
	.text

/* int probe_read8(uintptr_t va, uint8_t *val) */
	.globl probe_read8, probe_read8_insn
probe_read8:
	movl	4(%esp), %ecx
	xorl	%eax, %eax
probe_read8_insn:
	movzbl	(%ecx), %edx
	movl	8(%esp), %ecx
	movb	%dl, (%ecx)
	ret

/* int probe_write8(uintptr_t va, uint8_t val) */
	.globl probe_write8, probe_write8_insn
probe_write8:
	movl	4(%esp), %ecx
	movl	8(%esp), %edx
	xorl	%eax, %eax
probe_write8_insn:
	movb	%dl, (%ecx)
	ret

/* int probe_exec(uintptr_t va) */
	.globl probe_exec, probe_exec_ret
probe_exec:
	movl	4(%esp), %ecx
	movl	$probe_exec_ret, %edx
	movl	$1, %eax		/* the stub clears it */
	jmp	*%ecx
probe_exec_ret:
	ret

	.globl probe_fault_ret
probe_fault_ret:
	movl	$1, %eax
	ret
