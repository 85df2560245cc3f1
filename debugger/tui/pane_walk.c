/* SPDX-License-Identifier: MIT */
/*
 * The walk pane: the current fault's page-table walk, drawn from the
 * walk record's steps (not from the text formatter), in the order the
 * hardware made the memory references. A two-dimensional walk shows
 * each guest step after the nested EPT / stage-2 steps that found its
 * table (indented), and the final address's nested walk last, numbered
 * 1..N: the student counts the references.
 *
 * Which walk: the newest fault in the event ring (a guest #PF, a walker
 * error, an EPT violation with a gva, an arm64 abort), else the newest
 * hardware walk. It is walked again with vcpu_ops.translate (a peek: no
 * A/D bits, no faults), right after the stop, so the tables are the
 * ones that faulted.
 *
 * The highlight: one step is "current" (TR_HILITE, ">>"), the steps
 * before it "visited" (bold), those after it "pending" (dim). After a
 * stop the current step is the last one, where the walk ended or
 * faulted; Left/Right/Up/Down move it, and with animation on (the live
 * TUI) it runs from the first reference to the last, so the levels
 * light up as the hardware visits them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/tui/tui.h"

#define WALK_SCAN_MAX 65536	/* events searched back for a fault */

struct walk_pane {
	struct walk_record rec;
	unsigned int guest_n;	/* rec's steps of the walk proper; under a
				   shadow MMU the hardware's walk of the
				   shadow tables follows */
	bool shadow_miss;	/* ... and it missed: the access exits */
	bool have;		/* rec is valid */
	bool have_event;
	struct hv_event ev;	/* the event that named the address */
	char what[96];		/* "#PF write at gva 0x50000124" */
	uint64_t anim_next;	/* the next step the animation shows */
	bool animating;
};

static int walk_init(struct tui_pane *p)
{
	p->priv = calloc(1, sizeof(struct walk_pane));
	return p->priv ? 0 : -ENOMEM;
}

static void walk_fini(struct tui_pane *p)
{
	free(p->priv);
}

/* arm64 ESR.EC values of aborts: instruction/data, lower/same EL. */
static bool arm64_abort_ec(uint64_t ec)
{
	return ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25;
}

/*
 * If @ev names an address whose walk is worth showing: true with the
 * address, the access to translate it with, and a description. @fault
 * says whether it is a fault (preferred) or just a walk.
 */
static bool event_target(const struct hv_event *ev, uint64_t *addr,
			 uint32_t *access, bool *fault, char *what,
			 size_t size)
{
	switch (ev->kind) {
	case EV_page_fault:
		*addr = ev->a[0];
		*access = (uint32_t)ev->a[1];
		*fault = true;
		snprintf(what, size, "#PF 0x%llx at gva 0x%llx",
			 (unsigned long long)ev->a[1],
			 (unsigned long long)ev->a[0]);
		return true;
	case EV_walker_error:
		*addr = ev->a[1];
		*access = (uint32_t)ev->a[0];
		*fault = true;
		snprintf(what, size, "walker error 0x%llx at gva 0x%llx",
			 (unsigned long long)ev->a[0],
			 (unsigned long long)ev->a[1]);
		return true;
	case EV_ept_violation:
		if (!(ev->a[1] & (1u << 7)))	/* gva not valid */
			return false;
		*addr = ev->a[2];
		*access = (ev->a[1] & 2) ? 2 : (ev->a[1] & 4) ? 16 : 0;
		*fault = true;
		snprintf(what, size, "EPT violation gpa 0x%llx (gva 0x%llx)",
			 (unsigned long long)ev->a[0],
			 (unsigned long long)ev->a[2]);
		return true;
	case EV_arm64_exception:
		if (!arm64_abort_ec(ev->a[0]))
			return false;
		*addr = ev->a[2];
		*access = 0;
		*fault = true;
		snprintf(what, size, "abort EC 0x%llx at va 0x%llx",
			 (unsigned long long)ev->a[0],
			 (unsigned long long)ev->a[2]);
		return true;
	case EV_pagetable_walk:
		*addr = ev->a[0];
		*access = (uint32_t)ev->a[1];
		*fault = false;
		snprintf(what, size, "walk of gva 0x%llx",
			 (unsigned long long)ev->a[0]);
		return true;
	case EV_s1_walk:
		*addr = ev->a[0];
		*access = (uint32_t)ev->a[1];
		*fault = false;
		snprintf(what, size, "walk of va 0x%llx",
			 (unsigned long long)ev->a[0]);
		return true;
	}
	return false;
}

