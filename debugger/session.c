/* SPDX-License-Identifier: MIT */
/*
 * The debugger engine (see session.h): output through the view, the
 * breakpoint table, and run control in budgeted slices.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "debugger/session.h"

/*
 * The architectures' access bits for vcpu_ops.translate: x86 takes a
 * #PF error code (W=bit 1, U=bit 2, I/D=bit 4, SDM vol. 3 4.7); arm64
 * will say its own when its walker lands.
 */
static const struct session_arch session_arch_x86 = {
	.name = "x86", .acc_write = 1u << 1, .acc_user = 1u << 2,
	.acc_fetch = 1u << 4,
};
static const struct session_arch session_arch_arm64 = {
	.name = "arm64",
};

/* --- output ------------------------------------------------------------- */

void session_write(struct session *s, enum session_out kind,
		   const char *text, size_t len)
{
	if (s->ops && s->ops->output && len)
		s->ops->output(s->opaque, kind, text, len);
}

static void session_vout(struct session *s, enum session_out kind,
			 const char *fmt, va_list ap)
{
	char small[512], *big = NULL;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return;
	}
	if ((size_t)n < sizeof(small)) {
		session_write(s, kind, small, (size_t)n);
	} else if (vasprintf(&big, fmt, ap2) >= 0) {
		session_write(s, kind, big, strlen(big));
		free(big);
	}
	va_end(ap2);
}

void session_printf(struct session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	session_vout(s, SESSION_OUT_TEXT, fmt, ap);
	va_end(ap);
}

int session_error(struct session *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	line[n] = '\0';
	session_write(s, SESSION_OUT_ERROR, line, (size_t)n);
	return -EINVAL;
}

void session_console(void *session, const uint8_t *buf, size_t len)
{
	struct session *s = session;

	if (s->ops && s->ops->console)
		s->ops->console(s->opaque, buf, len);
}

const char *session_fmt_addr(uint64_t a, char buf[20])
{
	if (a >> 32)
		snprintf(buf, 20, "0x%016llx", (unsigned long long)a);
	else
		snprintf(buf, 20, "0x%08llx", (unsigned long long)a);
	return buf;
}

/* --- state ---------------------------------------------------------------- */

static struct vcpu *vcpu_of(struct session *s)
{
	return s->m->vm.vcpu;
}

uint64_t session_pc(struct session *s)
{
	struct vcpu *v = vcpu_of(s);

	return v->ops->get_pc ? v->ops->get_pc(v) : 0;
}

uint64_t session_icount(struct session *s)
{
	return s->m->vm.icount;
}

int session_reg_by_name(struct session *s, const char *name)
{
	struct vcpu *v = vcpu_of(s);
	const struct vcpu_reg_desc *t;
	unsigned int n = 0;

	if (!v->ops->reg_table)
		return -1;
	if (name[0] == '$' || name[0] == '%')
		name++;
	t = v->ops->reg_table(v, &n);
	for (unsigned int i = 0; t && i < n; i++)
		if (t[i].name && !strcasecmp(t[i].name, name))
			return (int)i;
	return -1;
}

static const char *const stop_names[] = {
	[STOP_NONE] = "not started", [STOP_STEP] = "step",
	[STOP_BREAKPOINT] = "breakpoint", [STOP_WATCHPOINT] = "watchpoint",
	[STOP_ICOUNT] = "icount", [STOP_EVENT] = "event",
	[STOP_UNTIL] = "until", [STOP_INTERRUPT] = "interrupted",
	[STOP_REQUEST] = "stop request", [STOP_EXITED] = "exited",
	[STOP_HALTED] = "halted", [STOP_SHUTDOWN] = "shutdown",
	[STOP_STRICT] = "strict", [STOP_ERROR] = "error",
};

const char *session_stop_reason_name(enum session_stop_reason r)
{
	return (unsigned int)r < ARRAY_SIZE(stop_names) && stop_names[r] ?
	       stop_names[r] : "?";
}

/* --- the event callback ------------------------------------------------------ */

/*
 * Runs inside event_emit for every event while the guest runs. It must
 * not emit events; it only compares and, on the first match, records
 * the event and asks the VM to stop after the current instruction.
 */
