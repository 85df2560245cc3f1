/* SPDX-License-Identifier: MIT */
/*
 * The disassembly pane: instructions around the pc, "=>" and TR_PC on
 * the pc's line, 'B' on breakpoints. x86 code cannot be decoded
 * backwards, so a few instructions before the pc are found as the CLI's
 * `disassemble` does: from a pc the guest really stopped at shortly
 * before (the session's history), kept if decoding from it lands on the
 * pc. Without a disassembler the pane shows the bytes at the pc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/tui/tui.h"

#define DIS_MAX 64

struct dis_line {
	uint64_t addr;
	int len;		/* <= 0: not mapped */
	char text[96];
};

struct dis_pane {
	struct dis_line l[DIS_MAX];
	int n, pc_line;
	uint64_t pc;
	bool no_disasm;
	uint8_t bytes[16];
	size_t nbytes;
};

static int dis_init(struct tui_pane *p)
{
	p->priv = calloc(1, sizeof(struct dis_pane));
	return p->priv ? 0 : -ENOMEM;
}

static void dis_fini(struct tui_pane *p)
{
	free(p->priv);
}

/* Where to start so that up to @before instructions precede the pc. */
static uint64_t dis_start(struct session *s, uint64_t pc, int before)
{
	struct vcpu *v = s->m->vm.vcpu;
	uint64_t best = pc;
	int best_n = 0;

	for (unsigned int h = 0; h < SESSION_PC_HISTORY && h < s->pc_hist_n;
	     h++) {
		uint64_t from = s->pc_hist[h], at = from, seen[64];
		int n = 0;
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

static void dis_refresh(struct tui_pane *p)
{
	struct dis_pane *d = p->priv;
	struct session *s = p->t->s;
	struct vcpu *v = s->m->vm.vcpu;
	uint64_t at;

	d->pc = session_pc(s);
	d->n = 0;
	d->pc_line = 0;
	d->no_disasm = !v->ops->disasm;
	if (d->no_disasm) {
		d->nbytes = vcpu_read_gva(v, d->pc, d->bytes, sizeof(d->bytes));
		return;
	}
	at = dis_start(s, d->pc, 4);
	while (d->n < DIS_MAX) {
		struct dis_line *l = &d->l[d->n++];

		l->addr = at;
		l->len = v->ops->disasm(v, at, l->text, sizeof(l->text));
		if (at == d->pc)
			d->pc_line = d->n - 1;
		if (l->len <= 0) {
			snprintf(l->text, sizeof(l->text), "(not mapped)");
			break;
		}
		at += (uint64_t)l->len;
	}
	p->scroll = 0;
}

static bool bp_at(struct session *s, uint64_t gva)
{
	for (unsigned int i = 0; i < SESSION_MAX_BREAKPOINTS; i++)
		if (s->bp[i].num && s->bp[i].type == BP_GVA &&
		    s->bp[i].addr == gva)
			return true;
	return false;
}

static void dis_draw(struct tui_pane *p, struct canvas *c)
{
	struct dis_pane *d = p->priv;
	int rows = canvas_rows(c), first;
	char a[20];

	if (d->no_disasm) {
		int col;

		col = canvas_printf(c, 0, 0, canvas_role(TR_PC), "=> %s:",
				    session_fmt_addr(d->pc, a));
		for (size_t i = 0; i < d->nbytes && i < 8; i++)
			col = canvas_printf(c, 0, col, 0, " %02x", d->bytes[i]);
		if (!d->nbytes)
			canvas_put(c, 0, col, 0, " (not mapped)");
		canvas_put(c, 2, 0, canvas_role(TR_PENDING),
			   "(no disassembler for this CPU yet)");
		return;
	}
	/* Keep the pc about a third of the way down. */
	first = d->pc_line - rows / 3 + p->scroll;
	if (first > d->n - rows)
		first = d->n - rows;
	if (first < 0)
		first = 0;
	for (int r = 0; r < rows && first + r < d->n; r++) {
		const struct dis_line *l = &d->l[first + r];
		bool pc = l->addr == d->pc, bp = bp_at(p->t->s, l->addr);
		int col;

		if (pc)
			canvas_fill(c, r, 0, 1, canvas_cols(c), ' ',
				    canvas_role(TR_PC));
		col = canvas_put(c, r, 0, canvas_role(pc ? TR_PC : TR_NORMAL),
				 pc ? "=>" : "  ");
		col = canvas_put(c, r, col, canvas_role(bp ? TR_BREAK :
						       pc ? TR_PC : TR_NORMAL),
				 bp ? "B" : " ");
		canvas_printf(c, r, col, canvas_role(pc ? TR_PC : TR_NORMAL),
			      "%s  %s", session_fmt_addr(l->addr, a), l->text);
	}
}

static int dis_key(struct tui_pane *p, int key)
{
	switch (key) {
	case TK_UP: p->scroll--; break;
	case TK_DOWN: p->scroll++; break;
	case TK_PGUP: p->scroll -= p->height; break;
	case TK_PGDN: p->scroll += p->height; break;
	case TK_HOME: p->scroll = 0; break;
	default: return TUI_IGNORED;
	}
	if (p->scroll < -DIS_MAX)
		p->scroll = -DIS_MAX;
	if (p->scroll > DIS_MAX)
		p->scroll = DIS_MAX;
	return TUI_HANDLED | TUI_REDRAW;
}

static bool dis_search(struct tui_pane *p, const char *text)
{
	struct dis_pane *d = p->priv;

	for (int i = 0; i < d->n; i++) {
		if (strstr(d->l[i].text, text)) {
			p->scroll = i - d->pc_line;
			return true;
		}
	}
	return false;
}

const struct tui_pane_ops tui_pane_disasm_ops = {
	.name = "Disassembly",
	.hotkey = '2',
	.init = dis_init,
	.fini = dis_fini,
	.draw = dis_draw,
	.key = dis_key,
	.refresh = dis_refresh,
	.search = dis_search,
};
