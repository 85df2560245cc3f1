/*
 * string.c: the C string functions, each one x86 string instruction.
 *
 * String instructions work on ES:(E/R)DI (destination) and DS:(E/R)SI
 * (source), repeat (E/R)CX times under a REP prefix, and step forward
 * when EFLAGS.DF=0 or backward when DF=1 (the C ABI keeps DF=0 between
 * calls). REP MOVS copies, REP STOS fills with AL/EAX, REPNE SCAS stops
 * at the first byte equal to AL, REPE CMPS at the first difference.
 * Written in inline assembly so the instructions are exactly these,
 * whatever the compiler would have made of a loop.
 */
#include "guest.h"

/* Bulk copy 4 bytes at a time with REP MOVSL, then the tail with MOVSB. */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n / 4, tail = n % 4;

	__asm__ volatile("rep movsl\n\t"
			 "mov %3, %%ecx\n\t"
			 "rep movsb"
			 : "+D"(d), "+S"(src), "+c"(words)
			 : "r"((unsigned)tail)
			 : "memory");
	return dst;
}

/*
 * Overlapping with dst above src, copy from the last byte down: STD,
 * REP MOVSB from the ends, CLD.
 */
void *memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	if (n == 0)
		return dst;
	void *dl = (char *)dst + n - 1;
	const void *sl = (const char *)src + n - 1;
	__asm__ volatile("std\n\t"
			 "rep movsb\n\t"
			 "cld"
			 : "+D"(dl), "+S"(sl), "+c"(n)
			 :
			 : "memory");
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep stosb"
			 : "+D"(d), "+c"(n)
			 : "a"(c)
			 : "memory");
	return dst;
}

/*
 * REPE CMPSB stops after the first differing pair (or when ECX runs
 * out); the bytes just before the final SI/DI decide the sign.
 */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a, *pb = b;

	if (n == 0)
		return 0;
	__asm__ volatile("repe cmpsb"
			 : "+S"(pa), "+D"(pb), "+c"(n)
			 :
			 : "memory", "cc");
	return (int)pa[-1] - (int)pb[-1];
}

/*
 * REPNE SCASB with ECX = -1 runs until it has consumed the NUL; ECX then
 * holds -(length + 2).
 */
size_t strlen(const char *s)
{
	size_t count = (size_t)-1;
	const char *p = s;

	__asm__ volatile("repne scasb"
			 : "+D"(p), "+c"(count)
			 : "a"(0)
			 : "memory", "cc");
	return ~count - 1;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (int)(unsigned char)*a - (int)(unsigned char)*b;
}
