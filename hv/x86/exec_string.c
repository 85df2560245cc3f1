/* SPDX-License-Identifier: MIT */
/*
 * String instructions: MOVS STOS LODS CMPS SCAS INS OUTS, with REP,
 * REPE and REPNE.
 *
 * The source is seg:rSI (DS unless overridden), the destination is
 * always ES:rDI; rSI/rDI/rCX are used at the address size and step by
 * the element size, backwards when DF is set. A REP loop runs to the
 * end inside one instruction, but its registers are written after
 * every element, so a fault part way leaves exactly the state the SDM
 * describes (the instruction restarts with the remaining count). A
 * device that asks to stop (an OUTS to the debug-exit port) ends the
 * loop and leaves rip on the instruction.
 */
#include <hv/x86/interp.h>

struct strop {
	unsigned int size;	/* element */
	unsigned int asize;
	uint64_t amask;
	int64_t delta;
};

static void strop_init(struct x86_cpu *cpu, const struct x86_insn *in,
		       struct strop *s)
{
	s->size = in->aux;
	s->asize = in->asize;
	s->amask = x86_mask(in->asize);
	s->delta = (x86_get_flags(cpu) & X86_FL_DF) ? -(int64_t)s->size
						    : (int64_t)s->size;
}

static void step_reg(struct x86_cpu *cpu, const struct strop *s, int r)
{
	reg_set(cpu, r, s->asize, (cpu->gpr[r] + s->delta) & s->amask);
}

/*
 * One more iteration? For REP forms: rCX == 0 ends; otherwise the count
 * is decremented by the caller after the element.
 */
static bool rep_more(struct x86_cpu *cpu, const struct x86_insn *in,
		     const struct strop *s)
{
	return !in->rep || (cpu->gpr[X86_RCX] & s->amask);
}

static void rep_count(struct x86_cpu *cpu, const struct x86_insn *in,
		      const struct strop *s)
{
	if (in->rep)
		reg_set(cpu, X86_RCX, s->asize,
			(cpu->gpr[X86_RCX] - 1) & s->amask);
}

/*
 * After an element: stop the loop if a device asked us to, or if the
 * slice's budget is spent. Every 1024 elements cost one instruction of
 * budget, so a REP with a huge count (into MMIO, where nothing faults)
 * still returns to the caller; the instruction resumes where it was.
 */
static bool rep_interrupted(struct x86_cpu *cpu, const struct x86_insn *in,
			    const struct strop *s)
{
	struct vm *vm = cpu->vm;

	if (!in->rep)
		return false;
	if (!(++cpu->rep_iters & 1023) && cpu->icount_end > vm->icount)
		cpu->icount_end--;
	if (!vm->stop_requested && vm->icount + 1 < cpu->icount_end)
		return false;
	if (cpu->gpr[X86_RCX] & s->amask)
		cpu->rip = cpu->insn_rip;	/* resume here */
	return true;
}

static uint64_t src_lin(struct x86_cpu *cpu, const struct x86_insn *in,
			const struct strop *s)
{
	return x86_lin(cpu, in->sreg, cpu->gpr[X86_RSI] & s->amask);
}

static uint64_t dst_lin(struct x86_cpu *cpu, const struct strop *s)
{
	return x86_lin(cpu, X86_ES, cpu->gpr[X86_RDI] & s->amask);
}

void x86_exec_movs(struct x86_cpu *cpu, const struct x86_insn *in)
{
	struct strop s;

	strop_init(cpu, in, &s);
	while (rep_more(cpu, in, &s)) {
		uint64_t v = x86_ld(cpu, src_lin(cpu, in, &s), s.size);

		x86_st(cpu, dst_lin(cpu, &s), s.size, v);
		step_reg(cpu, &s, X86_RSI);
		step_reg(cpu, &s, X86_RDI);
		rep_count(cpu, in, &s);
		if (!in->rep || rep_interrupted(cpu, in, &s))
			break;
	}
}

