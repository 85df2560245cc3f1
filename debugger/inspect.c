/* SPDX-License-Identifier: MIT */
/*
 * The inspecting commands: everything a student looks at while the
 * guest is stopped. None of them changes guest state: memory is read
 * through the side-effect-free peek (vcpu_read_gva), walks through
 * vcpu_ops.translate, and the hypervisor's tables through the machine's
 * dump_tables.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/inspect.h"

static struct vcpu *vcpu_of(struct session *s)
{
	return s->m->vm.vcpu;
}

/* --- registers ---------------------------------------------------------------- */

static const struct vcpu_reg_desc *regs(struct session *s, unsigned int *n)
{
	struct vcpu *v = vcpu_of(s);

	*n = 0;
	return v->ops->reg_table ? v->ops->reg_table(v, n) : NULL;
}

/* "name = 0x..." or the architecture's bit-by-bit decoding, one line. */
static void show_reg(struct session *s, unsigned int idx,
		     const struct vcpu_reg_desc *d, bool decode)
{
	struct vcpu *v = vcpu_of(s);
	char line[512];
	uint64_t val = 0;

	if (v->ops->get_reg(v, idx, &val)) {
		session_printf(s, "%s = <unavailable>\n", d->name);
		return;
	}
	if (decode && v->ops->describe_reg &&
	    v->ops->describe_reg(v, idx, line, sizeof(line)) > 0) {
		session_printf(s, "%s\n", line);
		return;
	}
	session_printf(s, "%s = 0x%0*llx\n", d->name, (d->bits + 3) / 4,
		       (unsigned long long)val);
}

/* GPRs and segments: four to a line, "eax 0x00000000". */
static void show_compact(struct session *s, const struct vcpu_reg_desc *t,
			 unsigned int n, unsigned int group)
{
	struct vcpu *v = vcpu_of(s);
	char line[256];
	size_t off = 0;
	unsigned int col = 0;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t val = 0;

		if (t[i].group != group || v->ops->get_reg(v, i, &val))
			continue;
		off += (size_t)snprintf(line + off, sizeof(line) - off,
					"%s%-4s 0x%0*llx", col ? "  " : "",
					t[i].name, (t[i].bits + 3) / 4,
					(unsigned long long)val);
		if (++col == 4 || off > sizeof(line) - 48) {
			session_printf(s, "%s\n", line);
			off = 0;
			col = 0;
		}
	}
	if (col)
		session_printf(s, "%s\n", line);
}

int inspect_registers(struct session *s, struct cmd_args *a)
{
	struct vcpu *v = vcpu_of(s);
	const struct vcpu_reg_desc *t;
	unsigned int n;
	int ret = 0;

	t = regs(s, &n);
	if (!t || !v->ops->get_reg)
		return session_error(s, "this CPU does not show its "
				     "registers yet");
	/* "info registers" arrives here with argv[1] == "registers". */
	if (a->argc > 1 && !strcmp(a->argv[0], "info")) {
		a->argc--;
		memmove(a->argv, a->argv + 1, sizeof(a->argv[0]) * (size_t)a->argc);
	}
	if (a->argc == 1) {
		show_compact(s, t, n, VCPU_REG_GPR);
		show_compact(s, t, n, VCPU_REG_PC);
		for (unsigned int i = 0; i < n; i++)
			if (t[i].group == VCPU_REG_FLAGS)
				show_reg(s, i, &t[i], true);
		show_compact(s, t, n, VCPU_REG_SEG);
		for (unsigned int i = 0; i < n; i++)
			if (t[i].group == VCPU_REG_CTRL ||
			    t[i].group == VCPU_REG_SYS)
				show_reg(s, i, &t[i], true);
		return 0;
	}
	for (int i = 1; i < a->argc; i++) {
		int idx = session_reg_by_name(s, a->argv[i]);

		if (!strcmp(a->argv[i], "pc") || !strcmp(a->argv[i], "$pc")) {
			char b[20];

			session_printf(s, "pc = %s\n",
				       session_fmt_addr(session_pc(s), b));
			continue;
		}
		if (idx < 0) {
			ret = session_error(s, "no register '%s' (Tab lists "
					    "them)", a->argv[i]);
			continue;
		}
		show_reg(s, (unsigned int)idx, &t[idx], true);
	}
	return ret;
}

