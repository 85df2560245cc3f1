/* SPDX-License-Identifier: MIT */
/*
 * The command table, its parser and completion, and the commands that
 * run the guest and manage breakpoints. The inspecting commands live in
 * inspect.c. One table row per command: name, aliases, usage, a
 * summary, help text, an example, the handler and its completer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "debugger/commands.h"
#include "debugger/inspect.h"

/* --- words and numbers ----------------------------------------------------- */

int commands_parse(char *line, struct cmd_args *a, char *err, size_t errlen)
{
	char *p = line;

	memset(a, 0, sizeof(*a));
	while (*p == ' ' || *p == '\t')
		p++;
	while (*p) {
		char *w = p;

		if (a->argc == CMD_MAX_ARGS) {
			snprintf(err, errlen, "too many words (at most %d)",
				 CMD_MAX_ARGS);
			return -E2BIG;
		}
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' &&
		       *p != '\r')
			p++;
		if (*p)
			*p++ = '\0';
		if (a->argc == 0) {
			char *slash = strchr(w, '/');

			if (slash && slash != w) {
				*slash = '\0';
				a->fmt = slash + 1;
			}
			while (*p == ' ' || *p == '\t')
				p++;
			snprintf(a->rest_buf, sizeof(a->rest_buf), "%s", p);
			a->rest_buf[strcspn(a->rest_buf, "\r\n")] = '\0';
			a->rest = a->rest_buf;
		}
		a->argv[a->argc++] = w;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
	}
	if (!a->rest)
		a->rest = "";
	return 0;
}

/* One term: a number, $reg or a bare register name. */
static int eval_term(struct session *s, const char *t, size_t len,
		     uint64_t *v)
{
	char w[48];
	uint64_t r;
	int idx;

	if (!len || len >= sizeof(w))
		return session_error(s, "'%.*s' is not a number or register",
				     (int)len, t);
	memcpy(w, t, len);
	w[len] = '\0';
	if (w[0] != '$' && dbg_parse_u64(w, v))
		return 0;
	if (!strcasecmp(w, "$pc") || !strcasecmp(w, "pc")) {
		*v = session_pc(s);
		return 0;
	}
	idx = session_reg_by_name(s, w);
	if (idx >= 0 && s->m->vm.vcpu->ops->get_reg &&
	    !s->m->vm.vcpu->ops->get_reg(s->m->vm.vcpu, (unsigned int)idx,
					 &r)) {
		*v = r;
		return 0;
	}
	if (w[0] == '$')
		return session_error(s, "no register '%s' (try 'registers')",
				     w + 1);
	return session_error(s, "'%s' is not a number (write 0x1000, 4096 "
			     "or $reg)", w);
}

int commands_eval(struct session *s, const char *expr, uint64_t *val)
{
	const char *p = expr;
	uint64_t acc = 0;
	int sign = 1;

	if (!expr || !*expr)
		return session_error(s, "an address or number is missing");
	if (*p == '*')		/* gdb's "break *ADDR" */
		p++;
	for (;;) {
		const char *t = p;
		uint64_t v;
		int ret;

		/* A '-' right after 'e'/'E' of a hex number is not a minus
		 * sign in our grammar: numbers have no exponents. */
		while (*p && *p != '+' && *p != '-')
			p++;
		ret = eval_term(s, t, (size_t)(p - t), &v);
		if (ret)
			return ret;
		acc = sign > 0 ? acc + v : acc - v;
		if (!*p)
			break;
		sign = *p == '+' ? 1 : -1;
		p++;
	}
	*val = acc;
	return 0;
}

/* A count argument (stepi N, events N): a plain positive number. */
static int parse_count(struct session *s, const char *w, uint64_t *n)
{
	if (!dbg_parse_u64(w, n) || !*n)
		return session_error(s, "'%s' is not a positive count", w);
	return 0;
}

int commands_parse_filter(struct session *s, int argc, char **argv,
			  struct evfilter *f)
{
	char words[EVFILTER_MAX_CONDS + 4][64], *v[CMD_MAX_ARGS];
	char err[256];
	int n = 0;

