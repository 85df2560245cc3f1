/* SPDX-License-Identifier: MIT */
/*
 * System instructions: control registers, descriptor-table registers,
 * port I/O, HLT/CLI/STI, INVLPG, the fast system calls.
 *
 * Control-register writes flush the TLB as the architecture says
 * (SDM vol. 3A 4.10.4): CR3 drops non-global entries; changes of
 * CR0.PG/WP/PE and CR4.PGE/PAE/PSE/SMEP/SMAP drop everything. Setting
 * CR0.PG with EFER.LME activates long mode (EFER.LMA), which needs
 * CR4.PAE; the guest then far-jumps to a CS with L=1.
 */
#include <hv/x86/interp.h>

static void need_cpl0(struct x86_cpu *cpu)
{
	if (cpu->cpl)
		x86_gp(cpu, 0);
}

static void emit_flush(struct x86_cpu *cpu, bool global, unsigned int reason)
{
	vm_emit(cpu->vm, EV_tlb_flush, -1, 0, global, reason, 0);
}

void x86_write_cr(struct x86_cpu *cpu, unsigned int cr, uint64_t v)
{
	uint64_t old;

	switch (cr) {
	case 0:
		old = cpu->cr0;
		if (v >> 32)
			x86_gp(cpu, 0);
		v |= X86_CR0_ET;
		if ((v & X86_CR0_PG) && !(v & X86_CR0_PE))
			x86_gp(cpu, 0);
		if ((v & X86_CR0_NW) && !(v & X86_CR0_CD))
			x86_gp(cpu, 0);
		if (!(v & X86_CR0_PE))
			x86_stop(cpu, VCPU_EXIT_INTERNAL,
				 "the guest left protected mode (CR0 %#llx); "
				 "real mode is not supported",
				 (unsigned long long)v);
		if (!(old & X86_CR0_PG) && (v & X86_CR0_PG) &&
		    (cpu->efer & X86_EFER_LME)) {
			if (!(cpu->cr4 & X86_CR4_PAE) ||
			    (cpu->seg[X86_CS].attr & X86_SEG_L))
				x86_gp(cpu, 0);
			cpu->efer |= X86_EFER_LMA;
		}
		if ((old & X86_CR0_PG) && !(v & X86_CR0_PG)) {
			if (cpu->mode == 64)
				x86_gp(cpu, 0);
			cpu->efer &= ~X86_EFER_LMA;
		}
		cpu->cr0 = v;
		if ((old ^ v) & (X86_CR0_PG | X86_CR0_WP | X86_CR0_PE)) {
			x86_tlb_flush(cpu, true);
			emit_flush(cpu, true, 0);
		}
		x86_update_mode(cpu);
		break;
	case 2:
		old = cpu->cr2;
		cpu->cr2 = v;
		break;
	case 3:
		old = cpu->cr3;
		if (!(cpu->efer & X86_EFER_LMA))
			v = (uint32_t)v;
		cpu->cr3 = v;
		x86_tlb_flush(cpu, false);
		emit_flush(cpu, false, 3);
		break;
	case 4: {
		const uint64_t ok = X86_CR4_TSD | X86_CR4_DE | X86_CR4_PSE |
				    X86_CR4_PAE | X86_CR4_MCE | X86_CR4_PGE |
				    X86_CR4_PCE | X86_CR4_OSFXSR | BIT(10) |
				    X86_CR4_SMEP | X86_CR4_SMAP;

		old = cpu->cr4;
		if (v & ~ok)
			x86_gp(cpu, 0);
		if ((cpu->efer & X86_EFER_LMA) && !(v & X86_CR4_PAE))
			x86_gp(cpu, 0);
		cpu->cr4 = v;
		if ((old ^ v) & (X86_CR4_PGE | X86_CR4_PAE | X86_CR4_PSE |
				 X86_CR4_SMEP | X86_CR4_SMAP)) {
			x86_tlb_flush(cpu, true);
			emit_flush(cpu, true, 4);
		}
		break;
	}
	case 8:
		old = cpu->cr8;
		if (v >> 4)
			x86_gp(cpu, 0);
		cpu->cr8 = v;
		break;
	default:
		x86_ud(cpu);
	}
	vm_emit(cpu->vm, EV_cr, -1, cr, old, v, cpu->insn_rip);
	/* The hypervisor's MMU follows the paging registers (mmu_hw.h). */
	if ((cr == 0 || cr == 3 || cr == 4) && cpu->mmu.hooks &&
	    cpu->mmu.hooks->paging_changed)
		cpu->mmu.hooks->paging_changed(cpu->mmu.hooks_opaque, (int)cr,
					       old, v);
}

