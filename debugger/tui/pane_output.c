/* SPDX-License-Identifier: MIT */
/*
 * The output pane: what the command table printed (the command line's
 * commands, stop reports), errors in TR_ERROR; Up/PgUp scroll back.
 */
#include "debugger/tui/tui.h"

static void output_draw(struct tui_pane *p, struct canvas *c)
{
	tui_lines_draw(p, c, &p->t->output);
}

static int output_key(struct tui_pane *p, int key)
{
	return tui_lines_key(p, &p->t->output, key);
}

static bool output_search(struct tui_pane *p, const char *text)
{
	return tui_lines_search(p, &p->t->output, text);
}

const struct tui_pane_ops tui_pane_output_ops = {
	.name = "Output",
	.hotkey = '5',
	.draw = output_draw,
	.key = output_key,
	.search = output_search,
};
