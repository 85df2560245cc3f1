// SPDX-License-Identifier: MIT
/*
 * The system registers a kernel touches through MRS and MSR, one table
 * line each (Arm ARM D13/D17, "AArch64 System Register Descriptions").
 *
 * A register is (op0, op1, CRn, CRm, op2). The ID registers report what
 * we implement and nothing more:
 *   ID_AA64PFR0  EL0 and EL1 AArch64 only, no EL2/EL3 (as a KVM guest
 *                sees it), FP and AdvSIMD not implemented (0xF)
 *   ID_AA64MMFR0 PARange 48 bits, 16-bit ASIDs, 4K/16K/64K granules
 *   ID_AA64MMFR1 no hardware AF/dirty update, no PAN, no VHE
 *   ID_AA64ISAR0/1  nothing optional (no LSE atomics, CRC32, PAuth)
 *   DCZID_EL0    DZP=1: DC ZVA prohibited
 * The rest of the ID space (op0=3, op1=0, CRn=0, CRm=1..7) reads as 0.
 *
 * From EL0 only the registers meant for it are accessible (NZCV, DAIF
 * with SCTLR.UMA, TPIDR_EL0, TPIDRRO_EL0 read-only, CTR_EL0 with
 * SCTLR.UCT, DCZID_EL0, the counters with CNTKCTL_EL1); an enabled-but-
 * trapped one is an EC 0x18 exception, the rest are UNDEFINED. Writes to
 * a read-only register are UNDEFINED.
 *
 * Time is instructions: CNTVCT_EL0 = CNTPCT_EL0 = vm->icount.
 */
#include <stddef.h>

#include <hv/arm64/interp.h>

#define K(op0, op1, crn, crm, op2) arm64_sysreg_key(op0, op1, crn, crm, op2)

enum sr_kind {
	SR_FIELD,	/* a uint64_t in struct arm64_cpu at .off */
	SR_CONST,	/* .val, read-only */
	SR_SPECIAL,	/* computed: sysreg_special_read/write */
};

enum sr_flags {
	SR_RO = 1u << 0,
	SR_WO = 1u << 1,
	SR_EL0 = 1u << 2,	/* accessible at EL0 (maybe gated: el0_gate) */
	SR_FLUSH = 1u << 3,	/* a write changes translation: flush TLB */
	SR_CTX = 1u << 4,	/* a write changes the ASID: refetch */
};

struct sysreg_desc {
	uint32_t key;
	const char *name;
	uint8_t kind;		/* enum sr_kind */
	uint8_t flags;		/* enum sr_flags */
	uint16_t off;		/* SR_FIELD */
	uint64_t val;		/* SR_CONST; SR_FIELD: writable mask (0: all) */
};

#define FIELD(k, n, f, fl) { k, n, SR_FIELD, fl, offsetof(struct arm64_cpu, f), 0 }
#define FIELDM(k, n, f, fl, m) { k, n, SR_FIELD, fl, offsetof(struct arm64_cpu, f), m }
#define CONST(k, n, v) { k, n, SR_CONST, SR_RO, 0, v }
#define SPECIAL(k, n, fl) { k, n, SR_SPECIAL, fl, 0, 0 }

#define MIDR_VALUE	0x000f0510ull	/* implementer 0: software use */
#define PFR0_VALUE	0x00ff0011ull
#define MMFR0_VALUE	0x00100025ull
#define DFR0_VALUE	0x6ull
#define CTR_VALUE	0x8444c004ull
#define DCZID_VALUE	0x14ull

enum {
	SPC_CURRENTEL = 1, SPC_DAIF, SPC_NZCV, SPC_SPSEL, SPC_SP_EL0,
	SPC_CNTVCT, SPC_CNTPCT, SPC_CNTV_TVAL, SPC_CNTP_TVAL, SPC_MPIDR,
	SPC_SCTLR, SPC_CNTV_CTL, SPC_CNTP_CTL, SPC_OSLSR, SPC_WI,
};