static uint64_t read_cr(struct x86_cpu *cpu, unsigned int cr)
{
	switch (cr) {
	case 0: return cpu->cr0;
	case 2: return cpu->cr2;
	case 3: return cpu->cr3;
	case 4: return cpu->cr4;
	case 8: return cpu->cr8;
	default: x86_ud(cpu);
	}
}

void x86_exec_movcr(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t m = cpu->mode == 64 ? ~0ull : 0xffffffffull;

	need_cpl0(cpu);
	if (in->op[0].kind == OPK_CR)
		x86_write_cr(cpu, in->op[0].reg, cpu->gpr[in->op[1].reg & 15] & m);
	else
		cpu->gpr[in->op[0].reg & 15] = read_cr(cpu, in->op[1].reg) & m;
}

void x86_exec_movdr(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t m = cpu->mode == 64 ? ~0ull : 0xffffffffull;

	need_cpl0(cpu);
	if (in->op[0].kind == OPK_DR)
		cpu->dr[in->op[0].reg & 7] = cpu->gpr[in->op[1].reg & 15] & m;
	else
		cpu->gpr[in->op[0].reg & 15] = cpu->dr[in->op[1].reg & 7] & m;
}

void x86_exec_clts(struct x86_cpu *cpu, const struct x86_insn *in)
{
	need_cpl0(cpu);
	cpu->cr0 &= ~X86_CR0_TS;
}

void x86_exec_smsw(struct x86_cpu *cpu, const struct x86_insn *in)
{
	if (in->op[0].kind == OPK_REG)
		reg_set(cpu, in->op[0].reg, in->op[0].size, cpu->cr0);
	else
		x86_st(cpu, x86_op_lin(cpu, in, &in->op[0]), 2, cpu->cr0);
}

void x86_exec_lmsw(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t v = op_get(cpu, in, 0, NULL) & 0xf;

	need_cpl0(cpu);
	/* LMSW cannot clear PE. */
	x86_write_cr(cpu, 0, (cpu->cr0 & ~0xeull) | v | (cpu->cr0 & X86_CR0_PE));
}

/* LGDT / LIDT m: limit (2 bytes), then base (4, or 8 in 64-bit mode). */
void x86_exec_lgdt(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t lin, base;
	uint16_t limit;

	need_cpl0(cpu);
	if (in->op[0].kind != OPK_MEM)
		x86_ud(cpu);
	lin = x86_op_lin(cpu, in, &in->op[0]);
	limit = x86_ld(cpu, lin, 2);
	base = x86_ld(cpu, cpu->mode == 64 ? lin + 2 : (uint32_t)(lin + 2),
		      cpu->mode == 64 ? 8 : 4);
	if (cpu->mode != 64 && in->osize == 2)
		base &= 0xffffff;
	if (cpu->mode == 64 && !x86_canonical(base))
		x86_gp(cpu, 0);
	if (in->aux)
		cpu->idtr = (struct x86_dtr){ base, limit };
	else
		cpu->gdtr = (struct x86_dtr){ base, limit };
}