void inspect_complete_regs(struct session *s, cmd_add_fn add, void *ctx)
{
	unsigned int n;
	const struct vcpu_reg_desc *t = regs(s, &n);

	for (unsigned int i = 0; t && i < n; i++)
		add(ctx, t[i].name);
}

void inspect_complete_reg_args(struct session *s, int argi, char **argv,
			       cmd_add_fn add, void *ctx)
{
	inspect_complete_regs(s, add, ctx);
}

/* --- info ------------------------------------------------------------------------- */

static const char *const bp_type_names[] = {
	[BP_GVA] = "break", [BP_GPA] = "break", [BP_ICOUNT] = "icount",
	[BP_WATCH] = "watch", [BP_EVENT] = "event",
};

void inspect_breakpoints(struct session *s)
{
	bool any = false;

	for (unsigned int i = 0; i < SESSION_MAX_BREAKPOINTS; i++) {
		const struct breakpoint *b = &s->bp[i];
		char desc[200];

		if (!b->num)
			continue;
		if (!any)
			session_printf(s, "Num  Type    Enb  Hits  What\n");
		any = true;
		session_break_format(b, desc, sizeof(desc));
		session_printf(s, "%-4u %-7s %-4s %-5llu %s\n", b->num,
			       bp_type_names[b->type], b->enabled ? "y" : "n",
			       (unsigned long long)b->hits, desc);
	}
	if (!any)
		session_printf(s, "No breakpoints.\n");
}

static void info_machine(struct session *s)
{
	const struct vm *vm = &s->m->vm;
	const struct session_stop *st = &s->last;
	char a[20];

	session_printf(s, "machine  %s, mmu %s, %llu MiB RAM at gpa 0x%llx\n",
		       s->m->ops && s->m->ops->name ? s->m->ops->name :
		       s->arch->name,
		       vm_mmu_mode_name(vm->cfg.mmu_mode),
		       (unsigned long long)(vm->cfg.ram_bytes >> 20),
		       (unsigned long long)vm->ram_gpa);
	if (st->reason == STOP_EXITED)
		session_printf(s, "state    exited with status %d, pc %s, "
			       "icount %llu\n", st->status,
			       session_fmt_addr(session_pc(s), a),
			       (unsigned long long)session_icount(s));
	else
		session_printf(s, "state    %s (%s), pc %s, icount %llu\n",
			       s->exited ? "ended" : "stopped",
			       session_stop_reason_name(st->reason),
			       session_fmt_addr(session_pc(s), a),
			       (unsigned long long)session_icount(s));
	session_printf(s, "events   %llu emitted, oldest kept #%llu\n",
		       (unsigned long long)vm->events.next_seq,
		       (unsigned long long)event_oldest(&vm->events));
}

static int tlb_fn(struct machine *m, uint64_t lo, uint64_t hi, char *buf,
		  size_t size)
{
	struct vcpu *v = m->vm.vcpu;

	if (!v->ops->format_tlb)
		return snprintf(buf, size, "this CPU shows no TLB\n");
	return v->ops->format_tlb(v, buf, size);
}

int inspect_info(struct session *s, struct cmd_args *a)
{
	static const char *const subs[] = { "breakpoints", "registers",
					    "machine", "watchpoints", "tlb",
					    NULL };
	const char *w = a->argc > 1 ? a->argv[1] : "";
	const char *match = NULL;
	size_t n = strlen(w);

	for (unsigned int i = 0; n && subs[i]; i++) {
		if (!strncmp(subs[i], w, n)) {
			if (match)
				return session_error(s, "info %s is "
						     "ambiguous", w);
			match = subs[i];
		}
	}
	if (!match)
		return session_error(s, "info what? breakpoints, registers, "
				     "machine or tlb");
	if (!strcmp(match, "registers"))
		return inspect_registers(s, a);
	if (a->argc > 2)
		return session_error(s, "usage: info %s", match);
	if (match[0] == 't')
		return inspect_print_grown(s, tlb_fn, 0, 0);
	if (match[0] == 'm')
		info_machine(s);
	else
		inspect_breakpoints(s);
	return 0;
}

