/*
 * mmu.c: building stage-1 translation tables and turning the MMU on.
 *
 * The guests describe their address space with pt_map() (blocks or
 * pages at a chosen level) and edit single descriptors through
 * pt_slot()/pt_leaf(); the tables come from a bump allocator over the
 * RAM after the image. Nothing here is freed: each guest runs once.
 */
#include "guest.h"
#include "mmu.h"

static uint64_t pool_next;

static __attribute__((noreturn)) void die(const char *what)
{
	printf("mmu: %s\n", what);
	puts_raw("FAIL\n");
	psci_system_off();
}

void *frame_alloc(uint64_t size, uint64_t align)
{
	if (!pool_next)
		pool_next = (uint64_t)__image_end;
	uint64_t p = (pool_next + align - 1) & ~(align - 1);
	if (p + size > RAM_BASE + RAM_SIZE)
		die("out of frames");
	pool_next = p + size;
	memset((void *)p, 0, size);
	return (void *)p;
}

/*
 * The start level is the one whose index reaches VA bit va_bits - 1:
 * count the levels of gshift - 3 bits needed above the page offset.
 */
void pt_init(struct pt *pt, unsigned gshift, unsigned va_bits)
{
	unsigned per = gshift - 3;
	unsigned levels = (va_bits - gshift + per - 1) / per;

	pt->gshift = gshift;
	pt->va_bits = va_bits;
	pt->start_level = 4 - levels;
	pt->root = frame_alloc(1ull << gshift, 1ull << gshift);
}

unsigned pt_shift(const struct pt *pt, unsigned level)
{
	return pt->gshift + (3 - level) * (pt->gshift - 3);
}

/* The start level's table holds only the VA bits that are left. */
unsigned pt_index(const struct pt *pt, uint64_t va, unsigned level)
{
	unsigned shift = pt_shift(pt, level);
	unsigned bits = pt->gshift - 3;

	if (level == pt->start_level)
		bits = pt->va_bits - shift;
	return (unsigned)((va >> shift) & ((1ull << bits) - 1));
}

/* Output address of a table, block or page descriptor: bits [47:g]
 * (the block case keeps more low zeroes, already clear). */
uint64_t pt_out_addr(const struct pt *pt, uint64_t desc)
{
	return desc & PTE_ADDR_MASK & ~(pt_granule(pt) - 1);
}

uint64_t *pt_slot(struct pt *pt, uint64_t va, unsigned level, bool alloc)
{
	uint64_t *table = pt->root;

	for (unsigned l = pt->start_level; l < level; l++) {
		uint64_t *d = &table[pt_index(pt, va, l)];
		if (!(*d & PTE_VALID)) {
			if (!alloc)
				return NULL;
			uint64_t *next = frame_alloc(pt_granule(pt),
						     pt_granule(pt));
			*d = (uint64_t)next | PTE_TABLE | PTE_VALID;
		} else if (!(*d & PTE_TABLE)) {
			return NULL;	/* a block maps this VA already */
		}
		table = (uint64_t *)pt_out_addr(pt, *d);
	}
	return &table[pt_index(pt, va, level)];
}

static uint64_t *clone_table(const struct pt *pt, const uint64_t *src,
			     unsigned level, unsigned entries)
{
	uint64_t *dst = frame_alloc(pt_granule(pt), pt_granule(pt));

	for (unsigned i = 0; i < entries; i++) {
		uint64_t d = src[i];
		if (level < 3 && (d & PTE_VALID) && (d & PTE_TABLE)) {
			uint64_t *next = clone_table(pt,
				(const uint64_t *)pt_out_addr(pt, d), level + 1,
				1u << (pt->gshift - 3));
			d = (d & ~(PTE_ADDR_MASK & ~(pt_granule(pt) - 1))) |
			    (uint64_t)next;
		}
		dst[i] = d;
	}
	return dst;
}

void pt_clone(struct pt *dst, const struct pt *src)
{
	unsigned root_bits = src->va_bits - pt_shift(src, src->start_level);

	*dst = *src;
	dst->root = clone_table(src, src->root, src->start_level,
				1u << root_bits);
	pt_sync();
}

uint64_t *pt_leaf(struct pt *pt, uint64_t va, unsigned *level)
{
	uint64_t *table = pt->root;

	for (unsigned l = pt->start_level;; l++) {
		uint64_t *d = &table[pt_index(pt, va, l)];
		*level = l;
		if (!(*d & PTE_VALID))
			return NULL;
		if (l == 3 || !(*d & PTE_TABLE))
			return d;
		table = (uint64_t *)pt_out_addr(pt, *d);
	}
}

