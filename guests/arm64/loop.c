/*
 * loop: a CPU benchmark, the arm64 twin of guests/x86/loop32.c. A tight
 * loop of register-only ALU instructions (add, eor, lsr, add, subs,
 * b.ne) run 200 million times, with no memory access and the MMU off,
 * so its run time measures the raw instruction rate of an interpreter
 * or JIT (bench/arm64.sh).
 *
 * The loop is assembly so the instructions are exactly these. It
 * computes the same recurrence as loop32, so the expected checksum is
 * the same constant: a short run is checked against the recurrence in C,
 * the full run against that constant (computed on the host from the C).
 */
#include "guest.h"

/* The value, hidden from the optimiser: it must be computed at run time. */
#define OPAQUE(x) ({ __typeof__((x) + 0) __v = (x); __asm__("" : "+r"(__v)); __v; })

#define ITERATIONS 200000000u
#define EXPECTED   0xE4D44A47u	/* alu_model(ITERATIONS, SEED_A, SEED_B) */
#define SEED_A     0x12345678u
#define SEED_B     0x9ABCDEF0u

/*
 * for (i = n; i != 0; i--) { a += i; b ^= a; a += b >> 3; }
 * return a ^ b;
 */
static uint32_t alu_loop(uint32_t n, uint32_t a, uint32_t b)
{
	uint32_t t;

	__asm__ volatile("1:\n\t"
			 "add %w[a], %w[a], %w[n]\n\t"
			 "eor %w[b], %w[b], %w[a]\n\t"
			 "lsr %w[t], %w[b], #3\n\t"
			 "add %w[a], %w[a], %w[t]\n\t"
			 "subs %w[n], %w[n], #1\n\t"
			 "b.ne 1b"
			 : [a] "+r"(a), [b] "+r"(b), [n] "+r"(n), [t] "=&r"(t)
			 :
			 : "cc");
	return a ^ b;
}

static uint32_t alu_model(uint32_t n, uint32_t a, uint32_t b)
{
	for (uint32_t i = n; i != 0; i--) {
		a += i;
		b ^= a;
		a += b >> 3;
	}
	return a ^ b;
}

void guest_main(void)
{
	printf("loop: %u iterations of a 6-instruction ALU loop\n",
	       ITERATIONS);
	uint32_t small = alu_loop(OPAQUE(1000u), SEED_A, SEED_B);
	report(small == alu_model(OPAQUE(1000u), SEED_A, SEED_B),
	       "1000 iterations match the C model: 0x%08x", small);
	uint32_t sum = alu_loop(OPAQUE(ITERATIONS), SEED_A, SEED_B);
	report(sum == EXPECTED, "%u iterations: checksum 0x%08x", ITERATIONS,
	       sum);
}
