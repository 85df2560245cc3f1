/* SPDX-License-Identifier: MIT */
/*
 * The session as a GDB target (see session_target.h). GDB's breakpoints
 * become the engine's: Z0 and Z1 both become gva breakpoints that the
 * CPU checks before each instruction, Z2/Z3/Z4 watchpoints that it
 * checks on each access, so nothing is ever written into the guest.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "debugger/commands.h"
#include "debugger/gdbstub/session_target.h"

static struct gdb_session_target *to_gt(void *t)
{
	return t;
}

static struct vcpu *vcpu_of(struct gdb_session_target *gt)
{
	return gt->s->m->vm.vcpu;
}

int gdb_session_target_init(struct gdb_session_target *gt, struct session *s,
			    enum gdb_desc desc)
{
	struct vcpu *v = s->m->vm.vcpu;
	const struct vcpu_reg_desc *t = NULL;
	unsigned int n = 0;

	memset(gt, 0, sizeof(*gt));
	gt->s = s;
	if (v->ops->reg_table)
		t = v->ops->reg_table(v, &n);
	return gdb_regmap_build(&gt->map, desc, t, t ? n : 0);
}

void gdb_session_target_destroy(struct gdb_session_target *gt)
{
	gdb_regmap_free(&gt->map);
}

bool gdb_session_target_output(struct gdb_session_target *gt,
			       enum session_out kind, const char *text,
			       size_t len)
{
	if (!gt->out)
		return false;
	if (kind == SESSION_OUT_ERROR)
		gt->out(gt->out_ctx, "error: ", 7);
	gt->out(gt->out_ctx, text, len);
	return true;
}

/* --- registers and memory --------------------------------------------- */

static const char *t_xml(void *t, const char *annex)
{
	return strcmp(annex, "target.xml") ? NULL : to_gt(t)->map.xml;
}

static unsigned int t_reg_count(void *t)
{
	return to_gt(t)->map.n;
}

static int t_read_reg(void *t, unsigned int n, uint8_t *buf, size_t size)
{
	struct gdb_session_target *gt = to_gt(t);

	return gdb_reg_read(&gt->map, vcpu_of(gt), n, buf, size);
}

static int t_write_reg(void *t, unsigned int n, const uint8_t *buf,
		       size_t len)
{
	struct gdb_session_target *gt = to_gt(t);

	return gdb_reg_write(&gt->map, vcpu_of(gt), n, buf, len);
}

/* Guest-physical memory, page by page, stopping at the first hole. */
static long phys_access(struct gdb_session_target *gt, uint64_t gpa,
			uint8_t *buf, size_t len, bool write)
{
	size_t done = vm_tool_access_gpa(&gt->s->m->vm, gpa, buf, len, write);

	return done ? (long)done : -EFAULT;
}

static long t_read_mem(void *t, uint64_t addr, uint8_t *buf, size_t len)
{
	struct gdb_session_target *gt = to_gt(t);
	size_t n;

	if (gt->phys)
		return phys_access(gt, addr, buf, len, false);
	n = vcpu_read_gva(vcpu_of(gt), addr, buf, len);
	return n ? (long)n : -EFAULT;
}

static long t_write_mem(void *t, uint64_t addr, const uint8_t *buf,
			size_t len)
{
	struct gdb_session_target *gt = to_gt(t);
	size_t n;

	if (gt->phys)
		return phys_access(gt, addr, (uint8_t *)buf, len, true);
	n = vcpu_write_gva(vcpu_of(gt), addr, buf, len);
	return n ? (long)n : -EFAULT;
}

static int t_set_phys(void *t, bool phys)
{
	to_gt(t)->phys = phys;
	return 0;
}

static bool t_get_phys(void *t)
{
	return to_gt(t)->phys;
}

/* --- breakpoints ----------------------------------------------------------- */

static int find_bp(struct gdb_session_target *gt, enum gdb_bp_type type,
		   uint64_t addr, uint64_t len)
{
	for (int i = 0; i < GDB_TARGET_MAX_BPS; i++)
		if (gt->bp[i].used && gt->bp[i].type == type &&
		    gt->bp[i].addr == addr &&
		    (type <= GDB_BP_HW || gt->bp[i].len == len))
			return i;
	return -1;
}

