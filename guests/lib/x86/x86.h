/*
 * x86.h: one inline function per privileged instruction the guests use.
 *
 * Reference card
 *   CR0  bit 0 PE (protected mode), bit 16 WP (ring 0 honours read-only
 *        pages), bit 31 PG (paging on).
 *   CR2  linear address of the last page fault.
 *   CR3  physical address of the top-level page table (a page directory,
 *        a 32-byte aligned PDPT under PAE, or a PML4). Writing it flushes
 *        every non-global TLB entry, even if the value is unchanged.
 *   CR4  bit 4 PSE (4 MiB pages in 32-bit paging), bit 5 PAE, bit 7 PGE.
 *   EFER MSR 0xC0000080: bit 8 LME (long mode enable), bit 10 LMA (long
 *        mode active, set by the CPU when PG is turned on with LME=1),
 *        bit 11 NXE (bit 63 of PAE/4-level entries means execute-disable).
 *   I/O  in/out with the port in DX; any CPL may use them only if
 *        CPL <= EFLAGS.IOPL, so ring 3 code here never touches a port.
 *
 * The same header serves 32-bit and 64-bit guests: control registers are
 * uintptr_t wide, MSRs are always 64-bit (EDX:EAX).
 */
#ifndef GUEST_X86_H
#define GUEST_X86_H

#include <stdint.h>

#define CR0_PE (1u << 0)
#define CR0_WP (1u << 16)
#define CR0_PG (1u << 31)

#define CR4_PSE (1u << 4)
#define CR4_PAE (1u << 5)
#define CR4_PGE (1u << 7)

#define MSR_EFER 0xC0000080u
#define EFER_LME (1u << 8)
#define EFER_LMA (1u << 10)
#define EFER_NXE (1u << 11)

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uintptr_t read_cr0(void)
{
	uintptr_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uintptr_t v)
{
	__asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uintptr_t read_cr2(void)
{
	uintptr_t v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline uintptr_t read_cr3(void)
{
	uintptr_t v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* Loading CR3 switches address space and flushes the (non-global) TLB. */
static inline void write_cr3(uintptr_t pa)
{
	__asm__ volatile("mov %0, %%cr3" : : "r"(pa) : "memory");
}

static inline uintptr_t read_cr4(void)
{
	uintptr_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uintptr_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/*
 * INVLPG drops the TLB entry for the page holding va (a whole large page
 * if va lies in one) and any paging-structure cache entries used to
 * translate va.
 */
static inline void invlpg(uintptr_t va)
{
	__asm__ volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v),
			 "d"((uint32_t)(v >> 32)) : "memory");
}

static inline uint16_t read_cs(void)
{
	uint16_t v;
	__asm__ volatile("mov %%cs, %0" : "=r"(v));
	return v;
}

/* PUSHF pushes EFLAGS/RFLAGS at the stack width of the current mode. */
static inline uintptr_t read_flags(void)
{
	uintptr_t v;
	__asm__ volatile("pushf\n\tpop %0" : "=r"(v));
	return v;
}

static inline void cli(void)
{
	__asm__ volatile("cli");
}

/* Hide a value from the optimizer so the CPU, not clang, computes with it. */
#define OPAQUE(x) ({ __typeof__((x) + 0) o_ = (x); __asm__("" : "+g"(o_)); o_; })

#endif
