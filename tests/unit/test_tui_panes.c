/* SPDX-License-Identifier: MIT */
/*
 * The TUI's panes and screen manager against the fake machine, drawn
 * into the in-memory canvas at 80x24 and 160x50: layout, the key bar,
 * changed registers, the command line, bad commands, search, help.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/tui/tui.h"
#include "fake_machine.h"

static struct fake_machine *fm;
static struct session s;
static struct tui *t;
static struct canvas_mem m;
static struct canvas c;
static char text[65536];

static void setup(void)
{
	fm = fake_machine_create();
	cr_assert_not_null(fm);
	t = calloc(1, sizeof(*t));
	cr_assert_not_null(t);
	cr_assert_eq(session_init(&s, &fm->m, &tui_view_ops, t), 0);
	cr_assert_eq(tui_init(t, &s, "guests/fake.elf"), 0);
	cr_assert_eq(canvas_mem_init(&m, &c, 24, 80), 0);
}

static void teardown(void)
{
	canvas_mem_free(&m);
	tui_fini(t);
	free(t);
	session_destroy(&s);
}

static const char *render(void)
{
	tui_render(t, &c);
	canvas_mem_text(&m, text, sizeof(text));
	return text;
}

static void resize(int rows, int cols)
{
	canvas_mem_free(&m);
	cr_assert_eq(canvas_mem_init(&m, &c, rows, cols), 0);
}

static void keys(const char *k)
{
	for (; *k; k++)
		tui_key(t, *k == '\n' ? TK_ENTER : *k);
}

TestSuite(tui_panes, .init = setup, .fini = teardown);

Test(tui_panes, small_layout_has_bars_and_main_panes)
{
	const char *out = render();
	char row[128];

	cr_assert_not(t->large);
	cr_assert(strstr(out, "Quadrant"), "%s", out);
	cr_assert(strstr(out, "pc 0x00001000"), "%s", out);
	canvas_mem_row(&m, 23, row, sizeof(row));
	cr_assert(strstr(row, "s Step") && strstr(row, "f Fault") &&
		  strstr(row, "c Cont") && strstr(row, "Tab Pane") &&
		  strstr(row, "/ Find") && strstr(row, ": Cmd") &&
		  strstr(row, "? Help") && strstr(row, "q Quit"), "%s", row);
	/* The key is drawn reversed, its label plain. */
	cr_assert(canvas_mem_attr(&m, 23, 0) & CA_REVERSE);
	for (const char *title = "Registers\0Disassembly\0Output\0Walk\0Tables\0";
	     *title; title += strlen(title) + 1)
		cr_assert(strstr(out, title), "%s missing:\n%s", title, out);
	cr_assert_not(strstr(out, "Events"), "%s", out);
}

Test(tui_panes, large_layout_shows_every_pane)
{
	const char *out;

	resize(50, 160);
	out = render();
	cr_assert(t->large);
	for (const char *title = "Registers\0Disassembly\0Guest console\0"
				 "Events\0Output\0Walk\0Tables\0";
	     *title; title += strlen(title) + 1)
		cr_assert(strstr(out, title), "%s missing:\n%s", title, out);
}

Test(tui_panes, resizing_lays_out_again)
{
	struct canvas_rect small, large;

	render();
	small = t->pane[TP_WALK].rect;
	resize(50, 160);
	render();
	large = t->pane[TP_WALK].rect;
	cr_assert(t->large);
	cr_assert_gt(large.cols, small.cols);
	cr_assert_gt(large.rows, small.rows);
	cr_assert(canvas_mem_find(&m, "Events", NULL, NULL));
	resize(24, 80);
	render();
	cr_assert_not(t->large);
	cr_assert_not(canvas_mem_find(&m, "Events", NULL, NULL));
	/* Too small for panes: the bars still draw, nothing crashes. */
	resize(5, 30);
	render();
	resize(1, 10);
	render();
}

Test(tui_panes, changed_registers_are_marked)
{
	int r, col;

	render();
	fm->reg[FAKE_R0] = 0x1234;
	keys("s");		/* stepi: a stop */
	render();
	cr_assert(canvas_mem_find(&m, "r0 *", &r, &col) ||
		  canvas_mem_find(&m, "r0*", &r, &col), "%s", text);
	cr_assert(canvas_mem_find(&m, "0x0000000000001234", &r, &col),
		  "%s", text);
	cr_assert(canvas_mem_attr(&m, r, col) & canvas_role(TR_CHANGED));
	cr_assert(canvas_mem_attr(&m, r, col) & CA_BOLD);
	/* r1 did not change: no mark, no attribute. */
	cr_assert(canvas_mem_find(&m, "r1 ", &r, &col), "%s", text);
	cr_assert_eq(canvas_mem_attr(&m, r, col + 6), 0);
	cr_assert(strstr(text, "changed (*)"), "%s", text);
	/* The next stop compares with this one: nothing changed. */
	keys("s");
	render();
	cr_assert_not(strstr(text, "r0 *"), "%s", text);
}

Test(tui_panes, pc_is_marked_in_the_disassembly)
{
	int r, col;

	keys(":break 0x1008\n");
	keys("s");
	render();
	cr_assert(canvas_mem_find(&m, "=> 0x00001004", &r, &col), "%s", text);
	cr_assert(canvas_mem_attr(&m, r, col) & CA_REVERSE);
	cr_assert(canvas_mem_find(&m, "B0x00001008", &r, &col), "%s", text);
	cr_assert(canvas_mem_attr(&m, r, col) & CA_BOLD);
}

