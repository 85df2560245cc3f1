/*
 * guest.h: the runtime every arm64 guest links against.
 *
 * A guest defines guest_main(). QEMU's `-M virt -kernel IMAGE` (and
 * Quadrant) enter the ELF at _start in entry.S at EL1 with the MMU off;
 * the entry code masks interrupts, puts SCTLR_EL1 in a known state, sets
 * up the stack, VBAR_EL1 and .bss, and calls lib_start() (start.c), which
 * calls guest_main() and then finish().
 *
 * Output contract (the oracle compares it byte for byte with QEMU's):
 *   - every check prints one line "ok N - description" or
 *     "not ok N - description", N counting from 1;
 *   - the last line is "PASS" (every check passed, at least one ran) or
 *     "FAIL"; then the guest calls PSCI SYSTEM_OFF, which carries no
 *     status, so the verdict is in the output alone;
 *   - nothing printed may depend on timing, ID registers that differ
 *     between CPUs (MIDR), counters, or the device tree.
 *
 * The API matches the x86 runtime's (guests/lib/x86/guest.h), so that
 * architecture-neutral guest sources can be shared.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arm64.h"

#define KiB(x) ((uintptr_t)(x) << 10)
#define MiB(x) ((uintptr_t)(x) << 20)
#define GiB(x) ((uintptr_t)(x) << 30)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* The machine: QEMU virt's memory map, the part guests use. */
#define RAM_BASE	0x40000000ul
#define RAM_SIZE	MiB(128)	/* the -m 128 the run scripts pass */
#define UART_BASE	0x09000000ul	/* PL011 */

/* Linker symbols (link.ld). */
extern char __image_start[], __image_end[];
extern char __el0_start[], __el0_end[];

/* The guest's own code, called once with the machine set up. */
void guest_main(void);

/* start.c */
void lib_start(void);
__attribute__((noreturn)) void halt_forever(void);

/* uart.c: PL011 at 0x09000000, transmit only. */
void uart_putc(char c);

/* printf.c: %d %i %u %x %X %c %s %p %%, with 'l'/'ll'/'z' lengths, a
 * width, and the '0' and '-' flags. */
int printf(const char *fmt, ...) PRINTF_LIKE(1, 2);
int vprintf(const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void puts_raw(const char *s);

/* report.c */
void report(bool ok, const char *fmt, ...) PRINTF_LIKE(2, 3);
void vreport(bool ok, const char *fmt, va_list ap);
bool report_eq(uint64_t got, uint64_t want, const char *fmt, ...)
	PRINTF_LIKE(3, 4);
__attribute__((noreturn)) void finish(void);
__attribute__((noreturn)) void psci_system_off(void);
int report_failures(void);

/* string.c: plain byte loops (the compiler may call these itself). */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