	for (int i = 0; i < argc && i < CMD_MAX_ARGS; i++) {
		char *eq = strchr(argv[i], '=');
		uint64_t x;

		v[i] = argv[i];
		if (i == 0 || !eq || !strchr(eq, '$') ||
		    n == (int)ARRAY_SIZE(words))
			continue;
		if (strchr(eq + 2, '-'))
			return session_error(s, "'%s': a range takes numbers, "
					     "not registers", argv[i]);
		if (commands_eval(s, eq + 1, &x))
			return -EINVAL;
		snprintf(words[n], sizeof(words[n]), "%.*s=0x%llx",
			 (int)(eq - argv[i]) < 40 ? (int)(eq - argv[i]) : 40,
			 argv[i], (unsigned long long)x);
		v[i] = words[n++];
	}
	if (evfilter_parse(f, argc, v, err, sizeof(err)))
		return session_error(s, "%s", err);
	return 0;
}

/* --- running ------------------------------------------------------------------- */

static int cmd_stepi(struct session *s, struct cmd_args *a)
{
	uint64_t n = 1;

	if (a->argc > 2)
		return session_error(s, "usage: stepi [N]");
	if (a->argc == 2 && parse_count(s, a->argv[1], &n))
		return -EINVAL;
	return session_stepi(s, n);
}

static int cmd_continue(struct session *s, struct cmd_args *a)
{
	if (a->argc > 1)
		return session_error(s, "continue takes no arguments (did "
				     "you mean 'until %s'?)", a->argv[1]);
	return session_continue(s);
}

static int cmd_until(struct session *s, struct cmd_args *a)
{
	struct evfilter f;

	if (a->argc < 2)
		return session_error(s, "until which event? e.g. 'until "
				     "page_fault', 'until cr cr=3', 'until "
				     "tdp'");
	if (commands_parse_filter(s, a->argc - 1, a->argv + 1, &f))
		return -EINVAL;
	return session_until(s, &f);
}

/*
 * step-fault: `until` any fault the machine can take, whichever MMU it
 * has: the guest's #PF, a shadow-MMU or EPT fault, an arm64 stage-2
 * fault, or a stage-1 abort taken to EL1. One filter names one kind or
 * group, so this waits with its own event subscriber, which only
 * compares and asks the VM to stop (as the session's own does).
 */
static const char *const fault_kind_names[] = {
	"page_fault", "shadow_page_fault", "ept_violation", "guest_fault",
	"access_fault", "arm64_exception",
};

struct fault_wait {
	struct session *s;
	int kinds[ARRAY_SIZE(fault_kind_names)];
	int arm64_exc;
	bool hit;
	struct hv_event ev;
};

static void fault_wait_cb(void *opaque, const struct hv_event *ev)
{
	struct fault_wait *w = opaque;
	bool match = false;

	if (w->hit || !w->s->running)
		return;
	for (unsigned int i = 0; i < ARRAY_SIZE(w->kinds); i++)
		match |= w->kinds[i] >= 0 && ev->kind == w->kinds[i];
	/* arm64 exceptions: only the aborts (EC 0x20/0x21, 0x24/0x25). */
	if (match && (int)ev->kind == w->arm64_exc &&
	    (ev->a[0] & ~0x5ull) != 0x20)
		match = false;
	if (!match)
		return;
	w->hit = true;
	w->ev = *ev;
	vm_request_stop(&w->s->m->vm, VCPU_EXIT_STOP, 0, "fault");
}

static int cmd_step_fault(struct session *s, struct cmd_args *a)
{
	struct fault_wait w = { .s = s };
	char line[256];
	int sub, ret;

	if (a->argc > 1)
		return session_error(s, "step-fault takes no arguments (for "
				     "one kind, 'until KIND')");
	for (unsigned int i = 0; i < ARRAY_SIZE(w.kinds); i++)
		w.kinds[i] = event_kind_by_name(fault_kind_names[i]);
	w.arm64_exc = event_kind_by_name("arm64_exception");
	sub = event_subscribe(&s->m->vm.events, fault_wait_cb, &w);
	if (sub < 0)
		return session_error(s, "no event subscriber slot left");
	ret = session_continue(s);
	event_unsubscribe(&s->m->vm.events, sub);
	/* Stopped for another reason first: withdraw our stop request. */
	if (w.hit && s->last.reason != STOP_REQUEST)
		s->m->vm.stop_requested = false;
	if (!ret && w.hit && s->last.reason == STOP_REQUEST) {
		event_format(&w.ev, line, sizeof(line));
		session_printf(s, "   %s\n", line);
	}
	return ret;
}

/* --- breakpoints --------------------------------------------------------------- */