static int t_insert_bp(void *t, enum gdb_bp_type type, uint64_t addr,
		       uint64_t len)
{
	static const enum vcpu_wp_kind kinds[] = {
		[GDB_WP_WRITE] = VCPU_WP_WRITE, [GDB_WP_READ] = VCPU_WP_READ,
		[GDB_WP_ACCESS] = VCPU_WP_ACCESS,
	};
	struct gdb_session_target *gt = to_gt(t);
	int slot = -1, ret;

	if (find_bp(gt, type, addr, len) >= 0)
		return 0;	/* GDB inserts again after a reconnect */
	for (int i = 0; i < GDB_TARGET_MAX_BPS && slot < 0; i++)
		if (!gt->bp[i].used)
			slot = i;
	if (slot < 0)
		return -ENOSPC;
	if (type <= GDB_BP_HW)
		ret = session_break_gva(gt->s, addr);
	else if (!len || len > PAGE_SIZE)
		return -EINVAL;
	else
		ret = session_watch(gt->s, addr, len, kinds[type]);
	if (ret < 0 && ret != -EEXIST)
		return ret;
	gt->bp[slot].used = true;
	gt->bp[slot].type = (uint8_t)type;
	gt->bp[slot].addr = addr;
	gt->bp[slot].len = len;
	/* -EEXIST: the user's own (monitor break); never delete it. */
	gt->bp[slot].num = ret > 0 ? (unsigned int)ret : 0;
	return 0;
}

static int t_remove_bp(void *t, enum gdb_bp_type type, uint64_t addr,
		       uint64_t len)
{
	struct gdb_session_target *gt = to_gt(t);
	int i = find_bp(gt, type, addr, len);

	if (i < 0)
		return 0;	/* already gone (after a reconnect) */
	if (gt->bp[i].num)
		session_break_delete(gt->s, gt->bp[i].num);
	memset(&gt->bp[i], 0, sizeof(gt->bp[i]));
	return 0;
}

static void t_detach(void *t)
{
	struct gdb_session_target *gt = to_gt(t);

	for (int i = 0; i < GDB_TARGET_MAX_BPS; i++)
		if (gt->bp[i].used)
			t_remove_bp(t, (enum gdb_bp_type)gt->bp[i].type,
				    gt->bp[i].addr, gt->bp[i].len);
	gt->phys = false;
}

/* --- run control -------------------------------------------------------------- */

/* The GDB breakpoint behind engine breakpoint @num, or -1. */
static int bp_by_num(struct gdb_session_target *gt, unsigned int num)
{
	for (int i = 0; num && i < GDB_TARGET_MAX_BPS; i++)
		if (gt->bp[i].used && gt->bp[i].num == num)
			return i;
	return -1;
}

/*
 * The watched address to report. GDB matches it against the ranges it
 * asked for, and an access may begin before a watched range (an 8-byte
 * store over a 4-byte watch), so report the watch's start then.
 */
static uint64_t watch_addr(struct gdb_session_target *gt, int i,
			   uint64_t accessed)
{
	if (i < 0 || accessed - gt->bp[i].addr < gt->bp[i].len)
		return accessed;
	return gt->bp[i].addr;
}

void gdb_session_target_stop(struct gdb_session_target *gt,
			     struct gdb_stop *stop)
{
	const struct session_stop *st = &gt->s->last;
	int i;