static void session_event_cb(void *opaque, const struct hv_event *ev)
{
	struct session *s = opaque;

	if (!s->running || s->ev_hit)
		return;
	for (unsigned int i = 0; i < SESSION_MAX_BREAKPOINTS; i++) {
		struct breakpoint *b = &s->bp[i];

		if (b->num && b->enabled && b->type == BP_EVENT &&
		    evfilter_match(&b->filter, ev)) {
			s->ev_hit = true;
			s->ev_hit_bp = b->num;
			break;
		}
	}
	if (!s->ev_hit && s->until && evfilter_match(s->until, ev)) {
		s->ev_hit = true;
		s->ev_hit_bp = 0;
	}
	if (s->ev_hit) {
		s->ev_hit_event = *ev;
		vm_request_stop(&s->m->vm, VCPU_EXIT_STOP, 0, "event");
	}
}

int session_init(struct session *s, struct machine *m,
		 const struct session_view_ops *ops, void *opaque)
{
	memset(s, 0, sizeof(*s));
	s->m = m;
	s->ops = ops;
	s->opaque = opaque;
	s->next_bp_num = 1;
	s->show_events = 12;
	s->arch = m->arch == VM_ARCH_ARM64 ? &session_arch_arm64
					   : &session_arch_x86;
	s->ev_sub = event_subscribe(&m->vm.events, session_event_cb, s);
	if (s->ev_sub < 0)
		return s->ev_sub;
	s->ev_cursor = m->vm.events.next_seq;
	s->last.pc = session_pc(s);
	s->last.icount = session_icount(s);
	return 0;
}

void session_destroy(struct session *s)
{
	if (!s->m)
		return;
	if (s->ev_sub >= 0)
		event_unsubscribe(&s->m->vm.events, s->ev_sub);
	machine_destroy(s->m);
	s->m = NULL;
}

/* --- breakpoints -------------------------------------------------------------- */

static unsigned int count_type(struct session *s, enum bp_type type)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < SESSION_MAX_BREAKPOINTS; i++)
		if (s->bp[i].num && s->bp[i].type == type)
			n++;
	return n;
}

/* A free slot for a new breakpoint, or NULL with a message. */
static struct breakpoint *bp_new(struct session *s, enum bp_type type)
{
	if (type == BP_GVA && count_type(s, BP_GVA) >= VCPU_MAX_BP) {
		session_error(s, "at most %d code breakpoints (the CPU's "
			      "limit); delete one first", VCPU_MAX_BP);
		return NULL;
	}
	if (type == BP_WATCH && count_type(s, BP_WATCH) >= VCPU_MAX_WP) {
		session_error(s, "at most %d watchpoints (the CPU's limit); "
			      "delete one first", VCPU_MAX_WP);
		return NULL;
	}
	for (unsigned int i = 0; i < SESSION_MAX_BREAKPOINTS; i++) {
		struct breakpoint *b = &s->bp[i];

		if (!b->num) {
			memset(b, 0, sizeof(*b));
			b->type = type;
			b->enabled = true;
			return b;
		}
	}
	session_error(s, "the breakpoint table is full (%d); delete some",
		      SESSION_MAX_BREAKPOINTS);
	return NULL;
}

/* An existing breakpoint equal to @want, or NULL. */
static struct breakpoint *bp_same(struct session *s,
				  const struct breakpoint *want)
{
	for (unsigned int i = 0; i < SESSION_MAX_BREAKPOINTS; i++) {
		struct breakpoint *b = &s->bp[i];

		if (!b->num || b->type != want->type)
			continue;
		if (b->type == BP_EVENT) {
			if (!memcmp(&b->filter, &want->filter,
				    sizeof(b->filter)))
				return b;
		} else if (b->addr == want->addr && b->len == want->len &&
			   b->wp_kind == want->wp_kind) {
			return b;
		}
	}
	return NULL;
}

static int bp_add(struct session *s, const struct breakpoint *want)
{
	struct breakpoint *b = bp_same(s, want);
	char desc[160];

	if (b) {
		session_break_format(b, desc, sizeof(desc));
		session_error(s, "breakpoint %u is already %s", b->num, desc);
		return -EEXIST;
	}
	b = bp_new(s, want->type);
	if (!b)
		return -ENOSPC;
	*b = *want;
	b->num = s->next_bp_num++;
	b->enabled = true;
	b->hits = 0;
	session_break_format(b, desc, sizeof(desc));
	session_printf(s, "%s %u: %s\n", b->type == BP_WATCH ? "Watchpoint" :
		       "Breakpoint", b->num, desc);
	return (int)b->num;
}

