/* SPDX-License-Identifier: MIT */
/*
 * The screen manager (htop's ScreenManager): lays the panes out for the
 * terminal's size, draws their frames, the status bar, the message and
 * command line and the key bar, owns the focus, and dispatches keys.
 * Key handlers return flags (TUI_HANDLED, TUI_REDRAW, TUI_QUIT) that
 * this file alone acts on. It also holds the view ops through which the
 * engine reports to the TUI. Nothing here touches the terminal.
 *
 * Two layouts:
 *   small (below 120x36, down to 80x24)   large (120x36 and up)
 *   +-status---------------------------+  +-status------------------------------+
 *   | regs        | walk               |  | regs        | walk                |
 *   | disasm      |                    |  | disasm      |                     |
 *   | output /    | tree               |  |             | tree                |
 *   | console /   |                    |  | console     +----------+----------+
 *   | events      |                    |  |             | events   | output   |
 *   +-message / command line-----------+  +-message / command line-------------+
 *   +-key bar--------------------------+  +-key bar---------------------------+
 * In the small layout output, console and events share one slot: the
 * one focused last is shown (Tab reaches them all).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/tui/tui.h"

static const struct tui_pane_ops *const pane_ops[TP__COUNT] = {
	[TP_REGS] = &tui_pane_regs_ops, [TP_DISASM] = &tui_pane_disasm_ops,
	[TP_CONSOLE] = &tui_pane_console_ops,
	[TP_EVENTS] = &tui_pane_events_ops,
	[TP_OUTPUT] = &tui_pane_output_ops, [TP_WALK] = &tui_pane_walk_ops,
	[TP_TREE] = &tui_pane_tree_ops,
};

/* Only one TUI is on the terminal at a time (the `tui` command checks). */
static struct tui *tui_active;

/* --- messages and the view ops ----------------------------------------------- */

void tui_message(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
	va_end(ap);
	t->msg[strcspn(t->msg, "\n")] = '\0';
	t->msg_error = error;
}

static void tui_out(void *opaque, enum session_out kind, const char *text,
		    size_t len)
{
	struct tui *t = opaque;
	enum tui_role role = kind == SESSION_OUT_ERROR ? TR_ERROR :
			     kind == SESSION_OUT_STOP ? TR_VISITED : TR_NORMAL;

	if (kind == SESSION_OUT_ERROR) {
		tui_lines_add(&t->output, "error: ", 7, role);
		tui_message(t, true, "error: %.*s", (int)len, text);
	} else if (kind == SESSION_OUT_STOP && strncmp(text, "=>", 2)) {
		tui_message(t, false, "%.*s", (int)len, text);
	}
	tui_lines_add(&t->output, text, len, role);
	t->pane[TP_OUTPUT].scroll = 0;	/* follow the end */
}

static void tui_console(void *opaque, const uint8_t *buf, size_t len)
{
	struct tui *t = opaque;

	tui_lines_add(&t->console, (const char *)buf, len, TR_NORMAL);
	t->pane[TP_CONSOLE].scroll = 0;
}

static void tui_stopped(void *opaque, const struct session_stop *st)
{
	struct tui *t = opaque;

	t->stops++;
	tui_refresh(t);
}

static bool tui_poll_op(void *opaque)
{
	struct tui *t = opaque;

	return t->poll ? t->poll(t) : false;
}

const struct session_view_ops tui_view_ops = {
	.output = tui_out,
	.console = tui_console,
	.stopped = tui_stopped,
	.poll = tui_poll_op,
};

/* --- set-up ---------------------------------------------------------------------- */

int tui_init(struct tui *t, struct session *s, const char *image)
{
	memset(t, 0, sizeof(*t));
	t->s = s;
	t->image = image;
	t->focus = TP_WALK;
	if (tui_lines_init(&t->console, 2000) ||
	    tui_lines_init(&t->output, 2000)) {
		tui_fini(t);
		return -ENOMEM;
	}
	for (int i = 0; i < TP__COUNT; i++) {
		struct tui_pane *p = &t->pane[i];

		p->ops = pane_ops[i];
		p->t = t;
		if (p->ops->init && p->ops->init(p)) {
			p->ops = NULL;
			tui_fini(t);
			return -ENOMEM;
		}
	}
	tui_refresh(t);
	return 0;
}