void x86_exec_sgdt(struct x86_cpu *cpu, const struct x86_insn *in)
{
	const struct x86_dtr *t = in->aux ? &cpu->idtr : &cpu->gdtr;
	uint64_t lin;
	unsigned int bsize = cpu->mode == 64 ? 8 : 4;

	if (in->op[0].kind != OPK_MEM)
		x86_ud(cpu);
	lin = x86_op_lin(cpu, in, &in->op[0]);
	x86_probe_write(cpu, lin, 2 + bsize);
	x86_st(cpu, lin, 2, t->limit);
	x86_st(cpu, cpu->mode == 64 ? lin + 2 : (uint32_t)(lin + 2), bsize,
	       t->base);
}

void x86_exec_invlpg(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t lin;

	need_cpl0(cpu);
	lin = x86_op_lin(cpu, in, &in->op[0]);
	x86_tlb_invlpg(cpu, lin);
	vm_emit(cpu->vm, EV_invlpg, -1, lin, 0, 0, 0);
	/* ... and the hypervisor's MMU hears of it (kvm_mmu_invlpg). */
	if (cpu->mmu.hooks && cpu->mmu.hooks->invlpg)
		cpu->mmu.hooks->invlpg(cpu->mmu.hooks_opaque, lin);
}

void x86_exec_wbinvd(struct x86_cpu *cpu, const struct x86_insn *in)
{
	need_cpl0(cpu);
}

void x86_exec_hlt(struct x86_cpu *cpu, const struct x86_insn *in)
{
	need_cpl0(cpu);
	/* No interrupt controller yet: nothing can wake us. */
	cpu->halted = true;
}

static void need_iopl(struct x86_cpu *cpu)
{
	if (cpu->cpl > x86_iopl(cpu))
		x86_gp(cpu, 0);
}

void x86_exec_cli(struct x86_cpu *cpu, const struct x86_insn *in)
{
	need_iopl(cpu);
	cpu->rflags &= ~X86_FL_IF;
}

void x86_exec_sti(struct x86_cpu *cpu, const struct x86_insn *in)
{
	need_iopl(cpu);
	cpu->rflags |= X86_FL_IF;
}

static void set_ac(struct x86_cpu *cpu, bool on)
{
	if (cpu->cpl)
		x86_ud(cpu);
	if (on)
		cpu->rflags |= X86_FL_AC;
	else
		cpu->rflags &= ~X86_FL_AC;
	/* SMAP entries were filled with the old AC. */
	x86_tlb_flush(cpu, true);
}

void x86_exec_stac(struct x86_cpu *cpu, const struct x86_insn *in)
{
	set_ac(cpu, true);
}

void x86_exec_clac(struct x86_cpu *cpu, const struct x86_insn *in)
{
	set_ac(cpu, false);
}

/* --- port I/O ------------------------------------------------------------ */

void x86_io_check(struct x86_cpu *cpu, uint16_t port, unsigned int size)
{
	uint64_t map;
	uint16_t bits;

	if (cpu->cpl <= x86_iopl(cpu))
		return;
	/* The I/O permission bitmap of the TSS: all bits of the access 0. */
	if (X86_SEG_TYPE(cpu->tr.attr) != 0xb || cpu->tr.limit < 0x67)
		x86_gp(cpu, 0);
	map = x86_ld_sys(cpu, cpu->tr.base + 0x66, 2) + port / 8;
	if (map + 1 > cpu->tr.limit)
		x86_gp(cpu, 0);
	bits = x86_ld_sys(cpu, cpu->tr.base + map, 2);
	if ((bits >> (port & 7)) & ((1u << size) - 1))
		x86_gp(cpu, 0);
}

uint64_t x86_pio_read(struct x86_cpu *cpu, uint16_t port, unsigned int size)
{
	uint64_t v = io_bus_read(&cpu->vm->pio, port, size) & x86_mask(size);

	vm_emit(cpu->vm, EV_pio, -1, port, size, v, 0);
	return v;
}

void x86_pio_write(struct x86_cpu *cpu, uint16_t port, unsigned int size,
		   uint64_t v)
{
	v &= x86_mask(size);
	vm_emit(cpu->vm, EV_pio, -1, port, size, v, 1);
	io_bus_write(&cpu->vm->pio, port, size, v);
}

