/*
 * desc.c: the GDT, the TSS and the IDT.
 *
 * Reference card
 *   Code/data descriptor (8 bytes): limit 15:0, base 23:0, access byte
 *   (P, DPL, S=1, type), flags nibble (G, D/B, L) with limit 19:16, base
 *   31:24. Access 0x9B = present ring 0 code, readable, accessed; 0x93 =
 *   ring 0 data, writable, accessed; 0xFB/0xF3 the ring 3 versions. The
 *   accessed bits are preset so the CPU never writes to the GDT.
 *   Flags 0xC = 4 KiB granularity + 32-bit; 0xA = granularity + L (64-bit
 *   code; D must then be 0).
 *   TSS descriptor: type 0x9 (available 32/64-bit TSS), 16 bytes in long
 *   mode (the upper 8 hold base 63:32). LTR marks it busy (type 0xB).
 *   Interrupt gate: handler offset, code selector, type 0xE (32-bit or
 *   64-bit gate, clears IF), DPL (the CPL an INT n may come from), P.
 *   IDT entries are 8 bytes in protected mode and 16 in long mode.
 */
#include "guest.h"
#include "trap.h"

struct __attribute__((packed)) dtr {
	uint16_t limit;
	uintptr_t base;
};

#define SEG(access, flags) \
	(0x000000000000FFFFull | ((uint64_t)(access) << 40) | \
	 ((uint64_t)(flags) << 52) | (0xFull << 48))

#ifdef __x86_64__
#define CODE_FLAGS 0xA		/* G, L */
#else
#define CODE_FLAGS 0xC		/* G, D */
#endif

/* Read by entry32.S/entry64.S with LGDT before anything else runs. */
uint64_t desc_gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[SEG_KCODE >> 3] = SEG(0x9B, CODE_FLAGS),
	[SEG_KDATA >> 3] = SEG(0x93, 0xC),
	[SEG_UCODE >> 3] = SEG(0xFB, CODE_FLAGS),
	[SEG_UDATA >> 3] = SEG(0xF3, 0xC),
	/* SEG_TSS filled in by desc_init() */
};
struct dtr desc_gdt_dtr = { sizeof(desc_gdt) - 1, (uintptr_t)desc_gdt };

/*
 * The TSS matters here only for its ring 0 stack: a trap from ring 3
 * loads SS:ESP (or RSP) from it. The I/O bitmap offset points past the
 * limit: no bitmap, so ring 3 has no port access at IOPL 0.
 */
#ifdef __x86_64__
struct __attribute__((packed)) tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};
#else
struct __attribute__((packed)) tss {
	uint16_t link, r0;
	uint32_t esp0;
	uint16_t ss0, r1;
	uint32_t unused[22];
	uint16_t trap, iomap_base;
};
#endif
_Static_assert(sizeof(struct tss) == 104, "TSS is 104 bytes");

static struct tss tss __attribute__((aligned(16)));
static uint8_t trap_stack[8192] __attribute__((aligned(16)));

#ifdef __x86_64__
struct __attribute__((packed)) gate {
	uint16_t off_lo, sel;
	uint8_t ist, type_attr;
	uint16_t off_mid;
	uint32_t off_hi, reserved;
};
#else
struct __attribute__((packed)) gate {
	uint16_t off_lo, sel;
	uint8_t zero, type_attr;
	uint16_t off_hi;
};
#endif

static struct gate idt[256] __attribute__((aligned(16)));
static struct dtr idt_dtr = { sizeof(idt) - 1, (uintptr_t)idt };

/* trapasm32.S / trapasm64.S: one stub address per vector 0..31, then 0x80 */
extern const uintptr_t trap_vectors[33];

/*
 * An interrupt gate: handler at off in our kernel code segment; dpl is
 * the highest CPL allowed to raise it with INT n (exceptions ignore it).
 */
static void set_gate(int vec, uintptr_t off, int dpl)
{
	struct gate *g = &idt[vec];

	g->off_lo = off & 0xFFFF;
	g->sel = SEG_KCODE;
	g->type_attr = 0x80 | (dpl << 5) | 0xE;
#ifdef __x86_64__
	g->ist = 0;
	g->off_mid = (off >> 16) & 0xFFFF;
	g->off_hi = (uint32_t)(off >> 32);
	g->reserved = 0;
#else
	g->zero = 0;
	g->off_hi = off >> 16;
#endif
}

/*
 * Fill the TSS descriptor, reload GDTR and every segment register (the
 * CS reload is a far return), load TR and the IDT.
 */
void desc_init(void)
{
	uintptr_t base = (uintptr_t)&tss;
	uint64_t lo = (sizeof(tss) - 1) | ((uint64_t)(base & 0xFFFFFF) << 16) |
		      (0x89ull << 40) | ((uint64_t)((base >> 24) & 0xFF) << 56);

	desc_gdt[SEG_TSS >> 3] = lo;
#ifdef __x86_64__
	desc_gdt[(SEG_TSS >> 3) + 1] = base >> 32;
	tss.rsp[0] = (uintptr_t)(trap_stack + sizeof(trap_stack));
#else
	tss.esp0 = (uintptr_t)(trap_stack + sizeof(trap_stack));
	tss.ss0 = SEG_KDATA;
#endif
	tss.iomap_base = sizeof(tss);

	for (int v = 0; v < 32; v++)
		set_gate(v, trap_vectors[v], 0);
	set_gate(T_USER_EXIT, trap_vectors[32], 3);

	__asm__ volatile("lgdt %0" : : "m"(desc_gdt_dtr));
#ifdef __x86_64__
	__asm__ volatile("pushq %0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:"
			 : : "i"(SEG_KCODE) : "rax", "memory");
#else
	__asm__ volatile("ljmp %0, $1f\n"
			 "1:" : : "i"(SEG_KCODE) : "memory");
#endif
	__asm__ volatile("movw %w0, %%ds\n\t"
			 "movw %w0, %%es\n\t"
			 "movw %w0, %%ss"
			 : : "r"(SEG_KDATA) : "memory");
	__asm__ volatile("ltr %w0" : : "r"(SEG_TSS));
	__asm__ volatile("lidt %0" : : "m"(idt_dtr));
}