static int cmd_break(struct session *s, struct cmd_args *a)
{
	const char *kind = a->argc > 1 ? a->argv[1] : "";
	struct evfilter f;
	uint64_t v;
	int ret;

	if (a->argc < 2)
		return session_error(s, "break where? 'break 0x100000', "
				     "'break gpa 0x1000', 'break icount "
				     "500', 'break event page_fault'");
	if (!strcmp(kind, "event")) {
		if (commands_parse_filter(s, a->argc - 2, a->argv + 2, &f))
			return -EINVAL;
		ret = session_break_event(s, &f);
		return ret < 0 ? ret : 0;
	}
	if (!strcmp(kind, "gva") || !strcmp(kind, "gpa") ||
	    !strcmp(kind, "icount")) {
		if (a->argc != 3)
			return session_error(s, "usage: break %s %s", kind,
					     kind[0] == 'i' ? "N" : "ADDR");
		if (kind[0] == 'i' && a->argv[2][0] == '+') {
			/* break icount +N: N instructions from now */
			if (parse_count(s, a->argv[2] + 1, &v))
				return -EINVAL;
			v += session_icount(s);
		} else if (commands_eval(s, a->argv[2], &v)) {
			return -EINVAL;
		}
		if (kind[0] == 'i')
			ret = session_break_icount(s, v);
		else if (kind[1] == 'v')
			ret = session_break_gva(s, v);
		else
			ret = session_break_gpa(s, v);
		return ret < 0 ? ret : 0;
	}
	if (a->argc != 2)
		return session_error(s, "usage: break ADDR | gva ADDR | gpa "
				     "ADDR | icount N | event FILTER");
	if (commands_eval(s, a->argv[1], &v))
		return -EINVAL;
	ret = session_break_gva(s, v);
	return ret < 0 ? ret : 0;
}

static int cmd_watch(struct session *s, struct cmd_args *a)
{
	enum vcpu_wp_kind kind = VCPU_WP_WRITE;
	uint64_t gva, len = 4;
	int i = 1, ret;

	if (a->argc > 1) {
		if (!strcmp(a->argv[1], "write"))
			i++;
		else if (!strcmp(a->argv[1], "read"))
			kind = VCPU_WP_READ, i++;
		else if (!strcmp(a->argv[1], "access"))
			kind = VCPU_WP_ACCESS, i++;
	}
	if (a->argc - i < 1 || a->argc - i > 2)
		return session_error(s, "usage: watch [write|read|access] "
				     "GVA [LEN]");
	if (commands_eval(s, a->argv[i], &gva))
		return -EINVAL;
	if (a->argc - i == 2 && parse_count(s, a->argv[i + 1], &len))
		return -EINVAL;
	ret = session_watch(s, gva, len, kind);
	return ret < 0 ? ret : 0;
}

/* Apply @fn to each breakpoint number in argv[1..], or all if none. */
static int for_each_bp_arg(struct session *s, struct cmd_args *a,
			   int (*fn)(struct session *, unsigned int, bool),
			   bool on, const char *verb)
{
	int ret = 0;

	if (a->argc == 1) {
		for (unsigned int i = 0; i < SESSION_MAX_BREAKPOINTS; i++)
			if (s->bp[i].num)
				fn(s, s->bp[i].num, on);
		return 0;
	}
	for (int i = 1; i < a->argc; i++) {
		uint64_t n;

		if (!dbg_parse_u64(a->argv[i], &n) || !n || n > 1000000) {
			ret = session_error(s, "'%s' is not a breakpoint "
					    "number", a->argv[i]);
			continue;
		}
		if (fn(s, (unsigned int)n, on))
			ret = session_error(s, "no breakpoint %llu to %s "
					    "(see 'info breakpoints')",
					    (unsigned long long)n, verb);
	}
	return ret;
}

static int delete_one(struct session *s, unsigned int num, bool on)
{
	return session_break_delete(s, num);
}

static int cmd_delete(struct session *s, struct cmd_args *a)
{
	return for_each_bp_arg(s, a, delete_one, false, "delete");
}

static int cmd_enable(struct session *s, struct cmd_args *a)
{
	return for_each_bp_arg(s, a, session_break_enable, true, "enable");
}

static int cmd_disable(struct session *s, struct cmd_args *a)
{
	return for_each_bp_arg(s, a, session_break_enable, false, "disable");
}

/* --- other ---------------------------------------------------------------------- */

static int cmd_echo(struct session *s, struct cmd_args *a)
{
	session_printf(s, "%s\n", a->rest);
	return 0;
}

static int cmd_quit(struct session *s, struct cmd_args *a)
{
	return CMD_QUIT;
}

