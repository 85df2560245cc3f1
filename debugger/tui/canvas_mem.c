/* SPDX-License-Identifier: MIT */
/*
 * The in-memory canvas: rows of cells (a character and its attributes)
 * that tests read back as text and attributes, and that the redraw
 * benchmark renders into without a terminal.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/tui/canvas.h"

static void mem_put(struct canvas *c, int row, int col, const char *s, int n,
		    uint16_t attr)
{
	struct canvas_mem *m = c->impl;

	if (row < 0 || row >= m->rows || col < 0 || col + n > m->cols)
		return;
	memcpy(m->ch + (size_t)row * m->cols + col, s, (size_t)n);
	for (int i = 0; i < n; i++)
		m->attr[(size_t)row * m->cols + col + i] = attr;
}

static const struct canvas_ops canvas_mem_ops = {
	.put = mem_put,
};

int canvas_mem_init(struct canvas_mem *m, struct canvas *c, int rows,
		    int cols)
{
	size_t n = (size_t)rows * (size_t)cols;

	memset(m, 0, sizeof(*m));
	if (rows <= 0 || cols <= 0)
		return -EINVAL;
	m->ch = malloc(n);
	m->attr = calloc(n, sizeof(*m->attr));
	if (!m->ch || !m->attr) {
		canvas_mem_free(m);
		return -ENOMEM;
	}
	memset(m->ch, ' ', n);
	m->rows = rows;
	m->cols = cols;
	canvas_init(c, &canvas_mem_ops, m, rows, cols);
	return 0;
}

void canvas_mem_free(struct canvas_mem *m)
{
	free(m->ch);
	free(m->attr);
	m->ch = NULL;
	m->attr = NULL;
	m->rows = m->cols = 0;
}

const char *canvas_mem_row(const struct canvas_mem *m, int row, char *buf,
			   int size)
{
	int n = 0;

	if (size <= 0)
		return "";
	if (row >= 0 && row < m->rows) {
		n = m->cols < size - 1 ? m->cols : size - 1;
		memcpy(buf, m->ch + (size_t)row * m->cols, (size_t)n);
	}
	buf[n] = '\0';
	return buf;
}

uint16_t canvas_mem_attr(const struct canvas_mem *m, int row, int col)
{
	if (row < 0 || row >= m->rows || col < 0 || col >= m->cols)
		return 0;
	return m->attr[(size_t)row * m->cols + col];
}

bool canvas_mem_find(const struct canvas_mem *m, const char *text, int *row,
		     int *col)
{
	size_t len = strlen(text);

	for (int r = 0; r < m->rows; r++) {
		const char *line = m->ch + (size_t)r * m->cols;

		for (int c = 0; c + (int)len <= m->cols; c++) {
			if (!memcmp(line + c, text, len)) {
				if (row)
					*row = r;
				if (col)
					*col = c;
				return true;
			}
		}
	}
	return false;
}

int canvas_mem_text(const struct canvas_mem *m, char *buf, int size)
{
	int off = 0;

	for (int r = 0; r < m->rows; r++) {
		const char *line = m->ch + (size_t)r * m->cols;
		int n = m->cols;

		while (n && line[n - 1] == ' ')
			n--;
		if (off + n + 2 > size)
			break;
		memcpy(buf + off, line, (size_t)n);
		off += n;
		buf[off++] = '\n';
	}
	if (size > 0)
		buf[off < size ? off : size - 1] = '\0';
	return off;
}
