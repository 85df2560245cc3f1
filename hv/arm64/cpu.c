// SPDX-License-Identifier: MIT
/*
 * The arm64 vCPU: creation, reset and the run loop.
 *
 * run(budget), as TinyEMU runs its budget, ends when vm->icount reaches
 * icount_end = icount at entry + budget, exactly. Each turn of the loop:
 *  1. Stop first for a requested stop, a breakpoint at pc, or an
 *     illegal-state PSTATE (which takes its exception instead).
 *  2. Fetch: the word at pc through the fetch page (the host page of the
 *     last fetch, valid until the translation state changes), else the
 *     TLB, else a walk. A misaligned pc is a PC alignment fault.
 *  3. A block (block.c) starting at that word, decoded once and keyed by
 *     its host address, runs when the budget left holds all of it and
 *     no breakpoint is armed; otherwise one instruction runs, decoded
 *     through the decoded-instruction cache (keyed by the word's host
 *     address and checked against the word itself).
 *  4. Each instruction executes with pc already advanced (insn_pc keeps
 *     its address) and vm->icount already counting it, so a fault, an
 *     event or a stop inside a block sees the same pc and icount as one
 *     instruction at a time would. Faults longjmp back to run(), with
 *     the exception already entered.
 * In a block, each word is compared with the one it was decoded from
 * before it runs, so a store into code needs no invalidation: the block
 * is dropped at the changed word. Only branch, exception and system
 * instructions end a block, and only as its last word; so inside a block
 * the pc moves on by 4, the translation does not change, and only a
 * memory access slow path (a walk, a device, a watchpoint: cpu->slow)
 * can stop the VM or change the fetch page, which the block then checks.
 * icount counts every instruction started, including one that faults:
 * the run is deterministic and a fault loop still ends its budget.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hv/arm64/interp.h>

struct arm64_cpu *arm64_cpu_create(struct vm *vm)
{
	struct arm64_cpu *cpu = calloc(1, sizeof(*cpu));

	if (!cpu)
		return NULL;
	cpu->icache = calloc(ARM64_ICACHE_SIZE, sizeof(*cpu->icache));
	cpu->bcache = calloc(ARM64_BCACHE_SIZE, sizeof(*cpu->bcache));
	if (!cpu->icache || !cpu->bcache) {
		free(cpu->icache);
		free(cpu->bcache);
		free(cpu);
		return NULL;
	}
	cpu->vm = vm;
	cpu->vcpu.ops = &arm64_vcpu_ops;
	cpu->vcpu.vm = vm;
	cpu->vcpu.id = 0;
	cpu->mmu.vm = vm;
	arm64_cpu_reset(cpu, 0, 0);
	return cpu;
}

void arm64_cpu_reset(struct arm64_cpu *cpu, uint64_t entry, uint64_t x0)
{
	memset(cpu->x, 0, sizeof(cpu->x));
	cpu->x[0] = x0;
	cpu->pc = entry;
	cpu->nzcv = 0;
	cpu->daif = PSTATE_DAIF;
	cpu->el = 1;
	cpu->spsel = 1;
	cpu->il = false;
	cpu->sp_el0 = cpu->sp_el1 = 0;
	cpu->sctlr = SCTLR_RES1;
	cpu->tcr = cpu->ttbr0 = cpu->ttbr1 = cpu->mair = cpu->amair = 0;
	cpu->vbar = cpu->esr = cpu->far = cpu->elr = cpu->spsr = 0;
	cpu->par = cpu->cpacr = cpu->contextidr = 0;
	cpu->tpidr_el0 = cpu->tpidr_el1 = cpu->tpidrro_el0 = 0;
	cpu->cntkctl = cpu->cntv_ctl = cpu->cntv_cval = 0;
	cpu->cntp_ctl = cpu->cntp_cval = cpu->cntvoff = 0;
	cpu->mdscr = cpu->csselr = cpu->afsr0 = cpu->afsr1 = cpu->actlr = 0;
	cpu->asid = 0;
	cpu->excl_valid = false;
	cpu->halted = false;
	arm64_tlb_flush_all(cpu);
}

static bool at_breakpoint(struct arm64_cpu *cpu)
{
	struct vcpu_debug *d = &cpu->vcpu.dbg;

	if (d->skip_bp_valid && d->skip_bp_at == cpu->pc) {
		d->skip_bp_valid = false;
		return false;
	}
	for (unsigned int i = 0; i < d->nbp && i < VCPU_MAX_BP; i++)
		if (d->bp[i] == cpu->pc) {
			d->stop_cause = VCPU_STOP_BREAKPOINT;
			d->stop_addr = cpu->pc;
			return true;
		}
	return false;
}

/* One instruction, the whole way: fetch, decode through the icache,
 * execute. */
