/* SPDX-License-Identifier: MIT */
/*
 * Text into a caller's buffer, snprintf-style: the formatters behind
 * --stats, `sp`, `s2` and the other dumps write what fits and report the
 * length the whole text needs, so that the caller can grow its buffer
 * and call again.
 */
#ifndef HV_FMT_H
#define HV_FMT_H

#include <stddef.h>

struct fmtbuf {
	char *buf;
	size_t size;
	size_t len;		/* what the whole text needs so far */
};

static inline struct fmtbuf fmtbuf_init(char *buf, size_t size)
{
	if (size)
		buf[0] = '\0';
	return (struct fmtbuf){ .buf = buf, .size = size, .len = 0 };
}

/* Append; truncates silently (fb->len still counts the whole). */
__attribute__((format(printf, 2, 3)))
void fmt_append(struct fmtbuf *fb, const char *fmt, ...);

/* The snprintf-style result: the length the whole text needs. */
static inline int fmt_result(const struct fmtbuf *fb)
{
	return (int)fb->len;
}

#endif
