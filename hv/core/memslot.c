/* SPDX-License-Identifier: MIT */
/*
 * Memslots: gfn -> hfn, as KVM's kvm_memory_slot. A handful of slots,
 * kept sorted; a linear scan beats anything cleverer at this size.
 */
#include <errno.h>

#include <hv/memslot.h>

int memslot_add(struct memslots *slots, gfn_t base_gfn, uint64_t npages,
		hpa_t base_hpa, uint32_t flags)
{
	unsigned int i, pos;

	if (!npages || (base_hpa & ~PAGE_MASK) || base_gfn + npages < base_gfn)
		return -EINVAL;
	if (slots->count >= MEMSLOT_MAX)
		return -ENOSPC;
	for (i = 0; i < slots->count; i++) {
		const struct memslot *s = &slots->slot[i];

		if (base_gfn < s->base_gfn + s->npages &&
		    s->base_gfn < base_gfn + npages)
			return -EEXIST;
	}
	for (pos = 0; pos < slots->count; pos++)
		if (slots->slot[pos].base_gfn > base_gfn)
			break;
	for (i = slots->count; i > pos; i--)
		slots->slot[i] = slots->slot[i - 1];
	slots->slot[pos] = (struct memslot){
		.base_gfn = base_gfn,
		.npages = npages,
		.base_hpa = base_hpa,
		.flags = flags,
		.id = (uint16_t)slots->count,
	};
	slots->count++;
	return slots->slot[pos].id;
}

const struct memslot *memslot_find(const struct memslots *slots, gfn_t gfn)
{
	for (unsigned int i = 0; i < slots->count; i++) {
		const struct memslot *s = &slots->slot[i];

		if (gfn >= s->base_gfn && gfn - s->base_gfn < s->npages)
			return s;
	}
	return NULL;
}

bool memslot_gfn_to_hfn(const struct memslots *slots, gfn_t gfn, hfn_t *hfn)
{
	const struct memslot *s = memslot_find(slots, gfn);

	if (!s)
		return false;
	*hfn = hpa_to_hfn(s->base_hpa) + (gfn - s->base_gfn);
	return true;
}

/*
 * A block of 2^shift bytes can be mapped by one entry only if the whole
 * aligned block is inside the slot and the slot's gfn and hfn agree in
 * the low bits (the block's hpa is then aligned too).
 */
bool memslot_can_map_block(const struct memslots *slots, gfn_t gfn,
			   unsigned int shift)
{
	const struct memslot *s = memslot_find(slots, gfn);
	uint64_t npages;
	gfn_t start;

	if (!s || shift < PAGE_SHIFT || shift > 48)
		return false;
	npages = 1ull << (shift - PAGE_SHIFT);
	start = gfn & ~(npages - 1);
	if ((s->base_gfn ^ hpa_to_hfn(s->base_hpa)) & (npages - 1))
		return false;
	return start >= s->base_gfn && start + npages <= s->base_gfn + s->npages;
}

/* x86 block sizes, largest first: 1 GiB, 2 MiB. */
unsigned int memslot_max_mapping_shift(const struct memslots *slots,
				       gfn_t gfn, unsigned int max_shift)
{
	static const unsigned int x86_shifts[] = { 30, 21 };

	for (unsigned int i = 0; i < ARRAY_SIZE(x86_shifts); i++)
		if (x86_shifts[i] <= max_shift &&
		    memslot_can_map_block(slots, gfn, x86_shifts[i]))
			return x86_shifts[i];
	return PAGE_SHIFT;
}
