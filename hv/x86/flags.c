/* SPDX-License-Identifier: MIT */
/*
 * Lazy arithmetic flags.
 *
 * Most flag-setting instructions only record (op, size, a, b, result);
 * the six arithmetic flags are computed when someone reads them (a jcc
 * reads one or two, PUSHF all six). That is what makes an ALU loop cheap.
 *
 *   CF  ADD: res < a        ADC: res < a, or res == a with carry in
 *       SUB: a < b          SBB: a < b, or a == b with carry in
 *       LOGIC: 0            INC/DEC: unchanged (kept in lf.cin)
 *       SHL/SHR/SAR: the last bit shifted out (lf.cin)
 *   OF  ADD/ADC/INC: a and b same sign, res different: (a^res)&(b^res)
 *       SUB/SBB/DEC: a and b differ in sign, res differs from a: (a^b)&(a^res)
 *       SHL: sign of res ^ CF   SHR: sign of a   SAR, LOGIC: 0
 *   AF  carry/borrow out of bit 3: (a ^ b ^ res) & 0x10; LOGIC, shifts: 0
 *   ZF SF PF from res; PF looks at the low byte only.
 * NEG is recorded as SUB 0 - b. For shifts, b is the count (never 0: a
 * count of 0 leaves the flags alone) and the OF rule is the count-1
 * one, applied to every count as QEMU does.
 */
#include <hv/x86/interp.h>

static bool lf_of(const struct x86_lazy_flags *lf)
{
	uint64_t s = x86_sign(lf->size);

	switch (lf->op) {
	case LF_ADD:
	case LF_ADC:
	case LF_INC:
		return ((lf->a ^ lf->res) & (lf->b ^ lf->res)) & s;
	case LF_SUB:
	case LF_SBB:
	case LF_DEC:
		return ((lf->a ^ lf->b) & (lf->a ^ lf->res)) & s;
	case LF_SHL:
		return !!(lf->res & s) ^ lf->cin;
	case LF_SHR:
		return lf->a & s;
	default:
		return false;
	}
}

/* AF: only the add and subtract family define it from the operands. */
static bool lf_af(const struct x86_lazy_flags *lf)
{
	switch (lf->op) {
	case LF_ADD: case LF_ADC: case LF_SUB: case LF_SBB:
	case LF_INC: case LF_DEC:
		return (lf->a ^ lf->b ^ lf->res) & 0x10;
	default:
		return false;
	}
}

uint64_t x86_get_flags(struct x86_cpu *cpu)
{
	const struct x86_lazy_flags *lf = &cpu->lf;
	uint64_t f;

	if (lf->op == LF_NONE)
		return cpu->rflags;
	f = x86_szp(lf->res, lf->size);
	if (x86_lf_cf(lf))
		f |= X86_FL_CF;
	if (lf_of(lf))
		f |= X86_FL_OF;
	if (lf_af(lf))
		f |= X86_FL_AF;
	cpu->rflags = (cpu->rflags & ~X86_FL_ARITH) | f;
	cpu->lf.op = LF_NONE;
	return cpu->rflags;
}

void x86_set_flags(struct x86_cpu *cpu, uint64_t rflags)
{
	cpu->lf.op = LF_NONE;
	cpu->rflags = (rflags & 0x3f7fd7) | X86_FL_FIXED;
}

/*
 * Condition codes 0-15 as the opcode's low nibble numbers them:
 * O NO B AE E NE BE A S NS P NP L GE LE G. The common case, a CMP or
 * SUB just before, is answered from the raw operands.
 */
bool x86_cond(const struct x86_cpu *cpu, unsigned int cc)
{
	const struct x86_lazy_flags *lf = &cpu->lf;
	bool r, zf, sf, of, cf;
	uint64_t f;

	/* ZF and SF come straight from the result for every lazy op. */
	if (lf->op != LF_NONE && (cc >> 1) == 2) {
		r = lf->res == 0;
		goto out;
	}
	if (lf->op != LF_NONE && (cc >> 1) == 4) {
		r = lf->res & x86_sign(lf->size);
		goto out;
	}
	if (lf->op == LF_SUB) {
		int64_t sa = x86_sext(lf->a, lf->size);
		int64_t sb = x86_sext(lf->b, lf->size);

		switch (cc >> 1) {
		case 1: r = lf->a < lf->b; goto out;		/* B */
		case 2: r = lf->a == lf->b; goto out;		/* E */
		case 3: r = lf->a <= lf->b; goto out;		/* BE */
		case 6: r = sa < sb; goto out;			/* L */
		case 7: r = sa <= sb; goto out;			/* LE */
		}
	} else if (lf->op == LF_LOGIC) {
		int64_t sr = x86_sext(lf->res, lf->size);

		switch (cc >> 1) {
		case 0: r = false; goto out;			/* O */
		case 1: r = false; goto out;			/* B */
		case 2: case 3: r = lf->res == 0; goto out;	/* E BE */
		case 4: case 6: r = sr < 0; goto out;		/* S L */
		case 7: r = sr <= 0; goto out;			/* LE */
		}
	}
	if (lf->op == LF_NONE) {
		f = cpu->rflags;
		cf = f & X86_FL_CF;
		zf = f & X86_FL_ZF;
		sf = f & X86_FL_SF;
		of = f & X86_FL_OF;
	} else {
		cf = x86_lf_cf(lf);
		zf = lf->res == 0;
		sf = lf->res & x86_sign(lf->size);
		of = lf_of(lf);
		f = x86_pf(lf->res);
	}
	switch (cc >> 1) {
	case 0: r = of; break;
	case 1: r = cf; break;
	case 2: r = zf; break;
	case 3: r = cf || zf; break;
	case 4: r = sf; break;
	case 5: r = f & X86_FL_PF; break;
	case 6: r = sf != of; break;
	default: r = zf || sf != of; break;
	}
out:
	return (cc & 1) ? !r : r;
}
