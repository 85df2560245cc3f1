/* SPDX-License-Identifier: MIT */
/*
 * Exception and interrupt delivery through the IDT, the TSS stack
 * switch, IRET, and the software interrupt instructions.
 *
 * Reference card (SDM vol. 3A ch. 6, 7.7):
 *   32-bit gate (8 bytes)   [15:0] offset 15:0, [31:16] selector,
 *                           [43:40] type (0xE int, 0xF trap), 46:45 DPL,
 *                           47 P, [63:48] offset 31:16
 *   64-bit gate (16 bytes)  as above, plus [34:32] IST, [95:64] offset 63:32
 *   error code for a gate   vector * 8 + 2 (IDT) + EXT (bit 0)
 *   32-bit TSS              ESP0 @4, SS0 @8, ESP1 @12, SS1 @16, ...,
 *                           I/O map base @0x66
 *   64-bit TSS              RSP0 @4, RSP1 @12, RSP2 @20, IST1..7 @0x24..,
 *                           I/O map base @0x66
 *   frame, same ring        [err] EIP CS EFLAGS            (32-bit)
 *   frame, inner ring       [err] EIP CS EFLAGS ESP SS     (32-bit)
 *   frame, 64-bit           [err] RIP CS RFLAGS RSP SS, RSP aligned to 16
 *   interrupt gates clear IF; both clear TF, NT, RF, VM.
 * Task gates and 16-bit gates are not modelled (#GP on the gate).
 */
#include <hv/x86/interp.h>

/* Push one slot of a delivery frame at @lin, with the new ring's rights. */
static void frame_store(struct x86_cpu *cpu, unsigned int newcpl,
			uint64_t lin, unsigned int size, uint64_t v)
{
	if (newcpl < 3)
		x86_st_sys(cpu, lin, size, v);
	else
		x86_st(cpu, lin, size, v);
}

static void deliver_long(struct x86_cpu *cpu, int vec, uint32_t err,
			 bool has_err, uint32_t ext, uint64_t lo, uint64_t hi)
{
	uint16_t sel = (lo >> 16) & 0xffff;
	uint64_t off = (lo & 0xffff) | ((lo >> 32) & 0xffff0000) |
		       ((hi & 0xffffffff) << 32);
	unsigned int ist = (lo >> 32) & 7, type = (lo >> 40) & 0xf;
	uint64_t rflags = x86_get_flags(cpu), rsp;
	unsigned int newcpl, cpl = cpu->cpl;
	struct x86_seg cs;
	uint64_t d;
	uint64_t slot[6];
	int n = 0;

	if (!(sel & 0xfffc))
		x86_gp(cpu, ext);
	d = x86_desc_read(cpu, sel, X86_GP);
	if (!((d >> 44) & 1) || !((d >> 43) & 1) || ((d >> 45) & 3) > cpl)
		x86_gp(cpu, (sel & 0xfffc) | ext);
	newcpl = ((d >> 42) & 1) ? cpl : (d >> 45) & 3;
	x86_check_cs(cpu, sel, newcpl, &cs, X86_GP);
	if (!(cs.attr & X86_SEG_L) || (cs.attr & X86_SEG_DB))
		x86_gp(cpu, (sel & 0xfffc) | ext);
	if (!x86_canonical(off))
		x86_gp(cpu, ext);

	rsp = cpu->gpr[X86_RSP];
	if (ist || newcpl < cpl) {
		uint64_t toff = ist ? 0x24 + 8 * (ist - 1) : 4 + 8 * newcpl;

		if (toff + 7 > cpu->tr.limit)
			x86_raise(cpu, X86_TS, (cpu->tr.sel & 0xfffc) | ext, true);
		rsp = x86_ld_sys(cpu, cpu->tr.base + toff, 8);
		if (!x86_canonical(rsp))
			x86_raise(cpu, X86_SSF, ext, true);
	}
	rsp &= ~0xfull;
	slot[n++] = newcpl < cpl ? cpu->seg[X86_SS].sel : cpu->seg[X86_SS].sel;
	slot[n++] = cpu->gpr[X86_RSP];
	slot[n++] = rflags;
	slot[n++] = cpu->seg[X86_CS].sel;
	slot[n++] = cpu->rip;
	if (has_err)
		slot[n++] = err;
	for (int i = 0; i < n; i++)
		frame_store(cpu, newcpl, rsp - 8 * (i + 1), 8, slot[i]);

	/* Commit. */
	if (newcpl < cpl) {
		cpu->seg[X86_SS].sel = newcpl;
		cpu->seg[X86_SS].base = 0;
		cpu->seg[X86_SS].attr = X86_SEG_UNUSABLE | X86_SEG_P |
					X86_SEG_S | X86_SEG_DB | 0x3 | (newcpl << 5);
	}
	cpu->gpr[X86_RSP] = rsp - 8 * n;
	cpu->seg[X86_CS] = cs;
	x86_set_cpl(cpu, newcpl);
	x86_update_mode(cpu);
	cpu->rip = off;
	rflags &= ~(X86_FL_TF | X86_FL_NT | X86_FL_RF | X86_FL_VM);
	if (type == 0xe)
		rflags &= ~X86_FL_IF;
	x86_set_flags(cpu, rflags);
}

