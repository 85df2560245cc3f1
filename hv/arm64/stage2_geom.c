// SPDX-License-Identifier: MIT
/*
 * Stage-2 geometry: from an IPA size and a granule to VTCR_EL2, and from
 * VTCR_EL2 to the hv/pt table format the library walks.
 *
 * Reference card (Arm ARM D8.2 "Translation table walk, stage 2";
 * KVM's asm/stage2_pgtable.h, kvm_get_vtcr, kvm_pgtable.h):
 *
 *   granule     4K: pg_shift 12, stride 9 (512 descriptors per table)
 *               16K: pg_shift 14, stride 11 (2048)
 *               64K: pg_shift 16, stride 13 (8192)
 *   shift(L)    = pg_shift + (3 - L) * stride: bits below level L's index
 *               4K: L0 39, L1 30, L2 21, L3 12
 *               16K: L1 36, L2 25, L3 14      64K: L1 42, L2 29, L3 16
 *   T0SZ        = 64 - ipa_bits
 *   concat      the start level may resolve up to 4 more bits than a
 *               table holds: 2^extra tables side by side, contiguous and
 *               aligned to their total size (at most 16)
 *   levels      KVM: stage2_pgtable_levels(ipa) = levels a stage-1 table
 *               would need for (ipa - 4) bits = ceil((ipa - 4 - pg_shift)
 *               / stride), at least 2 (kvm_get_vtcr); start = 4 - levels.
 *               So concatenation is used whenever it saves a level.
 *   SL0         4K: 0 L2, 1 L1, 2 L0;  16K/64K: 0 L3, 1 L2, 2 L1
 *               (16K L0 and 64K/16K blocks at L1 need 52-bit features)
 *   leaves      blocks 4K: L1 (1G), L2 (2M); 16K: L2 (32M); 64K: L2
 *               (512M); pages at L3; never L0
 *   block rule  (kvm_block_mapping_supported) a leaf at L maps
 *               [addr, addr + shift(L)) when L takes leaves, the range
 *               holds the whole leaf, and addr and the PA are aligned
 *
 * What the rule gives for the sizes Quadrant offers (the unit tests
 * assert every one):
 *
 *   ipa   4K                 16K                64K
 *   32    L2 x4  (11 bits)   L2 x1  (7 bits)    L2 x1  (3 bits)
 *   36    L1 x1  (6)         L2 x1  (11)        L2 x1  (7)
 *   40    L1 x2  (10)        L2 x16 (15)        L2 x1  (11)
 *   42    L1 x8  (12)        L1 x1  (6)         L2 x1  (13)
 *   44    L0 x1  (5)         L1 x1  (8)         L2 x4  (15)
 *   48    L0 x1  (9)         L1 x2  (12)        L1 x1  (6)
 *
 * (Lx xN: start level x, N concatenated tables; bits resolved there.)
 */
#include <errno.h>
#include <stdio.h>

#include <hv/arm64/stage2_pgtable.h>

int s2_start_level(unsigned int ipa_bits, unsigned int pg_shift)
{
	unsigned int stride = pg_shift - 3;
	/* ceil((ipa - 4 - pg_shift) / stride): ARM64_HW_PGTABLE_LEVELS(ipa - 4) */
	int levels = (int)((ipa_bits - 4 - pg_shift + stride - 1) / stride);

	if (levels < 2)
		levels = 2;
	return 4 - levels;
}

static unsigned int s2_tg0(unsigned int pg_shift)
{
	return pg_shift == 12 ? 0 : pg_shift == 16 ? 1 : 2;
}

int s2_geom_init(struct s2_geom *g, unsigned int ipa_bits,
		 unsigned int granule)
{
	unsigned int pg_shift;
	int start;

	switch (granule) {
	case 4096: pg_shift = 12; break;
	case 16384: pg_shift = 14; break;
	case 65536: pg_shift = 16; break;
	default: return -EINVAL;
	}
	if (ipa_bits < S2_MIN_IPA_BITS || ipa_bits > S2_MAX_IPA_BITS)
		return -EINVAL;
	start = s2_start_level(ipa_bits, pg_shift);
	*g = (struct s2_geom){
		.t0sz = 64 - ipa_bits,
		.sl0 = (unsigned int)((pg_shift == 12 ? 2 : 3) - start),
		.levels = (unsigned int)(4 - start),
		.granule = 1ull << pg_shift,
		.table_order = pg_shift - PAGE_SHIFT,
	};
	g->vtcr = VTCR_T0SZ(g->t0sz) | VTCR_SL0(g->sl0) |
		  (uint64_t)s2_tg0(pg_shift) << 14 | VTCR_PS(S2_PS_48) |
		  VTCR_SH0_INNER | VTCR_ORGN0_WBWA | VTCR_IRGN0_WBWA |
		  VTCR_RES1;
	/* The silicon's decoding is the check: it refuses what it cannot walk. */
	if (arm64_s2_geom_from_vtcr(g->vtcr, &g->hw))
		return -EINVAL;
	if (g->hw.start_level != start || g->hw.ipa_bits != ipa_bits ||
	    g->hw.pg_shift != pg_shift)
		return -EINVAL;
	g->root_order = g->table_order;
	while ((1u << (g->root_order - g->table_order)) < g->hw.concat)
		g->root_order++;
	return 0;
}

