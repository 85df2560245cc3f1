// SPDX-License-Identifier: MIT
/*
 * The arm64 vCPU: creation, reset and the run loop.
 *
 * run(budget), as TinyEMU runs its budget:
 *  1. Stop first for a requested stop, a breakpoint at pc, or an
 *     illegal-state PSTATE (which takes its exception instead).
 *  2. Fetch: the word at pc through the fetch page (the host page of the
 *     last fetch, valid until the translation state changes), else the
 *     TLB, else a walk. A misaligned pc is a PC alignment fault.
 *  3. Decode through the decoded-instruction cache, keyed by the word's
 *     host address and checked against the word itself, so a store into
 *     code needs no invalidation: the next fetch simply misses.
 *  4. Execute with pc already advanced (insn_pc keeps the address).
 *     Faults longjmp back here, with the exception already entered.
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
	if (!cpu->icache) {
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

/*
 * The loop proper, kept out of the function that calls setjmp(): a
 * function calling setjmp() gets every local spilled to memory.
 */
static __attribute__((noinline)) void run_loop(struct arm64_cpu *cpu)
{
	struct vm *vm = cpu->vm;
	struct vcpu *vcpu = &cpu->vcpu;

	while (cpu->budget_left && !cpu->stop) {
		struct arm64_dinsn *in;
		const uint8_t *host;
		uint64_t pc = cpu->pc;
		uint32_t word;
		uintptr_t key;

		if (unlikely(vm->stop_requested))
			break;
		if (unlikely(vcpu->dbg.nbp) && at_breakpoint(cpu)) {
			cpu->exit->reason = VCPU_EXIT_STOP;
			break;
		}
		cpu->budget_left--;
		vm->icount++;
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
	cpu->budget_left = budget;
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
	free(cpu);
}

static int arm64_vcpu_disasm(struct vcpu *vcpu, gva_t gva, char *buf,
			     size_t size)
{
	return arm64_disasm((struct arm64_cpu *)vcpu, gva, buf, size);
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
	.flush_tlb = arm64_flush_tlb,
	.destroy = arm64_destroy,
};
