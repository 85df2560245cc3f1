/* SPDX-License-Identifier: MIT */
/*
 * Segment descriptors: reading them from the GDT/LDT, the protected-mode
 * checks for loading CS, SS and the data segments, and LTR/LLDT.
 *
 * Reference card (SDM vol. 3A 3.4.5):
 *   descriptor  [15:0] limit 15:0, [39:16] base 23:0, [43:40] type,
 *               44 S (1 code/data), [46:45] DPL, 47 P, [51:48] limit 19:16,
 *               52 AVL, 53 L, 54 D/B, 55 G, [63:56] base 31:24
 *   type, S=1   bit 3 code; code: 2 conforming, 1 readable;
 *               data: 2 expand-down, 1 writable; bit 0 accessed
 *   type, S=0   2 LDT, 9 available TSS (32/64), 11 busy TSS,
 *               12 call gate, 14 interrupt gate, 15 trap gate
 *   long mode   system descriptors are 16 bytes: [95:64] base 63:32
 * Limits are computed but not enforced: our guests use flat segments.
 */
#include <hv/x86/interp.h>

#define DESC_TYPE(d)	(((d) >> 40) & 0xf)
#define DESC_S(d)	(((d) >> 44) & 1)
#define DESC_DPL(d)	(((d) >> 45) & 3)
#define DESC_P(d)	(((d) >> 47) & 1)
#define DESC_L(d)	(((d) >> 53) & 1)
#define DESC_DB(d)	(((d) >> 54) & 1)

static uint64_t table_lin(struct x86_cpu *cpu, uint64_t base, uint64_t off)
{
	return (cpu->efer & X86_EFER_LMA) ? base + off : (uint32_t)(base + off);
}

/* Descriptor for @sel; selector out of its table is @vec(sel). */
uint64_t x86_desc_read(struct x86_cpu *cpu, uint16_t sel, int vec)
{
	uint64_t base, limit, idx = sel & ~7u;

	if (sel & 4) {
		if (cpu->ldtr.attr & X86_SEG_UNUSABLE)
			x86_raise(cpu, vec, sel & 0xfffc, true);
		base = cpu->ldtr.base;
		limit = cpu->ldtr.limit;
	} else {
		base = cpu->gdtr.base;
		limit = cpu->gdtr.limit;
	}
	if (idx + 7 > limit)
		x86_raise(cpu, vec, sel & 0xfffc, true);
	return x86_ld_sys(cpu, table_lin(cpu, base, idx), 8);
}

void x86_desc_unpack(uint64_t d, uint16_t sel, struct x86_seg *s)
{
	uint32_t limit = (d & 0xffff) | ((d >> 32) & 0xf0000);

	s->sel = sel;
	s->base = ((d >> 16) & 0xffffff) | ((d >> 32) & 0xff000000);
	s->limit = (d & (1ull << 55)) ? (limit << 12) | 0xfff : limit;
	s->attr = (d >> 40) & 0xf0ff;
}

/* Hardware sets the accessed bit of a code/data descriptor it loads. */
static void set_accessed(struct x86_cpu *cpu, uint16_t sel, uint64_t d)
{
	uint64_t base = (sel & 4) ? cpu->ldtr.base : cpu->gdtr.base;

	if (d & (1ull << 40))
		return;
	x86_st_sys(cpu, table_lin(cpu, base, (sel & ~7u) + 5), 1,
		   (d >> 40) | 1);
}

void x86_check_cs(struct x86_cpu *cpu, uint16_t sel, unsigned int cpl,
		  struct x86_seg *out, int vec)
{
	uint64_t d;

