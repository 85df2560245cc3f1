/* SPDX-License-Identifier: MIT */
/*
 * The x86 "silicon" MMU: the hardware page walker the CPU calls on a TLB
 * miss. It walks whatever the hypervisor installed:
 *
 *   tdp (EPT on):  the guest's own tables, at gpas, each table reference
 *                  and the final gpa translated through the EPT tables
 *                  (the two-dimensional walk); an EPT miss or violation
 *                  exits to the hypervisor (hooks->ept_violation), which
 *                  fixes the EPT and lets the walk retry.
 *   shadow:        the shadow tables at hpas (PAE or 4-level format),
 *                  never the guest's; a miss or a violation exits to
 *                  the hypervisor (hooks->shadow_page_fault), which
 *                  fixes the shadow tables and lets the walk retry.
 *
 * Reference card (Intel SDM vol. 3A ch. 4, vol. 3C ch. 29):
 *   #PF error code  bit 0 P (violation, not non-present), 1 W/R, 2 U/S,
 *                   3 RSVD, 4 I/D (instruction fetch), 5 PK
 *   32-bit paging   CR3[31:12] -> PD[31:22] -> PT[21:12], PSE 4 MiB pages
 *   PAE             CR3[31:5] -> PDPTE[31:30] -> PD[29:21] -> PT[20:12]
 *   4-level         CR3 -> PML4[47:39] -> PDPT[38:30] -> PD[29:21] -> PT[20:12]
 *   EPT entry       bit 0 R, 1 W, 2 X, 5:3 memory type (leaf), 7 large,
 *                   8 A, 9 D, [51:12] address
 */
#ifndef HV_X86_MMU_HW_H
#define HV_X86_MMU_HW_H

#include <hv/vm.h>

/* #PF error code bits. */
#define PFERR_PRESENT	(1u << 0)
#define PFERR_WRITE	(1u << 1)
#define PFERR_USER	(1u << 2)
#define PFERR_RSVD	(1u << 3)
#define PFERR_FETCH	(1u << 4)
#define PFERR_PK	(1u << 5)

/*
 * Access flags passed to x86_hw_translate: PFERR_WRITE and PFERR_FETCH
 * say what the access is; user vs supervisor comes from ctx->cpl unless
 * X86_ACC_IMPLICIT (a supervisor access the CPU makes for itself: GDT,
 * IDT, TSS); X86_ACC_PEEK is the debugger: no A/D updates, no exits, no
 * events, nested translation through the memslots directly.
 */
#define X86_ACC_IMPLICIT (1u << 8)
#define X86_ACC_PEEK	 (1u << 9)

/* The guest registers the walker needs, as the hardware sees them. */
struct x86_paging_ctx {
	uint64_t cr0, cr3, cr4, efer;
	uint8_t cpl;
	bool rflags_ac;		/* EFLAGS.AC, for SMAP */
};

enum x86_xlate_result {
	X86_XLATE_OK = 0,
	X86_XLATE_PF = 1,	/* guest #PF: out->pferr, CR2 = gva */
	X86_XLATE_MMIO = 2,	/* out->gpa is not RAM: emulate the access */
};

struct x86_xlate {
	gpa_t gpa;		/* the byte's gpa */
	hpa_t hpa;		/* the byte's hpa (OK only) */
	uint32_t perms;		/* enum walk_perm of the final mapping: the
				   guest's rights (R W U X, G D A of the
				   leaf), with W and X removed where the EPT
				   denies them, so a TLB never caches more
				   than both allow */
	uint8_t page_shift;	/* guest mapping size */
	uint32_t pferr;		/* on X86_XLATE_PF */
	uint32_t flags;		/* X86_XLATE_F_* */
};

/*
 * X86_XLATE_F_TRACKED: the page is write-tracked by the hypervisor (a
 * guest page table under the shadow MMU). The CPU performs the write to
 * out->hpa itself, as KVM's emulator would, then calls
 * hooks->track_write with the gpa and the bytes written; it never caches
 * a writable TLB entry for such a page.
 */
#define X86_XLATE_F_TRACKED (1u << 0)

/* What the hypervisor answers to a shadow page fault exit. */
struct x86_shadow_fault {
	uint32_t inject_pferr;	/* X86_XLATE_PF: the guest's error code */
	uint32_t flags;		/* X86_XLATE_F_TRACKED */
	gpa_t gpa;		/* X86_XLATE_MMIO: the gpa accessed */
};

