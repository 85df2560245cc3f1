/*
 * probe.c: fix-ups for the probe accesses of probe32.S/probe64.S.
 *
 * Like Linux's exception tables: a table of (faulting instruction,
 * resume address). When a handler gets a fault whose IP is in the
 * table, probe_fixup() records vector, error code and CR2 in probe_last,
 * points IP at probe_fault_ret (which makes the probe return 1) and the
 * handler returns; IRET resumes there, at whatever ring faulted.
 */
#include "guest.h"
#include "trap.h"

extern char probe_read8_insn[], probe_write8_insn[];
extern char probe_exec_ret[], probe_fault_ret[];

struct probe_fault probe_last;

/* xor %eax,%eax; jmp *%edx (or *%rdx) */
const uint8_t probe_exec_stub[] = { 0x31, 0xC0, 0xFF, 0xE2 };
const unsigned probe_exec_stub_len = sizeof(probe_exec_stub);

void probe_reset(void)
{
	probe_last = (struct probe_fault){ .vector = ~(uintptr_t)0 };
}

static bool is_probe_ip(struct trapframe *tf)
{
	if (tf->ip == (uintptr_t)probe_read8_insn ||
	    tf->ip == (uintptr_t)probe_write8_insn)
		return true;
	/* a fetch fault at the target of probe_exec: EIP == CR2 == target */
	return tf->vector == T_PF && tf->dx == (uintptr_t)probe_exec_ret &&
	       tf->ip == read_cr2();
}

bool probe_fixup(struct trapframe *tf)
{
	if (!is_probe_ip(tf))
		return false;
	probe_last.vector = tf->vector;
	probe_last.err = tf->err;
	probe_last.cr2 = tf->vector == T_PF ? read_cr2() : 0;
	probe_last.count++;
	tf->ip = (uintptr_t)probe_fault_ret;
	return true;
}

void probe_handler(struct trapframe *tf)
{
	if (!probe_fixup(tf))
		trap_unexpected(tf);
}

/*
 * One report line for a probe that must raise #PF with exactly this
 * error code and CR2. The line shows what happened, so it is the same
 * text on every correct CPU and says what went wrong on a broken one.
 */
void report_pf(int faulted, uintptr_t want_err, uintptr_t want_cr2,
	       const char *fmt, ...)
{
	char desc[160];
	va_list ap;
	bool ok = faulted && probe_last.vector == T_PF &&
		  probe_last.err == want_err && probe_last.cr2 == want_cr2;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	if (!faulted)
		report(false, "%s: no fault (want #PF err 0x%lx cr2 0x%lx)",
		       desc, (unsigned long)want_err,
		       (unsigned long)want_cr2);
	else if (ok)
		report(true, "%s: #PF err 0x%lx cr2 0x%lx", desc,
		       (unsigned long)want_err, (unsigned long)want_cr2);
	else
		report(false, "%s: vector %lu err 0x%lx cr2 0x%lx "
		       "(want #PF err 0x%lx cr2 0x%lx)", desc,
		       (unsigned long)probe_last.vector,
		       (unsigned long)probe_last.err,
		       (unsigned long)probe_last.cr2,
		       (unsigned long)want_err, (unsigned long)want_cr2);
	probe_reset();
}
