/* SPDX-License-Identifier: MIT */
/*
 * The x86 vCPU: creation, reset, the budgeted run loop and vcpu_ops.
 *
 * The run loop goes a block at a time (block.c):
 *   1. linear rip = CS.base + rip; look its page up in the TLB's fetch
 *      tags (x86_fetch_page on a miss: a walk, maybe a #PF);
 *   2. the host address of the first byte and rip find the block of
 *      decoded instructions that starts there; a miss decodes it;
 *   3. for each instruction: rip moves past it, its handler runs; a
 *      fault longjmps back to x86_run, rip returns to the instruction
 *      and the exception is delivered through the IDT (except.c);
 *      icount++; a device's stop request ends the slice.
 * Per instruction, the loop still does what the old one-at-a-time loop
 * did whenever it could change the outcome: the budget ends a slice at
 * an exact instruction, breakpoints are checked before each one (while
 * any is armed), and the block ends early if its page left the TLB
 * (fetching again would walk) or a store overwrote it (block.c).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <hv/x86/interp.h>

_Noreturn void x86_raise(struct x86_cpu *cpu, int vec, uint32_t err,
			 bool has_err)
{
	cpu->exc.vec = vec;
	cpu->exc.err = err;
	cpu->exc.has_err = has_err;
	cpu->exc.stop = 0;
	cpu->exc.refetch = false;
	longjmp(cpu->jb, 1);
}

_Noreturn void x86_refetch(struct x86_cpu *cpu)
{
	cpu->rip = cpu->insn_rip;
	cpu->exc.stop = 0;
	cpu->exc.refetch = true;
	longjmp(cpu->jb, 1);
}

_Noreturn void x86_stop(struct x86_cpu *cpu, enum vcpu_exit_reason reason,
			const char *fmt, ...)
{
	va_list ap;

	cpu->exit->reason = reason;
	cpu->exit->status = 0;
	va_start(ap, fmt);
	vsnprintf(cpu->exit->msg, sizeof(cpu->exit->msg), fmt, ap);
	va_end(ap);
	cpu->exc.stop = 1;
	cpu->exc.refetch = false;
	longjmp(cpu->jb, 1);
}

void x86_set_cpl(struct x86_cpu *cpu, unsigned int cpl)
{
	cpu->cpl = cpl & 3;
	cpu->tlbc = cpu->tlb[cpu->cpl == 3];
}

void x86_update_mode(struct x86_cpu *cpu)
{
	uint32_t a = cpu->seg[X86_CS].attr;

	if ((cpu->efer & X86_EFER_LMA) && (a & X86_SEG_L))
		cpu->mode = 64;
	else
		cpu->mode = (a & X86_SEG_DB) ? 32 : 16;
}

void x86_seg_flat(struct x86_seg *s, uint16_t sel, uint32_t attr)
{
	s->sel = sel;
	s->base = 0;
	s->limit = 0xffffffff;
	s->attr = attr;
}

/* Power-on state, then the Multiboot entry state on top. */
static void cpu_reset(struct x86_cpu *cpu)
{
	memset(cpu->gpr, 0, sizeof(cpu->gpr));
	cpu->rip = 0xfff0;
	x86_set_flags(cpu, X86_FL_FIXED);
	for (int i = 0; i < 6; i++)
		x86_seg_flat(&cpu->seg[i], 0, X86_SEG_P | X86_SEG_S | 0x3);
	cpu->seg[X86_CS].attr = X86_SEG_P | X86_SEG_S | 0xb;
	cpu->seg[X86_CS].limit = 0xffff;
	x86_seg_flat(&cpu->ldtr, 0, X86_SEG_P | 0x2);
	x86_seg_flat(&cpu->tr, 0, X86_SEG_P | 0xb);
	cpu->ldtr.limit = cpu->tr.limit = 0xffff;
	cpu->gdtr = (struct x86_dtr){ 0, 0xffff };
	cpu->idtr = (struct x86_dtr){ 0, 0xffff };
	cpu->cr0 = X86_CR0_ET | X86_CR0_CD | X86_CR0_NW;
	cpu->cr2 = cpu->cr3 = cpu->cr4 = cpu->cr8 = 0;
	cpu->efer = 0;
	memset(cpu->dr, 0, sizeof(cpu->dr));
	cpu->dr[6] = 0xffff0ff0;
	cpu->dr[7] = 0x400;
	cpu->kernel_gs_base = cpu->star = cpu->lstar = cpu->cstar = 0;
	cpu->sfmask = cpu->sysenter_cs = cpu->sysenter_esp = 0;
	cpu->sysenter_eip = 0;
	cpu->pat = 0x0007040600070406ull;
	cpu->apic_base = 0xfee00000 | BIT(11) | BIT(8);
	cpu->misc_enable = 1;	/* fast strings */
	cpu->tsc_offset = 0;
	cpu->halted = false;
	cpu->delivering = -1;
	x86_set_cpl(cpu, 0);
	x86_update_mode(cpu);
	x86_tlb_flush(cpu, true);
}

