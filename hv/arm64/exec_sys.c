// SPDX-License-Identifier: MIT
/*
 * Branches, exception-generating instructions, hints, barriers, PSTATE
 * writes and the SYS space (AT, DC, IC, TLBI), MRS and MSR.
 *
 * Preferred return addresses (what ELR_EL1 gets): SVC and HVC the next
 * instruction, BRK and every fault the instruction itself. HVC is the
 * hypervisor's: with no EL2 visible to the guest (ID_AA64PFR0.EL2 = 0, as
 * in a KVM guest) it still traps to us, and we answer PSCI. SMC is
 * UNDEFINED: there is no EL3.
 */
#include <hv/arm64/interp.h>

void exec_b(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	if (in->op)
		cpu->x[30] = cpu->insn_pc + 4;
	cpu->pc = cpu->insn_pc + (uint64_t)in->imm;
}

void exec_bcond(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	if (arm64_cond(cpu->nzcv, in->cond))
		cpu->pc = cpu->insn_pc + (uint64_t)in->imm;
}

void exec_cb(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t v = cpu->x[in->rd];

	if (!in->sf)
		v = (uint32_t)v;
	if ((v == 0) != (in->op == 1))
		cpu->pc = cpu->insn_pc + (uint64_t)in->imm;
}

void exec_tb(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	bool bit = cpu->x[in->rd] >> in->amount & 1;

	if (bit == (in->op == 1))
		cpu->pc = cpu->insn_pc + (uint64_t)in->imm;
}

void exec_br(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t target = cpu->x[in->rn];

	if (in->op == 1)
		cpu->x[30] = cpu->insn_pc + 4;
	cpu->pc = target;
}

void exec_eret(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	if (cpu->el == 0)
		arm64_undefined(cpu, "ERET at EL0");
	arm64_eret(cpu);
}

void exec_svc(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	arm64_take_exception(cpu, ESR_EC(ESR_EC_SVC64) | ESR_IL |
				  (uint32_t)in->imm, 0, false, cpu->pc);
}

void exec_hvc(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	if (cpu->el == 0)
		arm64_undefined(cpu, "HVC at EL0");
	/* kvm_exit with the syndrome ESR_EL2 would hold, then the call */
	vm_emit(cpu->vm, EV_exit, -1, ESR_EC_HVC64,
		ESR_EC(ESR_EC_HVC64) | ESR_IL | (uint32_t)in->imm,
		cpu->x[0], cpu->insn_pc);
	arm64_psci_call(cpu, (uint16_t)in->imm);
}

void exec_smc(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	arm64_undefined(cpu, "SMC: no EL3");
}

void exec_brk(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	arm64_take_exception(cpu, ESR_EC(ESR_EC_BRK64) | ESR_IL |
				  (uint32_t)in->imm, 0, false, cpu->insn_pc);
}

/* WFI/WFE trapped from EL0 by SCTLR_EL1.nTWI/nTWE = 0: EC 0x01, CV=1,
 * COND=0xE, TI = 1 for WFE. */
static void wfx_trap(struct arm64_cpu *cpu, bool wfe)
{
	arm64_take_exception(cpu, ESR_EC(ESR_EC_WFX) | ESR_IL |
				  1u << 24 | 0xeu << 20 | (wfe ? 1 : 0),
			     0, false, cpu->insn_pc);
}

void exec_hint(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	switch (in->op) {
	case 2:			/* WFE: no events to wait for; a NOP */
		if (cpu->el == 0 && !(cpu->sctlr & SCTLR_nTWE))
			wfx_trap(cpu, true);
		return;
	case 3:			/* WFI: nothing can wake us (no GIC yet) */
		if (cpu->el == 0 && !(cpu->sctlr & SCTLR_nTWI))
			wfx_trap(cpu, false);
		cpu->halted = true;
		arm64_request_stop(cpu, VCPU_EXIT_HALT, 0,
				   "WFI with no interrupt source");
		return;
	default:		/* NOP, YIELD, SEV, SEVL, BTI, PAC hints ... */
		return;
	}
}

