/*
 * probe64.S: memory accesses that survive a fault (64-bit, SysV ABI:
 * arguments in RDI, RSI). See probe32.S for the scheme; probe_exec keeps
 * the return address in RDX and the stub's "jmp *%rdx" is the same
 * encoding as the 32-bit "jmp *%edx".
 */
	.code64
	.text

/* int probe_read8(uintptr_t va, uint8_t *val) */
	.globl probe_read8, probe_read8_insn
probe_read8:
	xorl	%eax, %eax
probe_read8_insn:
	movzbl	(%rdi), %edx
	movb	%dl, (%rsi)
	ret

/* int probe_write8(uintptr_t va, uint8_t val) */
	.globl probe_write8, probe_write8_insn
probe_write8:
	xorl	%eax, %eax
probe_write8_insn:
	movb	%sil, (%rdi)
	ret

/* int probe_exec(uintptr_t va) */
	.globl probe_exec, probe_exec_ret
probe_exec:
	leaq	probe_exec_ret(%rip), %rdx
	movl	$1, %eax		/* the stub clears it */
	jmp	*%rdi
probe_exec_ret:
	ret

	.globl probe_fault_ret
probe_fault_ret:
	movl	$1, %eax
	ret