	if (!(sel & 0xfffc))
		x86_raise(cpu, vec, 0, true);
	d = x86_desc_read(cpu, sel, vec);
	if (!DESC_S(d) || !(DESC_TYPE(d) & 8))
		x86_raise(cpu, vec, sel & 0xfffc, true);
	if (DESC_TYPE(d) & 4) {		/* conforming */
		if (DESC_DPL(d) > cpl)
			x86_raise(cpu, vec, sel & 0xfffc, true);
	} else if (DESC_DPL(d) != cpl) {
		x86_raise(cpu, vec, sel & 0xfffc, true);
	}
	if ((cpu->efer & X86_EFER_LMA) && DESC_L(d) && DESC_DB(d))
		x86_raise(cpu, vec, sel & 0xfffc, true);
	if (!DESC_P(d))
		x86_raise(cpu, X86_NP, sel & 0xfffc, true);
	set_accessed(cpu, sel, d);
	x86_desc_unpack(d | (1ull << 40), (sel & 0xfffc) | cpl, out);
	if (!(cpu->efer & X86_EFER_LMA))
		out->attr &= ~X86_SEG_L;
}

void x86_load_cs(struct x86_cpu *cpu, uint16_t sel, unsigned int cpl)
{
	struct x86_seg cs;

	x86_check_cs(cpu, sel, cpl, &cs, X86_GP);
	cpu->seg[X86_CS] = cs;
	x86_set_cpl(cpu, cpl);
	x86_update_mode(cpu);
}

void x86_check_ss(struct x86_cpu *cpu, uint16_t sel, unsigned int cpl,
		  struct x86_seg *out, int vec)
{
	uint64_t d;

	if (!(sel & 0xfffc)) {
		/* 64-bit mode allows a null SS below ring 3. */
		if ((cpu->efer & X86_EFER_LMA) && cpl != 3) {
			out->sel = sel;
			out->base = 0;
			out->limit = 0xffffffff;
			out->attr = X86_SEG_UNUSABLE | X86_SEG_P | X86_SEG_S |
				    X86_SEG_DB | 0x3 | (cpl << 5);
			return;
		}
		x86_raise(cpu, vec, 0, true);
	}
	if ((sel & 3) != cpl)
		x86_raise(cpu, vec, sel & 0xfffc, true);
	d = x86_desc_read(cpu, sel, vec);
	if (!DESC_S(d) || (DESC_TYPE(d) & 8) || !(DESC_TYPE(d) & 2) ||
	    DESC_DPL(d) != cpl)
		x86_raise(cpu, vec, sel & 0xfffc, true);
	if (!DESC_P(d))
		x86_raise(cpu, X86_SSF, sel & 0xfffc, true);
	set_accessed(cpu, sel, d);
	x86_desc_unpack(d | (1ull << 40), sel, out);
}

void x86_load_seg(struct x86_cpu *cpu, unsigned int sreg, uint16_t sel)
{
	struct x86_seg s;
	uint64_t d;

	if (sreg == X86_CS)
		x86_ud(cpu);
	if (sreg == X86_SS) {
		x86_check_ss(cpu, sel, cpu->cpl, &s, X86_GP);
		cpu->seg[X86_SS] = s;
		return;
	}
	if (!(sel & 0xfffc)) {
		struct x86_seg *r = &cpu->seg[sreg];

		r->sel = sel;
		if (cpu->mode != 64)
			r->base = 0;
		r->attr = X86_SEG_UNUSABLE;
		return;
	}
	d = x86_desc_read(cpu, sel, X86_GP);
	if (!DESC_S(d) || ((DESC_TYPE(d) & 0xa) == 0x8))	/* exec-only code */
		x86_gp(cpu, sel & 0xfffc);
	/* Data and non-conforming code: RPL and CPL must be <= DPL. */
	if ((DESC_TYPE(d) & 0xc) != 0xc &&
	    ((sel & 3) > DESC_DPL(d) || cpu->cpl > DESC_DPL(d)))
		x86_gp(cpu, sel & 0xfffc);
	if (!DESC_P(d))
		x86_raise(cpu, X86_NP, sel & 0xfffc, true);
	set_accessed(cpu, sel, d);
	x86_desc_unpack(d | (1ull << 40), sel, &s);
	cpu->seg[sreg] = s;
}

