/* SPDX-License-Identifier: MIT */
/*
 * Control flow and the stack: jumps, calls, returns (near and far),
 * loops, push/pop in all their forms, ENTER/LEAVE.
 *
 * Near targets are truncated to the operand size (16-bit IP wraps) and
 * must be canonical in 64-bit mode (#GP(0) before anything changes).
 * Multi-slot stack writes (far call, ENTER) store everything first and
 * move RSP last, so a #PF half way leaves RSP as it was.
 */
#include <hv/x86/interp.h>

static uint64_t near_target(struct x86_cpu *cpu, const struct x86_insn *in)
{
	const struct x86_op *op = &in->op[0];
	uint64_t t;

	if (op->kind == OPK_IMM)
		t = cpu->rip + (uint64_t)op->val;
	else
		t = op_get(cpu, in, 0, NULL);
	if (in->osize == 2)
		t &= 0xffff;
	else if (in->osize == 4)
		t = (uint32_t)t;
	if (cpu->mode == 64 && !x86_canonical(t))
		x86_gp(cpu, 0);
	return t;
}

void x86_exec_jmp(struct x86_cpu *cpu, const struct x86_insn *in)
{
	cpu->rip = near_target(cpu, in);
}

void x86_exec_jcc(struct x86_cpu *cpu, const struct x86_insn *in)
{
	if (!x86_cond(cpu, in->cc))
		return;
	/* The common case: rel8/rel32 in 64-bit mode, target canonical. */
	if (likely(in->osize == 8)) {
		uint64_t t = cpu->rip + (uint64_t)in->op[0].val;

		if (likely(x86_canonical(t))) {
			cpu->rip = t;
			return;
		}
	}
	cpu->rip = near_target(cpu, in);
}

void x86_exec_jcxz(struct x86_cpu *cpu, const struct x86_insn *in)
{
	if (!reg_get(cpu, X86_RCX, in->asize))
		cpu->rip = near_target(cpu, in);
}

void x86_exec_loop(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t c = (reg_get(cpu, X86_RCX, in->asize) - 1) &
		     x86_mask(in->asize);
	bool take = c != 0;
	uint64_t t = 0;

	if (in->aux == 1)
		take = take && x86_cond(cpu, 4);	/* ZF */
	else if (in->aux == 2)
		take = take && !x86_cond(cpu, 4);
	if (take)
		t = near_target(cpu, in);
	reg_set(cpu, X86_RCX, in->asize, c);
	if (take)
		cpu->rip = t;
}

void x86_exec_call(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t t = near_target(cpu, in);

	x86_push(cpu, in->osize, cpu->rip);
	cpu->rip = t;
}

void x86_exec_ret(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->osize;
	uint64_t t = x86_stack_peek(cpu, 0, size);
	uint64_t imm = in->nops ? (uint64_t)in->op[0].val & 0xffff : 0;

	if (cpu->mode == 64 && !x86_canonical(t))
		x86_gp(cpu, 0);
	x86_sp_add(cpu, size + imm);
	cpu->rip = t;
}

void x86_exec_push(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t v = op_get(cpu, in, 0, NULL);

	x86_push(cpu, in->osize, v);
}

void x86_exec_pop(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->osize;
	uint64_t v = x86_stack_peek(cpu, 0, size);
	uint64_t old = cpu->gpr[X86_RSP], lin;

	if (in->op[0].kind == OPK_REG) {
		x86_sp_add(cpu, size);
		reg_set(cpu, in->op[0].reg, size, v);
		return;
	}
	/* POP m: the address uses RSP after the pop, committed after the store. */
	x86_sp_add(cpu, size);
	lin = x86_op_lin(cpu, in, &in->op[0]);
	cpu->gpr[X86_RSP] = old;
	x86_st(cpu, lin, size, v);
	x86_sp_add(cpu, size);
}

