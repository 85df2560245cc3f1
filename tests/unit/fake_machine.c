/* SPDX-License-Identifier: MIT */
/* The fake machine of fake_machine.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_machine.h"

static struct fake_machine *to_fake(struct vcpu *v)
{
	return (struct fake_machine *)((char *)v -
				       offsetof(struct fake_machine, vcpu));
}

static bool fake_map(gva_t gva, gpa_t *gpa)
{
	if (gva >= FAKE_MAPPED)
		return false;
	if ((gva & PAGE_MASK) == FAKE_ALIAS_GVA)
		*gpa = FAKE_ALIAS_GPA + (gva & ~PAGE_MASK);
	else
		*gpa = gva;
	return true;
}

static bool wp_hit(struct vcpu *v, gva_t gva, uint64_t len, uint8_t kind)
{
	struct vcpu_debug *d = &v->dbg;

	for (unsigned int i = 0; i < d->nwp; i++) {
		if ((d->wp[i].kind & kind) && gva < d->wp[i].gva + d->wp[i].len &&
		    d->wp[i].gva < gva + len) {
			d->stop_cause = VCPU_STOP_WATCHPOINT;
			d->stop_addr = gva;
			d->stop_wp_kind = kind;
			return true;
		}
	}
	return false;
}

static int fake_run(struct vcpu *v, uint64_t budget, struct vcpu_exit *exit)
{
	struct fake_machine *fm = to_fake(v);
	struct vm *vm = v->vm;
	bool first = true;

	fm->runs++;
	exit->reason = VCPU_EXIT_BUDGET;
	exit->msg[0] = '\0';
	while (budget) {
		uint64_t pc = fm->reg[FAKE_PC];
		struct vcpu_debug *d = &v->dbg;
		bool skip = first && d->skip_bp_valid && d->skip_bp_at == pc;

		first = false;
		d->skip_bp_valid = false;
		for (unsigned int i = 0; !skip && i < d->nbp; i++) {
			if (d->bp[i] == pc) {
				d->stop_cause = VCPU_STOP_BREAKPOINT;
				exit->reason = VCPU_EXIT_STOP;
				return 0;
			}
		}
		if (pc == fm->fault_pc) {
			vm_emit(vm, EV_page_fault, -1, 0x400000, 2, pc, 0);
			vm_emit(vm, EV_inj_exception, -1, 14, 2, 1, pc);
			fm->reg[FAKE_PC] = FAKE_HANDLER;
			budget--;
			/* A delivery is a step: a stop request ends it. */
			if (vm->stop_requested) {
				vm->stop_requested = false;
				*exit = vm->stop_exit;
				d->stop_cause = VCPU_STOP_REQUEST;
				return 0;
			}
			continue;
		}
		for (unsigned int i = 0; i < fm->nemit; i++) {
			const struct fake_emit *e = &fm->emit[i];

			if (e->pc == pc)
				vm_emit(vm, e->kind, e->level, e->a[0], e->a[1],
					e->a[2], e->a[3]);
		}
		fm->reg[FAKE_PC] = pc + 4;
		vm->icount++;
		budget--;
		if (pc == fm->exit_pc) {
			exit->reason = VCPU_EXIT_POWEROFF;
			exit->status = fm->exit_status;
			return 0;
		}
		if (pc == fm->write_pc &&
		    wp_hit(v, fm->write_gva, 4, VCPU_WP_WRITE)) {
			exit->reason = VCPU_EXIT_STOP;
			return 0;
		}
		if (vm->stop_requested) {
			vm->stop_requested = false;
			*exit = vm->stop_exit;
			d->stop_cause = VCPU_STOP_REQUEST;
			return 0;
		}
	}
	return 0;
}

static uint64_t fake_get_pc(struct vcpu *v)
{
	return to_fake(v)->reg[FAKE_PC];
}

static int fake_translate(struct vcpu *v, gva_t gva, uint32_t access,
			  struct walk_record *rec)
{
	struct walk_step *st;
	gpa_t gpa;

	walk_record_init(rec, WALK_GUEST, gva, access);
	st = walk_record_push(rec);
	memset(st, 0, sizeof(*st));
	st->table = WALK_GUEST;
	st->level = 1;
	st->index = (uint16_t)((gva >> 12) & 0x3ff);
	st->table_addr = 0x5000;
	st->entry_addr = 0x5000 + st->index * 4u;
	st->input = gva;
	if (!fake_map(gva, &gpa)) {
		rec->result = WALK_FAULT;
		rec->fault_code = access;
		rec->fault_level = 1;
		rec->why = "not present";
		return -EFAULT;
	}
	st->entry = (gpa & PAGE_MASK) | 0x3;
	st->leaf = true;
	st->leaf_shift = 12;
	st->perms = WALK_P_READ | WALK_P_WRITE;
	rec->page_shift = 12;
	rec->perms = st->perms;
	rec->out = gpa;
	return 0;
}