static const struct sysreg_desc sysregs[] = {
	CONST(K(3, 0, 0, 0, 0), "midr_el1", MIDR_VALUE),
	SPECIAL(K(3, 0, 0, 0, 5), "mpidr_el1", SR_RO),
	CONST(K(3, 0, 0, 0, 6), "revidr_el1", 0),
	CONST(K(3, 0, 0, 4, 0), "id_aa64pfr0_el1", PFR0_VALUE),
	CONST(K(3, 0, 0, 4, 1), "id_aa64pfr1_el1", 0),
	CONST(K(3, 0, 0, 5, 0), "id_aa64dfr0_el1", DFR0_VALUE),
	CONST(K(3, 0, 0, 5, 1), "id_aa64dfr1_el1", 0),
	CONST(K(3, 0, 0, 6, 0), "id_aa64isar0_el1", 0),
	CONST(K(3, 0, 0, 6, 1), "id_aa64isar1_el1", 0),
	CONST(K(3, 0, 0, 7, 0), "id_aa64mmfr0_el1", MMFR0_VALUE),
	CONST(K(3, 0, 0, 7, 1), "id_aa64mmfr1_el1", 0),
	CONST(K(3, 0, 0, 7, 2), "id_aa64mmfr2_el1", 0),
	CONST(K(3, 1, 0, 0, 0), "ccsidr_el1", 0),
	CONST(K(3, 1, 0, 0, 1), "clidr_el1", 0),
	CONST(K(3, 1, 0, 0, 7), "aidr_el1", 0),
	FIELDM(K(3, 2, 0, 0, 0), "csselr_el1", csselr, 0, 0xf),
	{ K(3, 3, 0, 0, 1), "ctr_el0", SR_CONST, SR_RO | SR_EL0, 0, CTR_VALUE },
	{ K(3, 3, 0, 0, 7), "dczid_el0", SR_CONST, SR_RO | SR_EL0, 0, DCZID_VALUE },

	SPECIAL(K(3, 0, 1, 0, 0), "sctlr_el1", SR_FLUSH),
	FIELD(K(3, 0, 1, 0, 1), "actlr_el1", actlr, 0),
	FIELDM(K(3, 0, 1, 0, 2), "cpacr_el1", cpacr, 0, 3ull << 20),
	FIELD(K(3, 0, 2, 0, 0), "ttbr0_el1", ttbr0, SR_CTX),
	FIELD(K(3, 0, 2, 0, 1), "ttbr1_el1", ttbr1, SR_CTX),
	FIELD(K(3, 0, 2, 0, 2), "tcr_el1", tcr, SR_FLUSH),
	FIELD(K(3, 0, 4, 0, 0), "spsr_el1", spsr, 0),
	FIELD(K(3, 0, 4, 0, 1), "elr_el1", elr, 0),
	SPECIAL(K(3, 0, 4, 1, 0), "sp_el0", 0),
	SPECIAL(K(3, 0, 4, 2, 0), "spsel", 0),
	SPECIAL(K(3, 0, 4, 2, 2), "currentel", SR_RO),
	SPECIAL(K(3, 3, 4, 2, 0), "nzcv", SR_EL0),
	SPECIAL(K(3, 3, 4, 2, 1), "daif", SR_EL0),
	FIELD(K(3, 0, 5, 1, 0), "afsr0_el1", afsr0, 0),
	FIELD(K(3, 0, 5, 1, 1), "afsr1_el1", afsr1, 0),
	FIELDM(K(3, 0, 5, 2, 0), "esr_el1", esr, 0, 0xffffffffull),
	FIELD(K(3, 0, 6, 0, 0), "far_el1", far, 0),
	FIELD(K(3, 0, 7, 4, 0), "par_el1", par, 0),
	FIELD(K(3, 0, 10, 2, 0), "mair_el1", mair, SR_FLUSH),
	FIELD(K(3, 0, 10, 3, 0), "amair_el1", amair, 0),
	FIELDM(K(3, 0, 12, 0, 0), "vbar_el1", vbar, 0, ~0x7ffull),
	CONST(K(3, 0, 12, 1, 0), "isr_el1", 0),
	FIELDM(K(3, 0, 13, 0, 1), "contextidr_el1", contextidr, 0, 0xffffffffull),
	FIELD(K(3, 0, 13, 0, 4), "tpidr_el1", tpidr_el1, 0),
	FIELD(K(3, 3, 13, 0, 2), "tpidr_el0", tpidr_el0, SR_EL0),
	FIELD(K(3, 3, 13, 0, 3), "tpidrro_el0", tpidrro_el0, SR_EL0),
	FIELDM(K(3, 0, 14, 1, 0), "cntkctl_el1", cntkctl, 0, 0x3ff),
	{ K(3, 3, 14, 0, 0), "cntfrq_el0", SR_CONST, SR_RO | SR_EL0, 0, ARM64_CNTFRQ },
	SPECIAL(K(3, 3, 14, 0, 1), "cntpct_el0", SR_RO | SR_EL0),
	SPECIAL(K(3, 3, 14, 0, 2), "cntvct_el0", SR_RO | SR_EL0),
	SPECIAL(K(3, 3, 14, 2, 0), "cntp_tval_el0", SR_EL0),
	SPECIAL(K(3, 3, 14, 2, 1), "cntp_ctl_el0", SR_EL0),
	FIELD(K(3, 3, 14, 2, 2), "cntp_cval_el0", cntp_cval, SR_EL0),
	SPECIAL(K(3, 3, 14, 3, 0), "cntv_tval_el0", SR_EL0),
	SPECIAL(K(3, 3, 14, 3, 1), "cntv_ctl_el0", SR_EL0),
	FIELD(K(3, 3, 14, 3, 2), "cntv_cval_el0", cntv_cval, SR_EL0),

	FIELD(K(2, 0, 0, 2, 2), "mdscr_el1", mdscr, 0),
	SPECIAL(K(2, 0, 1, 0, 4), "oslar_el1", SR_WO),
	SPECIAL(K(2, 0, 1, 1, 4), "oslsr_el1", SR_RO),
	SPECIAL(K(2, 0, 1, 3, 4), "osdlr_el1", 0),
};

