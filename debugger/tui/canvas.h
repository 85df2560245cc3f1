/* SPDX-License-Identifier: MIT */
/*
 * The canvas every TUI pane draws into (blink's idea: panels render into
 * a buffer, so the TUI is testable without a terminal).
 *
 * A canvas is a rectangle of character cells, each with attributes. Two
 * backends implement it: canvas_curses.c (stdscr) and canvas_mem.c (rows
 * of cells in memory, for tests and the redraw benchmark). A pane gets a
 * sub-canvas (canvas_sub): its own origin and a clip rectangle, so it
 * draws at (0, 0) and can never write outside its frame.
 *
 * Attributes are our own bits, not curses': three monochrome attributes
 * (bold, reverse, underline) plus a colour hint. The TUI never conveys
 * meaning by colour alone: every role (tui_role below) has a monochrome
 * attribute, and the colour only adds to it when the terminal has one.
 * Text is ASCII; anything else is drawn as '.'.
 */
#ifndef DEBUGGER_TUI_CANVAS_H
#define DEBUGGER_TUI_CANVAS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

/* Cell attributes: monochrome bits, then a colour in bits 8..11. */
enum {
	CA_BOLD = 1u << 0,
	CA_REVERSE = 1u << 1,
	CA_UNDERLINE = 1u << 2,
	CA_DIM = 1u << 3,
	CA_MONO_MASK = 0xff,
};
enum canvas_color { CC_DEFAULT, CC_RED, CC_GREEN, CC_YELLOW, CC_BLUE,
		    CC_MAGENTA, CC_CYAN, CC__COUNT };
#define CA_COLOR(c) ((uint16_t)((c) << 8))
#define CA_COLOR_OF(a) (((a) >> 8) & 0xf)

/*
 * What a cell means; canvas_role() gives its attributes. One table
 * (canvas.c) so the monochrome fallback of every role is in one place.
 */
enum tui_role {
	TR_NORMAL,
	TR_TITLE,		/* a pane's title line */
	TR_FOCUS,		/* the focused pane's title */
	TR_CHANGED,		/* a register changed since the last stop */
	TR_PC,			/* the instruction at the pc */
	TR_BREAK,		/* a breakpoint mark */
	TR_HILITE,		/* the step / node the last event touched */
	TR_VISITED,		/* walk steps before the highlighted one */
	TR_PENDING,		/* walk steps not reached yet */
	TR_FAULT,		/* where a walk faulted */
	TR_ERROR,		/* an error message */
	TR_KEY,			/* a key in the key bar */
	TR_STATUS,		/* the status / title bar */
	TR_CURSOR,		/* the selected line of the focused pane */
	TR_NEW,			/* events of the last run */
	TR__COUNT
};

struct canvas_rect {
	int row, col, rows, cols;
};

struct canvas;

/* A backend. Coordinates are absolute and already clipped. */
struct canvas_ops {
	/* Draw @n printable ASCII characters of @s at (@row, @col). */
	void (*put)(struct canvas *c, int row, int col, const char *s, int n,
		    uint16_t attr);
};

struct canvas {
	const struct canvas_ops *ops;
	void *impl;		/* the backend's state */
	int rows, cols;		/* of the whole backend surface */
	/* This view: origin (absolute) and the clip (absolute). */
	int orow, ocol;
	struct canvas_rect clip;
};

/* Attributes for @role. */
uint16_t canvas_role(enum tui_role role);

/* Initialize @c as the whole surface of a backend. */
void canvas_init(struct canvas *c, const struct canvas_ops *ops, void *impl,
		 int rows, int cols);

/*
 * A view of @c whose (0, 0) is @r's corner (relative to @c), clipped to
 * @r and to @c's own clip.
 */
struct canvas canvas_sub(const struct canvas *c, struct canvas_rect r);

/* Visible size of the view (its clip). */
int canvas_rows(const struct canvas *c);
int canvas_cols(const struct canvas *c);

/*
 * Put @s (stops at NUL or @n chars, -1 for all) at (@row, @col) relative
 * to the view, clipped. Non-ASCII and control characters become '.'.
 * Returns the column after the text (unclipped), so calls can chain.
 */
int canvas_putn(struct canvas *c, int row, int col, uint16_t attr,
		const char *s, int n);
int canvas_put(struct canvas *c, int row, int col, uint16_t attr,
	       const char *s);
int canvas_printf(struct canvas *c, int row, int col, uint16_t attr,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int canvas_vprintf(struct canvas *c, int row, int col, uint16_t attr,
		   const char *fmt, va_list ap);

/* Fill a rectangle (relative) with @ch. */
void canvas_fill(struct canvas *c, int row, int col, int rows, int cols,
		 char ch, uint16_t attr);
/* Clear the whole view. */
void canvas_clear(struct canvas *c);

/* --- the in-memory backend (canvas_mem.c) --------------------------------- */

struct canvas_mem {
	int rows, cols;
	char *ch;		/* rows * cols */
	uint16_t *attr;
};

/* Allocate a blank @rows x @cols surface and a canvas over it. */
int canvas_mem_init(struct canvas_mem *m, struct canvas *c, int rows,
		    int cols);
void canvas_mem_free(struct canvas_mem *m);
/* Row @row as a NUL-terminated string (trailing blanks kept) in @buf. */
const char *canvas_mem_row(const struct canvas_mem *m, int row, char *buf,
			   int size);
/* Attributes of one cell (0 outside). */
uint16_t canvas_mem_attr(const struct canvas_mem *m, int row, int col);
/* First (row, col) where @text appears on one row; false if nowhere. */
bool canvas_mem_find(const struct canvas_mem *m, const char *text, int *row,
		     int *col);
/* The whole surface as text, rows ending in '\n' (trailing blanks cut). */
int canvas_mem_text(const struct canvas_mem *m, char *buf, int size);

/* --- the curses backend (canvas_curses.c) --------------------------------- */

/* A canvas over stdscr (after initscr); sets up colour pairs once. */
void canvas_curses_init(struct canvas *c);

#endif
