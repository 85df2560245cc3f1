// SPDX-License-Identifier: MIT
/*
 * EPT entries as a hv/pt format (for the TDP MMU, the dumper and the
 * tests), and the hardware's own walk of the EPT tables: the second
 * dimension of the two-dimensional walk. See ept.h for the bit layout.
 */
#include <stdio.h>

#include <hv/arena.h>
#include <hv/log.h>
#include <hv/vm.h>

#include "hv/x86/ept.h"
#include "hv/x86/mmu_hw.h"

/* --- the format ----------------------------------------------------------- */

static int ept_depth_level(unsigned int depth)
{
	return EPT_LEVELS - (int)depth;
}

static bool ept_fmt_present(uint64_t e)
{
	return ept_present(e);
}

static bool ept_fmt_leaf(uint64_t e, unsigned int depth)
{
	return ept_is_leaf(e, ept_depth_level(depth));
}

static uint64_t ept_fmt_oa(uint64_t e, unsigned int depth)
{
	int level = ept_depth_level(depth);
	uint64_t addr = e & EPT_ADDR_MASK;

	/* A large leaf's low address bits are reserved, not address. */
	if (ept_is_leaf(e, level))
		addr &= ~((1ull << ept_level_shift(level)) - 1);
	return addr;
}

static uint32_t ept_rwx_to_perms(uint64_t rwx)
{
	return ((rwx & EPT_R) ? WALK_P_READ : 0) |
	       ((rwx & EPT_W) ? WALK_P_WRITE : 0) |
	       ((rwx & EPT_X) ? WALK_P_EXEC : 0);
}

static uint32_t ept_fmt_perms(uint64_t e, unsigned int depth)
{
	return ept_rwx_to_perms(e);
}

static uint64_t ept_fmt_mk_table(hpa_t table)
{
	return ept_mk_table(table);
}

int ept_describe(uint64_t e, int level, char *buf, size_t size)
{
	static const char *const mt_name[8] = {
		"UC", "WC", "MT2?", "MT3?", "WT", "WP", "WB", "MT7?",
	};
	bool leaf = ept_present(e) && ept_is_leaf(e, level);

	return snprintf(buf, size, "%s%s%s%s%s%s%s",
			(e & EPT_R) ? "R" : "-",
			(e & EPT_W) ? "W" : "-",
			(e & EPT_X) ? "X" : "-",
			leaf ? " " : "",
			leaf ? mt_name[(e & EPT_MT_MASK) >> EPT_MT_SHIFT] : "",
			(leaf && (e & EPT_IPAT)) ? " IPAT" : "",
			(e & EPT_A) ? ((e & EPT_D) ? " A D" : " A") : "");
}

static int ept_fmt_describe(uint64_t e, unsigned int depth, char *buf,
			    size_t size)
{
	return ept_describe(e, ept_depth_level(depth), buf, size);
}

const struct pt_format ept4_format = {
	.name = "ept4",
	.depth = EPT_LEVELS,
	.root_pages = 1,
	.lvl = {
		{ .level = 4, .shift = 39, .bits = 9, .block_ok = false, .name = "PML4E" },
		{ .level = 3, .shift = 30, .bits = 9, .block_ok = true, .name = "PDPTE" },
		{ .level = 2, .shift = 21, .bits = 9, .block_ok = true, .name = "PDE" },
		{ .level = 1, .shift = 12, .bits = 9, .block_ok = true, .name = "PTE" },
	},
	.present = ept_fmt_present,
	.leaf = ept_fmt_leaf,
	.oa = ept_fmt_oa,
	.perms = ept_fmt_perms,
	.mk_table = ept_fmt_mk_table,
	.describe = ept_fmt_describe,
};

/* --- the hardware walk -------------------------------------------------------- */

/*
 * Bits that make an entry an EPT misconfiguration (SDM 29.3.3.1) rather
 * than a violation. Only the hypervisor writes EPT entries, so seeing one
 * is our bug, never the guest's.
 */
static bool ept_misconfigured(uint64_t e, int level, bool leaf)
{
	uint64_t mt = (e & EPT_MT_MASK) >> EPT_MT_SHIFT;

	if ((e & (EPT_R | EPT_W)) == EPT_W)
		return true;
	if (e & EPT_RSVD_HIGH)
		return true;
	if (!leaf)
		return (e & EPT_RSVD_TABLE) != 0;
	if (mt == 2 || mt == 3 || mt == 7)
		return true;
	if (level == 3)
		return (e & EPT_RSVD_1G) != 0;
	if (level == 2)
		return (e & EPT_RSVD_2M) != 0;
	return false;
}

/*
 * Walk EPT from the root down: each entry read is a memory reference
 * of its own (and a step of the record). Permissions are the AND of the
 * R/W/X bits of every entry on the path; a non-present entry ends the
 * walk with a violation whose qualification says R=W=X=0.
 */
int ept_hw_walk(struct x86_mmu_hw *hw, gpa_t gpa, uint32_t access,
		bool events, struct walk_record *rec, struct ept_walk_out *out)
{
	const struct arena *arena = &hw->vm->arena;
	hpa_t table = hw->ept_root;
	uint64_t rwx = EPT_RWX;
	int level = hw->ept_levels > EPT_LEVELS ? EPT_LEVELS : (int)hw->ept_levels;

	for (; level >= 1; level--) {
		unsigned int shift = ept_level_shift(level);
		unsigned int index = (gpa >> shift) & 511;
		hpa_t ptep = table + index * 8;
		uint64_t e = arena_read64(arena, ptep);
		bool present = ept_present(e);
		bool leaf = present && ept_is_leaf(e, level);

		rwx &= e & EPT_RWX;
		if (events)
			vm_emit(hw->vm, EV_ept_element, level, e, table, index, gpa);
		if (rec) {
			struct walk_step *s = walk_record_push(rec);

			s->table = WALK_EPT;
			s->level = (int8_t)level;
			s->index = (uint16_t)index;
			s->perms = ept_rwx_to_perms(rwx);
			s->table_addr = table;
			s->entry_addr = ptep;
			s->entry = e;
			s->input = gpa;
			s->leaf = leaf;
			s->leaf_shift = leaf ? (uint8_t)shift : 0;
		}
		out->level = (int8_t)level;
		if (!present) {
			out->rwx = 0;
			out->qual = access;
			return EPT_WALK_VIOLATION;
		}
		if (unlikely(ept_misconfigured(e, level, leaf))) {
			HV_WARN_ON_ONCE(1 && "EPT misconfiguration");
			out->rwx = (uint32_t)rwx;
			out->qual = access;
			return EPT_WALK_MISCONFIG;
		}
		if (leaf) {
			uint64_t mask = (1ull << shift) - 1;

			out->rwx = (uint32_t)rwx;
			out->page_shift = (uint8_t)shift;
			out->hpa = ((e & EPT_ADDR_MASK) & ~mask) | (gpa & mask);
			if (access & ~rwx) {
				out->qual = access | (rwx << EPT_QUAL_RWX_SHIFT);
				return EPT_WALK_VIOLATION;
			}
			return EPT_WALK_OK;
		}
		table = e & EPT_ADDR_MASK;
	}
	/* ept_levels was 0: nothing maps anything. */
	out->rwx = 0;
	out->qual = access;
	out->level = 0;
	return EPT_WALK_VIOLATION;
}