static const struct sysreg_desc *sysreg_find(uint32_t key)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysregs); i++)
		if (sysregs[i].key == key)
			return &sysregs[i];
	return NULL;
}

const char *arm64_sysreg_name(uint32_t key)
{
	const struct sysreg_desc *d = sysreg_find(key);

	return d ? d->name : NULL;
}

/* The unallocated part of the ID space reads as zero (Arm ARM D17.1.3). */
static bool id_space_raz(uint32_t key)
{
	return (key >> 7) == (K(3, 0, 0, 0, 0) >> 7) && ((key >> 3) & 15) >= 1;
}

/* EC 0x18 with the MSR/MRS syndrome. */
void arm64_sys_trap(struct arm64_cpu *cpu, uint32_t key, unsigned int rt,
		    bool read)
{
	unsigned int op0 = key >> 14 & 3, op1 = key >> 11 & 7,
		     crn = key >> 7 & 15, crm = key >> 3 & 15, op2 = key & 7;
	uint32_t iss = op0 << 20 | op2 << 17 | op1 << 14 | crn << 10 |
		       rt << 5 | crm << 1 | (read ? 1 : 0);

	arm64_take_exception(cpu, ESR_EC(ESR_EC_SYS64) | ESR_IL | iss,
			     0, false, cpu->insn_pc);
}

