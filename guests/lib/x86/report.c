/*
 * report.c: the test protocol, one line per check and a final verdict.
 *
 * "ok N - what" or "not ok N - what", then PASS or FAIL as the last line
 * and a write to isa-debug-exit: QEMU (and Quadrant) exit with status
 * (value << 1) | 1, so 1 for PASS and 3 for FAIL. Should the exit device
 * be missing, the CPU halts with interrupts off.
 */
#include "guest.h"

#define DEBUG_EXIT_PORT 0xF4

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

int report_failures(void)
{
	return failures;
}

void finish(void)
{
	bool pass = failures == 0 && checks > 0;

	cli();
	puts_raw(pass ? "PASS\n" : "FAIL\n");
	outl(DEBUG_EXIT_PORT, pass ? 0 : 1);
	halt_forever();
}
