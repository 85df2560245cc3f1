/* SPDX-License-Identifier: MIT */
/*
 * The role of a shadow page (KVM's union kvm_mmu_page_role,
 * arch/x86/include/asm/kvm_host.h): everything besides the gfn that
 * decides what a shadow table may be reused for. Two shadow pages for
 * the same guest table gfn are the same page only if their roles are
 * equal word for word.
 *
 *   level            1 (PT) .. 4 (PML4), the shadow table's level
 *   has_4_byte_gpte  the guest table has 4-byte entries (32-bit paging)
 *   quadrant         which part of a 4-byte guest table this 8-byte
 *                    shadow table covers: a guest PD (1024 entries) is
 *                    shadowed by four PAE PDs, quadrants 0-3; a guest
 *                    PT (1024 entries) by two PAE PTs, quadrants 0-1
 *   direct           no guest table behind it: paging off, or a guest
 *                    large page broken into 4 KiB SPTEs; gfn is then the
 *                    first frame it maps
 *   access           ACC_* the guest allows on the path above (U, W, X)
 *   invalid          zapped; lookups never match it again
 *   efer_nx cr0_wp smep_andnot_wp smap_andnot_wp
 *                    the guest registers that change what a gpte means
 *   ad_disabled guest_mode smm
 *                    always 0 here (no A/D-less EPT, no nesting, no SMM)
 *
 * Layout (bit numbers of .word; a filter "quadrant=1" reads bits 6:5):
 *   3:0 level  4 has_4_byte_gpte  6:5 quadrant  7 direct  10:8 access
 *   11 invalid  12 efer_nx  13 cr0_wp  14 smep_andnot_wp
 *   15 smap_andnot_wp  16 ad_disabled  17 guest_mode  31:24 smm
 */
#ifndef HV_MMU_ROLE_H
#define HV_MMU_ROLE_H

#include <assert.h>

#include <hv/types.h>

union shadow_role {
	uint32_t word;
	struct {
		uint32_t level:4;
		uint32_t has_4_byte_gpte:1;
		uint32_t quadrant:2;
		uint32_t direct:1;
		uint32_t access:3;
		uint32_t invalid:1;
		uint32_t efer_nx:1;
		uint32_t cr0_wp:1;
		uint32_t smep_andnot_wp:1;
		uint32_t smap_andnot_wp:1;
		uint32_t ad_disabled:1;
		uint32_t guest_mode:1;
		uint32_t :6;
		uint32_t smm:8;
	};
};

static_assert(sizeof(union shadow_role) == 4, "the role is one word");

#define SHADOW_ROLE_QUADRANT_SHIFT 5

struct x86_paging_ctx;

/*
 * The role of the shadow root(s) for the guest registers in @ctx (KVM's
 * kvm_calc_shadow_mmu_root_page_role): 4-level guests get a level-4
 * root; PAE, 32-bit and paging-off guests get four level-2 roots under
 * a PAE root page, which is why level is at least 2 here (the caller
 * sets the quadrant of each of the four). Paging off is direct.
 */
union shadow_role shadow_root_role(const struct x86_paging_ctx *ctx);

/*
 * The role of the shadow page an SPTE of @parent will point to (KVM's
 * kvm_mmu_child_role): the parent's role one level down, with the
 * guest's @access on the path and @direct. For 4-byte guest entries the
 * quadrant is the parity of @spte_index, the index of the parent SPTE
 * that points to the child: a 512-entry shadow PD maps 2 MiB per entry
 * where the guest's PDE maps 4 MiB, so entries 2k and 2k+1 both
 * shadow guest PDE k, and the child behind the odd one covers the upper
 * half of the guest's page table. (Copying the parent's quadrant
 * instead is the bug the KVM list caught when the role was first
 * derived from the parent; build with -DSHADOW_BUG_COPY_PARENT_QUADRANT
 * to see a 32-bit guest fail from it.)
 */
union shadow_role shadow_child_role(union shadow_role parent,
				    unsigned int spte_index, bool direct,
				    unsigned int access);

/* "l2 q3 4b !d acc=ux- wp nx" for humans. Returns snprintf's length. */
int shadow_role_format(union shadow_role role, char *buf, size_t size);

#endif
