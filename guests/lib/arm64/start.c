/*
 * start.c: from the entry code to guest_main().
 *
 * entry.S leaves us at EL1 on the boot stack with VBAR_EL1 set and
 * .bss zeroed. The PL011 needs no setup (QEMU's comes out of reset
 * ready to send, and we only write UARTDR), so the guest runs at once.
 * A guest that returns from guest_main() ends the run with finish().
 */
#include "guest.h"

void lib_start(void)
{
	guest_main();
	finish();
}

void halt_forever(void)
{
	for (;;)
		__asm__ volatile("wfi");
}
