// SPDX-License-Identifier: MIT
/*
 * The arm64 register file as the tools see it. Indices 0-33 are GDB's
 * aarch64 core numbering (x0-x30, sp, pc, cpsr); the EL1 system
 * registers follow, by name. No FP/SIMD registers: the CPU has none.
 * Writes take effect as an MSR would (a TCR or SCTLR write flushes the
 * TLB, a TTBR write changes the ASID).
 */
#include <errno.h>
#include <stdio.h>

#include <hv/arm64/interp.h>
#include <hv/fmt.h>

enum {
	R_SP = 31, R_PC = 32, R_CPSR = 33, R_SP_EL0, R_SP_EL1, R_ELR, R_SPSR,
	R_ESR, R_FAR, R_VBAR, R_SCTLR, R_TCR, R_TTBR0, R_TTBR1, R_MAIR,
	R_PAR, R_CONTEXTIDR, R_TPIDR_EL0, R_TPIDR_EL1, R_TPIDRRO_EL0,
	R_CPACR, R_CURRENTEL, R_CNTVCT, R_VTTBR, R_VTCR, R__COUNT,
};

static const struct vcpu_reg_desc reg_table[R__COUNT] = {
#define X(n) [n] = { "x" #n, 64, VCPU_REG_GPR }
	X(0), X(1), X(2), X(3), X(4), X(5), X(6), X(7), X(8), X(9), X(10),
	X(11), X(12), X(13), X(14), X(15), X(16), X(17), X(18), X(19),
	X(20), X(21), X(22), X(23), X(24), X(25), X(26), X(27), X(28),
	X(29), X(30),
#undef X
	[R_SP] = { "sp", 64, VCPU_REG_GPR },
	[R_PC] = { "pc", 64, VCPU_REG_PC },
	[R_CPSR] = { "cpsr", 32, VCPU_REG_FLAGS },
	[R_SP_EL0] = { "sp_el0", 64, VCPU_REG_SYS },
	[R_SP_EL1] = { "sp_el1", 64, VCPU_REG_SYS },
	[R_ELR] = { "elr_el1", 64, VCPU_REG_SYS },
	[R_SPSR] = { "spsr_el1", 64, VCPU_REG_SYS },
	[R_ESR] = { "esr_el1", 64, VCPU_REG_SYS },
	[R_FAR] = { "far_el1", 64, VCPU_REG_SYS },
	[R_VBAR] = { "vbar_el1", 64, VCPU_REG_SYS },
	[R_SCTLR] = { "sctlr_el1", 64, VCPU_REG_CTRL },
	[R_TCR] = { "tcr_el1", 64, VCPU_REG_CTRL },
	[R_TTBR0] = { "ttbr0_el1", 64, VCPU_REG_CTRL },
	[R_TTBR1] = { "ttbr1_el1", 64, VCPU_REG_CTRL },
	[R_MAIR] = { "mair_el1", 64, VCPU_REG_CTRL },
	[R_PAR] = { "par_el1", 64, VCPU_REG_SYS },
	[R_CONTEXTIDR] = { "contextidr_el1", 64, VCPU_REG_SYS },
	[R_TPIDR_EL0] = { "tpidr_el0", 64, VCPU_REG_SYS },
	[R_TPIDR_EL1] = { "tpidr_el1", 64, VCPU_REG_SYS },
	[R_TPIDRRO_EL0] = { "tpidrro_el0", 64, VCPU_REG_SYS },
	[R_CPACR] = { "cpacr_el1", 64, VCPU_REG_SYS },
	[R_CURRENTEL] = { "currentel", 64, VCPU_REG_SYS },
	[R_CNTVCT] = { "cntvct_el0", 64, VCPU_REG_SYS },
	[R_VTTBR] = { "vttbr_el2", 64, VCPU_REG_CTRL },
	[R_VTCR] = { "vtcr_el2", 64, VCPU_REG_CTRL },
};

const struct vcpu_reg_desc *arm64_reg_table(struct vcpu *vcpu,
					    unsigned int *count)
{
	*count = R__COUNT;
	return reg_table;
}

static uint64_t *sys_field(struct arm64_cpu *cpu, unsigned int idx)
{
	switch (idx) {
	case R_ELR: return &cpu->elr;
	case R_SPSR: return &cpu->spsr;
	case R_ESR: return &cpu->esr;
	case R_FAR: return &cpu->far;
	case R_VBAR: return &cpu->vbar;
	case R_SCTLR: return &cpu->sctlr;
	case R_TCR: return &cpu->tcr;
	case R_TTBR0: return &cpu->ttbr0;
	case R_TTBR1: return &cpu->ttbr1;
	case R_MAIR: return &cpu->mair;
	case R_PAR: return &cpu->par;
	case R_CONTEXTIDR: return &cpu->contextidr;
	case R_TPIDR_EL0: return &cpu->tpidr_el0;
	case R_TPIDR_EL1: return &cpu->tpidr_el1;
	case R_TPIDRRO_EL0: return &cpu->tpidrro_el0;
	case R_CPACR: return &cpu->cpacr;
	default: return NULL;
	}
}

