/*
 * report.c: the test protocol, one line per check and a final verdict,
 * then power off.
 *
 * "ok N - what" or "not ok N - what", then PASS or FAIL as the last
 * line. The run ends with PSCI SYSTEM_OFF: function id 0x84000008 in
 * w0 and a conduit instruction. QEMU's virt machine, with neither EL2
 * nor EL3 emulated (no virtualization=on, no secure=on), implements
 * PSCI itself and takes the calls through HVC; a guest entered at EL1
 * uses "HVC #0". SYSTEM_OFF has no status: the verdict is the text.
 * Should the call return (no PSCI), the CPU waits for interrupts with
 * all of them masked, forever.
 */
#include "guest.h"

#define PSCI_SYSTEM_OFF 0x84000008u

static int checks;
static int failures;

void vreport(bool ok, const char *fmt, va_list ap)
{
	checks++;
	if (!ok)
		failures++;
	printf("%s %d - ", ok ? "ok" : "not ok", checks);
	vprintf(fmt, ap);
	uart_putc('\n');
}

void report(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ok, fmt, ap);
	va_end(ap);
}

/*
 * A check that a value is what the Arm ARM says it must be. The line
 * is the same whatever the value when it passes; a failure adds a
 * diagnostic line "#   got X, want Y" (the output differs then anyway).
 */
bool report_eq(uint64_t got, uint64_t want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		printf("#   got 0x%llx, want 0x%llx\n", (unsigned long long)got,
		       (unsigned long long)want);
	return got == want;
}

int report_failures(void)
{
	return failures;
}

void psci_system_off(void)
{
	register uint64_t x0 __asm__("x0") = PSCI_SYSTEM_OFF;

	__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3", "memory");
	halt_forever();
}

void finish(void)
{
	bool pass = failures == 0 && checks > 0;

	puts_raw(pass ? "PASS\n" : "FAIL\n");
	psci_system_off();
}