int session_break_gva(struct session *s, gva_t gva)
{
	struct breakpoint b = { .type = BP_GVA, .addr = gva };

	return bp_add(s, &b);
}

int session_break_gpa(struct session *s, gpa_t gpa)
{
	struct breakpoint b = { .type = BP_GPA, .addr = gpa };

	return bp_add(s, &b);
}

int session_break_icount(struct session *s, uint64_t icount)
{
	struct breakpoint b = { .type = BP_ICOUNT, .addr = icount };

	if (icount <= session_icount(s))
		return session_error(s, "icount %llu is in the past (now "
				     "%llu); time only runs forward",
				     (unsigned long long)icount,
				     (unsigned long long)session_icount(s));
	return bp_add(s, &b);
}

int session_watch(struct session *s, gva_t gva, uint64_t len,
		  enum vcpu_wp_kind kind)
{
	struct breakpoint b = { .type = BP_WATCH, .addr = gva, .len = len,
				.wp_kind = (uint8_t)kind };

	if (!len || len > PAGE_SIZE || gva + len < gva)
		return session_error(s, "watch length must be 1 to 4096 "
				     "bytes");
	return bp_add(s, &b);
}

int session_break_event(struct session *s, const struct evfilter *f)
{
	struct breakpoint b = { .type = BP_EVENT, .filter = *f };

	return bp_add(s, &b);
}

struct breakpoint *session_break_find(struct session *s, unsigned int num)
{
	for (unsigned int i = 0; num && i < SESSION_MAX_BREAKPOINTS; i++)
		if (s->bp[i].num == num)
			return &s->bp[i];
	return NULL;
}

int session_break_delete(struct session *s, unsigned int num)
{
	struct breakpoint *b;

	if (!num) {
		memset(s->bp, 0, sizeof(s->bp));
		return 0;
	}
	b = session_break_find(s, num);
	if (!b)
		return -ENOENT;
	memset(b, 0, sizeof(*b));
	return 0;
}

int session_break_enable(struct session *s, unsigned int num, bool on)
{
	struct breakpoint *b = session_break_find(s, num);

	if (!b)
		return -ENOENT;
	b->enabled = on;
	return 0;
}

static const char *const wp_kind_names[] = {
	[VCPU_WP_READ] = "read", [VCPU_WP_WRITE] = "write",
	[VCPU_WP_ACCESS] = "access",
};

int session_break_format(const struct breakpoint *b, char *buf, size_t size)
{
	char f[160];

	switch (b->type) {
	case BP_GVA:
		return snprintf(buf, size, "gva 0x%llx",
				(unsigned long long)b->addr);
	case BP_GPA:
		return snprintf(buf, size, "gpa 0x%llx (single-steps)",
				(unsigned long long)b->addr);
	case BP_ICOUNT:
		return snprintf(buf, size, "icount %llu",
				(unsigned long long)b->addr);
	case BP_WATCH:
		return snprintf(buf, size, "%s gva 0x%llx len %llu",
				b->wp_kind < ARRAY_SIZE(wp_kind_names) &&
				wp_kind_names[b->wp_kind] ?
				wp_kind_names[b->wp_kind] : "?",
				(unsigned long long)b->addr,
				(unsigned long long)b->len);
	case BP_EVENT:
		evfilter_format(&b->filter, f, sizeof(f));
		return snprintf(buf, size, "event %s", f);
	}
	return snprintf(buf, size, "?");
}

/* --- run control ----------------------------------------------------------------- */

/* Copy the enabled gva breakpoints and watchpoints into vcpu->dbg. */
static void arm_vcpu_debug(struct session *s, bool *have_gpa)
{
	struct vcpu_debug *d = &vcpu_of(s)->dbg;

	d->nbp = 0;
	d->nwp = 0;
	*have_gpa = false;
	for (unsigned int i = 0; i < SESSION_MAX_BREAKPOINTS; i++) {
		const struct breakpoint *b = &s->bp[i];

		if (!b->num || !b->enabled)
			continue;
		if (b->type == BP_GVA && d->nbp < VCPU_MAX_BP)
			d->bp[d->nbp++] = b->addr;
		if (b->type == BP_GPA)
			*have_gpa = true;
		if (b->type == BP_WATCH && d->nwp < VCPU_MAX_WP) {
			d->wp[d->nwp].gva = b->addr;
			d->wp[d->nwp].len = b->len;
			d->wp[d->nwp].kind = b->wp_kind;
			d->nwp++;
		}
	}
}

