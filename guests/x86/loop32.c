/*
 * loop32: a CPU benchmark. A tight loop of register-only ALU
 * instructions (add, xor, mov, shr, add, dec, jnz) run 200 million times,
 * with no memory access and no paging, so its run time measures the raw
 * instruction rate of an interpreter or JIT.
 *
 * The loop is assembly so the instructions are exactly these. Its result
 * is checked twice: a short run against the same recurrence in C, and
 * the full run against a constant computed on the host from that C.
 */
#include "guest.h"

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
			 "addl %[n], %[a]\n\t"
			 "xorl %[a], %[b]\n\t"
			 "movl %[b], %[t]\n\t"
			 "shrl $3, %[t]\n\t"
			 "addl %[t], %[a]\n\t"
			 "decl %[n]\n\t"
			 "jnz 1b"
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
	printf("loop32: %u iterations of a 7-instruction ALU loop\n",
	       ITERATIONS);
	uint32_t small = alu_loop(OPAQUE(1000u), SEED_A, SEED_B);
	report(small == alu_model(OPAQUE(1000u), SEED_A, SEED_B),
	       "1000 iterations match the C model: 0x%08x", small);
	uint32_t sum = alu_loop(OPAQUE(ITERATIONS), SEED_A, SEED_B);
	report(sum == EXPECTED, "%u iterations: checksum 0x%08x", ITERATIONS,
	       sum);
}
