// SPDX-License-Identifier: MIT
/*
 * Synchronous exceptions to EL1, exception return, and the PSTATE /
 * stack-pointer bookkeeping both need (Arm ARM D1.10, D1.11).
 *
 * Taking an exception to EL1 (all ours are synchronous: no interrupt
 * controller yet):
 *  1. SPSR_EL1 = PSTATE (NZCV, DAIF, IL, M), ELR_EL1 = the preferred
 *     return address (the faulting instruction, or the next one for SVC
 *     and HVC), ESR_EL1 = the syndrome, FAR_EL1 for aborts and PC
 *     alignment faults.
 *  2. PSTATE: EL1, SPSel 1 (SP_EL1), DAIF all masked, IL 0.
 *  3. pc = VBAR_EL1 + 0x000 (from EL1 on SP_EL0), 0x200 (EL1 on
 *     SP_EL1) or 0x400 (from EL0); + 0 for a synchronous exception.
 *  4. The local exclusive monitor is cleared.
 * ERET restores PSTATE from SPSR_EL1 and jumps to ELR_EL1; a return to
 * an EL or state we do not have (AArch32, EL2, EL3, "EL0h") is an
 * illegal exception return: PSTATE.IL is set and the next instruction
 * takes an Illegal Execution state exception (EC 0x0E).
 */
#include <stdio.h>

#include <hv/arm64/interp.h>

static unsigned int sp_select(unsigned int el, unsigned int spsel)
{
	return el && spsel;	/* 1: SP_EL1, 0: SP_EL0 */
}

void arm64_bank_sp(struct arm64_cpu *cpu, unsigned int old_el,
		   unsigned int old_spsel)
{
	unsigned int old = sp_select(old_el, old_spsel);
	unsigned int now = sp_select(cpu->el, cpu->spsel);

	if (old == now)
		return;
	if (old)
		cpu->sp_el1 = cpu->x[REG_SP];
	else
		cpu->sp_el0 = cpu->x[REG_SP];
	cpu->x[REG_SP] = now ? cpu->sp_el1 : cpu->sp_el0;
}

uint64_t arm64_get_sp_el(const struct arm64_cpu *cpu, unsigned int el)
{
	if (sp_select(cpu->el, cpu->spsel) == (el ? 1u : 0u))
		return cpu->x[REG_SP];
	return el ? cpu->sp_el1 : cpu->sp_el0;
}

void arm64_set_sp_el(struct arm64_cpu *cpu, unsigned int el, uint64_t v)
{
	if (sp_select(cpu->el, cpu->spsel) == (el ? 1u : 0u))
		cpu->x[REG_SP] = v;
	else if (el)
		cpu->sp_el1 = v;
	else
		cpu->sp_el0 = v;
}

uint64_t arm64_get_pstate(const struct arm64_cpu *cpu)
{
	uint64_t m = cpu->el ? (cpu->spsel ? PSTATE_M_EL1h : PSTATE_M_EL1t)
			     : PSTATE_M_EL0t;

	return (cpu->nzcv & PSTATE_NZCV) | (cpu->daif & PSTATE_DAIF) |
	       (cpu->il ? PSTATE_IL : 0) | m;
}

void arm64_set_pstate(struct arm64_cpu *cpu, uint64_t spsr)
{
	unsigned int old_el = cpu->el, old_spsel = cpu->spsel;
	unsigned int m = spsr & 0xf;

	cpu->nzcv = (uint32_t)(spsr & PSTATE_NZCV);
	cpu->daif = (uint32_t)(spsr & PSTATE_DAIF);
	cpu->il = spsr & PSTATE_IL;
	cpu->el = m >> 2 ? 1 : 0;
	cpu->spsel = m & 1;
	arm64_bank_sp(cpu, old_el, old_spsel);
	arm64_fetch_invalidate(cpu);
}