void inspect_complete_info(struct session *s, int argi, char **argv,
			   cmd_add_fn add, void *ctx)
{
	if (argi == 1) {
		add(ctx, "breakpoints");
		add(ctx, "registers");
		add(ctx, "machine");
		add(ctx, "tlb");
	} else if (!strncmp(argv[1], "registers", strlen(argv[1]))) {
		inspect_complete_regs(s, add, ctx);
	}
}

/* --- memory ------------------------------------------------------------------------ */

enum space { SPACE_GVA, SPACE_GPA, SPACE_HPA };
static const char *const space_names[] = { "gva", "gpa", "hpa" };

/* Read @len bytes at @addr of @sp; returns the bytes read. */
static size_t read_space(struct session *s, enum space sp, uint64_t addr,
			 void *buf, size_t len)
{
	struct vm *vm = &s->m->vm;
	const void *p;

	switch (sp) {
	case SPACE_GVA:
		return vcpu_read_gva(vcpu_of(s), addr, buf, len);
	case SPACE_GPA:
		for (size_t done = 0; done < len; done++)
			if (vm_read_gpa(vm, addr + done, (uint8_t *)buf + done,
					1))
				return done;
		return len;
	case SPACE_HPA:
		p = arena_hva(&vm->arena, addr, len);
		if (p) {
			memcpy(buf, p, len);
			return len;
		}
		for (size_t done = 0; done < len; done++) {
			p = arena_hva(&vm->arena, addr + done, 1);
			if (!p)
				return done;
			((uint8_t *)buf)[done] = *(const uint8_t *)p;
		}
		return len;
	}
	return 0;
}

/* Parse "16xb": count, format letter, size letter, in any order. */
static int parse_xfmt(struct session *s, const char *f, uint64_t *count,
		      char *fmt, unsigned int *size)
{
	const char *p = f;

	if (*p >= '0' && *p <= '9') {
		char num[24];
		size_t n = strspn(p, "0123456789");

		if (n >= sizeof(num))
			return session_error(s, "x/%s: count too large", f);
		memcpy(num, p, n);
		num[n] = '\0';
		if (!dbg_parse_u64(num, count) || !*count)
			return session_error(s, "x/%s: bad count", f);
		p += n;
	}
	for (; *p; p++) {
		switch (*p) {
		case 'x': case 'd': case 'u': case 'c': case 'i':
			*fmt = *p;
			break;
		case 'b': *size = 1; break;
		case 'h': *size = 2; break;
		case 'w': *size = 4; break;
		case 'g': *size = 8; break;
		default:
			return session_error(s, "x/%s: '%c' is not a format "
					     "(x d u c i) or size (b h w g)",
					     f, *p);
		}
	}
	if (*count > 4096)
		return session_error(s, "x: at most 4096 units at a time");
	return 0;
}

static void x_insns(struct session *s, uint64_t addr, uint64_t count);

