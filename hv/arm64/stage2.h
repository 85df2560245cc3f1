/* SPDX-License-Identifier: MIT */
/*
 * The arm64 stage-2 MMU: the hypervisor's side of stage 2, as KVM's
 * arch/arm64/kvm/mmu.c (kvm_handle_guest_abort, user_mem_abort,
 * handle_access_fault, io_mem_abort) over the page-table library in
 * stage2_pgtable.h.
 *
 *   tables   built lazily: the guest starts with an empty root, and
 *            every first touch of an IPA takes a stage-2 abort
 *   abort    s2_mmu_handle_abort is the hardware's s2_fault hook:
 *              translation fault  map the IPA with the largest leaf its
 *                                 memslot allows (a block when IPA and
 *                                 PA alignment and the slot allow,
 *                                 granule pages under dirty logging)
 *              permission fault   relax the leaf's rights, or map at a
 *                                 smaller size when the leaf is bigger
 *                                 than what may be mapped (a block
 *                                 write-protected for dirty logging);
 *                                 a write under dirty logging marks the
 *                                 page dirty
 *              access flag fault  mkyoung
 *              outside memslots   MMIO: return 1 (the hardware sends
 *              (or a write to a   the access to the MMIO bus, or makes
 *              read-only slot)    a fetch / table walk an external abort)
 *   rights   read always; write if the slot is writable (and, under
 *            dirty logging, only on a write fault); execute only after
 *            an instruction fetch faulted (KVM without FEAT_DIC maps X
 *            lazily, so code pages show up as exec permission faults)
 *   events   guest_fault, io_mem_abort, access_fault, user_mem_abort,
 *            mark_page_dirty, then the library's per-descriptor events
 *            (map, map_table, relax_perms, mkyoung, unmap, ...), all in
 *            group s2: `break event s2.guest_fault ipa=0x40000000-0x40200000`
 */
#ifndef HV_ARM64_STAGE2_H
#define HV_ARM64_STAGE2_H

#include <hv/arm64/stage2_pgtable.h>

struct s2_mmu_stats {
	uint64_t guest_faults;		/* aborts handled */
	uint64_t trans_faults;		/* ... by kind of FSC */
	uint64_t perm_faults;
	uint64_t access_faults;
	uint64_t mmio_faults;		/* outside RAM (any kind) */
	uint64_t other_faults;		/* address size etc.: refused */
	uint64_t maps;			/* user_mem_abort -> map */
	uint64_t relaxes;		/* user_mem_abort -> relax_perms */
	uint64_t dirty_pages;		/* granule pages marked dirty */
};

struct s2_mmu {
	struct vm *vm;
	struct s2_pgtable pgt;
	uint16_t vmid;
	bool lazy_exec;			/* X only after an exec fault (true) */
	unsigned int max_shift;		/* largest leaf, as a shift (64: any) */
	uint64_t *dirty[MEMSLOT_MAX];	/* per slot id: a bit per 4 KiB gfn */
	struct s2_mmu_stats stats;
};

/*
 * Create the MMU for @vm with an @ipa_bits (32..48) IPA space and a
 * @granule-byte (4096, 16384, 65536) granule, and its root tables.
 * Returns NULL and a message in @err for a bad geometry, a RAM slot
 * beyond the IPA space, or no memory.
 */
struct s2_mmu *s2_mmu_create(struct vm *vm, unsigned int ipa_bits,
			     unsigned int granule, char *err, size_t errlen);

/*
 * Turn stage 2 on in @hw: VTTBR = the root, VTCR = the geometry's, the
 * VMID, and s2_mmu_handle_abort as the s2_fault hook. Returns 0 or
 * -EINVAL (the hardware refused the geometry).
 */
int s2_mmu_attach(struct s2_mmu *s2, struct arm64_mmu_hw *hw);

/* Free every table and the MMU; before the arena goes (NULL is fine). */
void s2_mmu_destroy(struct s2_mmu *s2);

/*
 * The stage-2 abort handler (kvm_handle_guest_abort), with the
 * arm64_mmu_hooks.s2_fault contract: @opaque is the s2_mmu. Returns 0
 * when the tables now allow the access (the walk retries), 1 when @ipa
 * is not RAM (MMIO), -EFAULT for an abort it cannot handle (address
 * size fault, a slot that cannot back a granule page), -ENOMEM.
 */
int s2_mmu_handle_abort(void *opaque, ipa_t ipa, uint32_t esr, gva_t far);

/* Limit leaves to 2^@shift bytes (the granule: pages only). For tests. */
void s2_mmu_set_max_shift(struct s2_mmu *s2, unsigned int shift);

/*
 * Dirty logging for the memslot with id @slot_id (KVM_MEM_LOG_DIRTY_PAGES
 * + kvm_mmu_wp_memory_region): on, the slot is write-protected and
 * mapped with granule pages from then on, and each write fault marks its
 * page dirty; off, the log is dropped. Returns 0, -ENOENT, -ENOMEM.
 */
int s2_mmu_log_dirty(struct s2_mmu *s2, unsigned int slot_id, bool on);

/*
 * KVM_GET_DIRTY_LOG: copy the slot's dirty bitmap (bit i = gfn base + i)
 * into @bitmap (@nwords 64-bit words), clear it and write-protect the
 * pages that were dirty again. Returns the number of dirty gfns, or
 * -ENOENT (no such slot or logging off), -EINVAL (@nwords too small).
 */
int s2_mmu_get_dirty_log(struct s2_mmu *s2, unsigned int slot_id,
			 uint64_t *bitmap, size_t nwords);

/*
 * kvm_age_gfn: make every young leaf over ipa [@start, @end) old (the
 * next access takes an access flag fault). Returns how many were young.
 */
int s2_mmu_age(struct s2_mmu *s2, ipa_t start, ipa_t end);

/*
 * "name value" lines for --stats: the geometry (ipa bits, granule,
 * T0SZ, start level, concatenated tables, VTCR_EL2), the aborts by kind,
 * leaves mapped by size, the other operations, tables in use.
 * Returns the snprintf length.
 */
int s2_mmu_format_stats(const struct s2_mmu *s2, char *buf, size_t size);

/*
 * The tables over ipa [@start, @end) (end 0: all), with the geometry and
 * the concatenated start level in a header (the debugger's `s2`, machine
 * ops->dump_tables). Returns the length the whole dump needs.
 */
int s2_mmu_dump(struct s2_mmu *s2, ipa_t start, ipa_t end, char *buf,
		size_t size);

#endif