void arm64_enter_exception(struct arm64_cpu *cpu, uint32_t esr, uint64_t far,
			   bool far_valid, uint64_t elr)
{
	unsigned int old_el = cpu->el, old_spsel = cpu->spsel;
	uint64_t off = old_el == 0 ? 0x400 : old_spsel ? 0x200 : 0x000;

	cpu->spsr = arm64_get_pstate(cpu);
	cpu->elr = elr;
	cpu->esr = esr;
	if (far_valid)
		cpu->far = far;
	cpu->el = 1;
	cpu->spsel = 1;
	cpu->daif = PSTATE_DAIF;
	cpu->il = false;
	arm64_bank_sp(cpu, old_el, old_spsel);
	cpu->excl_valid = false;
	cpu->pc = cpu->vbar + off;
	cpu->halted = false;
	cpu->exceptions++;
	arm64_fetch_invalidate(cpu);
	vm_emit(cpu->vm, EV_arm64_exception, -1, esr >> ESR_EC_SHIFT, esr,
		far_valid ? far : 0, elr);
}

void arm64_take_exception(struct arm64_cpu *cpu, uint32_t esr, uint64_t far,
			  bool far_valid, uint64_t elr)
{
	arm64_enter_exception(cpu, esr, far, far_valid, elr);
	longjmp(cpu->jb, 1);
}

void arm64_request_stop(struct arm64_cpu *cpu, enum vcpu_exit_reason reason,
			int status, const char *msg)
{
	cpu->stop = (int)reason + 1;
	cpu->exit->reason = reason;
	cpu->exit->status = status;
	snprintf(cpu->exit->msg, sizeof(cpu->exit->msg), "%s", msg ? msg : "");
}

void arm64_stop_now(struct arm64_cpu *cpu, enum vcpu_exit_reason reason,
		    const char *msg)
{
	arm64_request_stop(cpu, reason, 0, msg);
	longjmp(cpu->jb, 1);
}

/* Log an unimplemented word once (per distinct word, up to a limit). */
static bool first_time(struct arm64_cpu *cpu, uint32_t word)
{
	for (unsigned int i = 0; i < cpu->nwarned; i++)
		if (cpu->warned[i] == word)
			return false;
	if (cpu->nwarned < ARRAY_SIZE(cpu->warned))
		cpu->warned[cpu->nwarned++] = word;
	return cpu->nwarned < ARRAY_SIZE(cpu->warned);
}

void arm64_undefined(struct arm64_cpu *cpu, const char *what)
{
	uint32_t word = cpu->insn_word;
	char text[64], msg[160];

	arm64_disasm_word(word, cpu->insn_pc, text, sizeof(text));
	snprintf(msg, sizeof(msg),
		 "unimplemented instruction %08x (%s%s%s) at pc %#llx", word,
		 text, what ? ", " : "", what ? what : "",
		 (unsigned long long)cpu->insn_pc);
	vm_emit(cpu->vm, EV_undefined_insn, -1, cpu->insn_pc, word, 4, 0);
	if (cpu->vm->cfg.strict) {
		cpu->pc = cpu->insn_pc;
		arm64_stop_now(cpu, VCPU_EXIT_STRICT, msg);
	}
	if (first_time(cpu, word))
		hv_warn("arm64: %s; UNDEFINED exception to the guest", msg);
	arm64_take_exception(cpu, ESR_EC(ESR_EC_UNKNOWN) | ESR_IL, 0,
			     false, cpu->insn_pc);
}

void exec_undef(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	arm64_undefined(cpu, NULL);
}

void arm64_eret(struct arm64_cpu *cpu)
{
	uint64_t spsr = cpu->spsr;
	unsigned int m = spsr & 0x1f;
	bool legal = m == PSTATE_M_EL0t || m == PSTATE_M_EL1t ||
		     m == PSTATE_M_EL1h;

	if (legal) {
		arm64_set_pstate(cpu, spsr);
	} else {
		/* Illegal return: EL and SP stay, the rest comes back. */
		cpu->nzcv = (uint32_t)(spsr & PSTATE_NZCV);
		cpu->daif = (uint32_t)(spsr & PSTATE_DAIF);
		cpu->il = true;
		arm64_fetch_invalidate(cpu);
	}
	cpu->pc = cpu->elr;
	cpu->excl_valid = false;
}
