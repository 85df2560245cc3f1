// SPDX-License-Identifier: MIT
/*
 * The stage-2 hardware walk: IPA -> hPA through the tables the
 * hypervisor installed (VTTBR_EL2), with the geometry of VTCR_EL2.
 * This is the silicon; the hypervisor's side (building the tables,
 * handling the faults) lives in the stage-2 MMU.
 *
 * Geometry (Arm ARM D8.2, "Translation table walk, stage 2"):
 *   granule   TG0: 00 4K (pg_shift 12), 10 16K (14), 01 64K (16);
 *             each level resolves stride = pg_shift - 3 bits
 *   input     ipa_bits = 64 - T0SZ
 *   start     SL0 with 4K: 0 -> L2, 1 -> L1, 2 -> L0;
 *             with 16K/64K: 0 -> L3, 1 -> L2, 2 -> L1
 *   root      the start level resolves ipa_bits - shift(start) bits; when
 *             that is more than stride, 2^(extra) tables of one granule
 *             each are concatenated (at most 16), contiguous and aligned
 *             to their total size
 *   shift(L)  = pg_shift + (3 - L) * stride
 * Walk:
 *   1. An IPA at or above 2^ipa_bits: translation fault, level 0.
 *   2. At each level read the descriptor at table + index * 8 (an hpa:
 *      stage-2 tables live in the arena). Bit 0 clear: translation
 *      fault at this level. Bits [1:0] = 01 is a block where blocks are
 *      allowed (4K: L1, L2; 16K and 64K: L2) and a fault elsewhere
 *      (always at L3); 11 is a table (L0-L2) or a page (L3).
 *   3. A leaf's output address above PS: address size fault. AF clear:
 *      access flag fault (no hardware update). S2AP and XN give the
 *      rights; the caller checks them (permission fault at that level).
 */
#include <errno.h>

#include <hv/arm64/interp.h>

int arm64_s2_geom_from_vtcr(uint64_t vtcr, struct arm64_s2_geom *g)
{
	static const unsigned int ps_bits[8] = { 32, 36, 40, 42, 44, 48, 48, 48 };
	unsigned int t0sz = vtcr & 0x3f, sl0 = (vtcr >> 6) & 3;
	unsigned int tg0 = (vtcr >> 14) & 3, shift;
	int start;

	switch (tg0) {
	case 0: g->pg_shift = 12; break;
	case 1: g->pg_shift = 16; break;
	case 2: g->pg_shift = 14; break;
	default: return -EINVAL;
	}
	g->stride = g->pg_shift - 3;
	g->ipa_bits = 64 - t0sz;
	g->oa_bits = ps_bits[(vtcr >> 16) & 7];
	if (g->ipa_bits > 48 || g->ipa_bits < g->pg_shift + 4 || sl0 == 3)
		return -EINVAL;
	if (g->pg_shift == 12)
		start = 2 - (int)sl0;
	else
		start = 3 - (int)sl0;
	g->start_level = start;
	shift = g->pg_shift + (3 - (unsigned int)start) * g->stride;
	if (g->ipa_bits <= shift)
		return -EINVAL;		/* start level too deep */
	g->root_bits = g->ipa_bits - shift;
	if (g->root_bits > g->stride + 4)
		return -EINVAL;		/* more than 16 tables */
	g->concat = g->root_bits > g->stride ? 1u << (g->root_bits - g->stride)
					     : 1;
	return 0;
}

static bool s2_block_ok(unsigned int pg_shift, int level)
{
	if (pg_shift == 12)
		return level == 1 || level == 2;
	return level == 2;
}

