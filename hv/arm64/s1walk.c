// SPDX-License-Identifier: MIT
/*
 * The stage-1 hardware walker (EL1&0 regime) and the two-dimensional
 * walk: what the silicon does on a TLB miss. The bit layouts are in
 * mmu_hw.h's reference card.
 *
 * The order of the work (Arm ARM D8.2-D8.4, AArch64.S1Translate()):
 *  1. MMU off (SCTLR_EL1.M = 0): the VA is the IPA, every access is
 *     allowed; a VA above the 48-bit PA range is an address size fault
 *     at level 0.
 *  2. VA bit 55 selects TTBR0 (0) or TTBR1 (1); bits 63:(64 - TnSZ)
 *     (63:56 excluded for data accesses under TBIn) must all equal it,
 *     and EPDn must be clear, else translation fault at level 0.
 *     TnSZ is clamped to [16, 39] as QEMU does.
 *  3. From the start level, read each descriptor. Every descriptor
 *     address is an IPA: under stage 2 it is translated first (those
 *     are the S1PTW accesses, recorded as WALK_S2 steps before the
 *     WALK_S1 step they serve). Invalid: translation fault at the level.
 *     Tables accumulate APTable / PXNTable / UXNTable.
 *  4. At the leaf: output address beyond the IPS / PA size: address
 *     size fault; AF clear: access flag fault; then the access is
 *     checked against AP[2:1], PXN, UXN (with the table limits, the
 *     "EL0-writable is never EL1-executable" rule and SCTLR.WXN):
 *     permission fault at the level.
 *  5. The output IPA goes through stage 2 (the last WALK_S2 steps).
 * A stage-2 fault at any point calls the hypervisor's s2_fault hook and
 * retries that stage-2 translation. Nothing is ever written: no
 * hardware Access flag or dirty-state update.
 */
#include <errno.h>
#include <stdio.h>

#include <hv/arm64/interp.h>

#define TCR_EPD0	BIT(7)
#define TCR_EPD1	BIT(23)
#define TCR_A1		BIT(22)
#define TCR_AS		BIT(36)
#define TCR_TBI0	BIT(37)
#define TCR_TBI1	BIT(38)

#define DESC_VALID	BIT(0)
#define DESC_TABLE	BIT(1)
#define DESC_AF		BIT(10)
#define DESC_NG		BIT(11)
#define DESC_PXN	BIT(53)
#define DESC_UXN	BIT(54)
#define DESC_PXNTABLE	BIT(59)
#define DESC_UXNTABLE	BIT(60)
#define DESC_APT_NOEL0	BIT(61)
#define DESC_APT_RO	BIT(62)

/* How many times one IPA may take a stage-2 fault before we give up. */
#define S2_RETRIES 4

struct s1walk {
	struct arm64_mmu_hw *hw;
	const struct arm64_s1_ctx *ctx;
	struct walk_record *rec;
	struct arm64_xlate *out;
	gva_t va;
	uint32_t access;
	bool events;
	bool peek;
};

static unsigned int granule_shift_tg0(unsigned int tg)
{
	return tg == 1 ? 16 : tg == 2 ? 14 : 12;	/* 00 4K, 01 64K, 10 16K */
}

static unsigned int granule_shift_tg1(unsigned int tg)
{
	return tg == 1 ? 14 : tg == 3 ? 16 : 12;	/* 01 16K, 10 4K, 11 64K */
}

static unsigned int pa_bits_of_ips(unsigned int ips)
{
	static const unsigned int bits[8] = { 32, 36, 40, 42, 44, 48, 48, 48 };

	return bits[ips & 7];
}

static uint32_t abort_esr(uint32_t access, uint32_t fsc, bool s1ptw)
{
	bool fetch = access & ARM64_ACC_FETCH;
	uint32_t esr = ESR_EC(fetch ? ESR_EC_IABT_CUR : ESR_EC_DABT_CUR);

	esr |= ESR_IL | fsc;
	if (!fetch && (access & ARM64_ACC_WRITE) && !s1ptw)
		esr |= ESR_WNR;
	if (s1ptw)
		esr |= ESR_S1PTW;
	return esr;
}

