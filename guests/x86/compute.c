/*
 * compute: integer work that exercises an interpreter's ALU, flags,
 * string instructions and (on 32-bit) the 64-bit helper routines. Built
 * twice from this one file, as compute32 (i686) and compute64 (x86-64).
 *
 * Every result is computed two independent ways and compared, so the
 * guest checks itself; the values are also printed, so a byte-for-byte
 * comparison with QEMU catches an error both ways share. Inputs come from
 * fixed-seed generators passed through OPAQUE() so that clang cannot
 * fold the work away at compile time.
 *
 * Checks: CRC-32 (bitwise vs table-driven, plus the standard check value
 * of "123456789"); sorting (quicksort vs insertion sort, sortedness and
 * permutation checksums); 64-bit multiply, divide, modulo (unsigned and
 * signed), shifts and compares against schoolbook/long-division/bitwise
 * reference code; string functions (REP MOVS/STOS, REPNE SCAS, REPE
 * CMPS, backward MOVS) against byte loops; bit scans, popcount, parity,
 * byte swaps and rotates against loops; select/compare (cmov/setcc)
 * against mask arithmetic; snprintf against literal strings.
 */
#include "guest.h"

#define BUF_SIZE 65536
#define SORT_N 2048

static uint8_t buf[BUF_SIZE];
static int32_t sort_orig[SORT_N], sort_a[SORT_N], sort_b[SORT_N];

static uint32_t lcg32(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s;
}

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* ---- CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) ---- */

static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xFFFFFFFFu;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static uint32_t crc_table[256];

static uint32_t crc32_table(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xFFFFFFFFu;

	for (size_t i = 0; i < n; i++)
		crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

static void test_crc32(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xEDB88320u : c >> 1;
		crc_table[i] = c;
	}
	const uint8_t *check = (const uint8_t *)"123456789";
	report(crc32_bitwise(check, 9) == 0xCBF43926u &&
	       crc32_table(check, 9) == 0xCBF43926u,
	       "crc32(\"123456789\") = 0xcbf43926 (bitwise and table)");

	uint32_t seed = OPAQUE(0x51A7u);
	for (size_t i = 0; i < BUF_SIZE; i++)
		buf[i] = (uint8_t)(lcg32(&seed) >> 16);
	uint32_t a = crc32_bitwise(buf, BUF_SIZE);
	uint32_t b = crc32_table(buf, BUF_SIZE);
	report(a == b, "crc32 of 64 KiB LCG buffer: bitwise 0x%08x, "
	       "table 0x%08x", a, b);
}

/* ---- sorting ---- */

static void insertion_sort(int32_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		int32_t x = v[i];
		int j = i - 1;
		while (j >= 0 && v[j] > x) {
			v[j + 1] = v[j];
			j--;
		}
		v[j + 1] = x;
	}
}

/* Hoare partition around the middle element; recurse on the smaller
 * side and loop on the larger so the stack stays O(log n). */
static void quicksort(int32_t *v, int lo, int hi)
{
	while (lo < hi) {
		int32_t pivot = v[lo + (hi - lo) / 2];
		int i = lo - 1, j = hi + 1;
		for (;;) {
			do
				i++;
			while (v[i] < pivot);
			do
				j--;
			while (v[j] > pivot);
			if (i >= j)
				break;
			int32_t t = v[i];
			v[i] = v[j];
			v[j] = t;
		}
		if (j - lo < hi - j) {
			quicksort(v, lo, j);
			lo = j + 1;
		} else {
			quicksort(v, j + 1, hi);
			hi = j;
		}
	}
}

static bool is_sorted(const int32_t *v, int n)
{
	for (int i = 1; i < n; i++)
		if (v[i - 1] > v[i])
			return false;
	return true;
}

/* order-independent fingerprints: equal for any permutation */
static void fingerprint(const int32_t *v, int n, uint64_t *sum, uint32_t *x)
{
	*sum = 0;
	*x = 0;
	for (int i = 0; i < n; i++) {
		*sum += (uint64_t)(int64_t)v[i];
		*x ^= (uint32_t)v[i];
	}
}

