/* SPDX-License-Identifier: MIT */
/*
 * The ncurses TUI: panes over the debugger engine (htop's panels, blink's
 * buffer rendering, cgdb's callbacks).
 *
 *   canvas.{c,h}       where everything draws (curses or memory)
 *   pane_*.c           one pane per file: draw, keys, refresh on a stop
 *   tree_source.c      what the tree pane shows, per architecture / MMU
 *   screen.c           the screen manager: layout, focus, key dispatch,
 *                      the command line, the key bar, the view ops
 *   lines.c            the text rings behind the console and output panes
 *   tui.c              the terminal: curses, signals, the poll loop
 *
 * The TUI owns no debugger state: panes read the session (registers,
 * memory, the event ring, the hypervisor's tables) when the guest stops
 * and draw from what they read. Everything but tui.c and
 * canvas_curses.c works without a terminal, which is what the tests use.
 */
#ifndef DEBUGGER_TUI_TUI_H
#define DEBUGGER_TUI_TUI_H

#include "debugger/commands.h"
#include "debugger/session.h"
#include "debugger/tui/canvas.h"

struct quadrant_opts;

/* Keys as the panes see them (tui.c translates curses' codes). */
enum {
	TK_CTRL_C = 3,
	TK_TAB = '\t',
	TK_ENTER = '\n',
	TK_ESC = 27,
	TK_BACKSPACE = 127,
	TK_UP = 0x1000, TK_DOWN, TK_LEFT, TK_RIGHT, TK_PGUP, TK_PGDN,
	TK_HOME, TK_END, TK_BTAB, TK_RESIZE, TK_DELETE,
};

/* What a key handler did (htop's HandlerResult): flags for the manager. */
enum {
	TUI_IGNORED = 0,
	TUI_HANDLED = 1u << 0,
	TUI_REDRAW = 1u << 1,
	TUI_QUIT = 1u << 2,
};

/* --- text rings (lines.c) ------------------------------------------------ */

#define TUI_LINE_MAX 240

struct tui_line {
	char text[TUI_LINE_MAX];
	uint8_t role;		/* enum tui_role */
};

struct tui_lines {
	struct tui_line *v;	/* a ring of cap lines */
	unsigned int cap;
	uint64_t first, end;	/* line numbers kept: [first, end) */
	bool open;		/* the last line has no '\n' yet */
};

int tui_lines_init(struct tui_lines *l, unsigned int cap);
void tui_lines_free(struct tui_lines *l);
/* Append bytes; '\n' ends a line, '\r' and other controls are dropped,
 * tabs expand to spaces. */
void tui_lines_add(struct tui_lines *l, const char *text, size_t len,
		   enum tui_role role);
/* Line number @n (first <= n < end), or NULL. */
const struct tui_line *tui_lines_get(const struct tui_lines *l, uint64_t n);
uint64_t tui_lines_count(const struct tui_lines *l);

struct tui_pane;
struct canvas;
/* Draw the end of @l (scrolled back p->scroll lines) into @c. */
void tui_lines_draw(struct tui_pane *p, struct canvas *c,
		    const struct tui_lines *l);
/* Scroll keys over @l: TUI_* flags. */
int tui_lines_key(struct tui_pane *p, const struct tui_lines *l, int key);
/* Scroll back to the previous line containing @text. */
bool tui_lines_search(struct tui_pane *p, const struct tui_lines *l,
		      const char *text);

/* --- panes ---------------------------------------------------------------- */

struct tui;
struct tui_pane;

enum tui_pane_id { TP_REGS, TP_DISASM, TP_CONSOLE, TP_EVENTS, TP_OUTPUT,
		   TP_WALK, TP_TREE, TP__COUNT };