/* A stage-1 fault for the guest: record and report. */
static int s1_fault(struct s1walk *w, uint32_t fsc, int level,
		    const char *why)
{
	w->out->esr = abort_esr(w->access, fsc, false);
	if (w->rec) {
		w->rec->result = WALK_FAULT;
		w->rec->fault_code = w->out->esr;
		w->rec->fault_level = (int8_t)level;
		w->rec->why = why;
	}
	if (w->events)
		vm_emit(w->hw->vm, EV_walker_error, level, w->out->esr, w->va,
			0, 0);
	return ARM64_XLATE_FAULT;
}

enum s2_outcome { S2_OK = 0, S2_NOT_RAM = 1, S2_GUEST_FAULT = 2 };

/*
 * Translate @ipa through stage 2 (or the memslots when it is off) for
 * an access of kind @need (WALK_P_READ/WRITE/EXEC). @s1ptw: a stage-1
 * table read. Returns enum s2_outcome or -errno (stop the VM).
 */
static int s2_translate(struct s1walk *w, ipa_t ipa, uint32_t need,
			bool s1ptw, hpa_t *hpa, uint32_t *s2perm)
{
	struct arm64_mmu_hw *hw = w->hw;
	const struct memslot *slot;

	if (!hw->s2.enabled) {
memslots:
		slot = memslot_find(&hw->vm->slots, gpa_to_gfn(ipa));
		*s2perm = WALK_P_READ | WALK_P_WRITE | WALK_P_EXEC;
		if (!slot)
			return S2_NOT_RAM;
		*hpa = slot->base_hpa + (ipa - gfn_to_gpa(slot->base_gfn));
		return S2_OK;
	}
	for (int tries = 0; tries < S2_RETRIES; tries++) {
		uint8_t mark = w->rec ? w->rec->nsteps : 0;
		int level, fsc, ret;
		uint32_t esr;

		fsc = arm64_s2_walk(hw, ipa, w->rec, w->events, hpa, s2perm,
				    &level);
		if (fsc == 0 && (*s2perm & need) == need)
			return S2_OK;
		if (fsc == 0)
			fsc = FSC_LEVEL(FSC_PERM, level);
		if (w->peek) {
			if (w->rec && w->rec->nsteps)
				w->rec->why = "stage 2 not mapped: through the memslots";
			goto memslots;
		}
		esr = abort_esr(w->access, (uint32_t)fsc, s1ptw);
		esr -= 1u << ESR_EC_SHIFT;	/* from a lower EL: 0x24 / 0x20 */
		vm_emit(hw->vm, EV_exit, level, esr >> ESR_EC_SHIFT, esr, ipa,
			w->va);
		hw->s2_faults++;
		if (!hw->hooks || !hw->hooks->s2_fault)
			return -ENOSYS;
		ret = hw->hooks->s2_fault(hw->hooks_opaque, ipa, esr, w->va);
		if (ret < 0)
			return ret;
		if (ret == 1)
			return S2_NOT_RAM;
		if (w->rec)
			w->rec->nsteps = mark;	/* record only the last try */
	}
	return -ELOOP;
}

/* A stage-2 outcome that ends the walk: fill the record and @out. */
static int s2_end(struct s1walk *w, int r, int level, bool s1ptw, ipa_t ipa)
{
	if (r < 0) {
		w->out->s2_stop = true;
		w->out->s2_err = r;
		if (w->rec) {
			w->rec->result = WALK_NESTED_FAULT;
			w->rec->why = r == -ELOOP ? "stage-2 fault not resolved"
						  : "stage-2 handler failed";
		}
		return r;
	}
	/* S2_NOT_RAM */
	if (s1ptw)
		return s1_fault(w, FSC_LEVEL(FSC_SEA_WALK, level), level,
				"table outside RAM");
	w->out->ipa = ipa;
	if (w->rec) {
		w->rec->result = WALK_MMIO;
		w->rec->out = ipa;
	}
	return ARM64_XLATE_MMIO;
}