static void test_sort(void)
{
	uint32_t seed = OPAQUE(0xC0FFEEu);

	for (int i = 0; i < SORT_N; i++)
		sort_orig[i] = (int32_t)lcg32(&seed) >> (i % 7);
	memcpy(sort_a, sort_orig, sizeof(sort_a));
	memcpy(sort_b, sort_orig, sizeof(sort_b));
	quicksort(sort_a, 0, SORT_N - 1);
	insertion_sort(sort_b, SORT_N);

	uint64_t s0, sa, sb;
	uint32_t x0, xa, xb;
	fingerprint(sort_orig, SORT_N, &s0, &x0);
	fingerprint(sort_a, SORT_N, &sa, &xa);
	fingerprint(sort_b, SORT_N, &sb, &xb);
	report(is_sorted(sort_a, SORT_N), "quicksort of %d ints is sorted: "
	       "min %d median %d max %d", SORT_N, sort_a[0],
	       sort_a[SORT_N / 2], sort_a[SORT_N - 1]);
	report(is_sorted(sort_b, SORT_N), "insertion sort is sorted");
	report(memcmp(sort_a, sort_b, sizeof(sort_a)) == 0,
	       "quicksort and insertion sort agree");
	report(sa == s0 && sb == s0 && xa == x0 && xb == x0,
	       "sorting permuted: sum 0x%llx xor 0x%08x",
	       (unsigned long long)s0, x0);
}

/* ---- 64-bit arithmetic ---- */

/* low 64 bits of a*b from four 32x32->64 partial products */
static uint64_t mul_schoolbook(uint64_t a, uint64_t b)
{
	uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;

	return al * bl + ((al * bh + ah * bl) << 32);
}

/* restoring binary long division, one quotient bit per step */
static uint64_t div_long(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	*rem = r;
	return q;
}

static uint64_t digest;

static void mix(uint64_t v)
{
	digest = (digest ^ v) * 0x100000001B3ull;
}

