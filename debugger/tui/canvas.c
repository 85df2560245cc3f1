/* SPDX-License-Identifier: MIT */
/*
 * The canvas API over any backend: views, clipping, text and fills.
 * Backends only ever receive clipped runs of printable ASCII.
 */
#include <stdio.h>
#include <string.h>

#include "debugger/tui/canvas.h"

/*
 * Every role's attributes: a monochrome attribute that carries the
 * meaning on its own, and a colour that only adds to it.
 */
static const uint16_t role_attr[TR__COUNT] = {
	[TR_NORMAL] = 0,
	[TR_TITLE] = CA_BOLD | CA_UNDERLINE,
	[TR_FOCUS] = CA_BOLD | CA_REVERSE | CA_COLOR(CC_CYAN),
	[TR_CHANGED] = CA_BOLD | CA_UNDERLINE | CA_COLOR(CC_YELLOW),
	[TR_PC] = CA_REVERSE | CA_COLOR(CC_GREEN),
	[TR_BREAK] = CA_BOLD | CA_COLOR(CC_RED),
	[TR_HILITE] = CA_REVERSE | CA_BOLD | CA_COLOR(CC_YELLOW),
	[TR_VISITED] = CA_BOLD,
	[TR_PENDING] = CA_DIM,
	[TR_FAULT] = CA_REVERSE | CA_BOLD | CA_UNDERLINE | CA_COLOR(CC_RED),
	[TR_ERROR] = CA_BOLD | CA_REVERSE | CA_COLOR(CC_RED),
	[TR_KEY] = CA_REVERSE,
	[TR_STATUS] = CA_REVERSE | CA_COLOR(CC_BLUE),
	[TR_CURSOR] = CA_UNDERLINE | CA_BOLD,
	[TR_NEW] = CA_BOLD,
};

uint16_t canvas_role(enum tui_role role)
{
	return (unsigned int)role < TR__COUNT ? role_attr[role] : 0;
}

void canvas_init(struct canvas *c, const struct canvas_ops *ops, void *impl,
		 int rows, int cols)
{
	c->ops = ops;
	c->impl = impl;
	c->rows = rows;
	c->cols = cols;
	c->orow = 0;
	c->ocol = 0;
	c->clip = (struct canvas_rect){ 0, 0, rows, cols };
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

static int imin(int a, int b)
{
	return a < b ? a : b;
}

struct canvas canvas_sub(const struct canvas *c, struct canvas_rect r)
{
	struct canvas v = *c;
	int top = c->orow + r.row, left = c->ocol + r.col;
	int bottom = imin(top + imax(r.rows, 0),
			  c->clip.row + c->clip.rows);
	int right = imin(left + imax(r.cols, 0), c->clip.col + c->clip.cols);

	v.orow = top;
	v.ocol = left;
	v.clip.row = imax(top, c->clip.row);
	v.clip.col = imax(left, c->clip.col);
	v.clip.rows = imax(bottom - v.clip.row, 0);
	v.clip.cols = imax(right - v.clip.col, 0);
	return v;
}

int canvas_rows(const struct canvas *c)
{
	return imax(c->clip.row + c->clip.rows - c->orow, 0);
}

int canvas_cols(const struct canvas *c)
{
	return imax(c->clip.col + c->clip.cols - c->ocol, 0);
}

int canvas_putn(struct canvas *c, int row, int col, uint16_t attr,
		const char *s, int n)
{
	int len = 0, arow = c->orow + row, acol = c->ocol + col;
	int lo, hi;
	char run[512];

	while ((n < 0 || len < n) && s[len])
		len++;
	if (arow < c->clip.row || arow >= c->clip.row + c->clip.rows)
		return col + len;
	lo = imax(acol, c->clip.col);
	hi = imin(acol + len, c->clip.col + c->clip.cols);
	while (lo < hi) {
		int k = imin(hi - lo, (int)sizeof(run));

		for (int i = 0; i < k; i++) {
			unsigned char ch = (unsigned char)s[lo - acol + i];

			run[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '.';
		}
		c->ops->put(c, arow, lo, run, k, attr);
		lo += k;
	}
	return col + len;
}

int canvas_put(struct canvas *c, int row, int col, uint16_t attr,
	       const char *s)
{
	return canvas_putn(c, row, col, attr, s, -1);
}

int canvas_vprintf(struct canvas *c, int row, int col, uint16_t attr,
		   const char *fmt, va_list ap)
{
	char buf[1024];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n < 0)
		return col;
	return canvas_put(c, row, col, attr, buf);
}

int canvas_printf(struct canvas *c, int row, int col, uint16_t attr,
		  const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = canvas_vprintf(c, row, col, attr, fmt, ap);
	va_end(ap);
	return ret;
}

void canvas_fill(struct canvas *c, int row, int col, int rows, int cols,
		 char ch, uint16_t attr)
{
	char line[512];

	if (cols <= 0)
		return;
	if (cols > (int)sizeof(line))
		cols = sizeof(line);
	memset(line, ch, (size_t)cols);
	for (int r = 0; r < rows; r++)
		canvas_putn(c, row + r, col, attr, line, cols);
}

void canvas_clear(struct canvas *c)
{
	canvas_fill(c, 0, 0, canvas_rows(c), canvas_cols(c), ' ', 0);
}