/* The hypervisor's side of an exit taken during a walk. */
struct x86_mmu_hooks {
	/*
	 * EPT violation on @gpa (qualification bits as the SDM's exit
	 * qualification: 0 read, 1 write, 2 fetch, 7 gva valid, 8 final
	 * translation vs paging-structure access). Return 0 after fixing
	 * the EPT (the walk retries), 1 if @gpa is MMIO (not RAM), or
	 * -errno to stop the VM.
	 */
	int (*ept_violation)(void *opaque, gpa_t gpa, uint64_t qual, gva_t gva);

	/*
	 * Shadow paging (hw->shadow): the hardware walk of the shadow
	 * tables missed or faulted for @gva with @pferr (a #PF error code:
	 * P for a violation or reserved bit, RSVD, W, U, I/D, plus
	 * X86_ACC_IMPLICIT for an implicit supervisor access). @ctx is the
	 * guest's paging state, as a VM exit carries it. The hypervisor
	 * walks the guest's tables and either fixes the shadow tables
	 * (return 0: the walk retries), or asks for a guest #PF (return
	 * X86_XLATE_PF with f->inject_pferr set; CR2 is @gva), or reports
	 * MMIO (return X86_XLATE_MMIO with f->gpa), or asks for an
	 * emulated write to a write-tracked guest page table (return 0
	 * after making the SPTE read-only and setting f->flags |=
	 * X86_XLATE_F_TRACKED: the walk then succeeds for writes and
	 * reports the flag), or -errno to stop the VM.
	 */
	int (*shadow_page_fault)(void *opaque, const struct x86_paging_ctx *ctx,
				 gva_t gva, uint32_t pferr,
				 struct x86_shadow_fault *f);

	/* The CPU wrote @len bytes at @gpa of a tracked page (see above). */
	void (*track_write)(void *opaque, gpa_t gpa, const void *bytes,
			    unsigned int len);

	/*
	 * The guest changed a paging register: @reg is 0, 3 or 4 for CR0,
	 * CR3, CR4, or X86_REG_EFER for EFER. Called after the write took
	 * effect, before the next instruction (kvm_mmu_new_pgd /
	 * kvm_mmu_reset_context). The CPU flushes its own TLB first as
	 * the architecture says.
	 */
	void (*paging_changed)(void *opaque, int reg, uint64_t old,
			       uint64_t val);

	/* The guest executed INVLPG @gva (kvm_mmu_invlpg). */
	void (*invlpg)(void *opaque, gva_t gva);
};

#define X86_REG_EFER 0x80

struct x86_mmu_hw {
	struct vm *vm;
	bool tdp;			/* EPT enabled */
	bool shadow;			/* shadow paging: the hardware walks
					   the shadow tables at shadow_root
					   (hpa) in shadow_levels-level
					   format (3: PAE, 4: 4-level),
					   never the guest's */
	hpa_t shadow_root;
	unsigned int shadow_levels;
	hpa_t ept_root;			/* EPTP: root table hpa */
	unsigned int ept_levels;	/* 4 */
	const struct x86_mmu_hooks *hooks;
	void *hooks_opaque;
	struct walk_record last_walk;	/* the last walk, for the tools */
};

/*
 * Translate @gva for an access by the CPU (flags above). Fills @out and,
 * if @rec is not NULL, the walk record. Updates guest A/D bits as the
 * architecture specifies (not for X86_ACC_PEEK) and emits the walk
 * events. Returns an enum x86_xlate_result or -errno.
 */
int x86_hw_translate(struct x86_mmu_hw *hw, const struct x86_paging_ctx *ctx,
		     gva_t gva, uint32_t access, struct x86_xlate *out,
		     struct walk_record *rec);

/*
 * The debugger's view of the shadow tables: walk hw->shadow_root for
 * @gva as the hardware would for @access (PFERR_WRITE/USER/FETCH), with
 * no exit, no event and no change. Fills @rec (kind WALK_SHADOW):
 * WALK_OK with the gpa and hpa when the shadow tables map it, WALK_FAULT
 * when the access would exit to the shadow MMU. Returns 0, or -EINVAL
 * when @hw is not in shadow mode.
 */
int x86_hw_shadow_peek(struct x86_mmu_hw *hw, const struct x86_paging_ctx *ctx,
		       gva_t gva, uint32_t access, struct walk_record *rec);


/*
 * The architectural rights check of a walk (U/S, R/W with CR0.WP, XD,
 * SMEP, SMAP with EFLAGS.AC), for an access (flags above) to a page with
 * @perms (enum walk_perm, as x86_xlate.perms). Returns 0 if allowed, or
 * the #PF error code the walk would report. For a TLB that caches
 * rights rather than per-access tags.
 */
uint32_t x86_hw_check_perms(const struct x86_paging_ctx *ctx, uint32_t perms,
			    uint32_t access);

#endif