int arm64_get_reg(struct vcpu *vcpu, unsigned int idx, uint64_t *val)
{
	struct arm64_cpu *cpu = (struct arm64_cpu *)vcpu;
	uint64_t *f;

	if (idx < 31) {
		*val = cpu->x[idx];
		return 0;
	}
	switch (idx) {
	case R_SP: *val = cpu->x[REG_SP]; return 0;
	case R_PC: *val = cpu->pc; return 0;
	case R_CPSR: *val = arm64_get_pstate(cpu); return 0;
	case R_SP_EL0: *val = arm64_get_sp_el(cpu, 0); return 0;
	case R_SP_EL1: *val = arm64_get_sp_el(cpu, 1); return 0;
	case R_CURRENTEL: *val = (uint64_t)cpu->el << 2; return 0;
	case R_CNTVCT: *val = cpu->vm->icount - cpu->cntvoff; return 0;
	case R_VTTBR:
		*val = cpu->mmu.s2.enabled
			? cpu->mmu.s2.root | (uint64_t)cpu->mmu.s2.vmid << 48 : 0;
		return 0;
	case R_VTCR: *val = cpu->mmu.s2.vtcr; return 0;
	}
	f = sys_field(cpu, idx);
	if (!f)
		return -EINVAL;
	*val = *f;
	return 0;
}

int arm64_set_reg(struct vcpu *vcpu, unsigned int idx, uint64_t val)
{
	struct arm64_cpu *cpu = (struct arm64_cpu *)vcpu;
	uint64_t *f;

	if (idx < 31) {
		cpu->x[idx] = val;
		return 0;
	}
	switch (idx) {
	case R_SP: cpu->x[REG_SP] = val; return 0;
	case R_PC: cpu->pc = val; cpu->halted = false; return 0;
	case R_CPSR: arm64_set_pstate(cpu, val); return 0;
	case R_SP_EL0: arm64_set_sp_el(cpu, 0, val); return 0;
	case R_SP_EL1: arm64_set_sp_el(cpu, 1, val); return 0;
	case R_CURRENTEL: case R_CNTVCT: case R_VTTBR: case R_VTCR:
		return -EINVAL;
	}
	f = sys_field(cpu, idx);
	if (!f)
		return -EINVAL;
	*f = val;
	if (idx == R_SCTLR)
		cpu->sctlr |= SCTLR_RES1;
	if (idx == R_SCTLR || idx == R_TCR || idx == R_MAIR)
		arm64_tlb_flush_all(cpu);
	cpu->asid = arm64_cur_asid(cpu);
	arm64_fetch_invalidate(cpu);
	return 0;
}

/* Append " NAME" for each set bit of @v named in @names (bit order). */
static void bits_words(struct fmtbuf *fb, uint64_t v,
		       const char *const names[64])
{
	for (int b = 63; b >= 0; b--)
		if ((v >> b & 1) && names[b])
			fmt_append(fb, " %s", names[b]);
}

static const char *esr_ec_name(unsigned int ec)
{
	switch (ec) {
	case ESR_EC_UNKNOWN: return "unknown/UNDEFINED";
	case ESR_EC_WFX: return "WFI/WFE trapped";
	case ESR_EC_ILLEGAL: return "illegal execution state";
	case ESR_EC_SVC64: return "SVC";
	case ESR_EC_HVC64: return "HVC";
	case ESR_EC_SMC64: return "SMC";
	case ESR_EC_SYS64: return "MSR/MRS/SYS trapped";
	case ESR_EC_IABT_LOW: return "instruction abort, lower EL";
	case ESR_EC_IABT_CUR: return "instruction abort, same EL";
	case ESR_EC_PC_ALIGN: return "PC alignment";
	case ESR_EC_DABT_LOW: return "data abort, lower EL";
	case ESR_EC_DABT_CUR: return "data abort, same EL";
	case ESR_EC_SP_ALIGN: return "SP alignment";
	case ESR_EC_BRK64: return "BRK";
	default: return "?";
	}
}

static const char *fsc_name(unsigned int fsc)
{
	switch (fsc & 0x3c) {
	case FSC_ADDR_SIZE: return "address size fault";
	case FSC_TRANS: return "translation fault";
	case FSC_ACCESS: return "access flag fault";
	case FSC_PERM: return "permission fault";
	case FSC_SEA_WALK: return "external abort on walk";
	}
	if (fsc == FSC_SEA)
		return "synchronous external abort";
	if (fsc == FSC_ALIGN)
		return "alignment fault";
	return "?";
}

static const char *granule_name(unsigned int shift)
{
	return shift == 16 ? "64K" : shift == 14 ? "16K" : "4K";
}