static uint32_t perm_need(uint32_t access)
{
	if (access & ARM64_ACC_FETCH)
		return WALK_P_EXEC;
	return (access & ARM64_ACC_WRITE) ? WALK_P_WRITE : WALK_P_READ;
}

/* ARM64_PERM_* from stage-1 rights, intersected with stage 2's. */
static uint8_t tlb_perm(uint8_t s1, uint32_t s2)
{
	uint8_t m = 0;

	if (s2 & WALK_P_READ)
		m |= ARM64_PERM_R1 | ARM64_PERM_R0;
	if (s2 & WALK_P_WRITE)
		m |= ARM64_PERM_W1 | ARM64_PERM_W0;
	if (s2 & WALK_P_EXEC)
		m |= ARM64_PERM_X1 | ARM64_PERM_X0;
	return s1 & m;
}

static bool s1_allows(uint8_t perm, uint32_t access)
{
	bool el0 = access & ARM64_ACC_EL0;

	if (access & ARM64_ACC_FETCH)
		return perm & (el0 ? ARM64_PERM_X0 : ARM64_PERM_X1);
	if (access & ARM64_ACC_WRITE)
		return perm & (el0 ? ARM64_PERM_W0 : ARM64_PERM_W1);
	return perm & (el0 ? ARM64_PERM_R0 : ARM64_PERM_R1);
}

static uint32_t walk_perms_of(uint8_t p)
{
	uint32_t w = 0;

	if (p & ARM64_PERM_R1) w |= WALK_P_READ;
	if (p & ARM64_PERM_W1) w |= WALK_P_WRITE;
	if (p & ARM64_PERM_X1) w |= WALK_P_EXEC;
	if (p & ARM64_PERM_R0) w |= WALK_P_USER;
	if (p & ARM64_PERM_X0) w |= WALK_P_UEXEC;
	return w;
}

/* The final stage: the output IPA through stage 2. */
static int finish(struct s1walk *w, ipa_t ipa, uint8_t s1perm)
{
	uint32_t s2perm;
	hpa_t hpa = 0;
	int r;

	w->out->ipa = ipa;
	if (w->access & ARM64_ACC_S1_ONLY) {
		w->out->perm = s1perm;
		if (w->rec)
			w->rec->out = ipa;
		return ARM64_XLATE_OK;
	}
	r = s2_translate(w, ipa, perm_need(w->access), false, &hpa, &s2perm);
	if (r != S2_OK)
		return s2_end(w, r, 0, false, ipa);
	w->out->hpa = hpa;
	w->out->perm = tlb_perm(s1perm, s2perm);
	if (w->rec) {
		w->rec->out = ipa;
		w->rec->out_hpa = hpa;
		w->rec->perms = walk_perms_of(w->out->perm) |
				(w->out->global ? WALK_P_GLOBAL : 0);
	}
	return ARM64_XLATE_OK;
}

int arm64_hw_translate(struct arm64_mmu_hw *hw, const struct arm64_s1_ctx *ctx,
		       gva_t va, uint32_t access, struct arm64_xlate *out,
		       struct walk_record *rec)
{
	struct s1walk w = {
		.hw = hw, .ctx = ctx, .rec = rec, .out = out, .va = va,
		.access = access, .peek = access & ARM64_ACC_PEEK,
		.events = !(access & ARM64_ACC_PEEK),
	};
	const uint8_t all = ARM64_PERM_R1 | ARM64_PERM_W1 | ARM64_PERM_X1 |
			    ARM64_PERM_R0 | ARM64_PERM_W0 | ARM64_PERM_X0;
	uint64_t tcr = ctx->tcr, ttbr, table, oa_limit;
	unsigned int pg, stride, txsz, ia_bits, top_bit, levels;
	bool upper = va >> 55 & 1, tbi, fetch = access & ARM64_ACC_FETCH;
	bool no_el0 = false, no_write = false, pxn = false, uxn = false;
	int start;

