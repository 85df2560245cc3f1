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
 *   shadow:        (issue #3) the shadow tables at hpas; a miss exits to
 *                  the hypervisor (hooks->shadow_page_fault).
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
	uint32_t perms;		/* enum walk_perm of the final mapping */
	uint8_t page_shift;	/* guest mapping size */
	uint32_t pferr;		/* on X86_XLATE_PF */
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
};

struct x86_mmu_hw {
	struct vm *vm;
	bool tdp;			/* EPT enabled */
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

#endif
