/* SPDX-License-Identifier: MIT */
#include <stdarg.h>
#include <stdio.h>

#include <hv/fmt.h>

void fmt_append(struct fmtbuf *fb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(fb->len < fb->size ? fb->buf + fb->len : NULL,
		      fb->len < fb->size ? fb->size - fb->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		fb->len += (size_t)n;
}