void tui_fini(struct tui *t)
{
	for (int i = 0; i < TP__COUNT; i++) {
		struct tui_pane *p = &t->pane[i];

		if (p->ops && p->ops->fini)
			p->ops->fini(p);
		p->ops = NULL;
	}
	tui_lines_free(&t->console);
	tui_lines_free(&t->output);
	if (tui_active == t)
		tui_active = NULL;
}

void tui_refresh(struct tui *t)
{
	for (int i = 0; i < TP__COUNT; i++)
		if (t->pane[i].ops && t->pane[i].ops->refresh)
			t->pane[i].ops->refresh(&t->pane[i]);
}

bool tui_tick(struct tui *t)
{
	bool any = false;

	for (int i = 0; i < TP__COUNT; i++)
		if (t->pane[i].ops && t->pane[i].ops->tick)
			any |= t->pane[i].ops->tick(&t->pane[i]);
	return any;
}

/* --- layout ----------------------------------------------------------------------- */

static bool shared_slot(int id)
{
	return id == TP_OUTPUT || id == TP_CONSOLE || id == TP_EVENTS;
}

void tui_layout(struct tui *t, int rows, int cols)
{
	int body = rows - 3, top = 1, left, right_col, right;
	struct tui_pane *p = t->pane;

	t->rows = rows;
	t->cols = cols;
	t->large = cols >= 120 && rows >= 36;
	for (int i = 0; i < TP__COUNT; i++)
		p[i].visible = false;
	if (body < 6 || cols < 20)
		return;		/* too small: only the bars are drawn */
	left = t->large ? cols * 2 / 5 : cols / 2;
	right_col = left + 1;	/* a '|' column between the two */
	right = cols - right_col;
	if (t->large) {
		int hr = body * 3 / 10, hd = body * 3 / 10;
		int hw = body * 2 / 5, ht = body * 3 / 10;
		int hb = body - hw - ht, half = right * 3 / 5;

		p[TP_REGS].rect = (struct canvas_rect){ top, 0, hr, left };
		p[TP_DISASM].rect = (struct canvas_rect){ top + hr, 0, hd,
							  left };
		p[TP_CONSOLE].rect = (struct canvas_rect){ top + hr + hd, 0,
							   body - hr - hd,
							   left };
		p[TP_WALK].rect = (struct canvas_rect){ top, right_col, hw,
							right };
		p[TP_TREE].rect = (struct canvas_rect){ top + hw, right_col,
							ht, right };
		p[TP_EVENTS].rect = (struct canvas_rect){ top + hw + ht,
							  right_col, hb,
							  half };
		p[TP_OUTPUT].rect = (struct canvas_rect){ top + hw + ht,
							  right_col + half + 1,
							  hb,
							  right - half - 1 };
		for (int i = 0; i < TP__COUNT; i++)
			p[i].visible = true;
	} else {
		int hr = body * 8 / 21, hd = body * 6 / 21;
		int hw = body / 2;
		int slot = shared_slot(t->focus) ? t->focus : TP_OUTPUT;

		if (hr < 3)
			hr = 3;
		p[TP_REGS].rect = (struct canvas_rect){ top, 0, hr, left };
		p[TP_DISASM].rect = (struct canvas_rect){ top + hr, 0, hd,
							  left };
		p[slot].rect = (struct canvas_rect){ top + hr + hd, 0,
						     body - hr - hd, left };
		p[TP_WALK].rect = (struct canvas_rect){ top, right_col, hw,
							right };
		p[TP_TREE].rect = (struct canvas_rect){ top + hw, right_col,
							body - hw, right };
		p[TP_REGS].visible = p[TP_DISASM].visible = true;
		p[TP_WALK].visible = p[TP_TREE].visible = true;
		p[slot].visible = true;
	}
}

/* --- drawing ---------------------------------------------------------------------- */