static void step_one(struct arm64_cpu *cpu)
{
	struct arm64_dinsn *in;
	const uint8_t *host;
	uint64_t pc = cpu->pc;
	uint32_t word;
	uintptr_t key;

	cpu->vm->icount++;
	if (likely((pc & (PAGE_MASK | 3)) == cpu->fetch_va)) {
		host = cpu->fetch_host + (pc & (PAGE_SIZE - 1));
		memcpy(&word, host, 4);
	} else {
		host = arm64_fetch(cpu, &word);
	}
	cpu->insn_pc = pc;
	cpu->insn_word = word;
	if (unlikely(cpu->il))
		arm64_take_exception(cpu, ESR_EC(ESR_EC_ILLEGAL) |
				     ESR_IL, 0, false, pc);
	key = (uintptr_t)host;
	in = &cpu->icache[(key >> 2) & (ARM64_ICACHE_SIZE - 1)];
	if (unlikely(in->key != key || in->raw != word)) {
		arm64_decode(word, in);
		in->key = key;
		cpu->icache_misses++;
	}
	cpu->pc = pc + 4;
	in->fn(cpu, in);
}

/*
 * Run block @b, whose first word is at @pc, @host. cpu->pc is set to
 * the end of the block first: no instruction but the last (a branch)
 * reads it, and a fault sets it. Leaves early, with cpu->pc right, when
 * a word changed since it was decoded (returns false: drop the block)
 * or a slow path asks for a stop. Few locals: they all stay in
 * registers across the calls to the handlers.
 */
static inline bool run_block(struct arm64_cpu *cpu,
			     const struct arm64_block *b, uint64_t pc,
			     const uint8_t *host)
{
	const struct arm64_dinsn *in = b->insn, *end = in + b->n;
	uint64_t *icount = &cpu->vm->icount;

	cpu->pc = pc + 4 * b->n;
	/* only the last instruction can need it (arm64_undefined()) */
	cpu->insn_word = end[-1].raw;
	cpu->slow = false;
	for (;;) {
		uint32_t word;

		memcpy(&word, host, 4);
		if (unlikely(word != in->raw)) {	/* code was written */
			cpu->pc = pc;
			return false;
		}
		++*icount;
		cpu->insn_pc = pc;
		in->fn(cpu, in);
		if (++in == end)
			return true;
		pc += 4;
		host += 4;
		if (unlikely(cpu->slow)) {
			cpu->slow = false;
			if (cpu->stop || cpu->vm->stop_requested ||
			    (pc & PAGE_MASK) != cpu->fetch_va) {
				cpu->pc = pc;
				return true;
			}
		}
	}
}

/*
 * The loop proper, kept out of the function that calls setjmp(): a
 * function calling setjmp() gets every local spilled to memory.
 */
static __attribute__((noinline)) void run_loop(struct arm64_cpu *cpu)
{
	struct vm *vm = cpu->vm;
	struct vcpu *vcpu = &cpu->vcpu;

	for (;;) {
		uint64_t left = cpu->icount_end - vm->icount;
		uint64_t pc = cpu->pc;
		struct arm64_block *b;
		const uint8_t *host;
		uint32_t word;

		/* one branch for the common case: no stop, no breakpoint,
		 * no illegal state, the fetch page holds pc */
		if (unlikely((left == 0) | (cpu->stop != 0) | vm->stop_requested |
			     (vcpu->dbg.nbp != 0) | cpu->il |
			     ((pc & (PAGE_MASK | 3)) != cpu->fetch_va))) {
			if (!left || cpu->stop || vm->stop_requested)
				break;
			if (vcpu->dbg.nbp && at_breakpoint(cpu)) {
				cpu->exit->reason = VCPU_EXIT_STOP;
				break;
			}
			step_one(cpu);
			continue;
		}
		host = cpu->fetch_host + (pc & (PAGE_SIZE - 1));
		memcpy(&word, host, 4);
		b = arm64_block_slot(cpu, host);
		if (unlikely(b->key != (uintptr_t)host || b->insn[0].raw != word)) {
			if (left < ARM64_BLOCK_MAX) {	/* may not fit: no build */
				step_one(cpu);
				continue;
			}
			arm64_block_build(cpu, b, host, pc);
		}
		if (unlikely(b->n > left)) {
			step_one(cpu);
			continue;
		}
		if (unlikely(!run_block(cpu, b, pc, host)))
			b->key = 0;	/* rebuilt at its next use */
	}
}