int inspect_x(struct session *s, struct cmd_args *a)
{
	enum space sp = (enum space)s->x_space;
	uint64_t count = 1, addr = s->x_next;
	unsigned int size = 4, per_line;
	char fmt = 'x', line[256], ab[20];
	uint8_t *buf;
	size_t got, off = 0;
	int i = 1;

	if (s->x_fmt[0] && !a->fmt)
		parse_xfmt(s, s->x_fmt, &count, &fmt, &size);
	if (a->fmt) {
		if (parse_xfmt(s, a->fmt, &count, &fmt, &size))
			return -EINVAL;
		snprintf(s->x_fmt, sizeof(s->x_fmt), "%s", a->fmt);
	}
	if (a->argc > i && (!strcmp(a->argv[i], "gva") ||
			    !strcmp(a->argv[i], "gpa") ||
			    !strcmp(a->argv[i], "hpa"))) {
		sp = a->argv[i][0] == 'h' ? SPACE_HPA :
		     a->argv[i][1] == 'p' ? SPACE_GPA : SPACE_GVA;
		i++;
	} else if (a->argc > i) {
		sp = SPACE_GVA;
	}
	if (a->argc > i + 1)
		return session_error(s, "usage: x/NFS [gva|gpa|hpa] ADDR");
	if (a->argc == i + 1 && commands_eval(s, a->argv[i], &addr))
		return -EINVAL;
	if (a->argc == 1 && !s->x_next && !s->x_fmt[0])
		return session_error(s, "x what? e.g. 'x/8xw $esp', 'x/4xg "
				     "gpa 0x1000'");
	s->x_space = sp;
	if (fmt == 'i') {
		if (sp != SPACE_GVA)
			return session_error(s, "x/i disassembles guest "
					     "virtual addresses only");
		x_insns(s, addr, count);
		return 0;
	}
	if (fmt == 'c')
		size = 1;
	buf = malloc(count * size);
	if (!buf)
		return session_error(s, "out of memory");
	got = read_space(s, sp, addr, buf, count * size);
	per_line = size == 8 ? 2 : size == 4 ? 4 : 8;
	for (uint64_t k = 0; k < count && (k + 1) * size <= got; k++) {
		uint64_t v = 0;
		int n;

		memcpy(&v, buf + k * size, size);	/* little endian */
		if (k % per_line == 0)
			off = (size_t)snprintf(line, sizeof(line), "%s %s:",
					       space_names[sp],
					       session_fmt_addr(addr + k * size,
								ab));
		if (fmt == 'x') {
			n = snprintf(line + off, sizeof(line) - off,
				     "  0x%0*llx", size * 2,
				     (unsigned long long)v);
		} else if (fmt == 'd') {
			int64_t sv = size == 8 ? (int64_t)v :
				     (int64_t)(v << (64 - 8 * size)) >>
				     (64 - 8 * size);
			n = snprintf(line + off, sizeof(line) - off, "  %lld",
				     (long long)sv);
		} else if (fmt == 'u') {
			n = snprintf(line + off, sizeof(line) - off, "  %llu",
				     (unsigned long long)v);
		} else {
			n = (v >= 0x20 && v < 0x7f) ?
			    snprintf(line + off, sizeof(line) - off, "  '%c'",
				     (char)v) :
			    snprintf(line + off, sizeof(line) - off,
				     "  \\x%02llx", (unsigned long long)v);
		}
		off += (size_t)n;
		if (k % per_line == per_line - 1 || k == count - 1 ||
		    (k + 2) * size > got) {
			session_printf(s, "%s\n", line);
			off = 0;
		}
	}
	free(buf);
	s->x_next = addr + (got / size) * size;
	if (got < count * size)
		return session_error(s, "%s 0x%llx is not %s%s",
				     space_names[sp],
				     (unsigned long long)(addr + got),
				     sp == SPACE_GVA ? "mapped" :
				     sp == SPACE_GPA ? "guest RAM" :
				     "in the arena",
				     sp == SPACE_GVA ? " ('walk' shows why)" :
				     "");
	return 0;
}

void inspect_complete_x(struct session *s, int argi, char **argv,
			cmd_add_fn add, void *ctx)
{
	if (argi == 1) {
		add(ctx, "gva");
		add(ctx, "gpa");
		add(ctx, "hpa");
	}
}

/* --- disassembly --------------------------------------------------------------------- */

static bool has_gva_bp(struct session *s, uint64_t gva)
{
	for (unsigned int i = 0; i < SESSION_MAX_BREAKPOINTS; i++)
		if (s->bp[i].num && s->bp[i].type == BP_GVA &&
		    s->bp[i].addr == gva)
			return true;
	return false;
}

