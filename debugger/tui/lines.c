/* SPDX-License-Identifier: MIT */
/*
 * Text rings for the console and output panes: the last few thousand
 * lines, each cut to TUI_LINE_MAX, with a role for its attributes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/tui/tui.h"

int tui_lines_init(struct tui_lines *l, unsigned int cap)
{
	memset(l, 0, sizeof(*l));
	l->v = calloc(cap, sizeof(*l->v));
	if (!l->v)
		return -ENOMEM;
	l->cap = cap;
	return 0;
}

void tui_lines_free(struct tui_lines *l)
{
	free(l->v);
	l->v = NULL;
}

static struct tui_line *cur(struct tui_lines *l, enum tui_role role)
{
	struct tui_line *ln;

	if (!l->open) {
		ln = &l->v[l->end % l->cap];
		ln->text[0] = '\0';
		ln->role = (uint8_t)role;
		l->end++;
		if (l->end - l->first > l->cap)
			l->first = l->end - l->cap;
		l->open = true;
	}
	return &l->v[(l->end - 1) % l->cap];
}

void tui_lines_add(struct tui_lines *l, const char *text, size_t len,
		   enum tui_role role)
{
	if (!l->v)
		return;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];
		struct tui_line *ln;
		size_t n;

		if (ch == '\n') {
			cur(l, role);
			l->open = false;
			continue;
		}
		if (ch == '\r' || (ch < 0x20 && ch != '\t'))
			continue;
		ln = cur(l, role);
		n = strlen(ln->text);
		if (ch == '\t') {
			do {
				if (n < TUI_LINE_MAX - 1)
					ln->text[n++] = ' ';
			} while (n % 8 && n < TUI_LINE_MAX - 1);
			ln->text[n] = '\0';
			continue;
		}
		if (n < TUI_LINE_MAX - 1) {
			ln->text[n] = ch < 0x7f ? (char)ch : '.';
			ln->text[n + 1] = '\0';
		}
	}
}

const struct tui_line *tui_lines_get(const struct tui_lines *l, uint64_t n)
{
	if (!l->v || n < l->first || n >= l->end)
		return NULL;
	return &l->v[n % l->cap];
}

uint64_t tui_lines_count(const struct tui_lines *l)
{
	return l->end - l->first;
}

/* --- drawing a ring in a pane (the console and output panes) -------------- */

void tui_lines_draw(struct tui_pane *p, struct canvas *c,
		    const struct tui_lines *l)
{
	int rows = canvas_rows(c);
	uint64_t end = l->end, n;

	if (p->scroll > 0 && (uint64_t)p->scroll < tui_lines_count(l))
		end -= (uint64_t)p->scroll;
	n = end - l->first < (uint64_t)rows ? end - l->first : (uint64_t)rows;
	for (int r = 0; r < (int)n; r++) {
		const struct tui_line *ln = tui_lines_get(l, end - n + r);

		if (ln)
			canvas_put(c, r, 0, canvas_role(ln->role), ln->text);
	}
}

int tui_lines_key(struct tui_pane *p, const struct tui_lines *l, int key)
{
	int max = (int)tui_lines_count(l) - p->height;

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

bool tui_lines_search(struct tui_pane *p, const struct tui_lines *l,
		      const char *text)
{
	/* Backwards from above the bottom line shown. */
	uint64_t from = l->end - (uint64_t)p->scroll;

	for (uint64_t n = from; n-- > l->first;) {
		const struct tui_line *ln = tui_lines_get(l, n);

		if (ln && n + 1 != from && strstr(ln->text, text)) {
			p->scroll = (int)(l->end - n - 1);
			return true;
		}
	}
	return false;
}
