/*
 * mt_tlb.c: changing live translations and the TLB maintenance that
 * goes with it: break-before-make remapping, splitting a block, and two
 * address spaces told apart by ASID.
 */
#include "mt_core.h"

/*
 * Remapping a live page: break-before-make. To change the output
 * address of a valid descriptor, write it invalid, DSB, TLBI VAE1 (the
 * old translation may be cached), DSB, then write the new descriptor.
 * In between, an access faults (translation, level 3), which shows the
 * TLBI took the old entry away. Permissions may change in place, but
 * a TLBI is still needed before the new ones are sure to apply.
 */
void mt_remap(uint64_t win)
{
	const uint64_t rw = PTE_NORMAL | PTE_AP_RW_EL1 | PTE_UXN | PTE_PXN;
	uint64_t *f1 = mt_frame(), *f2 = mt_frame();
	uint64_t *d;

	for (unsigned i = 0; i < 8; i++) {
		f1[i] = 0xa1a1a1a100000000ull + i;
		f2[i] = 0xb2b2b2b200000000ull + i;
	}
	d = mt_map_page(win, f1, rw);
	mt_expect(FIX_SKIP);
	report(mt_ldr(win + 24) == f1[3], "remap: the page reads frame 1");
	mt_str(win + 32, 0x4444);
	report(mt.n == 0 && f1[4] == 0x4444,
	       "remap: a store through the page reaches frame 1");

	*d = 0;
	tlbi_vae1(win, mt.asid);
	mt_expect(FIX_SKIP);
	mt_ldr(win + 40);
	mt_check_fault("remap: break (invalid + TLBI VAE1), then a load",
			EC_DABT_CUR, FSC_TRANS(3), false, win + 40,
			(uint64_t)mt_ldr);

	*d = (uint64_t)f2 | rw | PTE_PAGE | PTE_VALID;
	pt_sync();
	mt_expect(FIX_SKIP);
	report(mt_ldr(win + 24) == f2[3] && mt.n == 0,
	       "remap: make (frame 2): the page reads frame 2");

	*d = 0;
	tlbi_vae1(win, mt.asid);
	*d = (uint64_t)f1 | rw | PTE_PAGE | PTE_VALID;
	pt_sync();
	report(mt_ldr(win + 32) == 0x4444 && mt.n == 0,
	       "remap: back to frame 1, the earlier store is there");

	*d = (uint64_t)f1 | (rw & ~PTE_AP_MASK) | PTE_AP_RO_EL1 | PTE_PAGE |
	     PTE_VALID;
	tlbi_vae1(win, mt.asid);
	mt_expect(FIX_SKIP);
	mt_str(win + 32, 0x5555);
	mt_check_fault("remap: made read-only in place + TLBI VAE1, a store",
			EC_DABT_CUR, FSC_PERM(3), true, win + 32,
			(uint64_t)mt_str);
	*d = (uint64_t)f1 | rw | PTE_PAGE | PTE_VALID;
	tlbi_vae1(win, mt.asid);
	mt_expect(FIX_SKIP);
	mt_str(win + 32, 0x5555);
	report(mt.n == 0 && f1[4] == 0x5555,
	       "remap: read/write again + TLBI VAE1, the store lands");
	mt_expect_none();
}

/*
 * Splitting a block: a live level-L block (aliasing RAM) is replaced by
 * a table of level-(L+1) leaves that map the same memory with the same
 * attributes, break-before-make: block invalid, TLBI VAE1 (any VA in
 * the block takes out the whole block entry), table descriptor. Every
 * byte reads the same before and after; afterwards one leaf can be
 * remapped alone.
 */
