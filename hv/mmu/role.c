// SPDX-License-Identifier: MIT
/*
 * Shadow page roles: the root role from the guest's registers, the child
 * role from the parent's (see role.h).
 */
#include <stdio.h>

#include "hv/mmu/role.h"
#include "hv/mmu/spte.h"
#include "hv/x86/mmu_hw.h"
#include "hv/x86/paging.h"

/*
 * The guest registers decide the root role. A 4-level guest walks 8-byte
 * tables from a PML4, so its root is a level-4 page. Every other guest
 * lives in 32 bits of linear space, which the hardware covers with a PAE
 * shadow (a page of four PDPTEs above four level-2 pages), so those
 * roles are level 2. 32-bit paging has 4-byte gptes. With paging off
 * there is no guest table at all: the roots are direct. access starts
 * with everything allowed; each level down ANDs the guest's rights in.
 * KVM keeps cr0_wp in the role because with CR0.WP=0 a supervisor write
 * to a read-only gpte gets a writable but supervisor-only SPTE, which
 * must never be reused once CR0.WP is set again; smep_andnot_wp and
 * smap_andnot_wp exist for the same trick's interplay with SMEP/SMAP.
 */
union shadow_role shadow_root_role(const struct x86_paging_ctx *ctx)
{
	enum x86_paging_mode mode = x86_paging_mode(ctx->cr0, ctx->cr4, ctx->efer);
	bool wp = ctx->cr0 & X86_CR0_WP;
	union shadow_role role = { .word = 0 };

	role.access = ACC_ALL;
	role.level = mode == X86_PAGING_4LEVEL ? 4 : 2;
	role.direct = mode == X86_PAGING_OFF;
	role.has_4_byte_gpte = mode == X86_PAGING_32;
	if (mode != X86_PAGING_OFF) {
		role.efer_nx = mode != X86_PAGING_32 && (ctx->efer & X86_EFER_NXE);
		role.cr0_wp = wp;
		role.smep_andnot_wp = (ctx->cr4 & X86_CR4_SMEP) && !wp;
		role.smap_andnot_wp = (ctx->cr4 & X86_CR4_SMAP) && !wp;
	}
	return role;
}

/*
 * One level down from @parent (see role.h for why the quadrant of a
 * 4-byte child is the parity of the parent SPTE's index). Only a level-1
 * child can have a quadrant from its parent: the level-2 quadrants 0-3
 * are given to the four roots, never derived.
 */
union shadow_role shadow_child_role(union shadow_role parent,
				    unsigned int spte_index, bool direct,
				    unsigned int access)
{
	union shadow_role role = parent;

	role.level = parent.level - 1;
	role.direct = direct;
	role.access = access & ACC_ALL;
	if (role.has_4_byte_gpte) {
#ifdef SHADOW_BUG_COPY_PARENT_QUADRANT
		role.quadrant = parent.quadrant;	/* the bug */
#else
		role.quadrant = spte_index & 1;
#endif
	}
	return role;
}

int shadow_role_format(union shadow_role role, char *buf, size_t size)
{
	return snprintf(buf, size, "l%u q%u %s%s acc=%c%c%c%s%s%s%s%s",
			role.level, role.quadrant,
			role.has_4_byte_gpte ? "4b" : "8b",
			role.direct ? " direct" : "",
			(role.access & ACC_USER) ? 'u' : '-',
			(role.access & ACC_WRITE) ? 'w' : '-',
			(role.access & ACC_EXEC) ? 'x' : '-',
			role.cr0_wp ? " wp" : "",
			role.efer_nx ? " nx" : "",
			role.smep_andnot_wp ? " smep&!wp" : "",
			role.smap_andnot_wp ? " smap&!wp" : "",
			role.invalid ? " invalid" : "");
}