void pt_map(struct pt *pt, uint64_t va, uint64_t pa, uint64_t size,
	    unsigned level, uint64_t attrs)
{
	uint64_t span = pt_span(pt, level);

	if (level < pt->start_level || level > 3 ||
	    ((va | pa | size) & (span - 1)))
		die("pt_map: bad level or alignment");
	for (uint64_t off = 0; off < size; off += span) {
		uint64_t *d = pt_slot(pt, va + off, level, true);
		if (!d)
			die("pt_map: a block is in the way");
		*d = (pa + off) | attrs | PTE_VALID |
		     (level == 3 ? PTE_PAGE : 0);
	}
	pt_sync();
}

/*
 * TCR_EL1 fields:
 *   T0SZ [5:0], T1SZ [21:16]: the input size is 64 - TnSZ bits;
 *   EPD1 [23]: 1 = no walks through TTBR1 (a miss there faults);
 *   IRGN/ORGN [9:8]/[11:10] (and [25:24]/[27:26] for TTBR1):
 *        cacheability of the walks, 01 = write-back, write-allocate;
 *   SH0 [13:12], SH1 [29:28]: 11 = inner shareable;
 *   TG0 [15:14]: granule for TTBR0, 00 = 4K, 01 = 64K, 10 = 16K;
 *   TG1 [31:30]: granule for TTBR1, 10 = 4K, 11 = 64K, 01 = 16K
 *        (the two encodings differ);
 *   A1 [22] = 0: the ASID comes from TTBR0_EL1; AS [36] = 0: 8 bits;
 *   IPS [34:32] = 010: 40-bit physical addresses;
 *   TBI0/TBI1 [37]/[38] = 0: the top byte is part of the address;
 *   HA/HD [39]/[40] = 0: software manages AF (hence access flag faults).
 */
static uint64_t tg0(unsigned gshift)
{
	return gshift == 12 ? 0 : gshift == 16 ? 1 : 2;
}

static uint64_t tg1(unsigned gshift)
{
	return gshift == 12 ? 2 : gshift == 16 ? 3 : 1;
}

uint64_t mmu_tcr(const struct pt *t0, const struct pt *t1)
{
	uint64_t tcr = (uint64_t)(64 - t0->va_bits) |
		       1ull << 8 | 1ull << 10 | 3ull << 12 |
		       tg0(t0->gshift) << 14 |
		       2ull << 32;

	if (t1)
		tcr |= (uint64_t)(64 - t1->va_bits) << 16 |
		       1ull << 24 | 1ull << 26 | 3ull << 28 |
		       tg1(t1->gshift) << 30;
	else
		tcr |= (uint64_t)(64 - t0->va_bits) << 16 | 1ull << 23 |
		       tg1(t0->gshift) << 30;
	return tcr;
}

void mmu_set_ttbr0(const struct pt *pt, unsigned asid)
{
	write_sysreg(ttbr0_el1, (uint64_t)pt->root | (uint64_t)asid << 48);
	isb();
}

/* ID_AA64MMFR1_EL1.PAN, bits [23:20]: nonzero when FEAT_PAN exists;
 * only then is "MSR PAN, #0" an instruction. */
void pan_off(void)
{
	if ((read_sysreg(ID_AA64MMFR1_EL1) >> 20) & 0xf)
		__asm__ volatile(".inst 0xd500409f" : : : "memory"); /* msr pan, #0 */
}

void mmu_enable(const struct pt *t0, unsigned asid, const struct pt *t1)
{
	write_sysreg(mair_el1, MAIR_VALUE);
	write_sysreg(tcr_el1, mmu_tcr(t0, t1));
	write_sysreg(ttbr0_el1, (uint64_t)t0->root | (uint64_t)asid << 48);
	write_sysreg(ttbr1_el1, t1 ? (uint64_t)t1->root : 0);
	isb();
	tlbi_vmalle1();
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) |
			      SCTLR_M | SCTLR_C | SCTLR_I);
	isb();
}

/*
 * DC CVAU cleans a data cache line to the point of unification, IC IVAU
 * invalidates the instruction cache line; the line sizes are in CTR_EL0
 * (DminLine [19:16], IminLine [3:0], log2 of words).
 */
void sync_icache(uint64_t va, uint64_t size)
{
	uint64_t ctr = read_sysreg(ctr_el0);
	uint64_t dline = 4ull << ((ctr >> 16) & 0xf);
	uint64_t iline = 4ull << (ctr & 0xf);

	for (uint64_t p = va & ~(dline - 1); p < va + size; p += dline)
		__asm__ volatile("dc cvau, %0" : : "r"(p) : "memory");
	dsb(ish);
	for (uint64_t p = va & ~(iline - 1); p < va + size; p += iline)
		__asm__ volatile("ic ivau, %0" : : "r"(p) : "memory");
	dsb(ish);
	isb();
}