static int cmd_help(struct session *s, struct cmd_args *a);

static int cmd_set(struct session *s, struct cmd_args *a)
{
	struct vcpu *v = s->m->vm.vcpu;
	const char *name, *val;
	uint64_t x;
	int idx;

	/* set NAME VALUE, set NAME = VALUE, set $NAME=VALUE */
	if (a->argc == 2 && strchr(a->argv[1], '=')) {
		char *eq = strchr(a->argv[1], '=');

		*eq = '\0';
		name = a->argv[1];
		val = eq + 1;
	} else if (a->argc == 3) {
		name = a->argv[1];
		val = a->argv[2];
	} else if (a->argc == 4 && !strcmp(a->argv[2], "=")) {
		name = a->argv[1];
		val = a->argv[3];
	} else {
		return session_error(s, "usage: set REGISTER VALUE, or set "
				     "show-events N");
	}
	if (!strcmp(name, "show-events")) {
		if (!dbg_parse_u64(val, &x) || x > 1000)
			return session_error(s, "show-events wants 0 to 1000");
		s->show_events = (unsigned int)x;
		return 0;
	}
	idx = session_reg_by_name(s, name);
	if (idx < 0)
		return session_error(s, "no register or setting '%s'", name);
	if (s->running)
		return session_error(s, "the guest is running");
	if (commands_eval(s, val, &x))
		return -EINVAL;
	if (!v->ops->set_reg || v->ops->set_reg(v, (unsigned int)idx, x))
		return session_error(s, "cannot set %s", name);
	return 0;
}

static int cmd_unavailable(struct session *s, struct cmd_args *a)
{
	return session_error(s, "'%s' is not available for this machine yet",
			     a->argv[0]);
}

/* --- completion helpers ------------------------------------------------------------ */

static void add_list(cmd_add_fn add, void *ctx, const char *const *w)
{
	for (; *w; w++)
		add(ctx, *w);
}

/* The kind an event filter's first word names, or -1. */
static int filter_kind(const char *w)
{
	const char *dot = strchr(w, '.');

	return event_kind_by_name(dot ? dot + 1 : w);
}

/* Complete an event filter whose words start at argv[first]. */
static void complete_filter(int argi, int first, char **argv, cmd_add_fn add,
			    void *ctx)
{
	const char *w;

	if (argi == first) {
		for (unsigned int i = 0; (w = evfilter_word(i)); i++)
			if (*w)
				add(ctx, w);
		return;
	}
	if (argi > first) {
		int k = filter_kind(argv[first]);

		for (unsigned int i = 0; (w = evfilter_field_word(k, i)); i++)
			if (*w)
				add(ctx, w);
	}
}

static void complete_break(struct session *s, int argi, char **argv,
			   cmd_add_fn add, void *ctx)
{
	static const char *const kinds[] = { "gva", "gpa", "icount", "event",
					     NULL };

	if (argi == 1)
		add_list(add, ctx, kinds);
	else if (!strcmp(argv[1], "event"))
		complete_filter(argi, 2, argv, add, ctx);
}

static void complete_until(struct session *s, int argi, char **argv,
			   cmd_add_fn add, void *ctx)
{
	complete_filter(argi, 1, argv, add, ctx);
}

static void complete_watch(struct session *s, int argi, char **argv,
			   cmd_add_fn add, void *ctx)
{
	static const char *const kinds[] = { "write", "read", "access", NULL };

	if (argi == 1)
		add_list(add, ctx, kinds);
}

static void complete_help(struct session *s, int argi, char **argv,
			  cmd_add_fn add, void *ctx);

static void complete_set(struct session *s, int argi, char **argv,
			 cmd_add_fn add, void *ctx)
{
	if (argi != 1)
		return;
	add(ctx, "show-events");
	inspect_complete_regs(s, add, ctx);
}

/* --- the table -------------------------------------------------------------------- */