static void draw_status(struct tui *t, struct canvas *c)
{
	struct session *s = t->s;
	const char *img = t->image ? strrchr(t->image, '/') : NULL;
	const struct vm *vm = &s->m->vm;
	char a[20], state[96];

	img = img ? img + 1 : t->image ? t->image : "";
	if (t->running)
		snprintf(state, sizeof(state), "RUNNING (any key stops)");
	else if (s->exited)
		snprintf(state, sizeof(state), "%s",
			 session_stop_reason_name(s->last.reason));
	else
		snprintf(state, sizeof(state), "stopped: %s",
			 session_stop_reason_name(s->last.reason));
	canvas_fill(c, 0, 0, 1, t->cols, ' ', canvas_role(TR_STATUS));
	canvas_printf(c, 0, 0, canvas_role(TR_STATUS),
		      " Quadrant %s/%s %s | pc %s icount %llu | %s",
		      s->m->ops && s->m->ops->name ? s->m->ops->name : "?",
		      vm_mmu_mode_name(vm->cfg.mmu_mode), img,
		      session_fmt_addr(session_pc(s), a),
		      (unsigned long long)session_icount(s), state);
}

static void draw_pane(struct tui *t, struct canvas *c, int id)
{
	struct tui_pane *p = &t->pane[id];
	struct canvas_rect r = p->rect;
	struct canvas frame = canvas_sub(c, r), in;
	bool focus = t->focus == id;
	uint16_t ta = canvas_role(focus ? TR_FOCUS : TR_TITLE);
	char sub[128] = "";
	int col;

	canvas_clear(&frame);
	canvas_fill(&frame, 0, 0, 1, r.cols, focus ? ' ' : '-',
		    focus ? ta : 0);
	if (p->ops->subtitle)
		p->ops->subtitle(p, sub, sizeof(sub));
	col = canvas_printf(&frame, 0, 0, ta, "%s%c %s %s", focus ? ">" : "-",
			    p->ops->hotkey, p->ops->name, focus ? "<" : "");
	if (sub[0])
		canvas_printf(&frame, 0, col + 1, focus ? ta : 0, " %s ", sub);
	in = canvas_sub(&frame, (struct canvas_rect){ 1, 0, r.rows - 1,
						      r.cols });
	p->height = r.rows - 1;
	p->ops->draw(p, &in);
}

struct key_help {
	const char *key, *what;
};

static const struct key_help key_bar[] = {
	{ "s", "Step" }, { "f", "Fault" }, { "c", "Cont" }, { "^C", "Stop" },
	{ "Tab", "Pane" }, { "Enter", "Open" }, { "/", "Find" },
	{ ":", "Cmd" }, { "?", "Help" }, { "q", "Quit" },
};

static void draw_keybar(struct tui *t, struct canvas *c, int row)
{
	int col = 0;

	canvas_fill(c, row, 0, 1, t->cols, ' ', 0);
	for (size_t i = 0; i < ARRAY_SIZE(key_bar); i++) {
		col = canvas_put(c, row, col, canvas_role(TR_KEY),
				 key_bar[i].key);
		col = canvas_printf(c, row, col, 0, " %s ",
				    key_bar[i].what);
	}
}

static void draw_line(struct tui *t, struct canvas *c, int row)
{
	canvas_fill(c, row, 0, 1, t->cols, ' ', 0);
	if (t->mode == TM_COMMAND || t->mode == TM_SEARCH) {
		int col = canvas_printf(c, row, 0, canvas_role(TR_VISITED),
					"%s", t->mode == TM_COMMAND ? ":" :
					"/");
		int skip = (int)t->line_len > t->cols - 3 ?
			   (int)t->line_len - (t->cols - 3) : 0;

		col = canvas_put(c, row, col, 0, t->line + skip);
		canvas_put(c, row, col, CA_REVERSE, " ");
		return;
	}
	if (t->msg[0])
		canvas_put(c, row, 0, canvas_role(t->msg_error ? TR_ERROR :
						 TR_NORMAL), t->msg);
}