	*out = (struct arm64_xlate){ .s1_shift = PAGE_SHIFT, .global = true };
	if (rec)
		walk_record_init(rec, WALK_S1, va, access);
	hw->s1_walks++;

	if (!(ctx->sctlr & SCTLR_M)) {
		if (va >> 48)
			return s1_fault(&w, FSC_LEVEL(FSC_ADDR_SIZE, 0), 0,
					"VA above the PA range (MMU off)");
		if (rec)
			rec->page_shift = PAGE_SHIFT;
		return finish(&w, va, all);
	}

	if (w.events)
		vm_emit(hw->vm, EV_s1_walk, -1, va, access,
			upper ? ctx->ttbr1 : ctx->ttbr0, tcr);
	if (upper) {
		txsz = (tcr >> 16) & 0x3f;
		pg = granule_shift_tg1((tcr >> 30) & 3);
		tbi = tcr & TCR_TBI1;
		ttbr = ctx->ttbr1;
	} else {
		txsz = tcr & 0x3f;
		pg = granule_shift_tg0((tcr >> 14) & 3);
		tbi = tcr & TCR_TBI0;
		ttbr = ctx->ttbr0;
	}
	txsz = txsz < 16 ? 16 : txsz > 39 ? 39 : txsz;
	ia_bits = 64 - txsz;
	top_bit = (tbi && !fetch) ? 55 : 63;
	/* bits top_bit..ia_bits must all equal bit 55 */
	{
		uint64_t mask = GENMASK(top_bit, ia_bits);

		if ((va & mask) != (upper ? mask : 0))
			return s1_fault(&w, FSC_LEVEL(FSC_TRANS, 0), 0,
					"VA outside both TTBR ranges");
	}
	if (tcr & (upper ? TCR_EPD1 : TCR_EPD0))
		return s1_fault(&w, FSC_LEVEL(FSC_TRANS, 0), 0,
				upper ? "TTBR1 walks disabled (EPD1)"
				      : "TTBR0 walks disabled (EPD0)");

	stride = pg - 3;
	levels = (ia_bits - pg + stride - 1) / stride;
	start = 4 - (int)levels;
	oa_limit = 1ull << pa_bits_of_ips((unsigned int)(tcr >> 32));
	{
		unsigned int shift = pg + (3 - (unsigned int)start) * stride;
		unsigned int root_bits = ia_bits - shift;
		/* the start table is aligned to its own size (at least 64 B) */
		unsigned int align = root_bits + 3 < 6 ? 6 : root_bits + 3;

		table = ttbr & GENMASK(47, align);
	}
	if (table >= oa_limit)
		return s1_fault(&w, FSC_LEVEL(FSC_ADDR_SIZE, 0), 0,
				"TTBR above the IPS range");
	{
		uint64_t asid_src = (tcr & TCR_A1) ? ctx->ttbr1 : ctx->ttbr0;

		out->asid = (uint16_t)(asid_src >> 48);
		if (!(tcr & TCR_AS))
			out->asid = (uint8_t)out->asid;
	}

