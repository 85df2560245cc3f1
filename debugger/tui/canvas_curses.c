/* SPDX-License-Identifier: MIT */
/*
 * The curses canvas: our attributes become curses attributes on stdscr.
 * The monochrome bits always apply; a colour pair is added only when
 * the terminal has colours, so a monochrome terminal loses nothing.
 */
#include <curses.h>

#include "debugger/tui/canvas.h"

static bool have_colors;

static attr_t curses_attr(uint16_t a)
{
	attr_t r = A_NORMAL;

	if (a & CA_BOLD)
		r |= A_BOLD;
	if (a & CA_REVERSE)
		r |= A_REVERSE;
	if (a & CA_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & CA_DIM)
		r |= A_DIM;
	if (have_colors && CA_COLOR_OF(a))
		r |= COLOR_PAIR(CA_COLOR_OF(a));
	return r;
}

static void curses_put(struct canvas *c, int row, int col, const char *s,
		       int n, uint16_t attr)
{
	attrset(curses_attr(attr));
	mvaddnstr(row, col, s, n);
	attrset(A_NORMAL);
}

static const struct canvas_ops canvas_curses_ops = {
	.put = curses_put,
};

void canvas_curses_init(struct canvas *c)
{
	static const short fg[CC__COUNT] = {
		[CC_RED] = COLOR_RED, [CC_GREEN] = COLOR_GREEN,
		[CC_YELLOW] = COLOR_YELLOW, [CC_BLUE] = COLOR_BLUE,
		[CC_MAGENTA] = COLOR_MAGENTA, [CC_CYAN] = COLOR_CYAN,
	};
	static bool once;

	if (!once && has_colors() && start_color() == OK) {
		use_default_colors();
		for (int i = 1; i < CC__COUNT; i++)
			init_pair((short)i, fg[i], -1);
		have_colors = true;
	}
	once = true;
	canvas_init(c, &canvas_curses_ops, NULL, LINES, COLS);
}