/* One line per instruction from @addr; "=>" marks the pc, '*' a break. */
static uint64_t disasm_from(struct session *s, uint64_t addr, uint64_t count,
			    uint64_t stop_at)
{
	struct vcpu *v = vcpu_of(s);
	uint64_t pc = session_pc(s);
	char text[128], ab[20];

	for (uint64_t k = 0; k < count && addr != stop_at; k++) {
		int n = v->ops->disasm(v, addr, text, sizeof(text));

		if (n <= 0) {
			session_printf(s, "%s %s:  (not mapped)\n",
				       addr == pc ? "=>" : "  ",
				       session_fmt_addr(addr, ab));
			break;
		}
		session_printf(s, "%s%c%s:  %s\n", addr == pc ? "=>" : "  ",
			       has_gva_bp(s, addr) ? '*' : ' ',
			       session_fmt_addr(addr, ab), text);
		addr += (uint64_t)n;
	}
	return addr;
}

/*
 * Where to start so the listing shows a few instructions before the pc.
 * x86 instructions have no fixed length, so decoding backwards guesses;
 * instead we start from a pc the guest really stopped at shortly
 * before (the session's history) and keep it if decoding from there
 * lands exactly on the pc.
 */
static uint64_t disasm_start(struct session *s, uint64_t pc,
			     unsigned int before)
{
	struct vcpu *v = vcpu_of(s);
	uint64_t best = pc;
	unsigned int best_n = 0;

	for (unsigned int h = 0; h < SESSION_PC_HISTORY &&
			       h < s->pc_hist_n; h++) {
		uint64_t from = s->pc_hist[h], at = from, seen[64];
		unsigned int n = 0;
		char text[128];

		if (from >= pc || pc - from > 64)
			continue;
		while (at < pc && n < 64) {
			int len = v->ops->disasm(v, at, text, sizeof(text));

			if (len <= 0)
				break;
			seen[n++] = at;
			at += (uint64_t)len;
		}
		if (at == pc && n > best_n) {
			best_n = n;
			best = seen[n > before ? n - before : 0];
		}
	}
	return best;
}

static void x_insns(struct session *s, uint64_t addr, uint64_t count)
{
	if (!vcpu_of(s)->ops->disasm) {
		session_error(s, "this CPU has no disassembler yet");
		return;
	}
	s->x_next = disasm_from(s, addr, count, ~0ull);
}

int inspect_disasm(struct session *s, struct cmd_args *a)
{
	uint64_t addr, count = 8, pc = session_pc(s), start;

	if (!vcpu_of(s)->ops->disasm)
		return session_error(s, "this CPU has no disassembler yet");
	if (a->argc > 3)
		return session_error(s, "usage: disassemble [ADDR] [N]");
	if (a->argc == 3 && (!dbg_parse_u64(a->argv[2], &count) || !count ||
			     count > 1000))
		return session_error(s, "'%s' is not a count from 1 to 1000",
				     a->argv[2]);
	if (a->argc >= 2) {
		if (commands_eval(s, a->argv[1], &addr))
			return -EINVAL;
		disasm_from(s, addr, count, ~0ull);
		return 0;
	}
	start = disasm_start(s, pc, 3);
	if (start != pc)
		disasm_from(s, start, ~0ull, pc);
	disasm_from(s, pc, count, ~0ull);
	return 0;
}

/* --- walk, tdp, events, stats ----------------------------------------------------------- */

