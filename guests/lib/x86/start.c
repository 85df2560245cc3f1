/*
 * start.c: from the entry code to guest_main().
 *
 * entry32.S/entry64.S leave us on the boot stack with our GDT loaded and
 * .bss zeroed. We bring up the console first (so anything after can
 * report), then the TSS and IDT, then run the guest. A guest that
 * returns from guest_main() ends the run with finish().
 */
#include "guest.h"
#include "trap.h"

uint32_t boot_magic;
uint32_t boot_info;

void lib_start(void)
{
	uart_init();
	desc_init();
	trap_init();
	probe_reset();
	guest_main();
	finish();
}