static const struct vcpu_reg_desc fake_regs[FAKE_NREGS] = {
	[FAKE_PC] = { "pc", 64, VCPU_REG_PC },
	[FAKE_R0] = { "r0", 64, VCPU_REG_GPR },
	[FAKE_R1] = { "r1", 64, VCPU_REG_GPR },
	[FAKE_CR0] = { "cr0", 32, VCPU_REG_CTRL },
	[FAKE_CR3] = { "cr3", 64, VCPU_REG_CTRL },
};

static const struct vcpu_reg_desc *fake_reg_table(struct vcpu *v,
						  unsigned int *count)
{
	*count = FAKE_NREGS;
	return fake_regs;
}

static int fake_get_reg(struct vcpu *v, unsigned int idx, uint64_t *val)
{
	if (idx >= FAKE_NREGS)
		return -EINVAL;
	*val = to_fake(v)->reg[idx];
	return 0;
}

static int fake_set_reg(struct vcpu *v, unsigned int idx, uint64_t val)
{
	if (idx >= FAKE_NREGS)
		return -EINVAL;
	to_fake(v)->reg[idx] = val;
	return 0;
}

static int fake_disasm(struct vcpu *v, gva_t gva, char *buf, size_t size)
{
	gpa_t gpa;

	if (!fake_map(gva, &gpa))
		return -EFAULT;
	snprintf(buf, size, "nop");
	return 4;
}

static int fake_describe_reg(struct vcpu *v, unsigned int idx, char *buf,
			     size_t size)
{
	uint64_t x = to_fake(v)->reg[idx];

	if (idx != FAKE_CR0)
		return -EINVAL;
	return snprintf(buf, size, "cr0 = 0x%08llx [%s%s]",
			(unsigned long long)x, x >> 31 ? "PG " : "",
			x & 1 ? "PE" : "");
}

static void fake_destroy(struct vcpu *v)
{
}

static const struct vcpu_ops fake_vcpu_ops = {
	.name = "fake",
	.run = fake_run,
	.get_pc = fake_get_pc,
	.translate = fake_translate,
	.reg_table = fake_reg_table,
	.get_reg = fake_get_reg,
	.set_reg = fake_set_reg,
	.disasm = fake_disasm,
	.describe_reg = fake_describe_reg,
	.destroy = fake_destroy,
};

static int fake_format_stats(struct machine *m, char *buf, size_t size)
{
	return snprintf(buf, size, "fake_counter 42\n");
}

static int fake_dump_tables(struct machine *m, uint64_t start, uint64_t end,
			    char *buf, size_t size)
{
	return snprintf(buf, size, "tables [0x%llx, 0x%llx)\n",
			(unsigned long long)start, (unsigned long long)end);
}

static void fake_machine_destroy(struct machine *m)
{
	vm_destroy(&m->vm);
	free(m);
}

static const struct machine_arch_ops fake_machine_ops = {
	.name = "fake",
	.format_stats = fake_format_stats,
	.dump_tables = fake_dump_tables,
	.destroy = fake_machine_destroy,
};

struct fake_machine *fake_machine_create(void)
{
	struct vm_config cfg = { .arch = VM_ARCH_X86, .mmu_mode = VM_MMU_TDP,
				 .ram_bytes = 2 * MiB };
	struct fake_machine *fm = calloc(1, sizeof(*fm));

	if (!fm)
		return NULL;
	if (vm_init(&fm->m.vm, &cfg, 0)) {
		free(fm);
		return NULL;
	}
	fm->m.arch = VM_ARCH_X86;
	fm->m.ops = &fake_machine_ops;
	fm->m.arch_state = fm;
	fm->vcpu.ops = &fake_vcpu_ops;
	fm->vcpu.vm = &fm->m.vm;
	fm->m.vm.vcpu = &fm->vcpu;
	fm->reg[FAKE_PC] = FAKE_ENTRY;
	fm->reg[FAKE_CR0] = 0x80000011;
	fm->fault_pc = fm->write_pc = fm->exit_pc = ~0ull;
	return fm;
}

void fake_machine_emit(struct fake_machine *fm, uint64_t pc,
		       enum ev_kind kind, int level, uint64_t a0, uint64_t a1,
		       uint64_t a2, uint64_t a3)
{
	struct fake_emit *e;

	if (fm->nemit == FAKE_MAX_EMIT)
		return;
	e = &fm->emit[fm->nemit++];
	e->pc = pc;
	e->kind = kind;
	e->level = level;
	e->a[0] = a0;
	e->a[1] = a1;
	e->a[2] = a2;
	e->a[3] = a3;
}
