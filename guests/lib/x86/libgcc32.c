/*
 * libgcc32.c: 64-bit division for 32-bit guests.
 *
 * i386 has no 64-by-64 divide, so clang turns u64 / and % into calls to
 * __udivdi3 / __umoddi3 (and __divdi3 / __moddi3 when signed), which
 * libgcc or compiler-rt would supply in a hosted build.
 *
 * The CPU's DIVL divides EDX:EAX by a 32-bit value and raises #DE when
 * the quotient does not fit in 32 bits. So: a divisor that fits in 32
 * bits is done with two DIVLs (high word first, its remainder becomes
 * the high half of the second dividend, which then cannot overflow);
 * a wider divisor with binary long division, at most 32 steps since the
 * quotient fits in 32 bits.
 */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);

static uint32_t divl(uint32_t hi, uint32_t lo, uint32_t d, uint32_t *r)
{
	uint32_t q;

	__asm__("divl %4" : "=a"(q), "=d"(*r) : "a"(lo), "d"(hi), "rm"(d));
	return q;
}

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q;

	if ((d >> 32) == 0) {
		uint32_t r;
		/* d == 0 raises #DE here, as the hardware would */
		uint32_t qhi = divl(0, (uint32_t)(n >> 32), (uint32_t)d, &r);
		uint32_t qlo = divl(r, (uint32_t)n, (uint32_t)d, &r);
		q = ((uint64_t)qhi << 32) | qlo;
		if (rem)
			*rem = r;
		return q;
	}

	/* d >= 2^32: quotient < 2^32; shift d up under n, subtract down */
	if (n < d) {
		if (rem)
			*rem = n;
		return 0;
	}
	int shift = __builtin_clzll(d) - __builtin_clzll(n);
	q = 0;
	d <<= shift;
	for (; shift >= 0; shift--) {
		q <<= 1;
		if (n >= d) {
			n -= d;
			q |= 1;
		}
		d >>= 1;
	}
	if (rem)
		*rem = n;
	return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	return __udivmoddi4(n, d, 0);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	__udivmoddi4(n, d, &r);
	return r;
}

/* C division truncates toward zero: the quotient's sign is the XOR of
 * the operands' signs, the remainder has the dividend's sign. */
int64_t __divdi3(int64_t n, int64_t d)
{
	uint64_t un = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
	uint64_t ud = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
	uint64_t q = __udivmoddi4(un, ud, 0);

	return (n < 0) != (d < 0) ? (int64_t)(0 - q) : (int64_t)q;
}

int64_t __moddi3(int64_t n, int64_t d)
{
	uint64_t un = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
	uint64_t ud = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
	uint64_t r;

	__udivmoddi4(un, ud, &r);
	return n < 0 ? (int64_t)(0 - r) : (int64_t)r;
}