void x86_cpu_reset_multiboot(struct x86_cpu *cpu, uint32_t entry,
			     uint32_t mbi_gpa)
{
	const uint32_t code = X86_SEG_P | X86_SEG_S | X86_SEG_DB | X86_SEG_G | 0xb;
	const uint32_t data = X86_SEG_P | X86_SEG_S | X86_SEG_DB | X86_SEG_G | 0x3;

	cpu_reset(cpu);
	cpu->cr0 = X86_CR0_PE | X86_CR0_ET;
	/* Selectors as QEMU's multiboot loader leaves them: CS 0x08, data 0x10. */
	x86_seg_flat(&cpu->seg[X86_CS], 0x08, code);
	for (int i = 0; i < 6; i++)
		if (i != X86_CS)
			x86_seg_flat(&cpu->seg[i], 0x10, data);
	cpu->gpr[X86_RAX] = 0x2badb002;
	cpu->gpr[X86_RBX] = mbi_gpa;
	cpu->rip = entry;
	x86_set_flags(cpu, X86_FL_FIXED);
	x86_update_mode(cpu);
}

struct x86_cpu *x86_cpu_create(struct vm *vm)
{
	struct x86_cpu *cpu = calloc(1, sizeof(*cpu));

	if (!cpu)
		return NULL;
	cpu->vcpu.ops = &x86_vcpu_ops;
	cpu->vcpu.vm = vm;
	cpu->vcpu.id = 0;
	cpu->vm = vm;
	cpu->mmu.vm = vm;
	cpu->mmu.ept_levels = 4;
	cpu->code_pages_n = vm->arena.size >> PAGE_SHIFT;
	cpu->code_pages = calloc((cpu->code_pages_n + 7) / 8, 1);
	if (!cpu->code_pages || x86_blocks_init(cpu)) {
		free(cpu->code_pages);
		free(cpu);
		return NULL;
	}
	if (x86_decoder_init(cpu)) {
		x86_blocks_destroy(cpu);
		free(cpu->code_pages);
		free(cpu);
		return NULL;
	}
	cpu_reset(cpu);
	return cpu;
}

static struct x86_cpu *to_cpu(struct vcpu *vcpu)
{
	return (struct x86_cpu *)vcpu;
}

static void x86_destroy(struct vcpu *vcpu)
{
	struct x86_cpu *cpu = to_cpu(vcpu);

	x86_decoder_destroy(cpu);
	x86_blocks_destroy(cpu);
	free(cpu->code_pages);
	free(cpu);
}

/*
 * Exception classes for the double-fault rule (SDM vol. 3A, table 6-5):
 * benign, contributory (#DE #TS #NP #SS #GP), page fault.
 */
static int exc_class(int vec)
{
	switch (vec) {
	case X86_DE: case X86_TS: case X86_NP: case X86_SSF: case X86_GP:
		return 1;
	case X86_PF:
		return 2;
	default:
		return 0;
	}
}

/*
 * A fault was raised (cpu->exc). Put rip back on the faulting
 * instruction and deliver it; if it was raised while delivering another
 * one, apply the #DF rules. Returns false on triple fault.
 */