static const char *const help_text[] = {
	"Quadrant TUI: every pane updates when the guest stops.",
	"",
	"  s        step one instruction (stepi)",
	"  f        run to the next guest page fault (until page_fault)",
	"  v        run to the next hypervisor MMU fault (EPT violation...)",
	"  c        continue; any key or Ctrl-C stops it",
	"  Tab      focus the next pane (Shift-Tab: previous), 1-7 directly",
	"  Up/Down  move in the focused pane; PgUp/PgDn scroll",
	"  Enter    expand/collapse a tree node (also space); in the walk",
	"           pane, Left/Right step through the levels as visited",
	"  /        search the focused pane, n for the next match",
	"  :        a debugger command (every CLI command: help, break,",
	"           until, walk, tdp, x, registers, events ...)",
	"  Ctrl-L   redraw      q  quit",
	"",
	"Marks: '*' changed register, '=>' the pc, 'B' a breakpoint,",
	"'>>' the walk step / tree node the last event touched, 'FAULT'",
	"where a walk faulted. Press any key to close this help.",
	NULL,
};

static void draw_help(struct tui *t, struct canvas *c)
{
	int n = 0, w = 72, h, r0, c0;
	struct canvas box;

	while (help_text[n])
		n++;
	h = n + 2;
	if (w > t->cols)
		w = t->cols;
	r0 = (t->rows - h) / 2 > 0 ? (t->rows - h) / 2 : 0;
	c0 = (t->cols - w) / 2;
	box = canvas_sub(c, (struct canvas_rect){ r0, c0, h, w });
	canvas_fill(&box, 0, 0, h, w, ' ', canvas_role(TR_KEY));
	canvas_put(&box, 0, 1, canvas_role(TR_KEY) | CA_BOLD, " Help ");
	for (int i = 0; i < n; i++)
		canvas_put(&box, i + 1, 2, canvas_role(TR_KEY), help_text[i]);
}

void tui_render(struct tui *t, struct canvas *c)
{
	if (c->rows != t->rows || c->cols != t->cols)
		tui_layout(t, c->rows, c->cols);
	canvas_clear(c);
	draw_status(t, c);
	for (int i = 0; i < TP__COUNT; i++)
		if (t->pane[i].visible)
			draw_pane(t, c, i);
	for (int r = 1; r < t->rows - 2; r++) {
		int col = t->large ? t->cols * 2 / 5 : t->cols / 2;

		if (t->pane[TP_WALK].visible)
			canvas_put(c, r, col, 0, "|");
	}
	if (t->large && t->pane[TP_EVENTS].visible) {
		struct canvas_rect e = t->pane[TP_EVENTS].rect;

		for (int r = e.row; r < e.row + e.rows; r++)
			canvas_put(c, r, e.col + e.cols, 0, "|");
	}
	if (t->rows >= 2)
		draw_line(t, c, t->rows - 2);
	draw_keybar(t, c, t->rows - 1);
	if (t->mode == TM_HELP)
		draw_help(t, c);
}

/* --- keys --------------------------------------------------------------------------- */

int tui_command(struct tui *t, const char *line)
{
	int ret;

	while (*line == ' ')
		line++;
	if (*line) {
		if (!t->nhist || strcmp(t->hist[(t->nhist - 1) % 16], line))
			snprintf(t->hist[t->nhist++ % 16], 256, "%s", line);
		tui_lines_add(&t->output, "(quadrant) ", 11, TR_PENDING);
		tui_lines_add(&t->output, line, strlen(line), TR_PENDING);
		tui_lines_add(&t->output, "\n", 1, TR_PENDING);
	}
	t->msg[0] = '\0';
	t->running = true;
	ret = commands_execute(t->s, line, false);
	t->running = false;
	if (ret == CMD_QUIT)
		t->quit = true;
	tui_refresh(t);
	return ret;
}

static void focus_next(struct tui *t, int dir)
{
	t->focus = (t->focus + dir + TP__COUNT) % TP__COUNT;
	if (!t->large)
		tui_layout(t, t->rows, t->cols);
}

/* The next guest fault, as a command for this machine. */
static const char *fault_command(struct tui *t)
{
	if (t->s->m->arch == VM_ARCH_ARM64)
		return "until arm64_exception";
	return "until page_fault";
}

/* The next fault the hypervisor's MMU handles, by the events we have. */
static void hv_fault(struct tui *t)
{
	static const char *const x86[] = { "ept_violation",
					   "shadow_page_fault", NULL };
	static const char *const arm[] = { "s2_guest_fault", "guest_fault",
					   NULL };
	const char *const *c = t->s->m->arch == VM_ARCH_ARM64 ? arm : x86;
	char line[64];

	for (; *c; c++) {
		if (event_kind_by_name(*c) >= 0) {
			snprintf(line, sizeof(line), "until %s", *c);
			tui_command(t, line);
			return;
		}
	}
	tui_message(t, true, "this machine emits no hypervisor fault events "
		    "yet");
}