static const struct command base_commands[] = {
	{ "stepi", "s si step", CMD_CAT_RUN, "stepi [N]",
	  "execute N instructions (default 1), then stop",
	  "One step is one run(1) of the CPU: one instruction, or the\n"
	  "delivery of an exception, so stepping a faulting instruction\n"
	  "stops at the first instruction of its handler. After a step the\n"
	  "events it caused are listed (see 'set show-events').\n"
	  "Enter on an empty line steps again.",
	  "stepi 10", cmd_stepi, NULL, true },
	{ "continue", "c cont", CMD_CAT_RUN, "continue",
	  "run until a breakpoint, a watchpoint, an event breakpoint, "
	  "Ctrl-C or the guest's exit",
	  NULL, "continue", cmd_continue, NULL, true },
	{ "until", "u", CMD_CAT_RUN, "until FILTER",
	  "run until the next event matching FILTER",
	  "FILTER is an event kind, a group or group.kind, then any\n"
	  "field=VALUE or field=LO-HI conditions (LO <= v < HI) and\n"
	  "level=N; a VALUE may be a register expression (addr=$cr2).\n"
	  "Kinds and groups come from events.def; Tab lists them.\n"
	  "  until page_fault            the next guest #PF\n"
	  "  until exit                  the next VM exit of any kind\n"
	  "  until tdp.ept_violation     the next EPT violation\n"
	  "  until cr cr=3               the next CR3 write (x86)\n"
	  "  until sysreg_write reg=3    the next TTBR0_EL1 write (arm64;\n"
	  "                              reg: 1 SCTLR 2 TCR 3 TTBR0 4 TTBR1\n"
	  "                              5 MAIR 6 VBAR 7 CONTEXTIDR)\n"
	  "  until tlb                   the next TLB flush or invlpg",
	  "until page_fault", cmd_until, complete_until, false },
	{ "step-fault", "sf", CMD_CAT_RUN, "step-fault",
	  "run to the next fault of any kind and show it",
	  "Stops after the first guest #PF, shadow-MMU fault or EPT\n"
	  "violation (x86), or stage-2 fault or stage-1 abort (arm64),\n"
	  "whichever this machine has, with the event that reported it.\n"
	  "For one kind only, use 'until KIND'.",
	  "step-fault", cmd_step_fault, NULL, false },
	{ "break", "b br", CMD_CAT_BREAK,
	  "break [gva] ADDR | gpa ADDR | icount [+]N | event FILTER",
	  "stop at code, at a guest-physical address, at an instruction "
	  "count, or at an MMU event",
	  "break ADDR         before executing the instruction at gva ADDR\n"
	  "break gpa ADDR     before executing code whose gpa is ADDR\n"
	  "                   (the guest is single-stepped meanwhile)\n"
	  "break icount N     when N instructions have retired\n"
	  "break icount +N    N instructions from now\n"
	  "break event FILTER when an event matches (see 'help until'):\n"
	  "  break event page_fault addr=0x400000-0x401000\n"
	  "  break event ept_violation level=1\n"
	  "ADDR may be an expression: $eip+4, 0x100000.",
	  "break event page_fault", cmd_break, complete_break, false },
	{ "watch", "w", CMD_CAT_BREAK, "watch [write|read|access] GVA [LEN]",
	  "stop after an instruction accesses guest memory [GVA, GVA+LEN)",
	  "The kind defaults to write and LEN to 4. The CPU checks the\n"
	  "access itself; guest memory is never patched.",
	  "watch write 0x2000 8", cmd_watch, complete_watch, false },
	{ "delete", "d", CMD_CAT_BREAK, "delete [N...]",
	  "delete breakpoints N... (all without arguments)", NULL,
	  "delete 1", cmd_delete, NULL, false },
	{ "disable", NULL, CMD_CAT_BREAK, "disable [N...]",
	  "disable breakpoints N... (all without arguments)", NULL,
	  "disable 2", cmd_disable, NULL, false },
	{ "enable", NULL, CMD_CAT_BREAK, "enable [N...]",
	  "enable breakpoints N... (all without arguments)", NULL,
	  "enable 2", cmd_enable, NULL, false },
	{ "info", "i", CMD_CAT_INSPECT,
	  "info breakpoints|registers|machine|tlb",
	  "list breakpoints, show registers, describe the machine, or "
	  "show the TLB",
	  "info tlb lists the vCPU's software TLB: each cached page with\n"
	  "the address it translates to and the rights cached (x86: one\n"
	  "TLB for supervisor and one for user accesses; arm64: tagged by\n"
	  "VMID and ASID).",
	  "info tlb", inspect_info, inspect_complete_info,
	  false },
	{ "registers", "r reg regs", CMD_CAT_INSPECT, "registers [NAME...]",
	  "show all registers, or some, control registers bit by bit",
	  "Control and system registers are decoded field by field, as\n"
	  "in 'registers cr0 cr4 efer'. Set one with 'set eax 5'.",
	  "registers cr0", inspect_registers, inspect_complete_reg_args,
	  false },
	{ "x", NULL, CMD_CAT_INSPECT, "x/[N][FMT][SIZE] [gva|gpa|hpa] ADDR",
	  "examine memory by guest-virtual, guest-physical or host-physical "
	  "address",
	  "N is a count (default 1); FMT x (hex), d (signed), u (unsigned),\n"
	  "c (char) or i (instructions); SIZE b, h, w or g (1, 2, 4, 8\n"
	  "bytes). The address space defaults to gva. Host-physical\n"
	  "addresses are offsets in the hypervisor's arena, where the TDP\n"
	  "tables live. Without ADDR, x continues after the last one.",
	  "x/4xg gpa 0x1000", inspect_x, inspect_complete_x, true },
	{ "disassemble", "disas", CMD_CAT_INSPECT, "disassemble [ADDR] [N]",
	  "disassemble N instructions (default 8) at ADDR or around the pc",
	  NULL, "disassemble $pc 4", inspect_disasm, NULL, false },
	{ "walk", NULL, CMD_CAT_MMU, "walk GVA [write] [user] [fetch]",
	  "translate GVA as the hardware would, showing every table "
	  "entry read",
	  "The walk is a peek: no A/D bits are set and no fault is taken.\n"
	  "Under TDP every guest table reference is itself translated\n"
	  "through the EPT tables: the two-dimensional walk.",
	  "walk $cr2 write", inspect_walk, inspect_complete_walk, false },
	{ "tdp", NULL, CMD_CAT_MMU, "tdp [START [END]]",
	  "dump the hypervisor's TDP (EPT) tables for gpa [START, END)",
	  NULL, "tdp 0 0x200000", inspect_tdp, NULL, false },
	{ "sp", NULL, CMD_CAT_MMU, "sp [ID | gfn GFN]",
	  "list the shadow pages with their roles, or dump one",
	  "Each line: #ID, the guest table's gfn, the shadow table (spt,\n"
	  "host-physical), the role decoded (l level, q quadrant, 4b/8b\n"
	  "guest PTEs, direct, access u/w/x, wp, nx, ...), UNSYNC,\n"
	  "unsync_children, root_count and the number of parent SPTEs.\n"
	  "'sp ID' dumps that page: its parents and every SPTE (a child\n"
	  "page, or the host page and guest frame it maps, with rights:\n"
	  "u/s, w/r (p: writable but write-protected), x/-).",
	  "sp 3", inspect_sp, NULL, false },
	{ "s2", NULL, CMD_CAT_MMU, "s2 [START [END]]",
	  "dump the arm64 stage-2 tables for ipa [START, END)",
	  "The first level may be several concatenated tables: the dump\n"
	  "says how many, as VTCR_EL2's start level and T0SZ imply.",
	  "s2 0x40000000 0x40400000", inspect_s2, NULL, false },
	{ "mmu", NULL, CMD_CAT_MMU, "mmu audit",
	  "check the shadow tables against the guest's tables",
	  "Every present SPTE must translate as the guest walk composed\n"
	  "with the memslots, with rights no wider than the guest's; no\n"
	  "guest page table may be mapped writable unless its shadow page\n"
	  "is unsync; parents, rmaps and unsync bits must agree.",
	  "mmu audit", inspect_mmu, NULL, false },
	{ "events", "ev", CMD_CAT_MMU, "events [N] [FILTER]",
	  "the last N events (default 20), optionally filtered",
	  "FILTER as in 'help until': a kind, group or group.kind and\n"
	  "field=VALUE / field=LO-HI / level=N conditions. 'events new'\n"
	  "lists what happened since the events were last shown.",
	  "events 10 walk", inspect_events, inspect_complete_events, false },
	{ "stats", NULL, CMD_CAT_MMU, "stats",
	  "the machine's counters (instructions, events, tables)", NULL,
	  "stats", inspect_stats, NULL, false },
	{ "set", NULL, CMD_CAT_OTHER, "set REGISTER VALUE | show-events N",
	  "change a register, or a setting",
	  "show-events N: after a stepi, list its events when there are at\n"
	  "most N of them (default 12, 0 never).",
	  "set eax 0x1234", cmd_set, complete_set, false },
	{ "echo", NULL, CMD_CAT_OTHER, "echo TEXT", "print TEXT", NULL,
	  "echo hello", cmd_echo, NULL, false },
	{ "help", "h ?", CMD_CAT_OTHER, "help [COMMAND]",
	  "list the commands, or explain one", NULL, "help break", cmd_help,
	  complete_help, false },
	{ "quit", "q exit", CMD_CAT_OTHER, "quit", "leave the debugger", NULL,
	  "quit", cmd_quit, NULL, false },
};