void mt_split(uint64_t win, unsigned level)
{
	const uint64_t rw = PTE_NORMAL | PTE_AP_RW_EL1 | PTE_UXN | PTE_PXN;
	uint64_t span = pt_span(mt.t0, level), leaf = pt_span(mt.t0, level + 1);
	uint64_t *sig = frame_alloc(leaf, leaf);
	uint64_t pa = (uint64_t)sig & ~(span - 1);
	uint64_t end = pa + span < RAM_BASE + RAM_SIZE ? pa + span :
							 RAM_BASE + RAM_SIZE;
	uint64_t entries = span / leaf, offs[8], before[8];
	unsigned n = 0;
	char what[96];
	bool same = true;

	for (unsigned i = 0; i < 8; i++)
		sig[i] = 0x5151515151510000ull + i;
	/* Samples, all in the block and in RAM: the signature, the leaf
	 * before it (or after it), the first and last words, the image
	 * and a string in .rodata if they fall in the block; but only the
	 * first in the signature's leaf, which is remapped at the end. */
	uint64_t cand[] = {
		(uint64_t)sig + 8,
		(uint64_t)sig - pa >= leaf ? (uint64_t)sig - leaf + 8 :
					     (uint64_t)sig + leaf + 8,
		pa, end - 8, (uint64_t)__image_start,
		(uint64_t)"split sample" & ~7ull,
	};
	for (unsigned i = 0; i < ARRAY_SIZE(cand); i++)
		if (cand[i] >= pa && cand[i] < end &&
		    (i == 0 || (cand[i] & ~(leaf - 1)) != (uint64_t)sig))
			offs[n++] = cand[i] - pa;

	pt_map(mt.t0, win, pa, span, level, rw);
	mt_expect(FIX_SKIP);
	for (unsigned i = 0; i < n; i++) {
		before[i] = mt_ldr(win + offs[i]);
		same &= before[i] == *(uint64_t *)(pa + offs[i]);
	}
	snprintf(what, sizeof(what), "split: the level-%u block aliases RAM",
		 level);
	report(same && mt.n == 0, "%s", what);

	uint64_t *table = frame_alloc(pt_granule(mt.t0), pt_granule(mt.t0));
	for (uint64_t i = 0; i < entries; i++)
		table[i] = (pa + i * leaf) | rw | PTE_VALID |
			   (level + 1 == 3 ? PTE_PAGE : 0);
	uint64_t *d = pt_slot(mt.t0, win, level, false);
	*d = 0;
	tlbi_vae1(win + offs[0], mt.asid);
	*d = (uint64_t)table | PTE_TABLE | PTE_VALID;
	pt_sync();

	for (unsigned i = 0; i < n; i++)
		same &= mt_ldr(win + offs[i]) == before[i];
	unsigned lvl;
	uint64_t *l = pt_leaf(mt.t0, win + offs[0], &lvl);
	snprintf(what, sizeof(what), "split: into %llu level-%u %s, every "
		 "sample reads the same", U(entries), level + 1,
		 level + 1 == 3 ? "pages" : "blocks");
	report(same && mt.n == 0 && l && lvl == level + 1, "%s", what);

	mt_str(win + offs[0] + 8, 0x7777);
	report(mt.n == 0 && sig[2] == 0x7777,
	       "split: a store through the new leaf reaches RAM");

	/* Remap the signature's leaf alone. */
	uint64_t *other = frame_alloc(leaf, leaf);
	other[1] = 0x0e0e0e0e0e0e0e0eull;
	*l = 0;
	tlbi_vae1(win + offs[0], mt.asid);
	*l = (uint64_t)other | rw | PTE_VALID | (level + 1 == 3 ? PTE_PAGE : 0);
	pt_sync();
	same = mt_ldr(win + offs[0]) == 0x0e0e0e0e0e0e0e0eull;
	for (unsigned i = 1; i < n; i++)
		same &= mt_ldr(win + offs[i]) == before[i];
	report(same && mt.n == 0,
	       "split: one leaf remapped alone, its neighbours unchanged");
	mt_expect_none();
}