/* The nearest enabled icount breakpoint after now, or 0. */
static struct breakpoint *next_icount_bp(struct session *s)
{
	struct breakpoint *best = NULL;
	uint64_t now = session_icount(s);

	for (unsigned int i = 0; i < SESSION_MAX_BREAKPOINTS; i++) {
		struct breakpoint *b = &s->bp[i];

		if (b->num && b->enabled && b->type == BP_ICOUNT &&
		    b->addr > now && (!best || b->addr < best->addr))
			best = b;
	}
	return best;
}

/* The enabled gpa breakpoint on the pc's gpa, or NULL. */
static struct breakpoint *gpa_bp_at_pc(struct session *s)
{
	struct vcpu *v = vcpu_of(s);
	struct walk_record rec;
	uint64_t pc = session_pc(s);

	if (!v->ops->translate || v->ops->translate(v, pc, 0, &rec) ||
	    rec.result != WALK_OK)
		return NULL;
	for (unsigned int i = 0; i < SESSION_MAX_BREAKPOINTS; i++) {
		struct breakpoint *b = &s->bp[i];

		if (b->num && b->enabled && b->type == BP_GPA &&
		    b->addr == rec.out)
			return b;
	}
	return NULL;
}

static struct breakpoint *bp_by_type_addr(struct session *s,
					  enum bp_type type, uint64_t addr)
{
	for (unsigned int i = 0; i < SESSION_MAX_BREAKPOINTS; i++) {
		struct breakpoint *b = &s->bp[i];

		if (b->num && b->enabled && b->type == type) {
			if (type == BP_WATCH ? addr - b->addr < b->len
					     : addr == b->addr)
				return b;
		}
	}
	return NULL;
}

/* Turn a vcpu exit that ended the run into the stop report. */
static void stop_from_exit(struct session *s, const struct vcpu_exit *exit,
			   struct session_stop *st)
{
	const struct vcpu_debug *d = &vcpu_of(s)->dbg;
	struct breakpoint *b;

	snprintf(st->msg, sizeof(st->msg), "%s", exit->msg);
	switch (exit->reason) {
	case VCPU_EXIT_BUDGET:
		st->reason = STOP_STEP;
		break;
	case VCPU_EXIT_STOP:
		if (d->stop_cause == VCPU_STOP_BREAKPOINT) {
			st->reason = STOP_BREAKPOINT;
			b = bp_by_type_addr(s, BP_GVA, session_pc(s));
			st->bp = b ? b->num : 0;
		} else if (d->stop_cause == VCPU_STOP_WATCHPOINT) {
			st->reason = STOP_WATCHPOINT;
			st->addr = d->stop_addr;
			st->wp_kind = d->stop_wp_kind;
			b = bp_by_type_addr(s, BP_WATCH, d->stop_addr);
			st->bp = b ? b->num : 0;
		} else {
			st->reason = STOP_REQUEST;
		}
		break;
	case VCPU_EXIT_HALT:
		st->reason = STOP_HALTED;
		break;
	case VCPU_EXIT_SHUTDOWN:
		st->reason = STOP_SHUTDOWN;
		break;
	case VCPU_EXIT_POWEROFF:
		st->reason = STOP_EXITED;
		st->status = exit->status;
		break;
	case VCPU_EXIT_STRICT:
		st->reason = STOP_STRICT;
		break;
	case VCPU_EXIT_INTERNAL:
	default:
		st->reason = STOP_ERROR;
		break;
	}
}

static bool stop_is_final(enum session_stop_reason r)
{
	return r == STOP_EXITED || r == STOP_HALTED || r == STOP_SHUTDOWN ||
	       r == STOP_STRICT || r == STOP_ERROR;
}

static void pc_history_add(struct session *s, uint64_t pc)
{
	if (s->pc_hist_n && s->pc_hist[(s->pc_hist_n - 1) %
				       SESSION_PC_HISTORY] == pc)
		return;
	s->pc_hist[s->pc_hist_n++ % SESSION_PC_HISTORY] = pc;
}

/*
 * The one run loop. @steps: run(1) units for stepi, 0 for unbounded.
 * @until: an event to stop at, or NULL.
 */
