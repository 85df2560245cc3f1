/* SPDX-License-Identifier: MIT */
/*
 * Guest virtual memory as the tools see it (debugger, GDB stub): a peek
 * through the vCPU's translation, page by page, that never sets A/D bits,
 * never faults the guest and never builds hypervisor tables. Like QEMU's
 * debug accesses, it ignores the guest's permissions: a debugger may
 * write to a read-only page.
 */
#include <string.h>

#include <hv/vm.h>

static size_t vcpu_access_gva(struct vcpu *vcpu, gva_t gva, uint8_t *buf,
			      size_t len, bool write)
{
	struct walk_record rec;
	size_t done = 0;

	while (done < len) {
		gva_t va = gva + done;
		size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
		uint8_t *hva;

		if (chunk > len - done)
			chunk = len - done;
		if (vcpu->ops->translate(vcpu, va, 0, &rec) ||
		    rec.result != WALK_OK)
			break;
		hva = vm_gpa_to_hva(vcpu->vm, rec.out, chunk);
		if (!hva)
			break;
		if (write)
			memcpy(hva, buf + done, chunk);
		else
			memcpy(buf + done, hva, chunk);
		done += chunk;
	}
	return done;
}

size_t vcpu_read_gva(struct vcpu *vcpu, gva_t gva, void *dst, size_t len)
{
	return vcpu_access_gva(vcpu, gva, dst, len, false);
}

size_t vcpu_write_gva(struct vcpu *vcpu, gva_t gva, const void *src,
		      size_t len)
{
	return vcpu_access_gva(vcpu, gva, (uint8_t *)src, len, true);
}
