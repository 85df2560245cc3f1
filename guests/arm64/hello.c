/*
 * hello: the smallest guest. A greeting, then two checks any correct
 * EL1 entry passes: CurrentEL reads 1 (CurrentEL.EL is bits [3:2], so
 * the register reads 0x4), and the CPU adds and multiplies correctly.
 */
#include "guest.h"

void guest_main(void)
{
	volatile uint64_t a = 6, b = 7;

	printf("Hello from an arm64 guest\n");
	report(read_sysreg(CurrentEL) == 0x4, "CurrentEL is EL1");
	report(a * b + 0 == 42, "6 * 7 = %llu", (unsigned long long)(a * b));
}
