/*
 * compute: integer work that exercises an A64 interpreter's data
 * processing instructions, with the MMU off.
 *
 * Every result is computed two independent ways and compared, so the
 * guest checks itself; digests are printed too, so that a byte-for-byte
 * comparison with QEMU catches an error both ways share. Inputs come
 * from fixed-seed generators passed through OPAQUE() so that clang
 * cannot fold the work away at compile time.
 *
 * The same checks as the x86 compute guest (guests/x86/compute.c), in
 * A64 terms: CRC-32 (bitwise vs table); sorting (quicksort vs insertion
 * sort); 64-bit MUL/UDIV/SDIV/MSUB against schoolbook and long
 * division, UMULH/SMULH (128-bit products through __int128) against
 * 32-bit partial products, ADDS/ADC carries; the architectural corner
 * cases C leaves undefined (division by zero gives 0, INT64_MIN / -1
 * gives INT64_MIN, register shifts take the count modulo 64); string
 * functions against byte loops; CLZ, CLS, RBIT, REV, REV16, REV32 and
 * bitfield moves against loops; CSEL/CSINC/CSNEG against masks; and
 * snprintf against literal strings.
 */
#include "guest.h"

/* The value, hidden from the optimiser: it must be computed at run time. */
#define OPAQUE(x) ({ __typeof__((x) + 0) __v = (x); __asm__("" : "+r"(__v)); __v; })

#define BUF_SIZE 65536
#define SORT_N 2048
#define U(x) ((unsigned long long)(x))

static uint8_t buf[BUF_SIZE];
static int32_t sort_orig[SORT_N], sort_a[SORT_N], sort_b[SORT_N];
static uint64_t digest;

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

/* FNV-1a style folding of every result into one printed digest. */
static void mix(uint64_t v)
{
	digest = (digest ^ v) * 0x100000001b3ull;
}

/* ---- CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) ---- */

static uint32_t crc32_bitwise(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static uint32_t crc_table[256];

static uint32_t crc32_table(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < n; i++)
		crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

static void test_crc32(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
		crc_table[i] = c;
	}
	const uint8_t *check = (const uint8_t *)"123456789";
	report(crc32_bitwise(check, 9) == 0xcbf43926u &&
	       crc32_table(check, 9) == 0xcbf43926u,
	       "crc32(\"123456789\") = 0xcbf43926 (bitwise and table)");

	uint32_t seed = OPAQUE(0x51a7u);
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

/* Order-independent fingerprints: equal for any permutation. */
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
	uint32_t seed = OPAQUE(0xc0ffeeu);

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
	       "sorting permuted: sum 0x%llx xor 0x%08x", U(s0), x0);
}

/* ---- 64-bit arithmetic ---- */

