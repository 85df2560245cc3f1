/*
 * hello64: the smallest 64-bit guest. Proves entry64.S took the CPU from
 * the Multiboot 32-bit entry into long mode.
 *
 * Checks: the loader's magic; EFER.LME and EFER.LMA (the CPU sets LMA
 * only when paging is turned on with LME=1); CR4.PAE and CR0.PG;
 * CS is the 64-bit code selector; 64-bit registers really are 64 bits
 * wide (a product and a shift that overflow 32 bits); pointers are 8
 * bytes; an int3 round trip through the 16-byte IDT gate.
 */
#include "guest.h"
#include "trap.h"

static int breakpoints;

static void bp_handler(struct trapframe *tf)
{
	(void)tf;
	breakpoints++;
}

void guest_main(void)
{
	printf("Hello from Quadrant guest hello64 (64-bit long mode)\n");

	report(boot_magic == MULTIBOOT_BOOTLOADER_MAGIC,
	       "entered with multiboot magic in EAX");
	uint64_t efer = rdmsr(MSR_EFER);
	report((efer & EFER_LME) && (efer & EFER_LMA),
	       "EFER.LME and EFER.LMA set: long mode active");
	report((read_cr4() & CR4_PAE) && (read_cr0() & CR0_PG),
	       "CR4.PAE and CR0.PG set");
	report(read_cs() == SEG_KCODE, "running on the 64-bit code segment");

	uint64_t a = OPAQUE(0x123456789ull), b = OPAQUE(0x1000ull);
	uint64_t p = a * b;
	report(p == 0x123456789000ull && (p >> 40) == 0x12,
	       "0x123456789 * 0x1000 = 0x%llx", (unsigned long long)p);
	uint64_t one = OPAQUE(1ull);
	report((one << 63) == 0x8000000000000000ull && sizeof(void *) == 8,
	       "1 << 63 = 0x%llx, pointers are %zu bytes",
	       (unsigned long long)(one << 63), sizeof(void *));

	trap_set_handler(T_BP, bp_handler);
	__asm__ volatile("int3");
	report(breakpoints == 1, "int3 reached the #BP handler and returned");
}