void x86_exec_pushseg(struct x86_cpu *cpu, const struct x86_insn *in)
{
	x86_push(cpu, in->osize, cpu->seg[in->op[0].reg].sel);
}

void x86_exec_popseg(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t v = x86_stack_peek(cpu, 0, in->osize);

	x86_load_seg(cpu, in->op[0].reg, (uint16_t)v);
	x86_sp_add(cpu, in->osize);
}

void x86_exec_pushf(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t f = x86_get_flags(cpu) & ~(X86_FL_RF | X86_FL_VM);

	x86_push(cpu, in->osize, f);
}

void x86_exec_popf(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t v = x86_stack_peek(cpu, 0, in->osize);

	x86_sp_add(cpu, in->osize);
	x86_write_flags(cpu, v, in->osize);
}

void x86_exec_pusha(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->osize;
	uint64_t sp = cpu->gpr[X86_RSP], m = x86_mask(x86_sp_size(cpu));

	for (int r = 0; r < 8; r++) {
		uint64_t v = r == X86_RSP ? sp : cpu->gpr[r];

		x86_st(cpu, x86_lin(cpu, X86_SS, (sp - (r + 1) * size) & m),
		       size, v);
	}
	x86_sp_set(cpu, (sp - 8 * size) & m);
}

void x86_exec_popa(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->osize;
	uint64_t v[8];

	for (int r = 0; r < 8; r++)
		v[7 - r] = x86_stack_peek(cpu, r * size, size);
	for (int r = 0; r < 8; r++)
		if (r != X86_RSP)
			reg_set(cpu, r, size, v[r]);
	x86_sp_add(cpu, 8 * size);
}

void x86_exec_enter(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->osize;
	uint64_t alloc = (uint64_t)in->op[0].val & 0xffff;
	unsigned int level = in->op[1].val & 31;
	uint64_t m = x86_mask(x86_sp_size(cpu));
	uint64_t sp = cpu->gpr[X86_RSP], bp = cpu->gpr[X86_RBP], frame;

	sp = (sp - size) & m;
	x86_st(cpu, x86_lin(cpu, X86_SS, sp), size, bp);
	frame = sp;
	if (level) {
		for (unsigned int i = 1; i < level; i++) {
			uint64_t v;

			bp = (bp - size) & m;
			v = x86_ld(cpu, x86_lin(cpu, X86_SS, bp), size);
			sp = (sp - size) & m;
			x86_st(cpu, x86_lin(cpu, X86_SS, sp), size, v);
		}
		sp = (sp - size) & m;
		x86_st(cpu, x86_lin(cpu, X86_SS, sp), size, frame);
	}
	sp = (sp - alloc) & m;
	reg_set(cpu, X86_RBP, size, frame);
	x86_sp_set(cpu, sp);
}

void x86_exec_leave(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->osize;
	uint64_t m = x86_mask(x86_sp_size(cpu));
	uint64_t bp = cpu->gpr[X86_RBP] & m;
	uint64_t v = x86_ld(cpu, x86_lin(cpu, X86_SS, bp), size);

	x86_sp_set(cpu, (bp + size) & m);
	reg_set(cpu, X86_RBP, size, v);
}

/* The selector:offset of a far jmp/call: ptr16:32 or m16:16/32/64. */
static void far_operand(struct x86_cpu *cpu, const struct x86_insn *in,
			uint16_t *sel, uint64_t *off)
{
	const struct x86_op *op = &in->op[0];
	unsigned int size = in->osize;

	if (op->kind == OPK_PTR) {
		*sel = op->ptr_sel;
		*off = (uint64_t)op->val & x86_mask(size);
		return;
	}
	if (op->kind != OPK_MEM)
		x86_ud(cpu);
	uint64_t lin = x86_op_lin(cpu, in, op);

	*off = x86_ld(cpu, lin, size);
	*sel = x86_ld(cpu, cpu->mode == 64 ? lin + size : (uint32_t)(lin + size), 2);
}