/* The full 128-bit product from four 32x32->64 partial products. */
static void mul_schoolbook(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
	uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;

	*lo = (mid << 32) | (uint32_t)ll;
	*hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/* Restoring binary long division, one quotient bit per step. */
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

/*
 * MUL gives the low 64 bits of a product, UMULH/SMULH the high 64 bits
 * (unsigned/signed); clang uses them for __int128 products. The signed
 * high half is the unsigned one minus b if a < 0, minus a if b < 0.
 */
static void test_mul_div(void)
{
	uint64_t seed = OPAQUE(0x9e3779b97f4a7c15ull);
	int bad_mul = 0, bad_mulh = 0, bad_udiv = 0, bad_sdiv = 0;

	for (int i = 0; i < 400; i++) {
		uint64_t a = xorshift64(&seed) >> (i % 61);
		uint64_t b = xorshift64(&seed) >> ((i * 7) % 64);
		if (b == 0)
			b = 3;
		uint64_t hi, lo;
		mul_schoolbook(a, b, &hi, &lo);
		unsigned __int128 p = (unsigned __int128)a * b;
		bad_mul += a * b != lo;
		bad_mulh += (uint64_t)(p >> 64) != hi || (uint64_t)p != lo;

		int64_t sa = (int64_t)(a ^ (uint64_t)-(int64_t)(i & 1));
		int64_t sb = (int64_t)(b * ((i & 2) ? -1 : 1));
		__int128 sp = (__int128)sa * sb;
		mul_schoolbook((uint64_t)sa, (uint64_t)sb, &hi, &lo);
		hi -= (sa < 0 ? (uint64_t)sb : 0) + (sb < 0 ? (uint64_t)sa : 0);
		bad_mulh += (uint64_t)((unsigned __int128)sp >> 64) != hi;

		uint64_t q = a / b, r = a % b, lr;
		uint64_t lq = div_long(a, b, &lr);
		bad_udiv += q != lq || r != lr || r >= b || q * b + r != a;

		int64_t sq = sa / sb, sr = sa % sb;
		uint64_t ar = sr < 0 ? 0 - (uint64_t)sr : (uint64_t)sr;
		uint64_t ab = sb < 0 ? 0 - (uint64_t)sb : (uint64_t)sb;
		bad_sdiv += (uint64_t)sq * (uint64_t)sb + (uint64_t)sr !=
				    (uint64_t)sa ||
			    ar >= ab || (sr != 0 && (sr < 0) != (sa < 0));
		mix(lo);
		mix((uint64_t)(p >> 64));
		mix((uint64_t)((unsigned __int128)sp >> 64));
		mix(q);
		mix(r);
		mix((uint64_t)sq);
		mix((uint64_t)sr);
	}
	report(bad_mul == 0, "MUL = schoolbook low product (400 pairs)");
	report(bad_mulh == 0, "UMULH/SMULH (__int128 products) = schoolbook "
	       "high product");
	report(bad_udiv == 0, "UDIV and MSUB remainder = long division");
	report(bad_sdiv == 0, "SDIV truncates toward zero, remainder takes "
	       "the dividend's sign");
}

/*
 * Where C says "undefined", A64 defines: UDIV/SDIV by zero write 0 (no
 * trap), SDIV of INT64_MIN by -1 gives INT64_MIN, and LSLV/LSRV/ASRV
 * shift by the register's value modulo 64. Inline assembly, so that
 * the instructions run as written.
 */
static void test_arch_corners(void)
{
	uint64_t n = OPAQUE(12345ull), zero = OPAQUE(0ull), q, s;
	int64_t min = OPAQUE(INT64_MIN), m1 = OPAQUE(-1ll), sq;

	__asm__("udiv %0, %1, %2" : "=r"(q) : "r"(n), "r"(zero));
	__asm__("sdiv %0, %1, %2" : "=r"(sq) : "r"(min), "r"(zero));
	report(q == 0 && sq == 0, "UDIV and SDIV by zero give 0, no exception");
	__asm__("sdiv %0, %1, %2" : "=r"(sq) : "r"(min), "r"(m1));
	report(sq == INT64_MIN, "SDIV INT64_MIN / -1 = INT64_MIN");

	uint64_t v = OPAQUE(0x8000000000000001ull), cnt = OPAQUE(65ull);
	uint64_t l, r, a;
	__asm__("lslv %0, %1, %2" : "=r"(l) : "r"(v), "r"(cnt));
	__asm__("lsrv %0, %1, %2" : "=r"(r) : "r"(v), "r"(cnt));
	__asm__("asrv %0, %1, %2" : "=r"(a) : "r"(v), "r"(cnt));
	report(l == 2 && r == 0x4000000000000000ull &&
	       a == 0xc000000000000000ull,
	       "LSLV/LSRV/ASRV by 65 shift by 1 (count modulo 64)");
	uint32_t w = OPAQUE(0x80000001u), c32 = OPAQUE(33u), l32;
	__asm__("lslv %w0, %w1, %w2" : "=r"(l32) : "r"(w), "r"(c32));
	report(l32 == 2, "LSLV on W registers: count modulo 32");

	/* ADDS sets C on unsigned overflow, ADC adds it in: 128-bit add. */
	uint64_t x = OPAQUE(0xffffffffffffffffull), y = OPAQUE(2ull), lo, hi;
	__asm__("adds %0, %2, %3\n\tadc %1, xzr, xzr"
		: "=&r"(lo), "=r"(hi) : "r"(x), "r"(y) : "cc");
	s = lo + hi;
	report(lo == 1 && hi == 1 && s == 2, "ADDS carry out, ADC carry in");
}

static void test_shift_cmp(void)
{
	uint64_t v = OPAQUE(0xf0e1d2c3b4a59687ull);
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

	/* signed order is unsigned order with the sign bit flipped */
	static const uint64_t edge[] = {
		0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
		0x7fffffffffffffffull, 0x8000000000000000ull,
		0xffffffff00000000ull, 0xfffffffffffffffeull,
		0xffffffffffffffffull,
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
	printf("# arithmetic digest 0x%016llx\n", U(digest));
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

	for (size_t off = 0; off < 8; off++) {
		for (size_t n = 0; n < 300; n += 1 + n / 4) {
			memset(dst, 0xaa, sizeof(dst));
			memset(ref, 0xaa, sizeof(ref));
			memcpy(dst + off, src + (off * 3) % 8, n);
			ref_copy(ref + off, src + (off * 3) % 8, n);
			for (size_t i = 0; i < sizeof(dst); i++)
				bad += dst[i] != ref[i];
		}
	}
	report(bad == 0, "memcpy at every alignment = volatile byte loop");

	bad = 0;
	for (size_t n = 0; n < 200; n += 7) {
		memset(dst, 0, sizeof(dst));
		memset(dst + 3, 0x5c, n);
		for (size_t i = 0; i < sizeof(dst); i++)
			bad += dst[i] != (i >= 3 && i < 3 + n ? 0x5c : 0);
	}
	report(bad == 0, "memset fills exactly n bytes");

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
	report(bad == 0, "memmove overlapping both ways");

	const char *words[] = { "", "a", "quadrant", "stage 2 tables",
				"kvm_pgtable_walk level" };
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
	report(bad == 0 && strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 &&
	       strcmp(words[2], "quadrant") == 0,
	       "strlen = loop (total %zu), strcmp orders", total);

	memcpy(dst, src, 64);
	dst[40] = (uint8_t)(src[40] + 1);
	int c1 = memcmp(dst, src, 64), c2 = memcmp(src, dst, 64);
	report(memcmp(dst, src, 40) == 0 && c1 > 0 && c2 < 0 &&
	       memcmp(dst, src, 0) == 0,
	       "memcmp finds the first difference and its sign");
}

/* ---- bit manipulation ---- */

static int clz_loop(uint64_t x, int bits)
{
	int n = 0;

	for (int i = bits - 1; i >= 0 && !((x >> i) & 1); i--)
		n++;
	return n;
}

static uint64_t rbit_loop(uint64_t x)
{
	uint64_t r = 0;

	for (int i = 0; i < 64; i++)
		r |= ((x >> i) & 1) << (63 - i);
	return r;
}

static uint64_t bytes_reversed(uint64_t x, int chunk)	/* chunk: bytes */
{
	uint64_t r = 0;

	for (int c = 0; c < 8; c += chunk)
		for (int b = 0; b < chunk; b++)
			r |= ((x >> (8 * (c + b))) & 0xff) << (8 * (c + chunk - 1 - b));
	return r;
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

/*
 * CLZ counts leading zeroes (64 for 0); CLS counts the bits after the
 * top one that equal it; RBIT reverses the bit order; REV reverses the
 * bytes, REV16 the bytes of each halfword, REV32 of each word. UBFX/SBFX
 * extract a bitfield zero/sign extended, BFI inserts one.
 */
static void test_bits(void)
{
	uint64_t seed = OPAQUE(0x0123456789abcdefull);
	int bad_clz = 0, bad_rbit = 0, bad_rev = 0, bad_pop = 0, bad_bf = 0;
	uint64_t sum = 0;

	for (int i = 0; i < 300; i++) {
		uint64_t x = xorshift64(&seed) >> (i % 64);
		uint64_t cls, r16, r32, rb;

		bad_clz += (x ? __builtin_clzll(x) : 64) != clz_loop(x, 64) ||
			   (x ? __builtin_ctzll(x) : 64) !=
				   clz_loop(rbit_loop(x), 64);
		__asm__("cls %0, %1" : "=r"(cls) : "r"(x));
		bad_clz += (int)cls != clz_loop(x ^ ((int64_t)x >> 63), 64) - 1;

		__asm__("rbit %0, %1" : "=r"(rb) : "r"(x));
		bad_rbit += __builtin_bitreverse64(x) != rbit_loop(x) ||
			    rb != rbit_loop(x);

		__asm__("rev16 %0, %1" : "=r"(r16) : "r"(x));
		__asm__("rev32 %0, %1" : "=r"(r32) : "r"(x));
		bad_rev += __builtin_bswap64(x) != bytes_reversed(x, 8) ||
			   r32 != bytes_reversed(x, 4) ||
			   r16 != bytes_reversed(x, 2) ||
			   __builtin_bswap32((uint32_t)x) !=
				   (uint32_t)bytes_reversed((uint32_t)x, 4);

		bad_pop += __builtin_popcountll(x) != popcount_loop(x);

		/* UBFX x, #13, #17; SBFX x, #37, #20; BFI into x at #9,
		 * width 11, from ~x: fixed fields, as the encodings need. */
		uint64_t ux, bi = x;
		int64_t sx;
		__asm__("ubfx %0, %1, #13, #17" : "=r"(ux) : "r"(x));
		__asm__("sbfx %0, %1, #37, #20" : "=r"(sx) : "r"(x));
		__asm__("bfi %0, %1, #9, #11" : "+r"(bi) : "r"(~x));
		uint64_t m17 = (1ull << 17) - 1, m11 = (1ull << 11) - 1;
		uint64_t f20 = (x >> 37) & ((1ull << 20) - 1);
		bad_bf += ux != ((x >> 13) & m17) ||
			  sx != (int64_t)(f20 ^ (1ull << 19)) - (1ll << 19) ||
			  ((bi >> 9) & m11) != (~x & m11) ||
			  (bi & ~(m11 << 9)) != (x & ~(m11 << 9));
		sum += cls * 3 + (rb >> 40) + r16 + (r32 >> 7) + ux +
		       (uint64_t)sx + bi;
	}
	report(bad_clz == 0, "CLZ, CTZ (RBIT + CLZ) and CLS = loops");
	report(bad_rbit == 0, "RBIT = bit-by-bit reversal");
	report(bad_rev == 0, "REV, REV16, REV32 = byte shuffles");
	report(bad_pop == 0, "popcount = Kernighan loop");
	report(bad_bf == 0, "bitfield extract (UBFX/SBFX) and insert (BFI) = "
	       "shifts and masks");
	printf("# bit digest 0x%llx\n", U(sum));
}

/* ---- conditional select: CSEL/CSINC/CSNEG against masks ---- */

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
		if (a != INT32_MIN) {	/* abs: CSNEG vs xor with the sign */
			int32_t ab = a < 0 ? -a : a;
			uint32_t m = (uint32_t)(a >> 31);
			bad += (uint32_t)ab != (((uint32_t)a ^ m) - m);
		}
		int32_t inc = a == b ? a : b + 1;	/* CSINC */
		bad += inc != (a == b ? a : b) + (a != b);
		n_lt += a < b;				/* CSET */
		n_ult += (uint32_t)a < (uint32_t)b;
		n_eq += a == b;
		bad += (a < b) != (((int64_t)a - b) < 0) ||
		       ((uint32_t)a < (uint32_t)b) !=
			       (int)(((uint64_t)(uint32_t)a - (uint32_t)b) >> 63);
		acc += mx - (int64_t)mn;
	}
	report(bad == 0, "max/min/abs by conditional select = mask "
	       "arithmetic; CSET = sign of difference");
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
	uint64_t w = OPAQUE(0x123456789abcdef0ull);

	check_fmt("-12345 4000000000", "%d %u", neg, big);
	check_fmt("ee6b2800 EE6B2800", "%x %X", big, big);
	check_fmt("[   42] [42   ] [00042]", "[%5d] [%-5d] [%05d]", 42, 42, 42);
	check_fmt("[-0042] [  -42]", "[%05d] [%5d]", -42, -42);
	check_fmt("123456789abcdef0", "%llx", U(w));
	check_fmt("fedcba9876543210", "%lx",
		  (unsigned long)OPAQUE(0xfedcba9876543210ul));
	check_fmt("-9223372036854775808", "%lld",
		  (long long)OPAQUE(0x8000000000000000ull));
	check_fmt("18446744073709551615", "%llu", U(OPAQUE(~0ull)));
	check_fmt("0000beef", "%08lx", (unsigned long)OPAQUE(0xbeeful));
	check_fmt("<q> <ok  >", "<%c> <%-4s>", 'q', "ok");
	printf("# widths: [%8x] [%-8u] [%08llx] [%s]\n", 0xabcu, 77u,
	       U(w >> 36), "done");
}

void guest_main(void)
{
	printf("compute: A64 integer self-checks\n");
	test_crc32();
	test_sort();
	test_mul_div();
	test_arch_corners();
	test_shift_cmp();
	test_string();
	test_bits();
	test_select();
	test_printf();
}