static void deliver_legacy(struct x86_cpu *cpu, int vec, uint32_t err,
			   bool has_err, uint32_t ext, uint64_t lo)
{
	uint16_t sel = (lo >> 16) & 0xffff;
	uint64_t off = (lo & 0xffff) | ((lo >> 32) & 0xffff0000);
	unsigned int type = (lo >> 40) & 0xf;
	uint64_t rflags = x86_get_flags(cpu);
	unsigned int newcpl, cpl = cpu->cpl;
	struct x86_seg cs, ss = cpu->seg[X86_SS];
	uint64_t esp = cpu->gpr[X86_RSP], d, m;
	uint32_t slot[6];
	int n = 0;

	if (!(sel & 0xfffc))
		x86_gp(cpu, ext);
	d = x86_desc_read(cpu, sel, X86_GP);
	if (!((d >> 44) & 1) || !((d >> 43) & 1) || ((d >> 45) & 3) > cpl)
		x86_gp(cpu, (sel & 0xfffc) | ext);
	newcpl = ((d >> 42) & 1) ? cpl : (d >> 45) & 3;
	x86_check_cs(cpu, sel, newcpl, &cs, X86_GP);

	if (newcpl < cpl) {
		uint64_t toff = 4 + 8 * newcpl;
		uint16_t ss_sel;

		if (X86_SEG_TYPE(cpu->tr.attr) != 0xb || toff + 5 > cpu->tr.limit)
			x86_raise(cpu, X86_TS, (cpu->tr.sel & 0xfffc) | ext, true);
		esp = x86_ld_sys(cpu, (uint32_t)(cpu->tr.base + toff), 4);
		ss_sel = x86_ld_sys(cpu, (uint32_t)(cpu->tr.base + toff + 4), 2);
		x86_check_ss(cpu, ss_sel, newcpl, &ss, X86_TS);
		slot[n++] = cpu->seg[X86_SS].sel;
		slot[n++] = cpu->gpr[X86_RSP];
	}
	slot[n++] = rflags;
	slot[n++] = cpu->seg[X86_CS].sel;
	slot[n++] = cpu->rip;
	if (has_err)
		slot[n++] = err;
	m = (ss.attr & X86_SEG_DB) ? 0xffffffffull : 0xffff;
	for (int i = 0; i < n; i++)
		frame_store(cpu, newcpl,
			    (uint32_t)(ss.base + ((esp - 4 * (i + 1)) & m)), 4,
			    slot[i]);

	cpu->seg[X86_SS] = ss;
	if (m == 0xffff)
		reg_set(cpu, X86_RSP, 2, esp - 4 * n);
	else
		cpu->gpr[X86_RSP] = (uint32_t)(esp - 4 * n);
	cpu->seg[X86_CS] = cs;
	x86_set_cpl(cpu, newcpl);
	x86_update_mode(cpu);
	cpu->rip = (uint32_t)off;
	rflags &= ~(X86_FL_TF | X86_FL_NT | X86_FL_RF | X86_FL_VM);
	if (type == 0xe)
		rflags &= ~X86_FL_IF;
	x86_set_flags(cpu, rflags);
}

void x86_deliver(struct x86_cpu *cpu, int vec, uint32_t err, bool has_err,
		 bool soft)
{
	bool lm = cpu->efer & X86_EFER_LMA;
	unsigned int gsize = lm ? 16 : 8;
	uint32_t ext = soft ? 0 : 1;
	uint32_t gate_err = vec * 8 + 2 + ext;
	uint64_t lo, hi = 0, base;
	unsigned int type;

	if (!(cpu->cr0 & X86_CR0_PE))
		x86_stop(cpu, VCPU_EXIT_INTERNAL,
			 "exception %d in real mode is not supported", vec);
	if ((uint64_t)vec * gsize + gsize - 1 > cpu->idtr.limit)
		x86_gp(cpu, gate_err);
	base = cpu->idtr.base + (uint64_t)vec * gsize;
	if (!lm)
		base = (uint32_t)base;
	lo = x86_ld_sys(cpu, base, 8);
	if (lm)
		hi = x86_ld_sys(cpu, base + 8, 8);
	type = (lo >> 40) & 0xf;
	if ((lo >> 44) & 1 || (type != 0xe && type != 0xf))
		x86_gp(cpu, gate_err);
	if (soft && ((lo >> 45) & 3) < cpu->cpl)
		x86_gp(cpu, gate_err);
	if (!((lo >> 47) & 1))
		x86_raise(cpu, X86_NP, gate_err, true);
	if (lm)
		deliver_long(cpu, vec, err, has_err, ext, lo, hi);
	else
		deliver_legacy(cpu, vec, err, has_err, ext, lo);
	cpu->halted = false;
}

