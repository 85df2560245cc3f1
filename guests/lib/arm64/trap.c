/*
 * trap.c: what happens to an exception once vectors.S has saved the
 * registers.
 *
 * Order: an "SVC #0" from EL0 (EC 0x15, ISS imm16 = 0, taken through
 * the lower-EL vector) ends run_el0(); anything else synchronous goes
 * to the guest's handler if it set one; what nobody handles is printed
 * with its syndrome (EC, ISS, FAR, ELR) and ends the run with FAIL. The
 * runtime never enables interrupts, so IRQ/FIQ/SError entries are
 * unexpected too. A fault inside a handler (nesting deeper than one)
 * ends the run at once, rather than recursing until the stack is gone.
 */
#include "guest.h"
#include "trap.h"

static trap_handler_t guest_handler;
static int depth;

void trap_set_handler(trap_handler_t h)
{
	guest_handler = h;
}

static const char *kind_name(unsigned kind)
{
	static const char *const group[] = {
		"EL1t", "EL1h", "EL0 (AArch64)", "EL0 (AArch32)",
	};
	static const char *const type[] = { "sync", "IRQ", "FIQ", "SError" };
	static char buf[32];

	snprintf(buf, sizeof(buf), "%s %s", type[kind & 3], group[kind >> 2]);
	return buf;
}

static __attribute__((noreturn)) void unexpected(struct trap_frame *tf,
						 unsigned kind)
{
	printf("unexpected exception: %s, ESR %08llx (EC %02llx ISS %07llx) "
	       "FAR %016llx ELR %016llx SPSR %08llx\n",
	       kind_name(kind), (unsigned long long)tf->esr,
	       (unsigned long long)ESR_EC(tf->esr),
	       (unsigned long long)ESR_ISS(tf->esr),
	       (unsigned long long)tf->far, (unsigned long long)tf->elr,
	       (unsigned long long)tf->spsr);
	puts_raw("FAIL\n");
	psci_system_off();
}

void trap_dispatch(struct trap_frame *tf, unsigned kind)
{
	bool sync = (kind & 3) == 0;

	if (++depth > 2)
		psci_system_off();	/* even printing faults: give up */
	if (depth > 1) {
		puts_raw("exception inside an exception handler\n");
		unexpected(tf, kind);
	}
	if (kind == TRAP_LOW64_SYNC && ESR_EC(tf->esr) == EC_SVC64 &&
	    (ESR_ISS(tf->esr) & 0xffff) == 0) {
		depth--;
		el0_return(tf->x[0]);
	}
	if (sync && guest_handler && guest_handler(tf, kind)) {
		depth--;
		return;
	}
	unexpected(tf, kind);
}