static bool handle_exception(struct x86_cpu *cpu)
{
	int vec = cpu->exc.vec;
	uint32_t err = cpu->exc.err;
	bool has_err = cpu->exc.has_err;
	int first = cpu->delivering;

	cpu->rip = cpu->insn_rip;
	if (first >= 0) {
		int c1 = exc_class(first), c2 = exc_class(vec);

		if (first == X86_DF) {
			vm_emit(cpu->vm, EV_inj_exception, -1, 255, 0, 0,
				cpu->rip);
			return false;
		}
		if ((c1 == 1 && c2 == 1) || (c1 == 2 && c2 != 0)) {
			vec = X86_DF;
			err = 0;
			has_err = true;
		}
		/* Faults raised while delivering carry EXT = 1. */
		if (has_err && vec != X86_PF && vec != X86_DF && cpu->deliver_ext)
			err |= 1;
	}
	cpu->delivering = vec;
	cpu->deliver_ext = true;
	x86_deliver(cpu, vec, err, has_err, false);
	cpu->delivering = -1;
	return true;
}

/*
 * A breakpoint at @gva (a linear address, as the tools give them)?
 * Never patches guest memory: the tools' list is compared before each
 * instruction while any is armed.
 */
static bool x86_bp_hit(struct x86_cpu *cpu, uint64_t gva)
{
	struct vcpu_debug *d = &cpu->vcpu.dbg;

	for (unsigned int i = 0; i < d->nbp && i < VCPU_MAX_BP; i++) {
		if (d->bp[i] != gva)
			continue;
		d->stop_cause = VCPU_STOP_BREAKPOINT;
		d->stop_addr = gva;
		cpu->exit->reason = VCPU_EXIT_STOP;
		snprintf(cpu->exit->msg, sizeof(cpu->exit->msg),
			 "breakpoint at %#llx", (unsigned long long)gva);
		return true;
	}
	return false;
}

/*
 * Take the tools' debug state for this run. Pages holding a watchpoint
 * must miss the TLB so that every data access to them is checked in the
 * slow path: flush when watchpoints are or were armed.
 */
static void x86_debug_arm(struct x86_cpu *cpu)
{
	struct vcpu_debug *d = &cpu->vcpu.dbg;
	bool wp = d->nwp > 0;

	if (wp || cpu->dbg_wp)
		x86_tlb_flush(cpu, true);
	cpu->dbg_wp = wp;
	cpu->dbg_bp = d->nbp > 0;
	if (d->nbp != cpu->bp_nsaved ||
	    memcmp(d->bp, cpu->bp_saved, d->nbp * sizeof(d->bp[0]))) {
		/* Blocks learn again whether they hold one. */
		cpu->bp_nsaved = d->nbp < VCPU_MAX_BP ? d->nbp : VCPU_MAX_BP;
		memcpy(cpu->bp_saved, d->bp, cpu->bp_nsaved * sizeof(d->bp[0]));
		cpu->bp_gen++;
		cpu->bp_bloom = 0;
		for (unsigned int i = 0; i < cpu->bp_nsaved; i++)
			cpu->bp_bloom |= 1ull << (d->bp[i] & 63);
	}
	d->stop_cause = VCPU_STOP_NONE;
}

/* A breakpoint before the instruction at @rip, unless it is resumed. */
static bool bp_before(struct x86_cpu *cpu, uint64_t rip, uint64_t *skip_bp)
{
	uint64_t gva = x86_lin(cpu, X86_CS, rip);

	if (gva != *skip_bp && (cpu->bp_bloom & (1ull << (gva & 63))) &&
	    x86_bp_hit(cpu, gva))
		return true;
	*skip_bp = ~0ull;
	return false;
}

/*
 * Does block @b, at linear address @gva, hold an armed breakpoint? The
 * answer is kept in the block until the breakpoints change.
 */
static bool bp_in_block(const struct x86_cpu *cpu, struct x86_block *b,
			uint64_t gva)
{
	bool any = false;

	if ((b->bp_tag >> 1) == cpu->bp_gen)
		return b->bp_tag & 1;
	for (unsigned int i = 0; i < cpu->bp_nsaved; i++)
		any |= cpu->bp_saved[i] - gva < b->bytes;
	b->bp_tag = cpu->bp_gen << 1 | any;
	return any;
}