struct complete_ctx {
	const char *prefix;
	size_t plen;
	char first[64], list[200];
	unsigned int n;
	size_t common;
};

static void complete_add(void *opaque, const char *w)
{
	struct complete_ctx *x = opaque;
	size_t off = strlen(x->list), i;

	if (strncmp(w, x->prefix, x->plen))
		return;
	if (!x->n) {
		snprintf(x->first, sizeof(x->first), "%s", w);
		x->common = strlen(x->first);
	} else {
		for (i = 0; i < x->common && w[i] == x->first[i]; i++)
			;
		x->common = i;
	}
	x->n++;
	if (off < sizeof(x->list) - 2)
		snprintf(x->list + off, sizeof(x->list) - off, "%s%s",
			 off ? " " : "", w);
}

static void complete_line(struct tui *t)
{
	struct complete_ctx x = { .prefix = "" };
	size_t start = commands_complete(t->s, t->line, complete_add, &x);

	(void)start;
	x.prefix = t->line + start;
	x.plen = strlen(x.prefix);
	x.n = 0;
	x.list[0] = '\0';
	commands_complete(t->s, t->line, complete_add, &x);
	if (!x.n) {
		tui_message(t, false, "no completions");
		return;
	}
	if (x.common > x.plen && start + x.common < sizeof(t->line) - 2) {
		memcpy(t->line + start, x.first, x.common);
		t->line_len = start + x.common;
		if (x.n == 1 && x.first[x.common - 1] != '=')
			t->line[t->line_len++] = ' ';
		t->line[t->line_len] = '\0';
	}
	if (x.n > 1)
		tui_message(t, false, "%s", x.list);
}

static int line_key(struct tui *t, int key)
{
	if (key == TK_ESC || key == TK_CTRL_C) {
		t->mode = TM_NORMAL;
		return TUI_HANDLED | TUI_REDRAW;
	}
	if (key == TK_ENTER || key == '\r') {
		char line[256];

		snprintf(line, sizeof(line), "%s", t->line);
		t->line[0] = '\0';
		t->line_len = 0;
		if (t->mode == TM_SEARCH) {
			struct tui_pane *p = &t->pane[t->focus];

			t->mode = TM_NORMAL;
			if (line[0])
				snprintf(t->last_search,
					 sizeof(t->last_search), "%s", line);
			if (!t->last_search[0])
				return TUI_HANDLED | TUI_REDRAW;
			if (!p->ops->search ||
			    !p->ops->search(p, t->last_search))
				tui_message(t, true, "'%s' not found in %s",
					    t->last_search, p->ops->name);
			else
				tui_message(t, false, "found '%s'",
					    t->last_search);
			return TUI_HANDLED | TUI_REDRAW;
		}
		t->mode = TM_NORMAL;
		tui_command(t, line);
		return TUI_HANDLED | TUI_REDRAW | (t->quit ? TUI_QUIT : 0);
	}
	if (key == TK_BACKSPACE || key == 8) {
		if (t->line_len)
			t->line[--t->line_len] = '\0';
		else
			t->mode = TM_NORMAL;
		return TUI_HANDLED | TUI_REDRAW;
	}
	if (key == TK_TAB && t->mode == TM_COMMAND) {
		complete_line(t);
		return TUI_HANDLED | TUI_REDRAW;
	}
	if ((key == TK_UP || key == TK_DOWN) && t->mode == TM_COMMAND) {
		unsigned int n = t->nhist < 16 ? t->nhist : 16;

		if (!n)
			return TUI_HANDLED;
		if (key == TK_UP && t->hist_pos < n)
			t->hist_pos++;
		else if (key == TK_DOWN && t->hist_pos > 0)
			t->hist_pos--;
		if (t->hist_pos)
			snprintf(t->line, sizeof(t->line), "%s",
				 t->hist[(t->nhist - t->hist_pos) % 16]);
		else
			t->line[0] = '\0';
		t->line_len = strlen(t->line);
		return TUI_HANDLED | TUI_REDRAW;
	}
	if (key >= 0x20 && key < 0x7f && t->line_len < sizeof(t->line) - 1) {
		t->line[t->line_len++] = (char)key;
		t->line[t->line_len] = '\0';
		return TUI_HANDLED | TUI_REDRAW;
	}
	return TUI_HANDLED;
}