void x86_null_outer_segs(struct x86_cpu *cpu)
{
	static const int segs[] = { X86_ES, X86_DS, X86_FS, X86_GS };

	for (unsigned int i = 0; i < ARRAY_SIZE(segs); i++) {
		struct x86_seg *s = &cpu->seg[segs[i]];
		uint32_t a = s->attr;

		if (a & X86_SEG_UNUSABLE)
			continue;
		/* data or non-conforming code with DPL < CPL */
		if ((X86_SEG_TYPE(a) & 0xc) != 0xc && X86_SEG_DPL(a) < cpu->cpl) {
			s->sel = 0;
			s->attr = X86_SEG_UNUSABLE;
			if (cpu->mode != 64)
				s->base = 0;
		}
	}
}

/* A system descriptor (TSS, LDT): 16 bytes in long mode. */
static uint64_t sys_desc(struct x86_cpu *cpu, uint16_t sel, struct x86_seg *s)
{
	uint64_t d = x86_desc_read(cpu, sel, X86_GP);

	x86_desc_unpack(d, sel, s);
	if (cpu->efer & X86_EFER_LMA) {
		if ((sel & ~7u) + 15 > cpu->gdtr.limit)
			x86_gp(cpu, sel & 0xfffc);
		s->base |= x86_ld_sys(cpu, table_lin(cpu, cpu->gdtr.base,
						     (sel & ~7u) + 8), 4) << 32;
	}
	return d;
}

void x86_exec_ltr(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint16_t sel;
	struct x86_seg s;
	uint64_t d;

	if (cpu->cpl)
		x86_gp(cpu, 0);
	sel = op_get(cpu, in, 0, NULL);
	if (!(sel & 0xfffc) || (sel & 4))
		x86_gp(cpu, sel & 0xfffc);
	d = sys_desc(cpu, sel, &s);
	if (DESC_S(d) || DESC_TYPE(d) != 9)	/* available 32/64-bit TSS */
		x86_gp(cpu, sel & 0xfffc);
	if (!DESC_P(d))
		x86_raise(cpu, X86_NP, sel & 0xfffc, true);
	/* Mark it busy in the GDT. */
	x86_st_sys(cpu, table_lin(cpu, cpu->gdtr.base, (sel & ~7u) + 5), 1,
		   (d >> 40) | 2);
	s.attr |= 2;
	cpu->tr = s;
}

void x86_exec_lldt(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint16_t sel;
	struct x86_seg s;
	uint64_t d;

	if (cpu->cpl)
		x86_gp(cpu, 0);
	sel = op_get(cpu, in, 0, NULL);
	if (!(sel & 0xfffc)) {
		cpu->ldtr.sel = sel;
		cpu->ldtr.attr = X86_SEG_UNUSABLE;
		return;
	}
	if (sel & 4)
		x86_gp(cpu, sel & 0xfffc);
	d = sys_desc(cpu, sel, &s);
	if (DESC_S(d) || DESC_TYPE(d) != 2)
		x86_gp(cpu, sel & 0xfffc);
	if (!DESC_P(d))
		x86_raise(cpu, X86_NP, sel & 0xfffc, true);
	cpu->ldtr = s;
}

static void store_sel(struct x86_cpu *cpu, const struct x86_insn *in,
		      uint16_t sel)
{
	if (in->op[0].kind == OPK_REG)
		reg_set(cpu, in->op[0].reg, in->op[0].size, sel);
	else
		x86_st(cpu, x86_op_lin(cpu, in, &in->op[0]), 2, sel);
}

void x86_exec_str(struct x86_cpu *cpu, const struct x86_insn *in)
{
	store_sel(cpu, in, cpu->tr.sel);
}

void x86_exec_sldt(struct x86_cpu *cpu, const struct x86_insn *in)
{
	store_sel(cpu, in, cpu->ldtr.sel);
}

void x86_exec_movseg(struct x86_cpu *cpu, const struct x86_insn *in)
{
	if (in->op[0].kind == OPK_SREG) {
		x86_load_seg(cpu, in->op[0].reg, op_get(cpu, in, 1, NULL));
		return;
	}
	if (in->op[0].kind == OPK_REG)
		reg_set(cpu, in->op[0].reg, in->op[0].size,
			cpu->seg[in->op[1].reg].sel);
	else
		x86_st(cpu, x86_op_lin(cpu, in, &in->op[0]), 2,
		       cpu->seg[in->op[1].reg].sel);
}