static void walk_refresh(struct tui_pane *p)
{
	struct walk_pane *w = p->priv;
	struct session *s = p->t->s;
	struct vcpu *v = s->m->vm.vcpu;
	const struct event_ring *ring = &s->m->vm.events;
	uint64_t oldest = event_oldest(ring), q = ring->next_seq;
	uint64_t addr = 0, waddr = 0;
	uint32_t access = 0, waccess = 0;
	bool found = false, walk_found = false, fault;
	char what[96], wwhat[96];
	const struct hv_event *wev = NULL, *fev = NULL;

	if (oldest + WALK_SCAN_MAX < q)
		oldest = q - WALK_SCAN_MAX;
	if (s->last.has_event &&
	    event_target(&s->last.ev, &addr, &access, &fault, what,
			 sizeof(what)) && fault) {
		found = true;
		fev = &s->last.ev;
	}
	while (!found && q-- > oldest) {
		const struct hv_event *ev = event_get(ring, q);
		uint64_t a;
		uint32_t acc;

		if (!ev || !event_target(ev, &a, &acc, &fault, what,
					 sizeof(what)))
			continue;
		if (fault) {
			addr = a;
			access = acc;
			found = true;
			fev = ev;
		} else if (!walk_found) {
			waddr = a;
			waccess = acc;
			walk_found = true;
			wev = ev;
			snprintf(wwhat, sizeof(wwhat), "%s", what);
		}
	}
	if (!found && walk_found) {
		addr = waddr;
		access = waccess;
		fev = wev;
		snprintf(what, sizeof(what), "%s", wwhat);
		found = true;
	}
	w->have = false;
	if (!found || !v->ops->translate)
		return;
	w->ev = *fev;
	w->have_event = true;
	snprintf(w->what, sizeof(w->what), "%s", what);
	if (s->arch->acc_write)
		access &= s->arch->acc_write | s->arch->acc_user |
			  s->arch->acc_fetch;
	walk_record_init(&w->rec, WALK_GUEST, addr, access);
	v->ops->translate(v, addr, access, &w->rec);
	w->guest_n = w->rec.nsteps;
	w->shadow_miss = false;
	if (s->m->vm.cfg.mmu_mode == VM_MMU_SHADOW && v->ops->shadow_peek) {
		struct walk_record *sr = malloc(sizeof(*sr));

		if (sr && !v->ops->shadow_peek(v, addr, access, sr)) {
			for (unsigned int i = 0; i < sr->nsteps &&
			     w->rec.nsteps < WALK_MAX_STEPS; i++)
				w->rec.step[w->rec.nsteps++] = sr->step[i];
			w->shadow_miss = sr->result != WALK_OK;
		}
		free(sr);
	}
	w->have = true;
	p->cursor = w->rec.nsteps ? w->rec.nsteps - 1 : 0;
	w->animating = p->t->animate && w->rec.nsteps > 1;
	if (w->animating)
		p->cursor = 0;
}

static const char *level_name(const struct walk_step *st)
{
	static const char *const x86[] = { "?", "PTE", "PDE", "PDPTE",
					   "PML4E", "PML5E" };
	static const char *const arm[] = { "L0", "L1", "L2", "L3" };

	if (st->table == WALK_S1 || st->table == WALK_S2) {
		if (st->level < 0)
			return "L-1";
		return st->level <= 3 ? arm[st->level] : "?";
	}
	return st->level >= 1 && st->level <= 5 ? x86[st->level] : "?";
}