static void test_arith64(void)
{
	uint64_t seed = OPAQUE(0x9E3779B97F4A7C15ull);
	int bad_mul = 0, bad_udiv = 0, bad_sdiv = 0;

	for (int i = 0; i < 400; i++) {
		uint64_t a = xorshift64(&seed) >> (i % 61);
		uint64_t b = xorshift64(&seed) >> ((i * 7) % 64);
		if (b == 0)
			b = 3;
		uint64_t p = a * b;
		bad_mul += p != mul_schoolbook(a, b);

		uint64_t q = a / b, r = a % b, lr;
		uint64_t lq = div_long(a, b, &lr);
		bad_udiv += q != lq || r != lr || r >= b ||
			    mul_schoolbook(q, b) + r != a;

		int64_t sa = (int64_t)a * ((i & 1) ? -1 : 1);
		int64_t sb = (int64_t)b * ((i & 2) ? -1 : 1);
		int64_t sq = sa / sb, sr = sa % sb;
		uint64_t ar = sr < 0 ? 0 - (uint64_t)sr : (uint64_t)sr;
		uint64_t ab = sb < 0 ? 0 - (uint64_t)sb : (uint64_t)sb;
		bad_sdiv += (uint64_t)sq * (uint64_t)sb + (uint64_t)sr !=
				    (uint64_t)sa ||
			    ar >= ab || (sr != 0 && (sr < 0) != (sa < 0));
		mix(p);
		mix(q);
		mix(r);
		mix((uint64_t)sq);
		mix((uint64_t)sr);
	}
	report(bad_mul == 0, "64-bit multiply = schoolbook product (400 pairs)");
	report(bad_udiv == 0, "64-bit unsigned / and %% = long division");
	report(bad_sdiv == 0, "64-bit signed / and %% truncate toward zero");

	/* shifts by every count against repeated doubling/halving */
	uint64_t v = OPAQUE(0xF0E1D2C3B4A59687ull);
	int64_t sv = (int64_t)v;
	int bad_shift = 0;
	uint64_t dbl = v, half = v;
	int64_t shalf = sv;
	for (int s = 0; s < 64; s++) {
		int cnt = OPAQUE(s);
		bad_shift += (v << cnt) != dbl || (v >> cnt) != half ||
			     (sv >> cnt) != shalf;
		mix(v << cnt);
		mix(v >> cnt);
		mix((uint64_t)(sv >> cnt));
		dbl += dbl;
		half /= 2;
		/* arithmetic shift rounds toward minus infinity */
		shalf = shalf / 2 - (shalf < 0 && (shalf & 1));
	}
	report(bad_shift == 0, "64-bit <<, >> and signed >> by 0..63");

	/* compares: signed order is unsigned order with the sign bit flipped */
	static const uint64_t edge[] = {
		0, 1, 2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000ull,
		0x7FFFFFFFFFFFFFFFull, 0x8000000000000000ull,
		0xFFFFFFFF00000000ull, 0xFFFFFFFFFFFFFFFEull,
		0xFFFFFFFFFFFFFFFFull,
	};
	int bad_cmp = 0, n_ult = 0, n_slt = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(edge); i++) {
		for (unsigned j = 0; j < ARRAY_SIZE(edge); j++) {
			uint64_t x = OPAQUE(edge[i]), y = OPAQUE(edge[j]);
			bool ult = x < y;
			bool slt = (int64_t)x < (int64_t)y;
			uint32_t xh = x >> 32, yh = y >> 32;
			bool ult_ref = xh != yh ? xh < yh : (uint32_t)x < (uint32_t)y;
			uint64_t flip = 1ull << 63;
			bool slt_ref = (x ^ flip) < (y ^ flip);
			bad_cmp += ult != ult_ref || slt != slt_ref ||
				   ((int64_t)x >= (int64_t)y) == slt ||
				   (x > y) != (y < x);
			n_ult += ult;
			n_slt += slt;
		}
	}
	report(bad_cmp == 0, "64-bit compares: %d unsigned-less, %d signed-less "
	       "of 144 pairs", n_ult, n_slt);
	printf("# arithmetic digest 0x%016llx\n", (unsigned long long)digest);
}

/* ---- string functions against byte loops ---- */

static uint8_t src[512], dst[512], ref[512];

static void ref_copy(volatile uint8_t *d, const volatile uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = s[i];
}

static void test_string(void)
{
	uint32_t seed = OPAQUE(7u);
	int bad = 0;

	for (size_t i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)(lcg32(&seed) >> 24);

	/* memcpy at every alignment and a spread of lengths */
	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n < 300; n += 1 + n / 4) {
			memset(dst, 0xAA, sizeof(dst));
			memset(ref, 0xAA, sizeof(ref));
			memcpy(dst + off, src + (off * 3) % 8, n);
			ref_copy(ref + off, src + (off * 3) % 8, n);
			for (size_t i = 0; i < sizeof(dst); i++)
				bad += dst[i] != ref[i];
		}
	}
	report(bad == 0, "memcpy (rep movsl + rep movsb) = byte loop");

	bad = 0;
	for (size_t n = 0; n < 200; n += 7) {
		memset(dst, 0, sizeof(dst));
		memset(dst + 3, 0x5C, n);
		for (size_t i = 0; i < sizeof(dst); i++)
			bad += dst[i] != (i >= 3 && i < 3 + n ? 0x5C : 0);
	}
	report(bad == 0, "memset (rep stosb) fills exactly n bytes");

	/* memmove forward (dst below src) and backward (dst above, STD) */
	bad = 0;
	for (int shift = -9; shift <= 9; shift += 3) {
		for (size_t i = 0; i < sizeof(dst); i++)
			dst[i] = ref[i] = (uint8_t)i;
		uint8_t tmp[256];
		ref_copy(tmp, ref + 100, 256);
		ref_copy(ref + 100 + shift, tmp, 256);
		memmove(dst + 100 + shift, dst + 100, 256);
		for (size_t i = 0; i < sizeof(dst); i++)
			bad += dst[i] != ref[i];
	}
	report(bad == 0 && !(read_flags() & 0x400),
	       "memmove overlapping both ways, DF clear afterwards");

	const char *words[] = { "", "a", "quadrant", "shadow page tables",
				"kvm_mmu_page role quadrant" };
	bad = 0;
	size_t total = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(words); i++) {
		const volatile char *w = words[i];
		size_t n = 0;
		while (w[n])
			n++;
		bad += strlen(words[i]) != n;
		total += n;
	}
	report(bad == 0, "strlen (repne scasb) = loop, total %zu", total);

	memcpy(dst, src, 64);
	dst[40] = (uint8_t)(src[40] + 1);
	int c1 = memcmp(dst, src, 64), c2 = memcmp(src, dst, 64);
	report(memcmp(dst, src, 40) == 0 && c1 > 0 && c2 < 0 &&
	       memcmp(dst, src, 0) == 0,
	       "memcmp (repe cmpsb) finds the first difference and its sign");
}

