/*
 * printf.c: a small formatter with two sinks, the UART and a buffer.
 *
 * Conversions: %d %i %u %x %X %c %s %p %%; length modifiers l, ll, z;
 * flags '0' (pad with zeros) and '-' (left-justify); a decimal width.
 * On 32-bit guests a 64-bit conversion divides with __udivdi3/__umoddi3
 * from libgcc32.c, so printing exercises those too.
 */
#include "guest.h"

struct sink {
	void (*put)(struct sink *s, char c);
	char *buf;
	size_t size;
	size_t len;	/* characters produced, even those that did not fit */
};

static void put_uart(struct sink *s, char c)
{
	uart_putc(c);
	s->len++;
}

static void put_buf(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void emit_padded(struct sink *s, const char *str, size_t n,
			int width, bool left, char pad)
{
	int fill = width > (int)n ? width - (int)n : 0;

	if (!left)
		while (fill-- > 0)
			s->put(s, pad);
	for (size_t i = 0; i < n; i++)
		s->put(s, str[i]);
	if (left)
		while (fill-- > 0)
			s->put(s, ' ');
}

/*
 * Convert v to digits in base 10 or 16, most significant first, with a
 * '-' in front if neg. Zero padding goes between the sign and digits.
 */
static void emit_number(struct sink *s, unsigned long long v, bool neg,
			unsigned base, bool upper, int width, bool left,
			bool zero)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (neg) {
		if (zero && !left) {
			s->put(s, '-');
			width--;
		} else {
			tmp[n++] = '-';
		}
	}
	char out[24];
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	emit_padded(s, out, n, width, left, zero && !left ? '0' : ' ');
}

static void format(struct sink *s, const char *fmt, va_list ap)
{
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			s->put(s, *fmt);
			continue;
		}
		fmt++;
		bool left = false, zero = false;
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else
				break;
		}
		int width = 0;
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		int lng = 0;	/* 0 int, 1 long, 2 long long, 3 size_t */
		if (*fmt == 'l') {
			lng = 1;
			if (*++fmt == 'l') {
				lng = 2;
				fmt++;
			}
		} else if (*fmt == 'z') {
			lng = 3;
			fmt++;
		}

		unsigned long long u;
		long long d;
		switch (*fmt) {
		case 'd':
		case 'i':
			d = lng == 2 ? va_arg(ap, long long) :
			    lng == 1 ? va_arg(ap, long) :
			    lng == 3 ? (long long)va_arg(ap, size_t) :
				       va_arg(ap, int);
			u = d < 0 ? 0 - (unsigned long long)d :
				    (unsigned long long)d;
			emit_number(s, u, d < 0, 10, false, width, left, zero);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng == 2 ? va_arg(ap, unsigned long long) :
			    lng == 1 ? va_arg(ap, unsigned long) :
			    lng == 3 ? va_arg(ap, size_t) :
				       va_arg(ap, unsigned int);
			emit_number(s, u, false, *fmt == 'u' ? 10 : 16,
				    *fmt == 'X', width, left, zero);
			break;
		case 'p':
			s->put(s, '0');
			s->put(s, 'x');
			emit_number(s, (uintptr_t)va_arg(ap, void *), false,
				    16, false, width, left, zero);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			emit_padded(s, &c, 1, width, left, ' ');
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			emit_padded(s, str, strlen(str), width, left, ' ');
			break;
		}
		case '%':
			s->put(s, '%');
			break;
		case '\0':
			return;
		default:	/* unknown: print it as written */
			s->put(s, '%');
			s->put(s, *fmt);
			break;
		}
	}
}

int vprintf(const char *fmt, va_list ap)
{
	struct sink s = { .put = put_uart };

	format(&s, fmt, ap);
	return (int)s.len;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .put = put_buf, .buf = buf, .size = size };

	format(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void puts_raw(const char *s)
{
	while (*s)
		uart_putc(*s++);
}