int inspect_walk(struct session *s, struct cmd_args *a)
{
	struct vcpu *v = vcpu_of(s);
	struct walk_record *rec;
	uint32_t access = 0;
	uint64_t gva;
	char *buf;
	int ret;

	if (a->argc < 2)
		return session_error(s, "walk which address? e.g. 'walk "
				     "0x400000', 'walk $cr2 write'");
	if (!v->ops->translate)
		return session_error(s, "this CPU cannot translate yet");
	if (commands_eval(s, a->argv[1], &gva))
		return -EINVAL;
	for (int i = 2; i < a->argc; i++) {
		const char *w = a->argv[i];
		uint32_t bit = !strcmp(w, "write") ? s->arch->acc_write :
			       !strcmp(w, "user") ? s->arch->acc_user :
			       !strcmp(w, "fetch") ? s->arch->acc_fetch : 0;

		if (!strcmp(w, "read"))
			continue;
		if (!bit)
			return session_error(s, "walk: '%s' is not an access "
					     "(read, write, user, fetch)%s", w,
					     s->arch->acc_write ? "" :
					     " on this architecture yet");
		access |= bit;
	}
	rec = calloc(1, sizeof(*rec));
	buf = malloc(64 * 1024);
	if (!rec || !buf) {
		free(rec);
		free(buf);
		return session_error(s, "out of memory");
	}
	walk_record_init(rec, WALK_GUEST, gva, access);
	v->ops->translate(v, gva, access, rec);	/* fills rec even on fault */
	ret = walk_record_format(rec, buf, 64 * 1024);
	if (ret > 0)
		session_write(s, SESSION_OUT_TEXT, buf,
			      strnlen(buf, 64 * 1024));
	/* Beside the guest's walk, what the hardware walks instead. */
	if (s->m->vm.cfg.mmu_mode == VM_MMU_SHADOW && v->ops->shadow_peek &&
	    !v->ops->shadow_peek(v, gva, access, rec) &&
	    walk_record_format(rec, buf, 64 * 1024) > 0)
		session_write(s, SESSION_OUT_TEXT, buf,
			      strnlen(buf, 64 * 1024));
	free(rec);
	free(buf);
	return 0;
}

void inspect_complete_walk(struct session *s, int argi, char **argv,
			   cmd_add_fn add, void *ctx)
{
	if (argi >= 2) {
		add(ctx, "read");
		add(ctx, "write");
		add(ctx, "user");
		add(ctx, "fetch");
	}
}

/* Call a formatter with a growing buffer, then print what it wrote. */
int inspect_print_grown(struct session *s,
		       int (*fn)(struct machine *, uint64_t, uint64_t, char *,
				 size_t),
		       uint64_t lo, uint64_t hi)
{
	size_t size = 64 * 1024;

	for (;;) {
		char *buf = malloc(size);
		int n;

		if (!buf)
			return session_error(s, "out of memory");
		buf[0] = '\0';
		n = fn(s->m, lo, hi, buf, size);
		if (n < 0) {
			free(buf);
			return session_error(s, "cannot dump: %s",
					     strerror(-n));
		}
		if ((size_t)n < size || size >= 64 * 1024 * 1024) {
			session_write(s, SESSION_OUT_TEXT, buf,
				      strnlen(buf, size));
			free(buf);
			return 0;
		}
		free(buf);
		size = (size_t)n + 1 > size * 2 ? (size_t)n + 1 : size * 2;
	}
}

/*
 * `tdp` and `s2`: the hypervisor's own tables for a range of guest
 * physical addresses, through the machine's dump_tables. @cmd names the
 * command, @mode the MMU that has such tables.
 */
static int inspect_tables(struct session *s, struct cmd_args *a,
			  const char *cmd, enum vm_mmu_mode mode)
{
	static const char *const other[] = {
		[VM_MMU_TDP] = "TDP: try 'tdp'",
		[VM_MMU_SHADOW] = "shadow: try 'sp'",
		[VM_MMU_STAGE2] = "stage-2: try 's2'",
	};
	const struct vm *vm = &s->m->vm;
	uint64_t lo = vm->ram_gpa, hi = vm->ram_gpa + vm->cfg.ram_bytes;

	if (vm->cfg.mmu_mode != mode || !s->m->ops || !s->m->ops->dump_tables)
		return session_error(s, "this machine has no %s tables "
				     "(its MMU is %s)", cmd,
				     other[vm->cfg.mmu_mode]);
	if (a->argc > 3)
		return session_error(s, "usage: %s [START [END]]", cmd);
	if (a->argc >= 2) {
		if (commands_eval(s, a->argv[1], &lo))
			return -EINVAL;
		hi = lo + 2 * MiB;
	}
	if (a->argc == 3 && commands_eval(s, a->argv[2], &hi))
		return -EINVAL;
	if (hi <= lo)
		return session_error(s, "%s: empty range [0x%llx, 0x%llx)",
				     cmd, (unsigned long long)lo,
				     (unsigned long long)hi);
	return inspect_print_grown(s, s->m->ops->dump_tables, lo, hi);
}