static uint16_t io_port(struct x86_cpu *cpu, const struct x86_op *op)
{
	return op->kind == OPK_IMM ? (uint16_t)(op->val & 0xff)
				   : (uint16_t)cpu->gpr[X86_RDX];
}

void x86_exec_in(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[0].size;
	uint16_t port = io_port(cpu, &in->op[1]);

	x86_io_check(cpu, port, size);
	reg_set(cpu, X86_RAX, size, x86_pio_read(cpu, port, size));
}

void x86_exec_out(struct x86_cpu *cpu, const struct x86_insn *in)
{
	unsigned int size = in->op[1].size;
	uint16_t port = io_port(cpu, &in->op[0]);

	x86_io_check(cpu, port, size);
	x86_pio_write(cpu, port, size, reg_get(cpu, X86_RAX, size));
}

/* --- CPUID, TSC, MSRs ------------------------------------------------- */

void x86_exec_cpuid(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint32_t r[4];

	x86_cpuid(cpu, cpu->gpr[X86_RAX], cpu->gpr[X86_RCX], r);
	cpu->gpr[X86_RAX] = r[0];
	cpu->gpr[X86_RBX] = r[1];
	cpu->gpr[X86_RCX] = r[2];
	cpu->gpr[X86_RDX] = r[3];
}

void x86_exec_rdtsc(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t tsc = cpu->vm->icount + cpu->tsc_offset;

	if ((cpu->cr4 & X86_CR4_TSD) && cpu->cpl)
		x86_gp(cpu, 0);
	cpu->gpr[X86_RAX] = (uint32_t)tsc;
	cpu->gpr[X86_RDX] = tsc >> 32;
}

void x86_exec_rdtscp(struct x86_cpu *cpu, const struct x86_insn *in)
{
	x86_undefined(cpu, in);	/* not advertised */
}

void x86_exec_rdpmc(struct x86_cpu *cpu, const struct x86_insn *in)
{
	x86_undefined(cpu, in);
}

void x86_exec_rdmsr(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t v;

	need_cpl0(cpu);
	if (x86_rdmsr(cpu, cpu->gpr[X86_RCX], &v))
		x86_gp(cpu, 0);
	cpu->gpr[X86_RAX] = (uint32_t)v;
	cpu->gpr[X86_RDX] = v >> 32;
}

void x86_exec_wrmsr(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint32_t msr = cpu->gpr[X86_RCX];
	uint64_t v = (uint32_t)cpu->gpr[X86_RAX] |
		     (cpu->gpr[X86_RDX] << 32);
	uint64_t old = 0;

	need_cpl0(cpu);
	x86_rdmsr(cpu, msr, &old);
	if (x86_wrmsr(cpu, msr, v))
		x86_gp(cpu, 0);
	vm_emit(cpu->vm, EV_msr, -1, msr, old, v, 1);
}

/* --- fast system calls ------------------------------------------------ */

static void flat_seg(struct x86_cpu *cpu, int sreg, uint16_t sel,
		     unsigned int dpl, bool code, bool l)
{
	uint32_t attr = X86_SEG_P | X86_SEG_S | X86_SEG_G | (dpl << 5) |
			(code ? 0xb : 0x3);

	if (code && l)
		attr |= X86_SEG_L;
	else
		attr |= X86_SEG_DB;
	x86_seg_flat(&cpu->seg[sreg], sel, attr);
}

void x86_exec_syscall(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint16_t sel = (cpu->star >> 32) & 0xfffc;
	uint64_t f;

	if (!(cpu->efer & X86_EFER_SCE) || cpu->mode != 64)
		x86_ud(cpu);
	f = x86_get_flags(cpu);
	cpu->gpr[X86_RCX] = cpu->rip;
	cpu->gpr[X86_R11] = f & ~X86_FL_RF;
	flat_seg(cpu, X86_CS, sel, 0, true, true);
	flat_seg(cpu, X86_SS, sel + 8, 0, false, false);
	x86_set_cpl(cpu, 0);
	x86_update_mode(cpu);
	x86_set_flags(cpu, f & ~cpu->sfmask & ~X86_FL_RF);
	cpu->rip = cpu->lstar;
}