	memset(stop, 0, sizeof(*stop));
	stop->kind = GDB_STOP_SIGNAL;
	stop->signo = GDB_SIGTRAP;
	switch (st->reason) {
	case STOP_BREAKPOINT:
		i = bp_by_num(gt, st->bp);
		stop->why = i >= 0 && gt->bp[i].type == GDB_BP_HW ?
			    GDB_WHY_HWBREAK : GDB_WHY_SWBREAK;
		break;
	case STOP_WATCHPOINT: {
		const struct breakpoint *b = session_break_find(gt->s, st->bp);

		i = bp_by_num(gt, st->bp);
		/* An access that starts before the range: find the watch. */
		for (int j = 0; i < 0 && j < GDB_TARGET_MAX_BPS; j++)
			if (gt->bp[j].used && gt->bp[j].type >= GDB_WP_WRITE &&
			    st->addr < gt->bp[j].addr + gt->bp[j].len &&
			    gt->bp[j].addr - st->addr < 8)
				i = j;
		stop->addr = watch_addr(gt, i, st->addr);
		stop->why = st->wp_kind == VCPU_WP_READ ? GDB_WHY_RWATCH :
			    st->wp_kind == VCPU_WP_WRITE ? GDB_WHY_WATCH :
			    GDB_WHY_AWATCH;
		/* GDB expects the kind it asked for (awatch sees writes). */
		if (i >= 0 && gt->bp[i].type == GDB_WP_ACCESS)
			stop->why = GDB_WHY_AWATCH;
		else if (b && b->wp_kind == VCPU_WP_ACCESS)
			stop->why = GDB_WHY_AWATCH;
		break;
	}
	case STOP_INTERRUPT:
		stop->signo = GDB_SIGINT;
		break;
	case STOP_EXITED:
		stop->kind = GDB_STOP_EXITED;
		stop->status = st->status;
		break;
	case STOP_SHUTDOWN:
		stop->signo = GDB_SIGSEGV;	/* triple fault */
		break;
	case STOP_STRICT:
		stop->signo = GDB_SIGILL;
		break;
	case STOP_ERROR:
		stop->signo = GDB_SIGABRT;
		break;
	default:	/* step, icount, event, until, request, halted */
		break;
	}
}

static int t_resume(void *t, bool step, bool set_pc, uint64_t pc,
		    struct gdb_stop *stop)
{
	struct gdb_session_target *gt = to_gt(t);
	struct session *s = gt->s;
	int ret;

	if (set_pc) {
		int idx = session_reg_by_name(s, s->m->arch == VM_ARCH_ARM64 ?
					      "pc" : "rip");
		struct vcpu *v = vcpu_of(gt);

		if (idx < 0 || !v->ops->set_reg ||
		    v->ops->set_reg(v, (unsigned int)idx, pc))
			return -EINVAL;
	}
	/* A guest that is gone stays gone: say so again. */
	ret = s->exited ? 0 : step ? session_stepi(s, 1) : session_continue(s);
	gdb_session_target_stop(gt, stop);
	return ret;
}

static void t_stop_reason(void *t, struct gdb_stop *stop)
{
	struct gdb_session_target *gt = to_gt(t);

	gdb_session_target_stop(gt, stop);
	/* A fresh connection to a stopped guest: a plain SIGTRAP stop. */
	if (stop->kind == GDB_STOP_SIGNAL) {
		stop->signo = GDB_SIGTRAP;
		stop->why = GDB_WHY_NONE;
	}
}

/* --- monitor ------------------------------------------------------------------ */

/*
 * Monitor commands are the command table's, with two spellings added
 * for GDB users: `monitor audit` is `mmu audit`, and `quit` would leave
 * GDB talking to nothing, so it is refused.
 */
static int t_monitor(void *t, const char *line, gdb_out_fn out, void *ctx)
{
	struct gdb_session_target *gt = to_gt(t);
	char buf[1100];
	const char *w = line + strspn(line, " \t");
	int ret;

	if (!strncmp(w, "audit", 5) && (!w[5] || w[5] == ' ')) {
		snprintf(buf, sizeof(buf), "mmu %s", w);
		line = buf;
	}
	gt->out = out;
	gt->out_ctx = ctx;
	if (!strcmp(w, "quit") || !strcmp(w, "q") || !strcmp(w, "exit")) {
		session_error(gt->s, "use GDB's detach, disconnect or kill");
		ret = -EINVAL;
	} else {
		ret = commands_execute(gt->s, line, false);
	}
	gt->out = NULL;
	gt->out_ctx = NULL;
	return ret < 0 ? ret : 0;
}

static void t_kill(void *t)
{
	to_gt(t)->killed = true;
}

const struct gdb_target_ops gdb_session_target_ops = {
	.xml = t_xml,
	.reg_count = t_reg_count,
	.read_reg = t_read_reg,
	.write_reg = t_write_reg,
	.read_mem = t_read_mem,
	.write_mem = t_write_mem,
	.set_phys_mode = t_set_phys,
	.get_phys_mode = t_get_phys,
	.insert_bp = t_insert_bp,
	.remove_bp = t_remove_bp,
	.resume = t_resume,
	.stop_reason = t_stop_reason,
	.monitor = t_monitor,
	.detach = t_detach,
	.kill = t_kill,
	.thread_count = NULL,	/* one vCPU */
};
