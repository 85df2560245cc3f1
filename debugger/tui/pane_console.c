/* SPDX-License-Identifier: MIT */
/*
 * The guest console pane: the bytes the guest wrote to its UART, as lines,
 * the newest at the bottom; Up/PgUp scroll back.
 */
#include "debugger/tui/tui.h"

static void console_draw(struct tui_pane *p, struct canvas *c)
{
	tui_lines_draw(p, c, &p->t->console);
}

static int console_key(struct tui_pane *p, int key)
{
	return tui_lines_key(p, &p->t->console, key);
}

static bool console_search(struct tui_pane *p, const char *text)
{
	return tui_lines_search(p, &p->t->console, text);
}

const struct tui_pane_ops tui_pane_console_ops = {
	.name = "Guest console",
	.hotkey = '3',
	.draw = console_draw,
	.key = console_key,
	.search = console_search,
};