void x86_exec_stos(struct x86_cpu *cpu, const struct x86_insn *in)
{
	struct strop s;
	uint64_t v;

	strop_init(cpu, in, &s);
	v = reg_get(cpu, X86_RAX, s.size);
	while (rep_more(cpu, in, &s)) {
		x86_st(cpu, dst_lin(cpu, &s), s.size, v);
		step_reg(cpu, &s, X86_RDI);
		rep_count(cpu, in, &s);
		if (!in->rep || rep_interrupted(cpu, in, &s))
			break;
	}
}

void x86_exec_lods(struct x86_cpu *cpu, const struct x86_insn *in)
{
	struct strop s;

	strop_init(cpu, in, &s);
	while (rep_more(cpu, in, &s)) {
		uint64_t v = x86_ld(cpu, src_lin(cpu, in, &s), s.size);

		reg_set(cpu, X86_RAX, s.size, v);
		step_reg(cpu, &s, X86_RSI);
		rep_count(cpu, in, &s);
		if (!in->rep || rep_interrupted(cpu, in, &s))
			break;
	}
}

/* REPE continues while equal (ZF), REPNE while not equal. */
static bool rep_cond_stop(const struct x86_insn *in, uint64_t a, uint64_t b)
{
	return in->rep == 1 ? a != b : a == b;
}

void x86_exec_cmps(struct x86_cpu *cpu, const struct x86_insn *in)
{
	struct strop s;

	strop_init(cpu, in, &s);
	while (rep_more(cpu, in, &s)) {
		uint64_t a = x86_ld(cpu, src_lin(cpu, in, &s), s.size);
		uint64_t b = x86_ld(cpu, dst_lin(cpu, &s), s.size);

		step_reg(cpu, &s, X86_RSI);
		step_reg(cpu, &s, X86_RDI);
		rep_count(cpu, in, &s);
		lf_set(cpu, LF_SUB, s.size, a, b, a - b);
		if (!in->rep || rep_cond_stop(in, a, b) ||
		    rep_interrupted(cpu, in, &s))
			break;
	}
}

void x86_exec_scas(struct x86_cpu *cpu, const struct x86_insn *in)
{
	struct strop s;
	uint64_t a;

	strop_init(cpu, in, &s);
	a = reg_get(cpu, X86_RAX, s.size);
	while (rep_more(cpu, in, &s)) {
		uint64_t b = x86_ld(cpu, dst_lin(cpu, &s), s.size);

		step_reg(cpu, &s, X86_RDI);
		rep_count(cpu, in, &s);
		lf_set(cpu, LF_SUB, s.size, a, b, a - b);
		if (!in->rep || rep_cond_stop(in, a, b) ||
		    rep_interrupted(cpu, in, &s))
			break;
	}
}

void x86_exec_ins(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint16_t port = cpu->gpr[X86_RDX];
	struct strop s;

	strop_init(cpu, in, &s);
	x86_io_check(cpu, port, s.size);
	while (rep_more(cpu, in, &s)) {
		uint64_t lin = dst_lin(cpu, &s), v;

		x86_probe_write(cpu, lin, s.size);
		v = x86_pio_read(cpu, port, s.size);
		x86_st(cpu, lin, s.size, v);
		step_reg(cpu, &s, X86_RDI);
		rep_count(cpu, in, &s);
		if (!in->rep || rep_interrupted(cpu, in, &s))
			break;
	}
}

void x86_exec_outs(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint16_t port = cpu->gpr[X86_RDX];
	struct strop s;

	strop_init(cpu, in, &s);
	x86_io_check(cpu, port, s.size);
	while (rep_more(cpu, in, &s)) {
		uint64_t v = x86_ld(cpu, src_lin(cpu, in, &s), s.size);

		x86_pio_write(cpu, port, s.size, v);
		step_reg(cpu, &s, X86_RSI);
		rep_count(cpu, in, &s);
		if (!in->rep || rep_interrupted(cpu, in, &s))
			break;
	}
}
