/* SPDX-License-Identifier: MIT */
/*
 * The event log: the newest events of the VM's ring at the bottom, read
 * straight from the ring (no copy). Events the last run emitted are in
 * TR_NEW, the one that stopped it in TR_HILITE and marked ">>". Up/PgUp
 * scroll back in the ring; '/' finds an event by its text.
 */
#include <stdio.h>
#include <string.h>

#include "debugger/tui/tui.h"

static uint64_t ev_end(const struct tui_pane *p)
{
	return p->t->s->m->vm.events.next_seq;
}

static void events_draw(struct tui_pane *p, struct canvas *c)
{
	const struct session *s = p->t->s;
	const struct event_ring *ring = &s->m->vm.events;
	uint64_t oldest = event_oldest(ring), end = ev_end(p), n;
	int rows = canvas_rows(c);
	char line[256];

	if ((uint64_t)p->scroll < end - oldest)
		end -= (uint64_t)p->scroll;
	n = end - oldest < (uint64_t)rows ? end - oldest : (uint64_t)rows;
	if (!n) {
		canvas_put(c, 0, 0, canvas_role(TR_PENDING), "(no events yet)");
		return;
	}
	for (int r = 0; r < (int)n; r++) {
		uint64_t seq = end - n + (uint64_t)r;
		const struct hv_event *ev = event_get(ring, seq);
		bool stop = s->last.has_event && s->last.ev.seq == seq;
		bool fresh = seq >= s->last.ev_first && seq < s->last.ev_end;

		if (!ev)
			continue;
		event_format(ev, line, sizeof(line));
		canvas_put(c, r, 0, canvas_role(stop ? TR_HILITE : TR_NORMAL),
			   stop ? ">>" : "  ");
		canvas_put(c, r, 2, canvas_role(stop ? TR_HILITE : fresh ?
						TR_NEW : TR_NORMAL), line);
	}
}

static int events_key(struct tui_pane *p, int key)
{
	const struct event_ring *ring = &p->t->s->m->vm.events;
	int max = (int)(ev_end(p) - event_oldest(ring)) - p->height;

	switch (key) {
	case TK_UP: p->scroll++; break;
	case TK_DOWN: p->scroll--; break;
	case TK_PGUP: p->scroll += p->height; break;
	case TK_PGDN: p->scroll -= p->height; break;
	case TK_HOME: p->scroll = max; break;
	case TK_END: p->scroll = 0; break;
	default: return TUI_IGNORED;
	}
	if (p->scroll > max)
		p->scroll = max;
	if (p->scroll < 0)
		p->scroll = 0;
	return TUI_HANDLED | TUI_REDRAW;
}

static bool events_search(struct tui_pane *p, const char *text)
{
	const struct event_ring *ring = &p->t->s->m->vm.events;
	uint64_t from = ev_end(p) - (uint64_t)p->scroll;
	char line[256];

	for (uint64_t q = from; q-- > event_oldest(ring);) {
		const struct hv_event *ev = event_get(ring, q);

		if (!ev || q + 1 == from)
			continue;
		event_format(ev, line, sizeof(line));
		if (strstr(line, text)) {
			p->scroll = (int)(ev_end(p) - q - 1);
			return true;
		}
	}
	return false;
}

static void events_refresh(struct tui_pane *p)
{
	p->scroll = 0;
}

static void events_subtitle(struct tui_pane *p, char *buf, size_t size)
{
	const struct session_stop *st = &p->t->s->last;

	if (st->ev_end > st->ev_first)
		snprintf(buf, size, "%llu new (bold)",
			 (unsigned long long)(st->ev_end - st->ev_first));
}

const struct tui_pane_ops tui_pane_events_ops = {
	.name = "Events",
	.hotkey = '4',
	.draw = events_draw,
	.key = events_key,
	.refresh = events_refresh,
	.search = events_search,
	.subtitle = events_subtitle,
};