/* ---- bit tricks ---- */

static int ctz_loop(uint64_t x)
{
	int n = 0;

	while (!(x & 1)) {
		x >>= 1;
		n++;
	}
	return n;
}

static int clz_loop(uint64_t x, int bits)
{
	int n = 0;

	for (int i = bits - 1; i >= 0 && !((x >> i) & 1); i--)
		n++;
	return n;
}

static int popcount_loop(uint64_t x)
{
	int n = 0;

	while (x) {	/* Kernighan: clear the lowest set bit */
		x &= x - 1;
		n++;
	}
	return n;
}

static void test_bits(void)
{
	uint64_t seed = OPAQUE(0x0123456789ABCDEFull);
	int bad_scan = 0, bad_pop = 0, bad_swap = 0, bad_rot = 0;
	uint64_t sum = 0;

	for (int i = 0; i < 300; i++) {
		uint64_t x = xorshift64(&seed) >> (i % 64);
		uint32_t w = (uint32_t)(x >> (i % 32));
		if (x == 0)
			x = 1;
		if (w == 0)
			w = 0x80000000u >> (i % 32);

		/* bsf / bsr */
		bad_scan += __builtin_ctzll(x) != ctz_loop(x) ||
			    __builtin_clzll(x) != clz_loop(x, 64) ||
			    __builtin_ctz(w) != ctz_loop(w) ||
			    __builtin_clz(w) != clz_loop(w, 32);
		/* popcount and parity (no POPCNT instruction on this target) */
		bad_pop += __builtin_popcountll(x) != popcount_loop(x) ||
			   __builtin_popcount(w) != popcount_loop(w) ||
			   __builtin_parityll(x) != (popcount_loop(x) & 1);
		/* byte swaps against shifts and masks */
		uint32_t s32 = (w >> 24) | ((w >> 8) & 0xFF00) |
			       ((w << 8) & 0xFF0000) | (w << 24);
		uint64_t s64 = ((uint64_t)__builtin_bswap32((uint32_t)x) << 32) |
			       __builtin_bswap32((uint32_t)(x >> 32));
		bad_swap += __builtin_bswap32(w) != s32 ||
			    __builtin_bswap64(x) != s64;
		/* rotate (rol) against one-bit-at-a-time rotation */
		unsigned r = OPAQUE((unsigned)i % 32);
		uint32_t rot = r ? (w << r) | (w >> (32 - r)) : w;
		uint32_t slow = w;
		for (unsigned k = 0; k < r; k++)
			slow = (slow << 1) | (slow >> 31);
		bad_rot += rot != slow;
		sum += (uint64_t)__builtin_ctzll(x) * 3 + __builtin_clz(w) +
		       (uint64_t)__builtin_popcountll(x) * 5 +
		       __builtin_bswap32(w) + rot;
	}
	report(bad_scan == 0, "bsf/bsr (ctz/clz, 32 and 64 bit) = loops");
	report(bad_pop == 0, "popcount and parity = Kernighan loop");
	report(bad_swap == 0, "bswap32/bswap64 = shifts and masks");
	report(bad_rot == 0, "rotate left = repeated 1-bit rotation");
	printf("# bit digest 0x%llx\n", (unsigned long long)sum);
}