Test(tui_panes, command_line_runs_the_command_table)
{
	keys(":stepi 3\n");
	cr_assert_eq(s.m->vm.icount, 3);
	render();
	cr_assert(strstr(text, "(quadrant) stepi 3"), "%s", text);
	cr_assert(strstr(text, "Stepped 3"), "%s", text);
	/* While typing, the line shows at the bottom. */
	keys(":info mach");
	render();
	cr_assert(strstr(text, ":info mach"), "%s", text);
	tui_key(t, TK_ESC);
	render();
	cr_assert_not(strstr(text, ":info mach"), "%s", text);
	/* Up recalls history. */
	keys(":");
	tui_key(t, TK_UP);
	cr_assert_str_eq(t->line, "stepi 3");
	tui_key(t, TK_ESC);
}

Test(tui_panes, tab_completes_commands)
{
	keys(":disas");
	tui_key(t, TK_TAB);
	cr_assert_str_eq(t->line, "disassemble ");
	tui_key(t, TK_ESC);
}

Test(tui_panes, bad_commands_show_a_message_and_never_crash)
{
	static const char *const bad[] = {
		"frobnicate", "break", "until nonsense_event", "x/zz 0",
		"stepi 0", "stepi -1", "x/4xg gpa 0xffffffffffff0000",
		"walk", "tdp 5 1", "set nothing 1", "info what",
		"help nosuchcommand", "delete 999", "continue now",
		"break event page_fault addr=$nosuchreg", "s2", "sp",
		"tui extra", "'\"\\", "x/4096xb 0",
	};
	char longline[600];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		tui_command(t, bad[i]);
		render();
	}
	tui_command(t, "break");
	render();
	cr_assert(t->msg_error);
	cr_assert(strstr(text, "error: break where?"), "%s", text);
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	keys(":");
	keys(longline);		/* longer than the line: typing stops */
	keys("\n");
	render();
	cr_assert(strstr(text, "error: unknown command"), "%s", text);
	tui_command(t, "frobnicate");
	cr_assert(strstr(t->msg, "unknown command 'frobnicate'"), "%s",
		  t->msg);
	cr_assert_not(t->quit);
}

Test(tui_panes, quit_command_and_key_quit)
{
	cr_assert_eq(tui_key(t, 'q') & TUI_QUIT, TUI_QUIT);
	t->quit = false;
	keys(":quit\n");
	cr_assert(t->quit);
}

Test(tui_panes, walk_pane_shows_the_fault)
{
	int r, col;

	fm->fault_pc = FAKE_ENTRY + 8;
	keys("f");
	cr_assert_eq(s.last.reason, STOP_UNTIL);
	resize(50, 160);
	render();
	cr_assert(strstr(text, "#PF 0x2 at gva 0x400000"), "%s", text);
	cr_assert(strstr(text, "FAULT at L1: not present"), "%s", text);
	cr_assert(canvas_mem_find(&m, "FAULT", &r, &col));
	cr_assert(canvas_mem_find(&m, ">> 1 guest L1 PTE", &r, &col),
		  "%s", text);
	cr_assert(canvas_mem_attr(&m, r, col + 4) & CA_REVERSE);
	/* The event that stopped the run is marked in the event log. */
	cr_assert(canvas_mem_find(&m, ">>#", &r, &col), "%s", text);
	cr_assert(strstr(text, "page_fault addr=0x400000"), "%s", text);
}

Test(tui_panes, tree_without_tables_says_so)
{
	render();
	cr_assert(strstr(text, "no hypervisor tables"), "%s", text);
}

Test(tui_panes, tab_cycles_focus_and_shares_the_slot)
{
	int start = t->focus;

	render();
	for (int i = 0; i < TP__COUNT; i++) {
		tui_key(t, TK_TAB);
		render();
		cr_assert(t->pane[t->focus].visible, "pane %d", t->focus);
	}
	cr_assert_eq(t->focus, start);
	keys("4");
	render();
	cr_assert_eq(t->focus, TP_EVENTS);
	cr_assert(strstr(text, ">4 Events <"), "%s", text);
	cr_assert(canvas_mem_find(&m, ">4 Events", NULL, NULL));
}

Test(tui_panes, search_and_help)
{
	keys(":echo needle in the output\n");
	keys(":echo more\n");
	keys("5/needle\n");
	cr_assert_not(t->msg_error, "%s", t->msg);
	keys("/nothing-like-this\n");
	cr_assert(t->msg_error);
	cr_assert(strstr(t->msg, "not found"), "%s", t->msg);
	keys("?");
	render();
	cr_assert(strstr(text, "Help"), "%s", text);
	cr_assert(strstr(text, "step one instruction"), "%s", text);
	keys(" ");
	render();
	cr_assert_not(strstr(text, "step one instruction"), "%s", text);
}

Test(tui_panes, console_pane_collects_lines)
{
	session_console(&s, (const uint8_t *)"hello\r\nworld\tx\n", 15);
	keys("3");
	render();
	cr_assert(strstr(text, "hello\n") || strstr(text, "hello "), "%s",
		  text);
	cr_assert(strstr(text, "world   x"), "%s", text);
}
