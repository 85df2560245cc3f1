/* SPDX-License-Identifier: MIT */
/*
 * The registers pane: the CPU's register table, general registers
 * packed in columns, control and system registers decoded bit by bit
 * (vcpu_ops.describe_reg). A register whose value differs from the
 * previous stop is drawn in TR_CHANGED and marked '*', so the change
 * shows on a monochrome projector too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/tui/tui.h"

#define REGS_MAX 256

struct regs_pane {
	const struct vcpu_reg_desc *table;
	unsigned int n;
	uint64_t cur[REGS_MAX], prev[REGS_MAX];
	bool ok[REGS_MAX], have_prev;
	uint64_t gen;		/* t->stops when cur was read */
	uint64_t pc, prev_pc;
};

static int regs_init(struct tui_pane *p)
{
	p->priv = calloc(1, sizeof(struct regs_pane));
	return p->priv ? 0 : -ENOMEM;
}

static void regs_fini(struct tui_pane *p)
{
	free(p->priv);
}

static void regs_refresh(struct tui_pane *p)
{
	struct regs_pane *r = p->priv;
	struct vcpu *v = p->t->s->m->vm.vcpu;

	/* A new stop: what we showed becomes the base of "changed". */
	if (r->gen != p->t->stops) {
		memcpy(r->prev, r->cur, sizeof(r->prev));
		r->prev_pc = r->pc;
		r->have_prev = true;
		r->gen = p->t->stops;
	}
	r->pc = session_pc(p->t->s);
	r->n = 0;
	r->table = v->ops->reg_table ? v->ops->reg_table(v, &r->n) : NULL;
	if (r->n > REGS_MAX)
		r->n = REGS_MAX;
	for (unsigned int i = 0; r->table && i < r->n; i++)
		r->ok[i] = v->ops->get_reg && !v->ops->get_reg(v, i, &r->cur[i]);
	if (!r->have_prev && !p->t->stops)
		memcpy(r->prev, r->cur, sizeof(r->prev));
}

static bool changed(const struct regs_pane *r, unsigned int i)
{
	return r->have_prev && r->ok[i] && r->cur[i] != r->prev[i];
}

struct regs_draw {
	struct canvas *c;
	int row, col, width, skip;
};

static void next_row(struct regs_draw *d)
{
	d->row++;
	d->col = 0;
}

/* Is the drawing row on screen after the scroll? */
static int vis(const struct regs_draw *d)
{
	return d->row - d->skip;
}

static void draw_compact(struct tui_pane *p, struct regs_draw *d,
			 unsigned int group)
{
	struct regs_pane *r = p->priv;
	unsigned int namew = 3;

	for (unsigned int i = 0; i < r->n; i++)
		if (r->table[i].group == group && strlen(r->table[i].name) > namew)
			namew = (unsigned int)strlen(r->table[i].name);
	for (unsigned int i = 0; i < r->n; i++) {
		const struct vcpu_reg_desc *rd = &r->table[i];
		int digits = (rd->bits + 3) / 4, w;
		bool ch = changed(r, i);

		if (rd->group != group || !r->ok[i])
			continue;
		w = (int)namew + 1 + 2 + digits;	/* "rax*0x..." */
		if (d->col && d->col + w > d->width)
			next_row(d);
		canvas_printf(d->c, vis(d), d->col, 0, "%-*s%c", (int)namew,
			      rd->name, ch ? '*' : ' ');
		canvas_printf(d->c, vis(d), d->col + (int)namew + 1,
			      canvas_role(ch ? TR_CHANGED : TR_NORMAL),
			      "0x%0*llx", digits,
			      (unsigned long long)r->cur[i]);
		d->col += w + 1;
	}
	if (d->col)
		next_row(d);
}

static void draw_decoded(struct tui_pane *p, struct regs_draw *d,
			 unsigned int group)
{
	struct regs_pane *r = p->priv;
	struct vcpu *v = p->t->s->m->vm.vcpu;

	for (unsigned int i = 0; i < r->n; i++) {
		const struct vcpu_reg_desc *rd = &r->table[i];
		bool ch = changed(r, i);
		char line[256];

		if (rd->group != group || !r->ok[i])
			continue;
		if (!v->ops->describe_reg ||
		    v->ops->describe_reg(v, i, line, sizeof(line)) <= 0)
			snprintf(line, sizeof(line), "%s = 0x%0*llx", rd->name,
				 (rd->bits + 3) / 4,
				 (unsigned long long)r->cur[i]);
		canvas_putn(d->c, vis(d), 0, 0, ch ? "*" : " ", 1);
		canvas_put(d->c, vis(d), 1,
			   canvas_role(ch ? TR_CHANGED : TR_NORMAL), line);
		next_row(d);
	}
}

static void regs_draw(struct tui_pane *p, struct canvas *c)
{
	struct regs_pane *r = p->priv;
	struct regs_draw d = { .c = c, .width = canvas_cols(c),
			       .skip = p->scroll };
	char a[20];

	if (!r->table || !r->n) {
		canvas_printf(c, 0, 0, canvas_role(r->pc != r->prev_pc &&
						   r->have_prev ? TR_CHANGED :
						   TR_NORMAL),
			      "pc     %s", session_fmt_addr(r->pc, a));
		canvas_printf(c, 1, 0, 0, "icount %llu",
			      (unsigned long long)session_icount(p->t->s));
		canvas_put(c, 3, 0, canvas_role(TR_PENDING),
			   "(this CPU does not show its registers yet)");
		return;
	}
	draw_compact(p, &d, VCPU_REG_GPR);
	draw_compact(p, &d, VCPU_REG_PC);
	draw_decoded(p, &d, VCPU_REG_FLAGS);
	draw_compact(p, &d, VCPU_REG_SEG);
	draw_decoded(p, &d, VCPU_REG_CTRL);
	draw_decoded(p, &d, VCPU_REG_SYS);
	p->cursor = d.row;	/* lines in all, for scrolling */
}

static int regs_key(struct tui_pane *p, int key)
{
	int max = p->cursor - p->height;

	switch (key) {
	case TK_UP: p->scroll--; break;
	case TK_DOWN: p->scroll++; break;
	case TK_PGUP: p->scroll -= p->height; break;
	case TK_PGDN: p->scroll += p->height; break;
	case TK_HOME: p->scroll = 0; break;
	default: return TUI_IGNORED;
	}
	if (p->scroll > max)
		p->scroll = max;
	if (p->scroll < 0)
		p->scroll = 0;
	return TUI_HANDLED | TUI_REDRAW;
}

static void regs_subtitle(struct tui_pane *p, char *buf, size_t size)
{
	struct regs_pane *r = p->priv;
	unsigned int n = 0;

	for (unsigned int i = 0; i < r->n; i++)
		n += changed(r, i);
	if (n)
		snprintf(buf, size, "%u changed (*)", n);
}

static bool regs_search(struct tui_pane *p, const char *text)
{
	struct regs_pane *r = p->priv;

	for (unsigned int i = 0; i < r->n; i++)
		if (strstr(r->table[i].name, text))
			return true;
	return false;
}

const struct tui_pane_ops tui_pane_regs_ops = {
	.name = "Registers",
	.hotkey = '1',
	.init = regs_init,
	.fini = regs_fini,
	.draw = regs_draw,
	.key = regs_key,
	.refresh = regs_refresh,
	.search = regs_search,
	.subtitle = regs_subtitle,
};