/* May EL0 use @d now? false: UNDEFINED; traps are taken here. */
static bool el0_gate(struct arm64_cpu *cpu, const struct sysreg_desc *d,
		     unsigned int rt, bool read)
{
	uint64_t k = cpu->cntkctl;
	bool ok = true;

	if (!(d->flags & SR_EL0))
		return false;
	switch (d->key) {
	case K(3, 3, 4, 2, 1): ok = cpu->sctlr & SCTLR_UMA; break;
	case K(3, 3, 0, 0, 1): ok = cpu->sctlr & SCTLR_UCT; break;
	case K(3, 3, 13, 0, 3): if (!read) return false; break;
	case K(3, 3, 14, 0, 0): ok = k & 3; break;
	case K(3, 3, 14, 0, 1): ok = k & 1; break;
	case K(3, 3, 14, 0, 2): ok = k & 2; break;
	case K(3, 3, 14, 2, 0): case K(3, 3, 14, 2, 1): case K(3, 3, 14, 2, 2):
		ok = k & BIT(9); break;
	case K(3, 3, 14, 3, 0): case K(3, 3, 14, 3, 1): case K(3, 3, 14, 3, 2):
		ok = k & BIT(8); break;
	}
	if (!ok)
		arm64_sys_trap(cpu, d->key, rt, read);
	return true;
}

static uint64_t counter(const struct arm64_cpu *cpu)
{
	return cpu->vm->icount;
}

static uint64_t timer_ctl(uint64_t ctl, uint64_t cval, uint64_t now)
{
	ctl &= 3;
	if ((ctl & 1) && now >= cval)
		ctl |= 4;	/* ISTATUS */
	return ctl;
}

static uint64_t special_read(struct arm64_cpu *cpu,
			     const struct sysreg_desc *d)
{
	switch (d->key) {
	case K(3, 0, 0, 0, 5): return BIT(31) | cpu->vcpu.id;
	case K(3, 0, 1, 0, 0): return cpu->sctlr;
	case K(3, 0, 4, 1, 0): return arm64_get_sp_el(cpu, 0);
	case K(3, 0, 4, 2, 0): return cpu->spsel;
	case K(3, 0, 4, 2, 2): return (uint64_t)cpu->el << 2;
	case K(3, 3, 4, 2, 0): return cpu->nzcv & PSTATE_NZCV;
	case K(3, 3, 4, 2, 1): return cpu->daif & PSTATE_DAIF;
	case K(3, 3, 14, 0, 1): return counter(cpu);
	case K(3, 3, 14, 0, 2): return counter(cpu) - cpu->cntvoff;
	case K(3, 3, 14, 2, 0):
		return (uint32_t)(cpu->cntp_cval - counter(cpu));
	case K(3, 3, 14, 2, 1):
		return timer_ctl(cpu->cntp_ctl, cpu->cntp_cval, counter(cpu));
	case K(3, 3, 14, 3, 0):
		return (uint32_t)(cpu->cntv_cval - (counter(cpu) - cpu->cntvoff));
	case K(3, 3, 14, 3, 1):
		return timer_ctl(cpu->cntv_ctl, cpu->cntv_cval,
				 counter(cpu) - cpu->cntvoff);
	case K(2, 0, 1, 1, 4): return 0x8;	/* OSLSR: OSLM = 0b10, unlocked */
	default: return 0;
	}
}