static const char *table_short(uint8_t t)
{
	static const char *const n[] = { [WALK_GUEST] = "guest",
		[WALK_EPT] = "EPT", [WALK_SHADOW] = "shd",
		[WALK_S1] = "S1", [WALK_S2] = "S2" };

	return t < ARRAY_SIZE(n) && n[t] ? n[t] : "?";
}

static void perms_str(uint32_t p, char *buf)
{
	int n = 0;

	buf[n++] = p & WALK_P_READ ? 'R' : '-';
	buf[n++] = p & WALK_P_WRITE ? 'W' : '-';
	buf[n++] = p & WALK_P_EXEC ? 'X' : '-';
	buf[n++] = p & WALK_P_USER ? 'U' : '-';
	buf[n] = '\0';
}

static bool step_nested(const struct walk_record *rec,
			const struct walk_step *st)
{
	return st->table != rec->kind &&
	       (st->table == WALK_EPT || st->table == WALK_S2);
}

static void walk_result(const struct walk_pane *w, char *buf, size_t size)
{
	const struct walk_record *r = &w->rec;

	switch (r->result) {
	case WALK_OK:
		if (r->out_hpa)
			snprintf(buf, size, "=> gpa 0x%llx, hpa 0x%llx",
				 (unsigned long long)r->out,
				 (unsigned long long)r->out_hpa);
		else
			snprintf(buf, size, "=> %s 0x%llx",
				 r->kind == WALK_S1 ? "ipa" : "gpa",
				 (unsigned long long)r->out);
		break;
	case WALK_FAULT:
	case WALK_NESTED_FAULT:
		snprintf(buf, size, "=> %sFAULT at L%d: %s (code 0x%llx)",
			 r->result == WALK_NESTED_FAULT ? "NESTED " : "",
			 r->fault_level, r->why ? r->why : "?",
			 (unsigned long long)r->fault_code);
		break;
	default:
		snprintf(buf, size, "=> %s%s%s", walk_result_name(r->result),
			 r->why ? ": " : "", r->why ? r->why : "");
	}
}

static void walk_draw(struct tui_pane *p, struct canvas *c)
{
	struct walk_pane *w = p->priv;
	const struct walk_record *r = &w->rec;
	int rows = canvas_rows(c), cols = canvas_cols(c), first, body;
	bool wide = cols >= 70, faulted;
	char buf[160];

	if (!w->have) {
		canvas_put(c, 0, 0, canvas_role(TR_PENDING),
			   "(no walk yet: press f to run to a page fault)");
		return;
	}
	faulted = r->result == WALK_FAULT || r->result == WALK_NESTED_FAULT;
	canvas_printf(c, 0, 0, canvas_role(TR_VISITED), "%s: %u ref%s%s",
		      w->what, w->guest_n, w->guest_n == 1 ? "" : "s",
		      r->nsteps > w->guest_n ? ", then the shadow walk" : "");
	walk_result(w, buf, sizeof(buf));
	canvas_put(c, 1, 0, canvas_role(faulted ? TR_FAULT : TR_VISITED), buf);
	body = rows - 2;
	if (body <= 0)
		return;
	first = p->cursor - body / 2;
	if (first > (int)r->nsteps - body)
		first = (int)r->nsteps - body;
	if (first < 0)
		first = 0;
	for (int i = first; i < (int)r->nsteps && i - first < body; i++) {
		const struct walk_step *st = &r->step[i];
		bool nested = step_nested(r, st), cur = i == p->cursor;
		bool fault_here = faulted && i == (int)w->guest_n - 1;
		bool miss_here = w->shadow_miss && i == (int)r->nsteps - 1 &&
				 i >= (int)w->guest_n;
		enum tui_role role = cur ? TR_HILITE : i < p->cursor ?
				     TR_VISITED : TR_PENDING;
		int row = 2 + i - first, col;
		char perms[8];

		perms_str(st->perms, perms);
		col = canvas_put(c, row, 0, canvas_role(cur ? TR_HILITE :
						       TR_NORMAL),
				 cur ? ">>" : "  ");
		if (wide)
			col = canvas_printf(c, row, col, canvas_role(role),
					    "%2d %*s%-5s L%d %-5s[%3u] %s "
					    "0x%-9llx 0x%016llx %s", i + 1,
					    nested ? 2 : 0, "",
					    table_short(st->table), st->level,
					    st->table == WALK_S1 ||
					    st->table == WALK_S2 ? "" :
					    level_name(st), st->index,
					    st->table == WALK_GUEST ||
					    st->table == WALK_S1 ? "gpa" :
					    "hpa",
					    (unsigned long long)st->entry_addr,
					    (unsigned long long)st->entry,
					    perms);
		else
			col = canvas_printf(c, row, col, canvas_role(role),
					    "%2d %*s%-3.3s %-5s[%3u] %-9llx %s",
					    i + 1, nested ? 1 : 0, "",
					    st->table == WALK_GUEST ? "gst" :
					    table_short(st->table),
					    level_name(st), st->index,
					    (unsigned long long)st->entry,
					    fault_here ? "" : perms);
		if (fault_here)
			canvas_put(c, row, wide ? col + 1 : col,
				   canvas_role(TR_FAULT), "FAULT");
		else if (miss_here)
			canvas_put(c, row, wide ? col + 1 : col,
				   canvas_role(TR_FAULT), "MISS");
		else if (st->leaf)
			canvas_put(c, row, col + 1, canvas_role(role), "leaf");
	}
}