/*
 * Far JMP/CALL go to a code segment at the same CPL (call gates and
 * task switches are not modelled: #GP(sel)).
 */
static void far_cs(struct x86_cpu *cpu, uint16_t sel, struct x86_seg *cs)
{
	if ((sel & 3) > cpu->cpl) {
		/* non-conforming code needs RPL <= CPL; checked below too */
		uint64_t d = x86_desc_read(cpu, sel, X86_GP);

		if (!((d >> 42) & 1))	/* not conforming */
			x86_gp(cpu, sel & 0xfffc);
	}
	x86_check_cs(cpu, sel, cpu->cpl, cs, X86_GP);
}

static void commit_cs(struct x86_cpu *cpu, const struct x86_seg *cs,
		      uint64_t rip)
{
	cpu->seg[X86_CS] = *cs;
	x86_update_mode(cpu);
	cpu->rip = x86_ip_mask(cpu, rip);
}

void x86_exec_jmpf(struct x86_cpu *cpu, const struct x86_insn *in)
{
	struct x86_seg cs;
	uint16_t sel;
	uint64_t off;

	far_operand(cpu, in, &sel, &off);
	far_cs(cpu, sel, &cs);
	commit_cs(cpu, &cs, off);
}

void x86_exec_callf(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->osize;
	uint64_t m = x86_mask(x86_sp_size(cpu));
	uint64_t sp = cpu->gpr[X86_RSP];
	struct x86_seg cs;
	uint16_t sel;
	uint64_t off;

	far_operand(cpu, in, &sel, &off);
	far_cs(cpu, sel, &cs);
	x86_st(cpu, x86_lin(cpu, X86_SS, (sp - size) & m), size,
	       cpu->seg[X86_CS].sel);
	x86_st(cpu, x86_lin(cpu, X86_SS, (sp - 2 * size) & m), size, cpu->rip);
	x86_sp_set(cpu, (sp - 2 * size) & m);
	commit_cs(cpu, &cs, off);
}

/* RETF [imm16]: same privilege, or to an outer ring with SS:rSP. */
void x86_exec_retf(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->osize;
	uint64_t imm = in->nops ? (uint64_t)in->op[0].val & 0xffff : 0;
	uint64_t off = x86_stack_peek(cpu, 0, size);
	uint16_t sel = (uint16_t)x86_stack_peek(cpu, size, size);
	unsigned int rpl = sel & 3;
	struct x86_seg cs, ss;
	uint64_t nsp = 0;

	if (rpl < cpu->cpl)
		x86_gp(cpu, sel & 0xfffc);
	x86_check_cs(cpu, sel, rpl, &cs, X86_GP);
	if (rpl > cpu->cpl) {
		nsp = x86_stack_peek(cpu, 2 * size + imm, size);
		x86_check_ss(cpu, (uint16_t)x86_stack_peek(cpu, 3 * size + imm, size),
			     rpl, &ss, X86_GP);
		commit_cs(cpu, &cs, off);
		x86_set_cpl(cpu, rpl);
		cpu->seg[X86_SS] = ss;
		x86_sp_set(cpu, nsp + imm);
		x86_null_outer_segs(cpu);
		return;
	}
	x86_sp_add(cpu, 2 * size + imm);
	commit_cs(cpu, &cs, off);
}

/* LDS/LES/LFS/LGS/LSS r, m16:off. */
void x86_exec_lfs(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size;
	uint64_t lin;
	uint64_t off;
	uint16_t sel;

	if (in->op[1].kind != OPK_MEM)
		x86_ud(cpu);
	lin = x86_op_lin(cpu, in, &in->op[1]);
	off = x86_ld(cpu, lin, size);
	sel = x86_ld(cpu, cpu->mode == 64 ? lin + size : (uint32_t)(lin + size), 2);
	x86_load_seg(cpu, in->aux, sel);
	reg_set(cpu, in->op[0].reg, size, off);
}
