/*
 * guest.h: the runtime every x86 guest links against.
 *
 * A guest defines guest_main(). The start code (entry32.S or entry64.S)
 * enters lib_start() in start.c, which brings up the UART, the GDT, TSS
 * and IDT, calls guest_main() and then finish().
 *
 * Output contract (the oracle compares it byte for byte with QEMU's):
 *   - every check prints one line "ok N - description" or
 *     "not ok N - description", N counting from 1;
 *   - the last line is "PASS" (every check passed, at least one ran) or
 *     "FAIL"; then the guest writes to isa-debug-exit (port 0xF4): 0 on
 *     PASS, so QEMU exits with status (0 << 1) | 1 = 1, and 1 on FAIL,
 *     so QEMU exits with status 3;
 *   - nothing printed may depend on timing, CPUID, or firmware tables.
 */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x86.h"

#define KiB(x) ((uintptr_t)(x) << 10)
#define MiB(x) ((uintptr_t)(x) << 20)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))

/* Values the boot loader handed over in EAX and EBX (entry32/64.S). */
extern uint32_t boot_magic;	/* 0x2BADB002 from a Multiboot loader */
extern uint32_t boot_info;	/* physical address of multiboot_info */
#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u

/* The guest's own code, called once with the machine set up. */
void guest_main(void);

/* start.c */
void lib_start(void);
__attribute__((noreturn)) void halt_forever(void);

/* uart.c: 16550 at I/O port 0x3F8. */
void uart_init(void);
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
__attribute__((noreturn)) void finish(void);
int report_failures(void);

/* string.c: rep movs / rep stos / repne scas / repe cmps based. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

#endif