const struct command *commands_table(unsigned int *count)
{
	*count = ARRAY_SIZE(base_commands);
	return base_commands;
}

#define COMMAND_SETS_MAX 8
static const struct command_set *command_sets[COMMAND_SETS_MAX];
static unsigned int n_command_sets;

int commands_register(const struct command_set *set)
{
	for (unsigned int i = 0; i < n_command_sets; i++)
		if (command_sets[i] == set)
			return 0;
	if (n_command_sets == COMMAND_SETS_MAX)
		return -ENOSPC;
	command_sets[n_command_sets++] = set;
	return 0;
}

/* The command named exactly @name for this session: a set's, or ours. */
static const struct command *by_name(const struct session *s,
				     const char *name)
{
	for (unsigned int i = 0; i < n_command_sets; i++) {
		const struct command_set *set = command_sets[i];

		if (set->applies && !set->applies(s))
			continue;
		for (unsigned int j = 0; j < set->count; j++)
			if (!strcmp(set->cmds[j].name, name))
				return &set->cmds[j];
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(base_commands); i++)
		if (!strcmp(base_commands[i].name, name))
			return &base_commands[i];
	return NULL;
}

/* Is @w one of the space-separated words in @list? */
static bool in_list(const char *list, const char *w)
{
	size_t n = strlen(w);

	while (list && *list) {
		const char *end = strchr(list, ' ');
		size_t len = end ? (size_t)(end - list) : strlen(list);

		if (len == n && !strncmp(list, w, n))
			return true;
		list = end ? end + 1 : NULL;
	}
	return false;
}