static int session_run(struct session *s, uint64_t steps,
		       const struct evfilter *until)
{
	struct vcpu *v = vcpu_of(s);
	struct vcpu_exit exit = { .reason = VCPU_EXIT_BUDGET };
	struct session_stop st = { .reason = STOP_NONE };
	uint64_t left = steps;
	bool first = true, have_gpa;

	if (s->exited)
		return session_error(s, "the guest has %s; nothing to run "
				     "(inspection still works)",
				     s->last.reason == STOP_EXITED ? "exited" :
				     session_stop_reason_name(s->last.reason));
	if (s->running)
		return session_error(s, "the guest is already running");
	pc_history_add(s, session_pc(s));
	arm_vcpu_debug(s, &have_gpa);
	s->interrupt = 0;
	s->ev_hit = false;
	s->until = until;
	s->running = true;
	st.ev_first = s->m->vm.events.next_seq;
	for (;;) {
		struct breakpoint *ib = next_icount_bp(s), *gb;
		uint64_t budget = SESSION_SLICE;
		int ret;

		if (s->interrupt) {
			st.reason = STOP_INTERRUPT;
			break;
		}
		if (steps && left < budget)
			budget = left;
		if (ib && ib->addr - session_icount(s) < budget)
			budget = ib->addr - session_icount(s);
		if (have_gpa) {
			budget = 1;
			gb = first ? NULL : gpa_bp_at_pc(s);
			if (gb) {
				st.reason = STOP_BREAKPOINT;
				st.bp = gb->num;
				break;
			}
		}
		v->dbg.skip_bp_at = session_pc(s);
		v->dbg.skip_bp_valid = first;
		v->dbg.stop_cause = VCPU_STOP_NONE;
		first = false;
		exit.reason = VCPU_EXIT_BUDGET;
		exit.msg[0] = '\0';
		ret = machine_run(s->m, budget, &exit);
		if (ret < 0) {
			st.reason = STOP_ERROR;
			snprintf(st.msg, sizeof(st.msg), "run: %s",
				 strerror(-ret));
			break;
		}
		if (s->ev_hit) {
			/*
			 * Our stop request may still be pending if the
			 * slice ended for another reason (the budget ran
			 * out inside an exception delivery): withdraw it,
			 * or it would stop the next run after one insn.
			 */
			if (exit.reason != VCPU_EXIT_STOP)
				s->m->vm.stop_requested = false;
			if (exit.reason == VCPU_EXIT_BUDGET ||
			    exit.reason == VCPU_EXIT_STOP) {
				st.reason = s->ev_hit_bp ? STOP_EVENT
							 : STOP_UNTIL;
				st.bp = s->ev_hit_bp;
				st.has_event = true;
				st.ev = s->ev_hit_event;
				break;
			}
		}
		if (exit.reason != VCPU_EXIT_BUDGET) {
			stop_from_exit(s, &exit, &st);
			break;
		}
		if (steps) {
			left -= budget;
			st.steps += budget;
		}
		if (ib && session_icount(s) >= ib->addr) {
			st.reason = STOP_ICOUNT;
			st.bp = ib->num;
			break;
		}
		if (steps && !left) {
			st.reason = STOP_STEP;
			break;
		}
		if (s->ops && s->ops->poll && s->ops->poll(s->opaque)) {
			st.reason = STOP_INTERRUPT;
			break;
		}
	}
	s->running = false;
	s->until = NULL;
	s->interrupt = 0;
	st.pc = session_pc(s);
	st.icount = session_icount(s);
	st.ev_end = s->m->vm.events.next_seq;
	if (st.bp) {
		struct breakpoint *b = session_break_find(s, st.bp);

		if (b)
			b->hits++;
	}
	s->last = st;
	s->exited = stop_is_final(st.reason);
	pc_history_add(s, st.pc);
	session_report_stop(s);
	if (s->ops && s->ops->stopped)
		s->ops->stopped(s->opaque, &s->last);
	return 0;
}

int session_stepi(struct session *s, uint64_t n)
{
	if (!n)
		return session_error(s, "stepi 0 does nothing");
	return session_run(s, n, NULL);
}

int session_continue(struct session *s)
{
	return session_run(s, 0, NULL);
}

int session_until(struct session *s, const struct evfilter *f)
{
	return session_run(s, 0, f);
}

/* --- the stop report ----------------------------------------------------------------- */