/* ---- select and compare: cmov / setcc against mask arithmetic ---- */

static int32_t max_mask(int32_t a, int32_t b)
{
	int64_t d = (int64_t)a - b;		/* no overflow in 64 bits */
	int32_t m = (int32_t)(d >> 63);		/* all ones if a < b */

	return (int32_t)(((uint32_t)a & ~(uint32_t)m) | ((uint32_t)b & (uint32_t)m));
}

static void test_select(void)
{
	uint32_t seed = OPAQUE(99u);
	int bad = 0, n_lt = 0, n_ult = 0, n_eq = 0;
	int64_t acc = 0;

	for (int i = 0; i < 500; i++) {
		int32_t a = (int32_t)lcg32(&seed);
		int32_t b = (i % 5 == 0) ? a : (int32_t)lcg32(&seed);
		int32_t mx = a > b ? a : b;
		int32_t mn = a < b ? a : b;
		bad += mx != max_mask(a, b) || (int64_t)mx + mn != (int64_t)a + b;
		if (a != INT32_MIN) {	/* abs: cmov vs xor with the sign mask */
			int32_t ab = a < 0 ? -a : a;
			uint32_t m = (uint32_t)(a >> 31);
			bad += (uint32_t)ab != (((uint32_t)a ^ m) - m);
		}
		/* setl/setb/sete summed, against the sign of a 64-bit difference */
		n_lt += a < b;
		n_ult += (uint32_t)a < (uint32_t)b;
		n_eq += a == b;
		bad += (a < b) != (((int64_t)a - b) < 0) ||
		       ((uint32_t)a < (uint32_t)b) !=
			       (int)(((uint64_t)(uint32_t)a - (uint32_t)b) >> 63);
		acc += mx - (int64_t)mn;
	}
	report(bad == 0, "max/min/abs by cmov = mask arithmetic; setcc = "
	       "sign of difference");
	printf("# 500 pairs: %d signed-less, %d unsigned-less, %d equal, "
	       "spread %lld\n", n_lt, n_ult, n_eq, (long long)acc);
}

/* ---- formatted output ---- */

static void check_fmt(const char *want, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void check_fmt(const char *want, const char *fmt, ...)
{
	char got[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	report(strcmp(got, want) == 0, "snprintf \"%s\" -> \"%s\"", fmt, got);
}

static void test_printf(void)
{
	int neg = OPAQUE(-12345);
	unsigned big = OPAQUE(4000000000u);
	uint64_t w = OPAQUE(0x123456789ABCDEF0ull);

	check_fmt("-12345 4000000000", "%d %u", neg, big);
	check_fmt("ee6b2800 EE6B2800", "%x %X", big, big);
	check_fmt("[   42] [42   ] [00042]", "[%5d] [%-5d] [%05d]", 42, 42, 42);
	check_fmt("[-0042] [  -42]", "[%05d] [%5d]", -42, -42);
	check_fmt("123456789abcdef0", "%llx", (unsigned long long)w);
	check_fmt("-9223372036854775808", "%lld",
		  (long long)OPAQUE(0x8000000000000000ull));
	check_fmt("18446744073709551615", "%llu",
		  (unsigned long long)OPAQUE(~0ull));
	check_fmt("0000beef", "%08lx", (unsigned long)OPAQUE(0xBEEFul));
	check_fmt("<q> <ok  >", "<%c> <%-4s>", 'q', "ok");
	printf("# widths: [%8x] [%-8u] [%08llx] [%s]\n", 0xABCu, 77u,
	       (unsigned long long)(w >> 36), "done");
}

void guest_main(void)
{
	printf("compute%d: integer self-checks\n", (int)sizeof(void *) * 8);
	test_crc32();
	test_sort();
	test_arith64();
	test_string();
	test_bits();
	test_select();
	test_printf();
}