static const struct command *base_by_name(const char *name)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(base_commands); i++)
		if (!strcmp(base_commands[i].name, name))
			return &base_commands[i];
	return NULL;
}

/*
 * Visit every command visible in @s once: the base table's (replaced
 * by a set's command of the same name), then the sets' new ones.
 */
static void each_command(const struct session *s,
			 void (*fn)(const struct command *c, void *ctx),
			 void *ctx)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(base_commands); i++)
		fn(by_name(s, base_commands[i].name), ctx);
	for (unsigned int i = 0; i < n_command_sets; i++) {
		const struct command_set *set = command_sets[i];

		if (set->applies && !set->applies(s))
			continue;
		for (unsigned int j = 0; j < set->count; j++)
			if (!base_by_name(set->cmds[j].name) &&
			    by_name(s, set->cmds[j].name) == &set->cmds[j])
				fn(&set->cmds[j], ctx);
	}
}

struct lookup_ctx {
	const char *word;
	const struct command *alias, *found;
	unsigned int nprefix;
	char names[200];
};

static void lookup_one(const struct command *c, void *opaque)
{
	struct lookup_ctx *l = opaque;
	size_t n = strlen(l->word), off = strlen(l->names);

	if (in_list(c->aliases, l->word))
		l->alias = c;
	if (strncmp(c->name, l->word, n))
		return;
	l->found = c;
	l->nprefix++;
	if (off < sizeof(l->names) - 1)
		snprintf(l->names + off, sizeof(l->names) - off, "%s%s",
			 off ? ", " : "", c->name);
}

const struct command *commands_lookup(const struct session *s,
				      const char *word, char *err,
				      size_t errlen)
{
	struct lookup_ctx l = { .word = word };
	const struct command *c = by_name(s, word);

	if (c)
		return c;
	each_command(s, lookup_one, &l);
	if (l.alias)
		return l.alias;
	if (l.nprefix == 1)
		return l.found;
	if (l.nprefix > 1)
		snprintf(err, errlen, "'%s' is ambiguous: %s", word, l.names);
	else
		snprintf(err, errlen, "unknown command '%s' (try 'help')",
			 word);
	return NULL;
}

/* --- help ----------------------------------------------------------------------------- */

static const char *const cat_names[] = {
	[CMD_CAT_RUN] = "Running", [CMD_CAT_BREAK] = "Breakpoints",
	[CMD_CAT_INSPECT] = "Inspecting", [CMD_CAT_MMU] = "The MMU",
	[CMD_CAT_OTHER] = "Other",
};

struct help_ctx {
	struct session *s;
	enum cmd_category cat;
};