struct tui_pane_ops {
	const char *name;	/* the title */
	char hotkey;		/* focus it directly (1..7) */
	int (*init)(struct tui_pane *p);	/* 0 or -errno */
	void (*fini)(struct tui_pane *p);
	/* Draw the interior; @c is the pane's view (its size is the pane's). */
	void (*draw)(struct tui_pane *p, struct canvas *c);
	/* A key while focused: TUI_* flags. May be NULL. */
	int (*key)(struct tui_pane *p, int key);
	/* The guest stopped (or the TUI opened): read the engine. */
	void (*refresh)(struct tui_pane *p);
	/* Find @text from the cursor on; true and moved if found. */
	bool (*search)(struct tui_pane *p, const char *text);
	/* Extra text after the title ("4 refs, fault at L2"). May be NULL. */
	void (*subtitle)(struct tui_pane *p, char *buf, size_t size);
	/* An animation frame; true if it changed something. May be NULL. */
	bool (*tick)(struct tui_pane *p);
};

struct tui_pane {
	const struct tui_pane_ops *ops;
	struct tui *t;
	void *priv;
	struct canvas_rect rect;	/* frame on screen, title row included */
	bool visible;
	int scroll;		/* pane-defined: first line shown, or back */
	int cursor;		/* pane-defined: selected line */
	int height;		/* interior rows at the last draw */
};

extern const struct tui_pane_ops tui_pane_regs_ops, tui_pane_disasm_ops,
	tui_pane_console_ops, tui_pane_events_ops, tui_pane_output_ops,
	tui_pane_walk_ops, tui_pane_tree_ops;

/* --- the TUI ------------------------------------------------------------------ */

enum tui_mode { TM_NORMAL, TM_COMMAND, TM_SEARCH, TM_HELP };

struct tui {
	struct session *s;
	const char *image;		/* for the title */
	struct tui_pane pane[TP__COUNT];
	int focus;			/* enum tui_pane_id */
	int rows, cols;			/* the screen at the last layout */
	bool large;			/* the large layout is in use */

	struct tui_lines console, output;

	enum tui_mode mode;
	char line[256];			/* the command / search line */
	size_t line_len;
	char last_search[256];
	char hist[16][256];		/* command-line history */
	unsigned int nhist, hist_pos;
	char msg[256];			/* one message above the key bar */
	bool msg_error;

	bool running;			/* inside a run */
	bool quit;
	bool animate;			/* walk: visit the steps one by one */
	uint64_t stops;			/* stops seen (refresh generation) */

	/* The live view (tui.c): polled between run slices. May be NULL. */
	bool (*poll)(struct tui *t);
	void *term;			/* tui.c's state */
};

/* The view ops the session reports to while the TUI is shown. */
extern const struct session_view_ops tui_view_ops;

/*
 * Set up @t on @s (no terminal involved): panes, text rings. Does not
 * change the session's ops: the caller points them at tui_view_ops with
 * @t as opaque. Returns 0 or -ENOMEM.
 */
int tui_init(struct tui *t, struct session *s, const char *image);
void tui_fini(struct tui *t);

/* Re-read the engine into every pane (after a stop, at start). */
void tui_refresh(struct tui *t);

/* One animation frame for every pane; true if anything changed. */
bool tui_tick(struct tui *t);

/* Lay the panes out for a @rows x @cols screen. */
void tui_layout(struct tui *t, int rows, int cols);

/* Draw the whole screen (laying out again if @c's size changed). */
void tui_render(struct tui *t, struct canvas *c);

/* One key: TUI_* flags (TUI_QUIT when the user leaves). */
int tui_key(struct tui *t, int key);

/* Execute a command line through the command table, as ':' does. */
int tui_command(struct tui *t, const char *line);

/* Show a message (an error in TR_ERROR) above the key bar. */
void tui_message(struct tui *t, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* tui.c: mark @t as the TUI on the terminal (NULL: none). */
void tui_set_active(struct tui *t);

/* The command line's "tui" command set, registered by the CLI. */
extern const struct command_set tui_command_set;

/*
 * Run the TUI on the terminal over an open session (the CLI's `tui`
 * command): the session's ops are the TUI's until it returns, then
 * restored. Returns 0, or -errno if the terminal cannot be used.
 */
int tui_run_session(struct session *s, const char *image);

/* `quadrant tui`. @bench_redraw > 0: time that many redraws and exit. */
int cmd_tui(struct quadrant_opts *o, unsigned int bench_redraw);

#endif
