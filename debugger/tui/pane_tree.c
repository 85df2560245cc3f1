/* SPDX-License-Identifier: MIT */
/*
 * The tree pane: the hypervisor's tables from the machine's node source
 * (tree_source.c): TDP tables, shadow pages or stage-2 tables. Nodes
 * expand and collapse (Enter, space, Right/Left); the node the last MMU
 * event touched is drawn in TR_HILITE and marked ">>", and the path to
 * it is opened at every stop so the student sees it without looking.
 *
 * The tree is rebuilt from the machine at every stop; expand state is
 * kept by node key, so it survives the rebuild.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/tui/tree.h"
#include "debugger/tui/tui.h"

#define TREE_STATE_MAX 1024
#define TREE_DEFAULT_DEPTH 3	/* nodes shallower than this start open */
#define TREE_SCAN_MAX 65536	/* events searched back for a touched node */

enum { NS_OPEN = 1, NS_CLOSED = 2 };

struct tree_pane {
	const struct tui_tree_source *src;
	struct tui_tree tree;
	struct { uint64_t key; uint8_t state; } st[TREE_STATE_MAX];
	unsigned int nst;
	unsigned int *vis;	/* indices of the visible nodes */
	unsigned int nvis, vis_cap;
	int hl;			/* node index touched last, or -1 */
	uint64_t hl_addr, hl_key;
	bool have_hl;
};

static int tree_init(struct tui_pane *p)
{
	struct tree_pane *tp = calloc(1, sizeof(*tp));

	if (!tp)
		return -ENOMEM;
	tp->hl = -1;
	p->priv = tp;
	return 0;
}

static void tree_fini(struct tui_pane *p)
{
	struct tree_pane *tp = p->priv;

	if (!tp)
		return;
	tui_tree_free(&tp->tree);
	free(tp->vis);
	free(tp);
}

static int state_of(const struct tree_pane *tp, uint64_t key)
{
	for (unsigned int i = 0; i < tp->nst; i++)
		if (tp->st[i].key == key)
			return tp->st[i].state;
	return 0;
}

static void set_state(struct tree_pane *tp, uint64_t key, int state)
{
	for (unsigned int i = 0; i < tp->nst; i++) {
		if (tp->st[i].key == key) {
			tp->st[i].state = (uint8_t)state;
			return;
		}
	}
	if (tp->nst == TREE_STATE_MAX)
		tp->nst = 0;	/* forget the oldest choices */
	tp->st[tp->nst].key = key;
	tp->st[tp->nst++].state = (uint8_t)state;
}

static bool is_open(const struct tree_pane *tp,
		    const struct tui_tree_node *n)
{
	int s = state_of(tp, n->key);

	if (!(n->flags & TN_CHILDREN))
		return false;
	return s ? s == NS_OPEN : n->depth < TREE_DEFAULT_DEPTH;
}

/* The nodes not hidden under a closed ancestor. */
static void compute_visible(struct tree_pane *tp)
{
	const struct tui_tree *t = &tp->tree;
	int hide_below = -1;

	if (tp->vis_cap < t->count) {
		unsigned int *v = realloc(tp->vis, t->count * sizeof(*v));

		if (!v) {
			tp->nvis = 0;
			return;
		}
		tp->vis = v;
		tp->vis_cap = t->count;
	}
	tp->nvis = 0;
	for (unsigned int i = 0; i < t->count; i++) {
		const struct tui_tree_node *n = &t->n[i];

		if (hide_below >= 0 && n->depth > hide_below)
			continue;
		hide_below = -1;
		tp->vis[tp->nvis++] = i;
		if ((n->flags & TN_CHILDREN) && !is_open(tp, n))
			hide_below = n->depth;
	}
}

/* Open every ancestor of node @idx. */
static void open_path(struct tree_pane *tp, int idx)
{
	int depth = tp->tree.n[idx].depth;

	for (int i = idx - 1; i >= 0 && depth > 0; i--) {
		if (tp->tree.n[i].depth < depth) {
			set_state(tp, tp->tree.n[i].key, NS_OPEN);
			depth = tp->tree.n[i].depth;
		}
	}
}

/* The newest event the source says touched its tables: address or key. */
static bool find_touched(struct tui_pane *p, uint64_t *addr, uint64_t *key)
{
	struct tree_pane *tp = p->priv;
	const struct session *s = p->t->s;
	const struct event_ring *ring = &s->m->vm.events;
	uint64_t oldest = event_oldest(ring), q = ring->next_seq;
	bool (*touched)(const struct session *, const struct hv_event *,
			uint64_t *, uint64_t *) = tp->src->touched ?
			tp->src->touched : tui_tree_touched_default;

	if (oldest + TREE_SCAN_MAX < q)
		oldest = q - TREE_SCAN_MAX;
	while (q-- > oldest) {
		const struct hv_event *ev = event_get(ring, q);

		if (ev && touched(s, ev, addr, key))
			return true;
	}
	return false;
}