/*
 * ASIDs. TTBR0_EL1[63:48] holds the current ASID (TCR_EL1.A1 = 0); a
 * TLB entry made from a descriptor with nG = 1 belongs to that ASID
 * alone. So two sets of tables may map one VA to different frames, and
 * switching TTBR0 (tables and ASID together) needs no TLB maintenance.
 * TLBI ASIDE1 drops every non-global entry of one ASID, TLBI VAE1 the
 * entries of one VA in one ASID; both work for an ASID that is not the
 * current one.
 *
 * Tables A are the guest's (ASID mt.asid); tables B a deep copy of them
 * (ASID asid_b), each with its own frame at win.
 */
void mt_asid(uint64_t win, unsigned asid_b)
{
	const uint64_t rw = PTE_NORMAL | PTE_NG | PTE_AP_RW_EL1 | PTE_UXN |
			    PTE_PXN;
	struct pt *a = mt.t0, b;
	unsigned asid_a = mt.asid;
	uint64_t *fa = mt_frame(), *fb = mt_frame(), *fc = mt_frame(), *fd = mt_frame();
	uint64_t *da, *db;

	fa[0] = 0xaaaa; fb[0] = 0xbbbb; fc[0] = 0xcccc; fd[0] = 0xdddd;
	da = mt_map_page(win, fa, rw);
	mt_expect(FIX_SKIP);
	report(mt_ldr(win) == 0xaaaa && mt.n == 0,
	       "asid: tables A, ASID %u: the page is frame A", asid_a);

	pt_clone(&b, a);
	db = pt_slot(&b, win, 3, false);
	*db = (uint64_t)fb | rw | PTE_PAGE | PTE_VALID;
	pt_sync();
	mmu_set_ttbr0(&b, asid_b);
	mt.t0 = &b;
	mt.asid = asid_b;
	report(mt_ldr(win) == 0xbbbb && mt.n == 0,
	       "asid: TTBR0 = tables B, ASID %u: frame B, no TLBI", asid_b);

	mmu_set_ttbr0(a, asid_a);
	mt.t0 = a;
	mt.asid = asid_a;
	report(mt_ldr(win) == 0xaaaa && mt.n == 0,
	       "asid: back to A, ASID %u: frame A again", asid_a);

	*da = 0;
	tlbi_aside1(asid_a);
	*da = (uint64_t)fc | rw | PTE_PAGE | PTE_VALID;
	pt_sync();
	report(mt_ldr(win) == 0xcccc && mt.n == 0,
	       "asid: A remapped to frame C with TLBI ASIDE1");

	*db = 0;
	tlbi_vae1(win, asid_b);
	*db = (uint64_t)fd | rw | PTE_PAGE | PTE_VALID;
	pt_sync();
	mmu_set_ttbr0(&b, asid_b);
	mt.t0 = &b;
	mt.asid = asid_b;
	report(mt_ldr(win) == 0xdddd && mt.n == 0,
	       "asid: B remapped to frame D while A ran (TLBI VAE1, ASID %u)",
	       asid_b);

	mmu_set_ttbr0(a, asid_a);
	mt.t0 = a;
	mt.asid = asid_a;
	*db = 0;
	tlbi_aside1(asid_b);
	mmu_set_ttbr0(&b, asid_b);
	mt.t0 = &b;
	mt.asid = asid_b;
	mt_expect(FIX_SKIP);
	mt_ldr(win + 0x48);
	mt_check_fault("asid: B unmapped while A ran (TLBI ASIDE1), a load",
			EC_DABT_CUR, FSC_TRANS(3), false, win + 0x48,
			(uint64_t)mt_ldr);

	mmu_set_ttbr0(a, asid_a);
	mt.t0 = a;
	mt.asid = asid_a;
	mt_expect(FIX_SKIP);
	report(mt_ldr(win) == 0xcccc && mt.n == 0,
	       "asid: A still maps frame C");
	mt_expect_none();
}

/* ---------------------------------------------------------------- */