int inspect_tdp(struct session *s, struct cmd_args *a)
{
	return inspect_tables(s, a, "tdp", VM_MMU_TDP);
}

int inspect_s2(struct session *s, struct cmd_args *a)
{
	return inspect_tables(s, a, "s2", VM_MMU_STAGE2);
}

static int stats_fn(struct machine *m, uint64_t lo, uint64_t hi, char *buf,
		    size_t size)
{
	return machine_format_stats(m, buf, size);
}

int inspect_stats(struct session *s, struct cmd_args *a)
{
	if (a->argc > 1)
		return session_error(s, "stats takes no arguments");
	return inspect_print_grown(s, stats_fn, 0, 0);
}

int inspect_events(struct session *s, struct cmd_args *a)
{
	const struct event_ring *ring = &s->m->vm.events;
	uint64_t want = 20, oldest = event_oldest(ring), from, *hit;
	bool since = false, filtered = false;
	struct evfilter f;
	char line[256];
	unsigned int n = 0;
	int i = 1;

	if (a->argc > i && !strcmp(a->argv[i], "new")) {
		since = true;
		want = 1000;
		i++;
	} else if (a->argc > i && a->argv[i][0] >= '0' &&
		   a->argv[i][0] <= '9') {
		if (!dbg_parse_u64(a->argv[i], &want) || !want ||
		    want > 100000)
			return session_error(s, "'%s' is not a count from 1 "
					     "to 100000", a->argv[i]);
		i++;
	}
	if (a->argc > i) {
		if (commands_parse_filter(s, a->argc - i, a->argv + i, &f))
			return -EINVAL;
		filtered = true;
	}
	from = since && s->ev_cursor > oldest ? s->ev_cursor : oldest;
	hit = malloc(want * sizeof(*hit));
	if (!hit)
		return session_error(s, "out of memory");
	/* Newest first until we have enough, then print oldest first. */
	for (uint64_t q = ring->next_seq; q > from && n < want; q--) {
		const struct hv_event *ev = event_get(ring, q - 1);

		if (ev && (!filtered || evfilter_match(&f, ev)))
			hit[n++] = q - 1;
	}
	if (!n)
		session_printf(s, "No %s%sevents%s.\n", since ? "new " : "",
			       filtered ? "matching " : "",
			       ring->next_seq > from && filtered ?
			       " among those kept" : "");
	while (n) {
		event_format(event_get(ring, hit[--n]), line, sizeof(line));
		session_printf(s, "%s\n", line);
	}
	free(hit);
	s->ev_cursor = ring->next_seq;
	return 0;
}

void inspect_complete_events(struct session *s, int argi, char **argv,
			     cmd_add_fn add, void *ctx)
{
	const char *w;
	int first = 1;

	if (argi == 1)
		add(ctx, "new");
	if (argi > 1 && (!strcmp(argv[1], "new") ||
			 (argv[1][0] >= '0' && argv[1][0] <= '9')))
		first = 2;
	if (argi == first) {
		for (unsigned int i = 0; (w = evfilter_word(i)); i++)
			if (*w)
				add(ctx, w);
	} else if (argi > first) {
		const char *dot = strchr(argv[first], '.');
		int k = event_kind_by_name(dot ? dot + 1 : argv[first]);

		for (unsigned int i = 0; (w = evfilter_field_word(k, i)); i++)
			if (*w)
				add(ctx, w);
	}
}