	for (int l = start; l <= 3; l++) {
		unsigned int shift = pg + (3 - (unsigned int)l) * stride;
		unsigned int bits = l == start ? ia_bits - shift : stride;
		unsigned int idx = (unsigned int)((va >> shift) & ((1ull << bits) - 1));
		ipa_t desc_ipa = table + (uint64_t)idx * 8;
		uint32_t s2perm;
		hpa_t desc_hpa = 0;
		uint64_t desc;
		struct walk_step *st = NULL;
		bool leaf;
		int r;

		r = s2_translate(&w, desc_ipa, WALK_P_READ, true, &desc_hpa,
				 &s2perm);
		if (r != S2_OK)
			return s2_end(&w, r, l, true, desc_ipa);
		desc = arena_read64(&hw->vm->arena, desc_hpa);
		leaf = l == 3 || !(desc & DESC_TABLE);
		if (rec) {
			st = walk_record_push(rec);
			*st = (struct walk_step){
				.table = WALK_S1, .level = (int8_t)l,
				.index = (uint16_t)idx, .table_addr = table,
				.entry_addr = desc_ipa, .entry = desc,
				.input = va, .leaf = (desc & DESC_VALID) && leaf,
				.leaf_shift = (desc & DESC_VALID) && leaf ?
					      (uint8_t)shift : 0,
			};
		}
		if (w.events)
			vm_emit(hw->vm, EV_s1_element, l, desc, table, idx, va);
		if (!(desc & DESC_VALID))
			return s1_fault(&w, FSC_LEVEL(FSC_TRANS, l), l,
					"invalid descriptor");
		if (!leaf) {
			no_el0 |= desc & DESC_APT_NOEL0;
			no_write |= desc & DESC_APT_RO;
			pxn |= desc & DESC_PXNTABLE;
			uxn |= desc & DESC_UXNTABLE;
			table = desc & GENMASK(47, pg);
			if (st)
				st->perms = (no_write ? 0 : WALK_P_WRITE) |
					    WALK_P_READ |
					    (no_el0 ? 0 : WALK_P_USER) |
					    (pxn ? 0 : WALK_P_EXEC) |
					    (uxn ? 0 : WALK_P_UEXEC);
			if (table >= oa_limit)
				return s1_fault(&w, FSC_LEVEL(FSC_ADDR_SIZE, l),
						l, "table above the IPS range");
			continue;
		}
		/* a leaf: page at L3, block elsewhere if the granule allows */
		if (l == 3 ? !(desc & DESC_TABLE)
			   : (l == 0 || (pg != 12 && l != 2)))
			return s1_fault(&w, FSC_LEVEL(FSC_TRANS, l), l,
					l == 3 ? "reserved L3 descriptor"
					       : "block not allowed at this level");
		{
			uint64_t oa = desc & GENMASK(47, shift);
			unsigned int ap = (desc >> 6) & 3;
			bool w1, r0, w0, x1, x0;
			uint8_t perm;

			if (oa >= oa_limit)
				return s1_fault(&w, FSC_LEVEL(FSC_ADDR_SIZE, l),
						l, "output above the IPS range");
			w1 = !(ap & 2) && !no_write;
			r0 = (ap & 1) && !no_el0;
			w0 = r0 && w1;
			x0 = !(uxn || (desc & DESC_UXN));
			x1 = !(pxn || (desc & DESC_PXN)) && !w0;
			if (ctx->sctlr & SCTLR_WXN) {
				x1 = x1 && !w1;
				x0 = x0 && !w0;
			}
			perm = ARM64_PERM_R1 | (w1 ? ARM64_PERM_W1 : 0) |
			       (x1 ? ARM64_PERM_X1 : 0) |
			       (r0 ? ARM64_PERM_R0 : 0) |
			       (w0 ? ARM64_PERM_W0 : 0) |
			       (x0 ? ARM64_PERM_X0 : 0);
			out->global = !(desc & DESC_NG);
			out->s1_shift = (uint8_t)shift;
			out->attr = (uint8_t)(ctx->mair >> (((desc >> 2) & 7) * 8));
			if (st)
				st->perms = walk_perms_of(perm) |
					    (out->global ? WALK_P_GLOBAL : 0) |
					    ((desc & DESC_AF) ? WALK_P_ACCESSED : 0);
			if (rec)
				rec->page_shift = (uint8_t)shift;
			if (!(desc & DESC_AF))
				return s1_fault(&w, FSC_LEVEL(FSC_ACCESS, l), l,
						"access flag clear");
			if (!w.peek && !s1_allows(perm, access))
				return s1_fault(&w, FSC_LEVEL(FSC_PERM, l), l,
						"permission");
			return finish(&w, oa | (va & ((1ull << shift) - 1)),
				      perm);
		}
	}
	return s1_fault(&w, FSC_LEVEL(FSC_TRANS, 3), 3, "walk overran");
}