static int arm64_run(struct vcpu *vcpu, uint64_t budget,
		     struct vcpu_exit *exit)
{
	struct arm64_cpu *cpu = (struct arm64_cpu *)vcpu;
	struct vm *vm = cpu->vm;

	memset(exit, 0, sizeof(*exit));
	exit->reason = VCPU_EXIT_BUDGET;
	cpu->exit = exit;
	cpu->stop = 0;
	vcpu->dbg.stop_cause = VCPU_STOP_NONE;
	if (cpu->halted) {
		exit->reason = VCPU_EXIT_HALT;
		return 0;
	}
	cpu->icount_end = vm->icount + budget;
	/* watchpoints may have changed since the last run() */
	cpu->ld_page = cpu->st_page = ARM64_TLB_INVALID;
	for (;;) {
		/* faults and stops longjmp back here and the loop resumes */
		if (!setjmp(cpu->jb)) {
			run_loop(cpu);
			break;
		}
	}
	if (vm->stop_requested && !cpu->stop) {
		vm->stop_requested = false;
		*exit = vm->stop_exit;
	}
	cpu->exit = NULL;
	return 0;
}

static uint64_t arm64_get_pc(struct vcpu *vcpu)
{
	return ((struct arm64_cpu *)vcpu)->pc;
}

static int arm64_translate(struct vcpu *vcpu, gva_t gva, uint32_t access,
			   struct walk_record *rec)
{
	struct arm64_cpu *cpu = (struct arm64_cpu *)vcpu;
	struct arm64_s1_ctx ctx;
	struct arm64_xlate x;
	int r;

	arm64_s1_ctx(cpu, &ctx);
	r = arm64_hw_translate(&cpu->mmu, &ctx, gva,
			       (access & (ARM64_ACC_WRITE | ARM64_ACC_FETCH |
					  ARM64_ACC_EL0)) | ARM64_ACC_PEEK,
			       &x, rec);
	return r == ARM64_XLATE_FAULT || r < 0 ? -EFAULT : 0;
}

static void arm64_flush_tlb(struct vcpu *vcpu)
{
	arm64_tlb_flush_all((struct arm64_cpu *)vcpu);
}

static void arm64_destroy(struct vcpu *vcpu)
{
	struct arm64_cpu *cpu = (struct arm64_cpu *)vcpu;

	free(cpu->icache);
	free(cpu->bcache);
	free(cpu);
}

static int arm64_vcpu_disasm(struct vcpu *vcpu, gva_t gva, char *buf,
			     size_t size)
{
	return arm64_disasm((struct arm64_cpu *)vcpu, gva, buf, size);
}

static int arm64_vcpu_format_tlb(struct vcpu *vcpu, char *buf, size_t size)
{
	return arm64_tlb_format((struct arm64_cpu *)vcpu, buf, size);
}

const struct vcpu_ops arm64_vcpu_ops = {
	.name = "arm64",
	.run = arm64_run,
	.get_pc = arm64_get_pc,
	.translate = arm64_translate,
	.reg_table = arm64_reg_table,
	.get_reg = arm64_get_reg,
	.set_reg = arm64_set_reg,
	.disasm = arm64_vcpu_disasm,
	.describe_reg = arm64_describe_reg,
	.format_tlb = arm64_vcpu_format_tlb,
	.flush_tlb = arm64_flush_tlb,
	.destroy = arm64_destroy,
};