/*
 * Run the first @n instructions of @b, whose page is @page in TLB entry
 * @e. Stops after an instruction that asked the slice to stop or that
 * took the page out of the TLB (one that overwrote the block leaves
 * through x86_refetch when the next instruction would run). Both can
 * only happen in a walk, which sets cpu->walked, so that is all the
 * loop looks at. @debug: breakpoints are armed; returns true if one is
 * hit (the caller has checked the first instruction). Inlined twice,
 * with and without.
 */
static inline __attribute__((always_inline)) bool
run_block(struct x86_cpu *cpu, struct vm *vm, const struct x86_block *b,
	  unsigned int n, const struct x86_tlb_entry *e, uint64_t page,
	  bool debug, uint64_t *skip_bp)
{
	const struct x86_insn *in = b->insn, *end = in + n;

	cpu->walked = false;
	for (;;) {
		cpu->insn_rip = in->rip;
		cpu->rip = in->next_rip;
		in->fn(cpu, in);
		vm->icount++;
		if (++in == end)
			return false;
		if (unlikely(cpu->walked)) {
			cpu->walked = false;
			if (vm->stop_requested || e->tag_x != page)
				return false;
		}
		if (debug && bp_before(cpu, in->rip, skip_bp))
			return true;
	}
}

/*
 * The hot loop, kept out of the function that calls setjmp so the
 * compiler can hold cpu and vm in registers. Runs until icount reaches
 * cpu->icount_end or something asks to stop; returns true if the slice
 * ended early (halt, breakpoint or a device's stop request, already in
 * *exit).
 */
static __attribute__((noinline)) bool run_loop(struct x86_cpu *cpu,
					       struct vm *vm)
{
	/* Resuming from a breakpoint executes its instruction once. */
	uint64_t skip_bp = cpu->vcpu.dbg.skip_bp_valid
				   ? cpu->vcpu.dbg.skip_bp_at : ~0ull;

	cpu->vcpu.dbg.skip_bp_valid = false;
	while (vm->icount < cpu->icount_end) {
		uint64_t left = cpu->icount_end - vm->icount;
		uint64_t gva = x86_lin(cpu, X86_CS, cpu->rip);
		uint64_t page = gva & PAGE_MASK;
		const struct x86_tlb_entry *e =
			&cpu->tlbc[(gva >> PAGE_SHIFT) & (X86_TLB_SIZE - 1)];
		const struct x86_block *b;
		const uint8_t *hva;
		unsigned int n;

		if (unlikely(cpu->dbg_bp) && bp_before(cpu, cpu->rip, &skip_bp))
			return true;
		cpu->insn_rip = cpu->rip;
		if (likely(e->tag_x == page))
			hva = (const uint8_t *)(e->addend + gva);
		else
			hva = x86_fetch_page(cpu, gva);
		b = x86_block_get(cpu, gva, hva);
		n = left < b->n ? (unsigned int)left : b->n;
		/*
		 * Breakpoints cost a check per instruction only in a block
		 * that holds one (the first instruction was checked above).
		 */
		if (unlikely(cpu->dbg_bp) &&
		    bp_in_block(cpu, (struct x86_block *)b, gva)) {
			if (run_block(cpu, vm, b, n, e, page, true, &skip_bp))
				return true;
		} else {
			run_block(cpu, vm, b, n, e, page, false, NULL);
		}
		if (unlikely(vm->stop_requested | cpu->halted)) {
			if (vm->stop_requested) {
				vm->stop_requested = false;
				*cpu->exit = vm->stop_exit;
			} else {
				cpu->exit->reason = VCPU_EXIT_HALT;
				snprintf(cpu->exit->msg, sizeof(cpu->exit->msg),
					 "hlt at rip %#llx",
					 (unsigned long long)cpu->insn_rip);
			}
			return true;
		}
	}
	return false;
}

