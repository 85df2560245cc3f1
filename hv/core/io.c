/* SPDX-License-Identifier: MIT */
/*
 * Device windows on a bus (port I/O, or gpas outside the memslots), as
 * kvmtool registers them: (address range, callbacks, opaque). What no
 * device claims behaves as an empty bus: reads float high, writes vanish.
 */
#include <errno.h>

#include <hv/vm.h>

int io_bus_register(struct io_bus *bus, uint64_t base, uint64_t len,
		    const struct io_ops *ops, void *opaque, const char *name)
{
	if (!len || base + len < base)
		return -EINVAL;
	if (bus->count >= VM_IO_REGIONS_MAX)
		return -ENOSPC;
	for (unsigned int i = 0; i < bus->count; i++) {
		const struct io_region *r = &bus->region[i];

		if (base < r->base + r->len && r->base < base + len)
			return -EEXIST;
	}
	bus->region[bus->count++] = (struct io_region){
		.base = base, .len = len, .ops = ops, .opaque = opaque,
		.name = name,
	};
	return 0;
}

static const struct io_region *io_bus_find(const struct io_bus *bus,
					   uint64_t addr)
{
	for (unsigned int i = 0; i < bus->count; i++) {
		const struct io_region *r = &bus->region[i];

		if (addr >= r->base && addr - r->base < r->len)
			return r;
	}
	return NULL;
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

uint64_t io_bus_read(struct io_bus *bus, uint64_t addr, unsigned int size)
{
	const struct io_region *r = io_bus_find(bus, addr);

	if (!r || !r->ops->read)
		return size_mask(size);
	return r->ops->read(r->opaque, addr - r->base, size) & size_mask(size);
}

void io_bus_write(struct io_bus *bus, uint64_t addr, unsigned int size,
		  uint64_t val)
{
	const struct io_region *r = io_bus_find(bus, addr);

	if (r && r->ops->write)
		r->ops->write(r->opaque, addr - r->base, size,
			      val & size_mask(size));
}
