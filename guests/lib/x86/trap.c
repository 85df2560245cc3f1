/*
 * trap.c: the exception handler table and the default handlers.
 *
 * trapasm32.S/trapasm64.S deliver every exception (vectors 0-31) and the
 * ring 3 exit gate (0x80) to trap_dispatch() with a trapframe on the
 * stack. A guest installs C handlers per vector with trap_set_handler();
 * a handler may edit the frame (its IP, say) and return, and the stub
 * IRETs back through the edited frame. A vector with no handler is a
 * failure: trap_unexpected() reports it and ends the run.
 */
#include "guest.h"
#include "trap.h"

static trap_handler_t handlers[256];
int user_calls_returned_via_gate;

static const char *const names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound", "#UD invalid opcode", "#NM no FPU",
	"#DF double fault", "coprocessor overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved 15",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
};

const char *trap_name(uintptr_t vector)
{
	if (vector < 32 && names[vector])
		return names[vector];
	if (vector == T_USER_EXIT)
		return "user exit gate";
	return "reserved";
}

/*
 * Ring 3 came back through "int $0x80" with fn's return value in AX.
 * Only a gate raised from CPL 3 is honoured; ring 0 has no business
 * there.
 */
static void user_exit_handler(struct trapframe *tf)
{
	if ((tf->cs & 3) != 3)
		trap_unexpected(tf);
	user_calls_returned_via_gate++;
	user_return(tf->ax);
}

void trap_init(void)
{
	trap_set_handler(T_USER_EXIT, user_exit_handler);
}

void trap_set_handler(int vector, trap_handler_t h)
{
	handlers[vector & 0xFF] = h;
}

void trap_dispatch(struct trapframe *tf)
{
	trap_handler_t h = handlers[tf->vector & 0xFF];

	if (h)
		h(tf);
	else
		trap_unexpected(tf);
}

/*
 * An exception nobody expected: print what we know (the values are for
 * a human; a passing run never gets here) and fail the run.
 */
void trap_unexpected(struct trapframe *tf)
{
	report(false, "unexpected exception: vector %lu (%s) err 0x%lx "
	       "ip 0x%lx cs 0x%lx cr2 0x%lx",
	       (unsigned long)tf->vector, trap_name(tf->vector),
	       (unsigned long)tf->err, (unsigned long)tf->ip,
	       (unsigned long)tf->cs, (unsigned long)read_cr2());
	finish();
}