void x86_exec_sysret(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint16_t sel = (cpu->star >> 48) & 0xfffc;
	bool to64 = in->osize == 8;

	if (!(cpu->efer & X86_EFER_SCE) || cpu->mode != 64)
		x86_ud(cpu);
	need_cpl0(cpu);
	if (to64 && !x86_canonical(cpu->gpr[X86_RCX]))
		x86_gp(cpu, 0);
	flat_seg(cpu, X86_CS, (to64 ? sel + 16 : sel) | 3, 3, true, to64);
	flat_seg(cpu, X86_SS, (sel + 8) | 3, 3, false, false);
	x86_set_cpl(cpu, 3);
	x86_update_mode(cpu);
	x86_set_flags(cpu, (cpu->gpr[X86_R11] & 0x3c7fd7) | X86_FL_FIXED);
	cpu->rip = to64 ? cpu->gpr[X86_RCX] : (uint32_t)cpu->gpr[X86_RCX];
}

void x86_exec_sysenter(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint16_t sel = cpu->sysenter_cs & 0xfffc;
	bool lm = cpu->efer & X86_EFER_LMA;

	if (!sel)
		x86_gp(cpu, 0);
	flat_seg(cpu, X86_CS, sel, 0, true, lm);
	flat_seg(cpu, X86_SS, sel + 8, 0, false, false);
	x86_set_cpl(cpu, 0);
	x86_update_mode(cpu);
	x86_set_flags(cpu, x86_get_flags(cpu) &
			   ~(X86_FL_VM | X86_FL_IF | X86_FL_RF));
	cpu->gpr[X86_RSP] = lm ? cpu->sysenter_esp : (uint32_t)cpu->sysenter_esp;
	cpu->rip = lm ? cpu->sysenter_eip : (uint32_t)cpu->sysenter_eip;
}

void x86_exec_sysexit(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint16_t sel = cpu->sysenter_cs & 0xfffc;
	bool to64 = in->osize == 8;

	need_cpl0(cpu);
	if (!sel)
		x86_gp(cpu, 0);
	if (to64 && (!x86_canonical(cpu->gpr[X86_RDX]) ||
		     !x86_canonical(cpu->gpr[X86_RCX])))
		x86_gp(cpu, 0);
	flat_seg(cpu, X86_CS, (sel + (to64 ? 32 : 16)) | 3, 3, true, to64);
	flat_seg(cpu, X86_SS, (sel + (to64 ? 40 : 24)) | 3, 3, false, false);
	x86_set_cpl(cpu, 3);
	x86_update_mode(cpu);
	cpu->gpr[X86_RSP] = to64 ? cpu->gpr[X86_RCX] : (uint32_t)cpu->gpr[X86_RCX];
	cpu->rip = to64 ? cpu->gpr[X86_RDX] : (uint32_t)cpu->gpr[X86_RDX];
}

void x86_exec_swapgs(struct x86_cpu *cpu, const struct x86_insn *in)
{
	uint64_t t;

	if (cpu->mode != 64)
		x86_ud(cpu);
	need_cpl0(cpu);
	t = cpu->seg[X86_GS].base;
	cpu->seg[X86_GS].base = cpu->kernel_gs_base;
	cpu->kernel_gs_base = t;
}

/* Descriptor probes (LAR/LSL/VERR/VERW): not modelled yet. */
void x86_exec_lar(struct x86_cpu *cpu, const struct x86_insn *in)
{
	x86_undefined(cpu, in);
}

void x86_exec_lsl(struct x86_cpu *cpu, const struct x86_insn *in)
{
	x86_undefined(cpu, in);
}

void x86_exec_verr(struct x86_cpu *cpu, const struct x86_insn *in)
{
	x86_undefined(cpu, in);
}