void exec_barrier(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	/* DSB, DMB, ISB: one in-order CPU, nothing to order. */
}

void exec_clrex(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	cpu->excl_valid = false;
}

void exec_msr_imm(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	unsigned int old_spsel = cpu->spsel;

	switch (in->op) {
	case 0x05:		/* SPSel */
		if (cpu->el == 0)
			arm64_undefined(cpu, "MSR SPSel at EL0");
		cpu->spsel = in->imm & 1;
		arm64_bank_sp(cpu, cpu->el, old_spsel);
		return;
	case 0x1e:		/* DAIFSet */
	case 0x1f:		/* DAIFClr */
		if (cpu->el == 0 && !(cpu->sctlr & SCTLR_UMA))
			arm64_sys_trap(cpu, arm64_sysreg_key(0, 3, 4,
					(uint32_t)in->imm, in->op & 7u), 31, false);
		if (in->op == 0x1e)
			cpu->daif |= (uint32_t)(in->imm << 6);
		else
			cpu->daif &= ~(uint32_t)(in->imm << 6);
		return;
	}
	arm64_undefined(cpu, "PSTATE field not implemented");
}

void exec_mrs(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint64_t v;

	if (!arm64_sysreg_read(cpu, (uint32_t)in->imm, in->rn, &v))
		arm64_undefined(cpu, "system register not implemented");
	cpu->x[in->rd] = v;
}

void exec_msr(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	if (!arm64_sysreg_write(cpu, (uint32_t)in->imm, in->raw & 31,
				cpu->x[in->rn]))
		arm64_undefined(cpu, "system register not implemented");
}

/*
 * The SYS space: AT (CRn 7, CRm 8), cache maintenance (CRn 7) and TLBI
 * (CRn 8). Caches are not modelled, so DC and IC are no-ops (by-VA
 * maintenance does not even translate its address: a simplification,
 * the architecture may fault there). DC ZVA is UNDEFINED: DCZID_EL0.DZP
 * says it is prohibited.
 */
void exec_sys(struct arm64_cpu *cpu, const struct arm64_dinsn *in)
{
	uint32_t key = (uint32_t)in->imm;
	unsigned int op1 = key >> 11 & 7, crn = key >> 7 & 15,
		     crm = key >> 3 & 15, op2 = key & 7;
	uint64_t xt = cpu->x[in->rn];

	if (crn == 7 && op1 == 0 && crm == 8 && op2 <= 3) {	/* AT */
		if (cpu->el == 0)
			arm64_undefined(cpu, "AT at EL0");
		arm64_at(cpu, xt, op2 & 1, op2 >= 2);
		return;
	}
	if (crn == 7) {
		bool el0_ok = op1 == 3;	/* the EL0-capable ones */

		switch (op1 << 8 | crm << 4 | op2) {
		case 0x010: case 0x050:		/* IC IALLUIS, IALLU */
		case 0x061: case 0x062:		/* DC IVAC, ISW */
		case 0x0a2: case 0x0e2:		/* DC CSW, CISW */
		case 0x351:			/* IC IVAU */
		case 0x3a1: case 0x3b1: case 0x3e1: /* DC CVAC, CVAU, CIVAC */
			break;
		default:
			arm64_undefined(cpu, "cache maintenance op");
		}
		if (cpu->el == 0) {
			if (!el0_ok)
				arm64_undefined(cpu, "EL1 cache op at EL0");
			if (!(cpu->sctlr & SCTLR_UCI))
				arm64_sys_trap(cpu, key, in->raw & 31, false);
		}
		return;
	}
	if (crn == 8 && op1 == 0 && cpu->el == 1) {
		if (arm64_tlbi(cpu, crm, op2, xt))
			return;
	}
	arm64_undefined(cpu, "SYS operation not implemented");
}