static void special_write(struct arm64_cpu *cpu, const struct sysreg_desc *d,
			  uint64_t v)
{
	unsigned int old_spsel = cpu->spsel;

	switch (d->key) {
	case K(3, 0, 1, 0, 0):
		/* EE, E0E: no big-endian (ID_AA64MMFR0.BigEnd = 0): RES0 */
		cpu->sctlr = (v & ~(BIT(25) | BIT(24))) | SCTLR_RES1;
		break;
	case K(3, 0, 4, 1, 0): arm64_set_sp_el(cpu, 0, v); break;
	case K(3, 0, 4, 2, 0):
		cpu->spsel = v & 1;
		arm64_bank_sp(cpu, cpu->el, old_spsel);
		break;
	case K(3, 3, 4, 2, 0): cpu->nzcv = (uint32_t)(v & PSTATE_NZCV); break;
	case K(3, 3, 4, 2, 1): cpu->daif = (uint32_t)(v & PSTATE_DAIF); break;
	case K(3, 3, 14, 2, 0):
		cpu->cntp_cval = counter(cpu) + sext((uint32_t)v, 32);
		break;
	case K(3, 3, 14, 2, 1): cpu->cntp_ctl = v & 3; break;
	case K(3, 3, 14, 3, 0):
		cpu->cntv_cval = counter(cpu) - cpu->cntvoff +
				 sext((uint32_t)v, 32);
		break;
	case K(3, 3, 14, 3, 1): cpu->cntv_ctl = v & 3; break;
	default: break;		/* OSLAR, OSDLR: accepted, no debug */
	}
}

bool arm64_sysreg_read(struct arm64_cpu *cpu, uint32_t key, unsigned int rt,
		       uint64_t *val)
{
	const struct sysreg_desc *d = sysreg_find(key);

	if (!d) {
		if (!id_space_raz(key) || cpu->el == 0)
			return false;
		*val = 0;
		return true;
	}
	if (d->flags & SR_WO)
		return false;
	if (cpu->el == 0 && !el0_gate(cpu, d, rt, true))
		return false;
	switch (d->kind) {
	case SR_FIELD:
		*val = *(const uint64_t *)((const uint8_t *)cpu + d->off);
		break;
	case SR_CONST:
		*val = d->val;
		break;
	default:
		*val = special_read(cpu, d);
		break;
	}
	return true;
}

/* The sysreg_write event's number for @key (events.def), 0: none. */
static int sysreg_event_id(uint32_t key)
{
	switch (key) {
	case K(3, 0, 1, 0, 0): return 1;	/* sctlr_el1 */
	case K(3, 0, 2, 0, 2): return 2;	/* tcr_el1 */
	case K(3, 0, 2, 0, 0): return 3;	/* ttbr0_el1 */
	case K(3, 0, 2, 0, 1): return 4;	/* ttbr1_el1 */
	case K(3, 0, 10, 2, 0): return 5;	/* mair_el1 */
	case K(3, 0, 12, 0, 0): return 6;	/* vbar_el1 */
	case K(3, 0, 13, 0, 1): return 7;	/* contextidr_el1 */
	default: return 0;
	}
}

static uint64_t sysreg_value(struct arm64_cpu *cpu, const struct sysreg_desc *d)
{
	if (d->kind == SR_FIELD)
		return *(const uint64_t *)((const uint8_t *)cpu + d->off);
	return d->kind == SR_CONST ? d->val : special_read(cpu, d);
}

bool arm64_sysreg_write(struct arm64_cpu *cpu, uint32_t key, unsigned int rt,
			uint64_t val)
{
	const struct sysreg_desc *d = sysreg_find(key);
	int ev = sysreg_event_id(key);
	uint64_t old = 0;

	if (!d || (d->flags & SR_RO))
		return false;
	if (cpu->el == 0 && !el0_gate(cpu, d, rt, false))
		return false;
	if (ev)
		old = sysreg_value(cpu, d);
	if (d->kind == SR_FIELD) {
		uint64_t *p = (uint64_t *)((uint8_t *)cpu + d->off);

		*p = d->val ? val & d->val : val;
	} else {
		special_write(cpu, d, val);
	}
	if (d->flags & SR_FLUSH)
		arm64_tlb_flush_all(cpu);
	if (d->flags & (SR_FLUSH | SR_CTX)) {
		cpu->asid = arm64_cur_asid(cpu);
		arm64_fetch_invalidate(cpu);
	}
	if (ev)
		vm_emit(cpu->vm, EV_sysreg_write, -1, ev, old,
			sysreg_value(cpu, d), cpu->pc);
	return true;
}