static int x86_run(struct vcpu *vcpu, uint64_t budget, struct vcpu_exit *exit)
{
	struct x86_cpu *cpu = to_cpu(vcpu);
	struct vm *vm = cpu->vm;

	memset(exit, 0, sizeof(*exit));
	exit->reason = VCPU_EXIT_BUDGET;
	cpu->exit = exit;
	cpu->icount_end = budget > UINT64_MAX - vm->icount ? UINT64_MAX
							    : vm->icount + budget;
	cpu->delivering = -1;
	x86_debug_arm(cpu);
	if (cpu->halted) {
		exit->reason = VCPU_EXIT_HALT;
		return 0;
	}
	if (setjmp(cpu->jb) && !cpu->exc.refetch) {
		if (cpu->exc.stop) {
			cpu->rip = cpu->insn_rip;
			cpu->delivering = -1;
			return 0;
		}
		vm_emit(vm, EV_inj_exception, -1, cpu->exc.vec, cpu->exc.err,
			cpu->exc.has_err, cpu->insn_rip);
		if (!handle_exception(cpu)) {
			exit->reason = VCPU_EXIT_SHUTDOWN;
			snprintf(exit->msg, sizeof(exit->msg),
				 "triple fault at rip %#llx",
				 (unsigned long long)cpu->rip);
			cpu->delivering = -1;
			return 0;
		}
		/* A delivery costs budget, so a fault storm still returns. */
		if (cpu->icount_end > vm->icount)
			cpu->icount_end--;
		/*
		 * An event of the delivery (a #PF injected) may have asked
		 * to stop: stop at the handler's first instruction, before
		 * it runs.
		 */
		if (vm->stop_requested) {
			vm->stop_requested = false;
			*exit = vm->stop_exit;
			return 0;
		}
	}
	run_loop(cpu, vm);
	return 0;
}

static uint64_t x86_get_pc(struct vcpu *vcpu)
{
	struct x86_cpu *cpu = to_cpu(vcpu);

	return cpu->mode == 64 ? cpu->rip
			       : (uint32_t)(cpu->rip + cpu->seg[X86_CS].base);
}

static int x86_translate(struct vcpu *vcpu, gva_t gva, uint32_t access,
			 struct walk_record *rec)
{
	struct x86_cpu *cpu = to_cpu(vcpu);
	struct x86_paging_ctx ctx;
	struct x86_xlate out = { 0 };
	int rc;

	x86_paging_ctx(cpu, &ctx);
	rc = x86_hw_translate(&cpu->mmu, &ctx, gva, access | X86_ACC_PEEK,
			      &out, rec);
	if (rc != X86_XLATE_OK)
		return -EFAULT;
	rec->out = out.gpa;
	return 0;
}

static int x86_shadow_peek(struct vcpu *vcpu, gva_t gva, uint32_t access,
			   struct walk_record *rec)
{
	struct x86_cpu *cpu = to_cpu(vcpu);
	struct x86_paging_ctx ctx;

	x86_paging_ctx(cpu, &ctx);
	if (!(access & PFERR_USER) && ctx.cpl == 3 &&
	    !(access & X86_ACC_IMPLICIT))
		access |= PFERR_USER;
	return x86_hw_shadow_peek(&cpu->mmu, &ctx, gva, access, rec);
}

static int x86_format_tlb(struct vcpu *vcpu, char *buf, size_t size)
{
	return x86_tlb_format(to_cpu(vcpu), buf, size);
}

static void x86_flush(struct vcpu *vcpu)
{
	x86_tlb_flush(to_cpu(vcpu), true);
}

const struct vcpu_ops x86_vcpu_ops = {
	.name = "x86",
	.run = x86_run,
	.get_pc = x86_get_pc,
	.translate = x86_translate,
	.shadow_peek = x86_shadow_peek,
	.reg_table = x86_reg_table,
	.get_reg = x86_get_reg,
	.set_reg = x86_set_reg,
	.disasm = x86_disasm_op,
	.describe_reg = x86_describe_reg,
	.format_tlb = x86_format_tlb,
	.flush_tlb = x86_flush,
	.destroy = x86_destroy,
};