int arm64_s2_walk(struct arm64_mmu_hw *hw, ipa_t ipa, struct walk_record *rec,
		  bool events, hpa_t *hpa, uint32_t *s2perm, int *level)
{
	const struct arm64_s2_geom *g = &hw->s2.geom;
	hpa_t table = hw->s2.root;
	uint64_t oa_limit = 1ull << g->oa_bits;

	*level = 0;
	if (ipa >> g->ipa_bits)
		return FSC_LEVEL(FSC_TRANS, 0);
	hw->s2_walks++;
	for (int l = g->start_level; l <= 3; l++) {
		unsigned int shift = g->pg_shift + (3 - (unsigned int)l) * g->stride;
		unsigned int bits = l == g->start_level ? g->root_bits : g->stride;
		unsigned int idx = (unsigned int)((ipa >> shift) & ((1ull << bits) - 1));
		hpa_t ea = table + (uint64_t)idx * 8;
		uint64_t desc = arena_read64(&hw->vm->arena, ea);
		bool leaf = l == 3 || !(desc & S2_DESC_TABLE);
		struct walk_step *st;

		*level = l;
		if (rec) {
			st = walk_record_push(rec);
			*st = (struct walk_step){
				.table = WALK_S2, .level = (int8_t)l,
				.index = (uint16_t)idx, .table_addr = table,
				.entry_addr = ea, .entry = desc, .input = ipa,
				.leaf = (desc & S2_DESC_VALID) && leaf,
				.leaf_shift = (desc & S2_DESC_VALID) && leaf ?
					      (uint8_t)shift : 0,
				.perms = WALK_P_READ | WALK_P_WRITE | WALK_P_EXEC,
			};
		}
		if (events)
			vm_emit(hw->vm, EV_s2_element, l, desc, table, idx, ipa);
		if (!(desc & S2_DESC_VALID))
			return FSC_LEVEL(FSC_TRANS, l);
		if (!leaf) {
			table = desc & GENMASK(47, g->pg_shift);
			if (desc & GENMASK(51, 48))
				return FSC_LEVEL(FSC_ADDR_SIZE, l);
			continue;
		}
		if (l == 3 ? !(desc & S2_DESC_TABLE)
			   : !s2_block_ok(g->pg_shift, l))
			return FSC_LEVEL(FSC_TRANS, l);
		{
			uint64_t oa = desc & GENMASK(47, shift);
			uint32_t perm = 0;

			if ((desc & GENMASK(51, 48)) || oa >= oa_limit)
				return FSC_LEVEL(FSC_ADDR_SIZE, l);
			if (desc & S2_DESC_S2AP_R)
				perm |= WALK_P_READ;
			if (desc & S2_DESC_S2AP_W)
				perm |= WALK_P_WRITE;
			if (!(desc & S2_DESC_XN))
				perm |= WALK_P_EXEC;
			if (rec)
				rec->step[rec->nsteps - 1].perms = perm |
					((desc & S2_DESC_AF) ? WALK_P_ACCESSED : 0);
			if (!(desc & S2_DESC_AF))
				return FSC_LEVEL(FSC_ACCESS, l);
			*hpa = oa | (ipa & ((1ull << shift) - 1));
			*s2perm = perm;
			return 0;
		}
	}
	return FSC_LEVEL(FSC_TRANS, 3);	/* not reached */
}

int arm64_mmu_hw_set_stage2(struct arm64_mmu_hw *hw, hpa_t root,
			    uint64_t vtcr, uint16_t vmid,
			    const struct arm64_mmu_hooks *hooks, void *opaque)
{
	struct arm64_s2_geom g;

	if (arm64_s2_geom_from_vtcr(vtcr, &g))
		return -EINVAL;
	hw->s2 = (struct arm64_s2_cfg){
		.enabled = true, .root = root, .vmid = vmid, .vtcr = vtcr,
		.geom = g,
	};
	hw->hooks = hooks;
	hw->hooks_opaque = opaque;
	return 0;
}

void arm64_mmu_hw_clear_stage2(struct arm64_mmu_hw *hw)
{
	hw->s2.enabled = false;
	hw->hooks = NULL;
	hw->hooks_opaque = NULL;
}