/* Software interrupts: the return address is the next instruction. */
static void soft_int(struct x86_cpu *cpu, int vec)
{
	vm_emit(cpu->vm, EV_inj_exception, -1, vec, 0, 0, cpu->insn_rip);
	x86_deliver(cpu, vec, 0, false, true);
}

void x86_exec_int(struct x86_cpu *cpu, const struct x86_insn *in)
{
	soft_int(cpu, in->op[0].val & 0xff);
}

void x86_exec_int3(struct x86_cpu *cpu, const struct x86_insn *in)
{
	soft_int(cpu, X86_BP);
}

void x86_exec_into(struct x86_cpu *cpu, const struct x86_insn *in)
{
	if (x86_cond(cpu, 0))
		soft_int(cpu, X86_OF);
}

/* ICEBP: a #DB trap delivered like a hardware exception (no DPL check). */
void x86_exec_int1(struct x86_cpu *cpu, const struct x86_insn *in)
{
	vm_emit(cpu->vm, EV_inj_exception, -1, X86_DB, 0, 0, cpu->insn_rip);
	x86_deliver(cpu, X86_DB, 0, false, false);
}

/*
 * POPF/IRET flag rules: IOPL changes only at CPL 0, IF only when
 * CPL <= IOPL; VM, VIP, VIF stay; RF is cleared. @size 2 touches the
 * low 16 bits only.
 */
void x86_write_flags(struct x86_cpu *cpu, uint64_t v, unsigned int size)
{
	uint64_t f = x86_get_flags(cpu);
	uint64_t mask = X86_FL_ARITH | X86_FL_TF | X86_FL_DF | X86_FL_NT |
			X86_FL_AC | X86_FL_ID;
	uint64_t nf;

	if (cpu->cpl == 0)
		mask |= X86_FL_IOPL;
	if (cpu->cpl <= x86_iopl(cpu))
		mask |= X86_FL_IF;
	if (size == 2)
		mask &= 0xffff;
	nf = (f & ~mask) | (v & mask);
	nf &= ~X86_FL_RF;
	if (((nf ^ f) & X86_FL_AC) && (cpu->cr4 & X86_CR4_SMAP))
		x86_tlb_flush(cpu, true);
	x86_set_flags(cpu, nf);
}

/*
 * IRET. 64-bit mode always pops SS:RSP; legacy and compatibility mode
 * only when returning to an outer ring. Nested tasks (NT) and virtual-
 * 8086 returns are not modelled.
 */
void x86_exec_iret(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->aux;
	uint64_t rip, fl, rsp = 0;
	uint16_t sel, ss_sel = 0;
	unsigned int rpl;
	struct x86_seg cs, ss;
	unsigned int old_cpl = cpu->cpl;
	bool pop_ss;

	if (!(cpu->efer & X86_EFER_LMA) && (x86_get_flags(cpu) & X86_FL_NT))
		x86_stop(cpu, VCPU_EXIT_INTERNAL,
			 "iret with NT set (task return) is not supported");
	rip = x86_stack_peek(cpu, 0, size);
	sel = x86_stack_peek(cpu, size, size);
	fl = x86_stack_peek(cpu, 2 * size, size);
	rpl = sel & 3;
	if ((fl & X86_FL_VM) && cpu->cpl == 0 && size == 4 &&
	    !(cpu->efer & X86_EFER_LMA))
		x86_stop(cpu, VCPU_EXIT_INTERNAL,
			 "iret to virtual-8086 mode is not supported");
	if (rpl < cpu->cpl)
		x86_gp(cpu, sel & 0xfffc);
	x86_check_cs(cpu, sel, rpl, &cs, X86_GP);
	pop_ss = cpu->mode == 64 || rpl > cpu->cpl;
	if (pop_ss) {
		rsp = x86_stack_peek(cpu, 3 * size, size);
		ss_sel = x86_stack_peek(cpu, 4 * size, size);
		if (!(ss_sel & 0xfffc) && (cs.attr & X86_SEG_L) == 0)
			x86_gp(cpu, 0);	/* null SS only for 64-bit code */
		x86_check_ss(cpu, ss_sel, rpl, &ss, X86_GP);
	}
	if ((cs.attr & X86_SEG_L) && (cpu->efer & X86_EFER_LMA)) {
		if (!x86_canonical(rip))
			x86_gp(cpu, 0);
	} else {
		rip = size == 2 ? rip & 0xffff : (uint32_t)rip;
	}

	/* Commit: flags under the old CPL's rules, then the new ring. */
	x86_write_flags(cpu, fl, size);
	cpu->seg[X86_CS] = cs;
	if (pop_ss) {
		cpu->seg[X86_SS] = ss;
		x86_set_cpl(cpu, rpl);
		x86_update_mode(cpu);
		if (cpu->mode == 64)
			cpu->gpr[X86_RSP] = rsp;
		else
			x86_sp_set(cpu, rsp);
	} else {
		x86_set_cpl(cpu, rpl);
		x86_update_mode(cpu);
		x86_sp_add(cpu, 3 * size);
	}
	cpu->rip = rip;
	if (rpl > old_cpl)
		x86_null_outer_segs(cpu);
}