static int walk_key(struct tui_pane *p, int key)
{
	struct walk_pane *w = p->priv;
	int n = w->have ? w->rec.nsteps : 0;

	switch (key) {
	case TK_UP: case TK_LEFT: p->cursor--; break;
	case TK_DOWN: case TK_RIGHT: p->cursor++; break;
	case TK_HOME: p->cursor = 0; break;
	case TK_END: p->cursor = n - 1; break;
	case TK_PGUP: p->cursor -= p->height; break;
	case TK_PGDN: p->cursor += p->height; break;
	default: return TUI_IGNORED;
	}
	w->animating = false;
	if (p->cursor >= n)
		p->cursor = n - 1;
	if (p->cursor < 0)
		p->cursor = 0;
	return TUI_HANDLED | TUI_REDRAW;
}

static bool walk_tick(struct tui_pane *p)
{
	struct walk_pane *w = p->priv;

	if (!w->animating)
		return false;
	if (p->cursor + 1 >= (int)w->rec.nsteps) {
		w->animating = false;
		return false;
	}
	p->cursor++;
	if (p->cursor + 1 >= (int)w->rec.nsteps)
		w->animating = false;
	return true;
}

static bool walk_search(struct tui_pane *p, const char *text)
{
	struct walk_pane *w = p->priv;

	for (int i = p->cursor + 1; w->have && i < (int)w->rec.nsteps; i++) {
		const struct walk_step *st = &w->rec.step[i];
		char line[96];

		snprintf(line, sizeof(line), "%s L%d %s[%u] %llx",
			 table_short(st->table), st->level, level_name(st),
			 st->index, (unsigned long long)st->entry);
		if (strstr(line, text)) {
			p->cursor = i;
			return true;
		}
	}
	return false;
}

static void walk_subtitle(struct tui_pane *p, char *buf, size_t size)
{
	struct walk_pane *w = p->priv;

	if (w->have && w->rec.nsteps)
		snprintf(buf, size, "step %d/%u%s", p->cursor + 1,
			 w->rec.nsteps, w->animating ? " (visiting)" : "");
}

const struct tui_pane_ops tui_pane_walk_ops = {
	.name = "Walk",
	.hotkey = '6',
	.init = walk_init,
	.fini = walk_fini,
	.draw = walk_draw,
	.key = walk_key,
	.refresh = walk_refresh,
	.search = walk_search,
	.subtitle = walk_subtitle,
	.tick = walk_tick,
};