int tui_key(struct tui *t, int key)
{
	struct tui_pane *p = &t->pane[t->focus];
	int r;

	if (key == TK_RESIZE)
		return TUI_REDRAW;
	if (t->mode == TM_HELP) {
		t->mode = TM_NORMAL;
		return TUI_HANDLED | TUI_REDRAW;
	}
	if (t->mode == TM_COMMAND || t->mode == TM_SEARCH)
		return line_key(t, key);
	switch (key) {
	case 's':
		tui_command(t, "stepi");
		return TUI_HANDLED | TUI_REDRAW;
	case 'f':
		tui_command(t, fault_command(t));
		return TUI_HANDLED | TUI_REDRAW;
	case 'v':
		hv_fault(t);
		return TUI_HANDLED | TUI_REDRAW;
	case 'c':
		tui_command(t, "continue");
		return TUI_HANDLED | TUI_REDRAW;
	case 'q':
	case 'Q':
		t->quit = true;
		return TUI_HANDLED | TUI_QUIT;
	case TK_TAB:
		focus_next(t, 1);
		return TUI_HANDLED | TUI_REDRAW;
	case TK_BTAB:
		focus_next(t, -1);
		return TUI_HANDLED | TUI_REDRAW;
	case ':':
	case '/':
		t->mode = key == ':' ? TM_COMMAND : TM_SEARCH;
		t->line[0] = '\0';
		t->line_len = 0;
		t->hist_pos = 0;
		return TUI_HANDLED | TUI_REDRAW;
	case 'n':
		if (!t->last_search[0])
			return TUI_HANDLED;
		if (!p->ops->search || !p->ops->search(p, t->last_search))
			tui_message(t, true, "'%s' not found in %s",
				    t->last_search, p->ops->name);
		return TUI_HANDLED | TUI_REDRAW;
	case '?':
	case 'h':
		t->mode = TM_HELP;
		return TUI_HANDLED | TUI_REDRAW;
	case TK_CTRL_C:
		tui_message(t, false, "the guest is not running (c runs it)");
		return TUI_HANDLED | TUI_REDRAW;
	case 12:	/* Ctrl-L */
		return TUI_HANDLED | TUI_REDRAW;
	}
	if (key >= '1' && key < '1' + TP__COUNT) {
		for (int i = 0; i < TP__COUNT; i++)
			if (t->pane[i].ops->hotkey == key)
				t->focus = i;
		if (!t->large)
			tui_layout(t, t->rows, t->cols);
		return TUI_HANDLED | TUI_REDRAW;
	}
	r = p->ops->key ? p->ops->key(p, key) : TUI_IGNORED;
	return r;
}

/* --- the `tui` command ------------------------------------------------------------- */

static int cmd_tui_switch(struct session *s, struct cmd_args *a)
{
	int ret;

	if (tui_active)
		return session_error(s, "already in the TUI");
	if (a->argc > 1)
		return session_error(s, "tui takes no arguments");
	ret = tui_run_session(s, NULL);
	if (ret)
		return session_error(s, "cannot start the TUI: %s",
				     strerror(-ret));
	session_printf(s, "Back in the CLI ('tui' returns to the TUI).\n");
	return 0;
}

static bool tui_applies(const struct session *s)
{
	return true;
}

static const struct command tui_commands[] = {
	{ "tui", NULL, CMD_CAT_OTHER, "tui",
	  "switch to the full-screen TUI (q there comes back here)",
	  "The same session continues in the TUI: breakpoints, the event\n"
	  "log and the guest's state are shared. Every CLI command works\n"
	  "on the TUI's command line (press ':').",
	  "tui", cmd_tui_switch, NULL, false },
};

const struct command_set tui_command_set = {
	.name = "tui",
	.applies = tui_applies,
	.cmds = tui_commands,
	.count = ARRAY_SIZE(tui_commands),
};

void tui_set_active(struct tui *t)
{
	tui_active = t;
}