bool s2_level_supports_leaf(const struct s2_geom *g, int level)
{
	if (level == S2_LAST_LEVEL)
		return true;
	if (g->hw.pg_shift == 12)
		return level == 1 || level == 2;
	return level == 2;
}

bool s2_block_mapping_supported(const struct s2_geom *g, int level,
				ipa_t addr, ipa_t end, hpa_t phys)
{
	uint64_t size;

	if (level < g->hw.start_level || level > S2_LAST_LEVEL ||
	    !s2_level_supports_leaf(g, level))
		return false;
	size = s2_level_size(g, level);
	if (end <= addr || size > end - addr)
		return false;
	return !(addr & (size - 1)) && !(phys & (size - 1));
}

/* --- the hv/pt format ------------------------------------------------------ */

static bool s2_fmt_present(uint64_t e)
{
	return e & S2_DESC_VALID;
}

/* Bits [1:0] = 01 is a block; 11 a table (a page at level 3, which the
   walker never asks about). */
static bool s2_fmt_leaf(uint64_t e, unsigned int depth)
{
	return !(e & S2_DESC_TABLE);
}

static uint64_t s2_fmt_oa(uint64_t e, unsigned int depth)
{
	return e & S2_DESC_OA_MASK;
}

static uint32_t s2_fmt_perms(uint64_t e, unsigned int depth)
{
	uint32_t p = 0;

	if (e & S2_DESC_S2AP_R)
		p |= WALK_P_READ;
	if (e & S2_DESC_S2AP_W)
		p |= WALK_P_WRITE;
	if (!(e & S2_DESC_XN))
		p |= WALK_P_EXEC;
	if (e & S2_DESC_AF)
		p |= WALK_P_ACCESSED;
	return p;
}

static uint64_t s2_fmt_mk_table(hpa_t table)
{
	return table | S2_DESC_VALID | S2_DESC_TABLE;
}

/*
 * "R W X AF WB" for leaves. The format cannot tell a table from a level-3
 * page by the descriptor alone (both are 0b11), but a table descriptor
 * has no lower attributes, and every leaf we build has SH set.
 */
static int s2_fmt_describe(uint64_t e, unsigned int depth, char *buf,
			   size_t size)
{
	if (!(e & S2_DESC_VALID))
		return snprintf(buf, size, "invalid");
	if ((e & S2_DESC_TABLE) && !(e & GENMASK(11, 2)))
		return snprintf(buf, size, "table");
	return snprintf(buf, size, "%s %s %s %s %s",
			e & S2_DESC_S2AP_R ? "R" : "-",
			e & S2_DESC_S2AP_W ? "W" : "-",
			e & S2_DESC_XN ? "-" : "X",
			e & S2_DESC_AF ? "AF" : "--",
			(e & S2_DESC_MEMATTR_MASK) == S2_DESC_MEMATTR_NORMAL ?
				"WB" : "Dev");
}

void s2_format_init(struct pt_format *fmt, const struct s2_geom *g)
{
	static const char *const names[4] = { "L0", "L1", "L2", "L3" };
	static const char *const fmt_names[3] = { "s2-4k", "s2-16k", "s2-64k" };

	*fmt = (struct pt_format){
		.name = fmt_names[(g->hw.pg_shift - 12) / 2],
		.depth = g->levels,
		.root_pages = 1u << g->root_order,
		.present = s2_fmt_present,
		.leaf = s2_fmt_leaf,
		.oa = s2_fmt_oa,
		.perms = s2_fmt_perms,
		.mk_table = s2_fmt_mk_table,
		.describe = s2_fmt_describe,
	};
	for (unsigned int d = 0; d < g->levels; d++) {
		int level = g->hw.start_level + (int)d;

		fmt->lvl[d] = (struct pt_level){
			.level = (int8_t)level,
			.shift = (uint8_t)s2_level_shift(g, level),
			.bits = (uint8_t)(d ? g->hw.stride : g->hw.root_bits),
			.block_ok = s2_level_supports_leaf(g, level),
			.name = names[level],
		};
	}
}

void s2_size_name(unsigned int shift, char *buf, size_t size)
{
	static const char unit[] = "KMGT";
	unsigned int u = 0;

	shift -= 10;
	while (shift >= 10 && u + 1 < sizeof(unit) - 1) {
		shift -= 10;
		u++;
	}
	snprintf(buf, size, "%llu%c", 1ull << shift, unit[u]);
}

int s2_geom_describe(const struct s2_geom *g, char *buf, size_t size)
{
	char gran[24], root[64];

	s2_size_name(g->hw.pg_shift, gran, sizeof(gran));
	if (g->hw.concat > 1)
		snprintf(root, sizeof(root), "%u concatenated tables, %u entries",
			 g->hw.concat, 1u << g->hw.root_bits);
	else
		snprintf(root, sizeof(root), "one table, %u entries",
			 1u << g->hw.root_bits);
	return snprintf(buf, size,
			"%u-bit IPA, %s granule: T0SZ %u, SL0 %u, start level %d "
			"(%s), %u levels, VTCR_EL2 %#llx",
			g->hw.ipa_bits, gran, g->t0sz, g->sl0, g->hw.start_level,
			root, g->levels, (unsigned long long)g->vtcr);
}
