/* SPDX-License-Identifier: MIT */
/*
 * Memslots: which guest frames are RAM, and where that RAM lives in the
 * host-physical arena (gfn -> hfn), as KVM's kvm_memory_slot.
 *
 * A gpa outside every memslot is not RAM: an access there is MMIO, which
 * the hypervisor emulates or reports to the guest.
 */
#ifndef HV_MEMSLOT_H
#define HV_MEMSLOT_H

#include <hv/types.h>

#define MEMSLOT_MAX 8

enum memslot_flags {
	MEMSLOT_READONLY = 1u << 0,
	MEMSLOT_LOG_DIRTY = 1u << 1,
};

struct memslot {
	gfn_t base_gfn;
	uint64_t npages;
	hpa_t base_hpa;		/* hpa of base_gfn, 4 KiB aligned */
	uint32_t flags;		/* enum memslot_flags */
	uint16_t id;
};

struct memslots {
	unsigned int count;
	struct memslot slot[MEMSLOT_MAX];	/* sorted by base_gfn */
};

/*
 * Add a slot. Returns its id (>= 0), -EEXIST if it overlaps another,
 * -ENOSPC if the table is full, -EINVAL for an empty or misaligned slot.
 */
int memslot_add(struct memslots *slots, gfn_t base_gfn, uint64_t npages,
		hpa_t base_hpa, uint32_t flags);

/* The slot holding @gfn, or NULL. */
const struct memslot *memslot_find(const struct memslots *slots, gfn_t gfn);

/* gfn -> hfn through the slots. Returns false if @gfn is not RAM. */
bool memslot_gfn_to_hfn(const struct memslots *slots, gfn_t gfn, hfn_t *hfn);

/*
 * True if the naturally aligned block of 2^@shift bytes around @gfn lies
 * inside one slot and gfn and hfn are equally aligned, so that one entry
 * (a huge page, a stage-2 block) can map it.
 */
bool memslot_can_map_block(const struct memslots *slots, gfn_t gfn,
			   unsigned int shift);

/*
 * The largest x86 mapping size (1 GiB, 2 MiB or 4 KiB, given as a shift)
 * that can map @gfn in one entry: the aligned block around @gfn must lie
 * inside one slot, and gfn and hfn must be equally aligned. Capped at
 * @max_shift.
 */
unsigned int memslot_max_mapping_shift(const struct memslots *slots,
				       gfn_t gfn, unsigned int max_shift);

#endif
