/*
 * hello32: the smallest 32-bit guest. Proves the boot path (Multiboot
 * magic in EAX, our GDT and IDT), the console and the test protocol.
 *
 * Checks: the loader's magic; CR0.PE=1 and CR0.PG=0 (Multiboot enters
 * with paging off); CS is our kernel code selector; a little arithmetic
 * the compiler cannot fold; an int3 reaching our #BP handler and
 * returning.
 */
#include "guest.h"
#include "trap.h"

static int breakpoints;

/* #BP is a trap: the saved EIP already points past the int3. */
static void bp_handler(struct trapframe *tf)
{
	(void)tf;
	breakpoints++;
}

void guest_main(void)
{
	printf("Hello from Quadrant guest hello32 (32-bit protected mode)\n");

	report(boot_magic == MULTIBOOT_BOOTLOADER_MAGIC,
	       "entered with multiboot magic in EAX");
	uintptr_t cr0 = read_cr0();
	report((cr0 & CR0_PE) && !(cr0 & CR0_PG),
	       "protected mode on, paging off");
	report(read_cs() == SEG_KCODE, "running on our GDT's code segment");

	uint32_t a = OPAQUE(6u), b = OPAQUE(7u);
	report(a * b == 42 && b - a == 1 && (a << 4) == 96,
	       "6 * 7 = %u", a * b);

	trap_set_handler(T_BP, bp_handler);
	__asm__ volatile("int3");
	report(breakpoints == 1, "int3 reached the #BP handler and returned");
}