static void tree_refresh(struct tui_pane *p)
{
	struct tree_pane *tp = p->priv;
	uint64_t cursor_key = 0;
	bool had_cursor = tp->nvis && p->cursor >= 0 &&
			  (unsigned int)p->cursor < tp->nvis;

	if (had_cursor)
		cursor_key = tp->tree.n[tp->vis[p->cursor]].key;
	tp->src = tui_tree_source_for(p->t->s);
	tui_tree_reset(&tp->tree);
	tp->src->build(p->t->s, &tp->tree);
	tp->hl = -1;
	tp->have_hl = find_touched(p, &tp->hl_addr, &tp->hl_key);
	for (unsigned int i = 0; tp->have_hl && i < tp->tree.count; i++) {
		const struct tui_tree_node *n = &tp->tree.n[i];

		if (tp->hl_key) {
			if (n->key == tp->hl_key) {
				tp->hl = (int)i;
				break;
			}
			continue;
		}
		/* The deepest (last in pre-order) node covering it. */
		if (n->hi && tp->hl_addr >= n->lo && tp->hl_addr < n->hi &&
		    (tp->hl < 0 || n->depth >= tp->tree.n[tp->hl].depth))
			tp->hl = (int)i;
	}
	if (tp->hl >= 0)
		open_path(tp, tp->hl);
	compute_visible(tp);
	/* The cursor goes to the touched node; else stays on its node. */
	p->cursor = 0;
	for (unsigned int v = 0; v < tp->nvis; v++) {
		uint64_t key = tp->tree.n[tp->vis[v]].key;

		if ((tp->hl >= 0 && tp->vis[v] == (unsigned int)tp->hl) ||
		    (tp->hl < 0 && had_cursor && key == cursor_key)) {
			p->cursor = (int)v;
			break;
		}
	}
}

static void tree_draw(struct tui_pane *p, struct canvas *c)
{
	struct tree_pane *tp = p->priv;
	int rows = canvas_rows(c), first;
	bool focus = p->t->focus == TP_TREE;

	if (!tp->nvis) {
		canvas_put(c, 0, 0, canvas_role(TR_PENDING),
			   tp->tree.note[0] ? tp->tree.note : "(empty)");
		return;
	}
	first = p->cursor - rows / 2;
	if (first > (int)tp->nvis - rows)
		first = (int)tp->nvis - rows;
	if (first < 0)
		first = 0;
	p->scroll = first;
	for (int r = 0; r < rows && first + r < (int)tp->nvis; r++) {
		unsigned int i = tp->vis[first + r];
		const struct tui_tree_node *n = &tp->tree.n[i];
		bool hl = (int)i == tp->hl, cur = focus && first + r == p->cursor;
		uint16_t a = canvas_role(hl ? TR_HILITE : cur ? TR_CURSOR :
					 TR_NORMAL);
		int col;

		col = canvas_put(c, r, 0, canvas_role(hl ? TR_HILITE :
						     TR_NORMAL),
				 hl ? ">>" : cur ? "> " : "  ");
		col = canvas_printf(c, r, col + n->depth * 2, a, "%s %s",
				    !(n->flags & TN_CHILDREN) ? " -" :
				    is_open(tp, n) ? "[-]" : "[+]", n->text);
		if (n->flags & TN_MARK)
			canvas_put(c, r, col + 1, canvas_role(TR_CHANGED), "!");
	}
	if (tp->tree.note[0] && (int)tp->nvis - first < rows)
		canvas_put(c, (int)tp->nvis - first, 0,
			   canvas_role(TR_PENDING), tp->tree.note);
}

static void toggle(struct tree_pane *tp, int v, int want)
{
	const struct tui_tree_node *n;

	if (v < 0 || (unsigned int)v >= tp->nvis)
		return;
	n = &tp->tree.n[tp->vis[v]];
	if (!(n->flags & TN_CHILDREN))
		return;
	if (!want)
		want = is_open(tp, n) ? NS_CLOSED : NS_OPEN;
	set_state(tp, n->key, want);
	compute_visible(tp);
}

static int tree_key(struct tui_pane *p, int key)
{
	struct tree_pane *tp = p->priv;

	switch (key) {
	case TK_UP: p->cursor--; break;
	case TK_DOWN: p->cursor++; break;
	case TK_PGUP: p->cursor -= p->height; break;
	case TK_PGDN: p->cursor += p->height; break;
	case TK_HOME: p->cursor = 0; break;
	case TK_END: p->cursor = (int)tp->nvis - 1; break;
	case TK_ENTER: case '\r': case ' ':
		toggle(tp, p->cursor, 0);
		break;
	case TK_RIGHT: toggle(tp, p->cursor, NS_OPEN); break;
	case TK_LEFT: toggle(tp, p->cursor, NS_CLOSED); break;
	default: return TUI_IGNORED;
	}
	if (p->cursor >= (int)tp->nvis)
		p->cursor = (int)tp->nvis - 1;
	if (p->cursor < 0)
		p->cursor = 0;
	return TUI_HANDLED | TUI_REDRAW;
}

static bool tree_search(struct tui_pane *p, const char *text)
{
	struct tree_pane *tp = p->priv;
	unsigned int from = tp->nvis && (unsigned int)p->cursor < tp->nvis ?
			    tp->vis[p->cursor] + 1 : 0;

	for (unsigned int k = 0; k < tp->tree.count; k++) {
		unsigned int i = (from + k) % tp->tree.count;

		if (!strstr(tp->tree.n[i].text, text))
			continue;
		open_path(tp, (int)i);
		compute_visible(tp);
		for (unsigned int v = 0; v < tp->nvis; v++)
			if (tp->vis[v] == i)
				p->cursor = (int)v;
		return true;
	}
	return false;
}

static void tree_subtitle(struct tui_pane *p, char *buf, size_t size)
{
	struct tree_pane *tp = p->priv;

	if (!tp->src)
		return;
	snprintf(buf, size, "%s: %u node%s%s", tp->src->name,
		 tp->tree.count, tp->tree.count == 1 ? "" : "s",
		 tp->tree.truncated ? " (truncated)" : "");
}

const struct tui_pane_ops tui_pane_tree_ops = {
	.name = "Tables",
	.hotkey = '7',
	.init = tree_init,
	.fini = tree_fini,
	.draw = tree_draw,
	.key = tree_key,
	.refresh = tree_refresh,
	.search = tree_search,
	.subtitle = tree_subtitle,
};