static void help_line(const struct command *c, void *opaque)
{
	struct help_ctx *h = opaque;

	if (c->cat == h->cat)
		session_printf(h->s, "  %-12s %s%s\n", c->name, c->summary,
			       c->fn ? "" : " (not available yet)");
}

static int cmd_help(struct session *s, struct cmd_args *a)
{
	const struct command *c;
	char err[256];

	if (a->argc == 1) {
		struct help_ctx h = { .s = s };

		for (h.cat = 0; h.cat <= CMD_CAT_OTHER; h.cat++) {
			session_printf(s, "%s:\n", cat_names[h.cat]);
			each_command(s, help_line, &h);
		}
		session_printf(s, "Commands may be abbreviated when unambiguous"
			       "; Tab completes. 'help COMMAND' for more.\n");
		return 0;
	}
	if (a->argc > 2)
		return session_error(s, "usage: help [COMMAND]");
	c = commands_lookup(s, a->argv[1], err, sizeof(err));
	if (!c)
		return session_error(s, "%s", err);
	session_printf(s, "usage: %s\n  %s%s\n", c->usage, c->summary,
		       c->fn ? "" : "\n  (not available for this machine yet)");
	if (c->help) {
		const char *p = c->help;

		while (*p) {
			const char *nl = strchr(p, '\n');
			int len = nl ? (int)(nl - p) : (int)strlen(p);

			session_printf(s, "  %.*s\n", len, p);
			p += len + (nl ? 1 : 0);
		}
	}
	if (c->aliases)
		session_printf(s, "aliases: %s\n", c->aliases);
	session_printf(s, "example: %s\n", c->example);
	return 0;
}

struct names_ctx {
	cmd_add_fn add;
	void *ctx;
};

static void add_name(const struct command *c, void *opaque)
{
	struct names_ctx *n = opaque;

	n->add(n->ctx, c->name);
}

static void complete_help(struct session *s, int argi, char **argv,
			  cmd_add_fn add, void *ctx)
{
	struct names_ctx n = { add, ctx };

	if (argi == 1)
		each_command(s, add_name, &n);
}

/* --- execute and complete ------------------------------------------------------------------ */

static bool blank(const char *line)
{
	line += strspn(line, " \t\r\n");
	return !*line || *line == '#';
}

int commands_execute(struct session *s, const char *line, bool repeat)
{
	char buf[1024], err[256];
	const struct command *c;
	struct cmd_args a;
	size_t len;

	if (blank(line)) {
		if (!repeat || !s->repeat_line[0])
			return CMD_OK;
		line = s->repeat_line;
	}
	len = strlen(line);
	if (len >= sizeof(buf))
		return session_error(s, "line too long (%zu characters)", len);
	memcpy(buf, line, len + 1);
	if (commands_parse(buf, &a, err, sizeof(err)))
		return session_error(s, "%s", err);
	c = commands_lookup(s, a.argv[0], err, sizeof(err));
	if (!c)
		return session_error(s, "%s", err);
	if (c->repeat && line != s->repeat_line) {
		/* x repeats as a bare "x/FMT": it continues where it ended. */
		if (c->fn == inspect_x)
			snprintf(s->repeat_line, sizeof(s->repeat_line),
				 "x%s%s", a.fmt ? "/" : "", a.fmt ? a.fmt : "");
		else
			snprintf(s->repeat_line, sizeof(s->repeat_line), "%s",
				 line);
	}
	else if (!c->repeat)
		s->repeat_line[0] = '\0';
	if (a.fmt && strcmp(c->name, "x"))
		return session_error(s, "'%s' takes no /FORMAT", c->name);
	if (!c->fn)
		return cmd_unavailable(s, &a);
	return c->fn(s, &a);
}

size_t commands_complete(struct session *s, const char *line, cmd_add_fn add,
			 void *ctx)
{
	char buf[1024], err[256];
	size_t len = strlen(line), start = len;
	const struct command *c;
	struct cmd_args a;
	int argi;

	while (start && line[start - 1] != ' ' && line[start - 1] != '\t')
		start--;
	if (len >= sizeof(buf))
		return start;
	memcpy(buf, line, start);
	buf[start] = '\0';
	if (commands_parse(buf, &a, err, sizeof(err)))
		return start;
	argi = a.argc;
	if (argi == 0) {
		struct names_ctx n = { add, ctx };

		each_command(s, add_name, &n);
		return start;
	}
	c = commands_lookup(s, a.argv[0], err, sizeof(err));
	if (c && c->fn && c->complete)
		c->complete(s, argi, a.argv, add, ctx);
	return start;
}