/* "=> 0x00100010:  mov eax, 1" for the instruction at the pc. */
static void report_insn(struct session *s, char *buf, size_t size)
{
	struct vcpu *v = vcpu_of(s);
	char a[20], text[128] = "";
	uint64_t pc = session_pc(s);
	int n = -1;

	if (!v->ops->disasm) {
		snprintf(buf, size, "=> %s\n", session_fmt_addr(pc, a));
		return;
	}
	n = v->ops->disasm(v, pc, text, sizeof(text));
	if (n < 0)
		snprintf(text, sizeof(text), "(pc not mapped)");
	snprintf(buf, size, "=> %s:  %s\n", session_fmt_addr(pc, a), text);
}

void session_report_stop(struct session *s)
{
	const struct session_stop *st = &s->last;
	const struct breakpoint *b = session_break_find(s, st->bp);
	char line[512], desc[160] = "", a[20], ev[256];
	uint64_t nev = st->ev_end - st->ev_first;
	size_t off = 0;

	if (b)
		session_break_format(b, desc, sizeof(desc));
#define ADD(...)                                                          \
	do {                                                              \
		int n_ = snprintf(line + off, sizeof(line) - off,         \
				  __VA_ARGS__);                           \
		if (n_ > 0)                                               \
			off += (size_t)n_ < sizeof(line) - off ?          \
			       (size_t)n_ : sizeof(line) - off - 1;       \
	} while (0)
	switch (st->reason) {
	case STOP_NONE:
		ADD("Not started");
		break;
	case STOP_STEP:
		ADD("Stepped %llu", (unsigned long long)st->steps);
		break;
	case STOP_BREAKPOINT:
		ADD("Breakpoint %u (%s)", st->bp, desc);
		break;
	case STOP_WATCHPOINT:
		ADD("Watchpoint %u (%s): %s of gva 0x%llx", st->bp, desc,
		    st->wp_kind < ARRAY_SIZE(wp_kind_names) &&
		    wp_kind_names[st->wp_kind] ? wp_kind_names[st->wp_kind] :
		    "access", (unsigned long long)st->addr);
		break;
	case STOP_ICOUNT:
		ADD("Breakpoint %u (%s)", st->bp, desc);
		break;
	case STOP_EVENT:
		ADD("Breakpoint %u (%s)", st->bp, desc);
		break;
	case STOP_UNTIL:
		ADD("Reached");
		break;
	case STOP_INTERRUPT:
		ADD("Interrupted");
		break;
	case STOP_REQUEST:
		ADD("Stopped%s%s", st->msg[0] ? ": " : "", st->msg);
		break;
	case STOP_EXITED:
		ADD("The guest exited with status %d", st->status);
		break;
	case STOP_HALTED:
		ADD("The guest halted with nothing to wake it%s%s",
		    st->msg[0] ? ": " : "", st->msg);
		break;
	case STOP_SHUTDOWN:
		ADD("The guest shut down (%s)",
		    st->msg[0] ? st->msg : "triple fault");
		break;
	case STOP_STRICT:
		ADD("--strict: %s", st->msg);
		break;
	case STOP_ERROR:
		ADD("Internal error: %s", st->msg);
		break;
	}
	ADD(", pc %s, icount %llu", session_fmt_addr(st->pc, a),
	    (unsigned long long)st->icount);
	if (nev && st->reason != STOP_NONE)
		ADD(", %llu event%s", (unsigned long long)nev,
		    nev == 1 ? "" : "s");
#undef ADD
	if (off > sizeof(line) - 2)
		off = sizeof(line) - 2;
	line[off++] = '\n';
	line[off] = '\0';
	session_write(s, SESSION_OUT_STOP, line, off);
	if (st->has_event) {
		event_format(&st->ev, ev, sizeof(ev));
		session_printf(s, "   %s\n", ev);
	}
	/* After a short stepi, what the hardware and hypervisor did. */
	if (st->reason == STOP_STEP && nev && nev <= s->show_events) {
		for (uint64_t q = st->ev_first; q < st->ev_end; q++) {
			const struct hv_event *e =
				event_get(&s->m->vm.events, q);

			if (!e)
				continue;
			event_format(e, ev, sizeof(ev));
			session_printf(s, "   %s\n", ev);
		}
	}
	if (!stop_is_final(st->reason) || st->reason == STOP_STRICT ||
	    st->reason == STOP_SHUTDOWN) {
		report_insn(s, line, sizeof(line));
		session_write(s, SESSION_OUT_STOP, line, strlen(line));
	}
	s->ev_cursor = st->ev_end;
}