int arm64_describe_reg(struct vcpu *vcpu, unsigned int idx, char *buf,
		       size_t size)
{
	static const char *const sctlr_bits[64] = {
		[0] = "M", [1] = "A", [2] = "C", [3] = "SA", [4] = "SA0",
		[9] = "UMA", [12] = "I", [14] = "DZE", [15] = "UCT",
		[16] = "nTWI", [18] = "nTWE", [19] = "WXN", [26] = "UCI",
	};
	static const char *const m_names[16] = {
		[0] = "EL0t", [4] = "EL1t", [5] = "EL1h",
	};
	struct arm64_cpu *cpu = (struct arm64_cpu *)vcpu;
	uint64_t v;

	if (arm64_get_reg(vcpu, idx, &v))
		return -EINVAL;
	switch (idx) {
	case R_CPSR: case R_SPSR:
		return snprintf(buf, size, "%s = %#llx [%c%c%c%c %c%c%c%c%s %s]",
				reg_table[idx].name, (unsigned long long)v,
				v & PSTATE_N ? 'N' : 'n', v & PSTATE_Z ? 'Z' : 'z',
				v & PSTATE_C ? 'C' : 'c', v & PSTATE_V ? 'V' : 'v',
				v & PSTATE_D ? 'D' : 'd', v & PSTATE_A ? 'A' : 'a',
				v & PSTATE_I ? 'I' : 'i', v & PSTATE_F ? 'F' : 'f',
				v & PSTATE_IL ? " IL" : "",
				m_names[v & 15] ? m_names[v & 15] : "M?");
	case R_SCTLR: {
		struct fmtbuf fb = fmtbuf_init(buf, size);

		fmt_append(&fb, "sctlr_el1 = %#llx [", (unsigned long long)v);
		bits_words(&fb, v, sctlr_bits);
		fmt_append(&fb, " ]");
		return fmt_result(&fb);
	}
	case R_TCR:
		return snprintf(buf, size,
				"tcr_el1 = %#llx [T0SZ=%u TG0=%s%s T1SZ=%u TG1=%s%s "
				"A1=%u IPS=%u AS=%u TBI0=%u TBI1=%u]",
				(unsigned long long)v, (unsigned int)(v & 63),
				granule_name(((v >> 14) & 3) == 1 ? 16 :
					     ((v >> 14) & 3) == 2 ? 14 : 12),
				v & BIT(7) ? " EPD0" : "",
				(unsigned int)((v >> 16) & 63),
				granule_name(((v >> 30) & 3) == 1 ? 14 :
					     ((v >> 30) & 3) == 3 ? 16 : 12),
				v & BIT(23) ? " EPD1" : "",
				(unsigned int)(v >> 22 & 1),
				(unsigned int)(v >> 32 & 7),
				(unsigned int)(v >> 36 & 1),
				(unsigned int)(v >> 37 & 1),
				(unsigned int)(v >> 38 & 1));
	case R_TTBR0: case R_TTBR1:
		return snprintf(buf, size, "%s = %#llx [ASID=%u BADDR=%#llx]",
				reg_table[idx].name, (unsigned long long)v,
				(unsigned int)(v >> 48),
				(unsigned long long)(v & GENMASK(47, 1)));
	case R_ESR: {
		unsigned int ec = (unsigned int)(v >> 26) & 0x3f;
		struct fmtbuf fb = fmtbuf_init(buf, size);

		fmt_append(&fb, "esr_el1 = %#llx [EC=%#x %s%s ISS=%#llx",
			   (unsigned long long)v, ec, esr_ec_name(ec),
			   v & ESR_IL ? " IL" : "",
			   (unsigned long long)(v & 0x1ffffff));
		if (ec == ESR_EC_DABT_CUR || ec == ESR_EC_DABT_LOW ||
		    ec == ESR_EC_IABT_CUR || ec == ESR_EC_IABT_LOW)
			fmt_append(&fb, " FSC=%#x (%s, level %u)%s%s",
				   (unsigned int)(v & 0x3f),
				   fsc_name((unsigned int)(v & 0x3f)),
				   (unsigned int)(v & 3),
				   v & ESR_WNR ? " WnR" : "",
				   v & ESR_S1PTW ? " S1PTW" : "");
		fmt_append(&fb, "]");
		return fmt_result(&fb);
	}
	case R_VTCR: {
		struct arm64_s2_geom g;

		if (!cpu->mmu.s2.enabled || arm64_s2_geom_from_vtcr(v, &g))
			return snprintf(buf, size, "vtcr_el2 = %#llx [stage 2 off]",
					(unsigned long long)v);
		return snprintf(buf, size,
				"vtcr_el2 = %#llx [IPA %u bits, %s granule, start "
				"level %d, %u concatenated root table%s, PA %u bits]",
				(unsigned long long)v, g.ipa_bits,
				granule_name(g.pg_shift), g.start_level, g.concat,
				g.concat == 1 ? "" : "s", g.oa_bits);
	}
	}
	return -EINVAL;
}
