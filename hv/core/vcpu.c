/* SPDX-License-Identifier: MIT */
/*
 * Guest memory as the tools see it (debugger, GDB stub): a peek
 * through the vCPU's translation, page by page, that never sets A/D bits,
 * never faults the guest and never builds hypervisor tables. Like QEMU's
 * debug accesses, it ignores the guest's permissions: a debugger may
 * write to a read-only page.
 */
#include <string.h>

#include <hv/vm.h>

size_t vm_tool_access_gpa(struct vm *vm, gpa_t gpa, void *buf, size_t len,
			  bool write)
{
	uint8_t *bytes = buf;
	size_t done = 0;

	while (done < len) {
		gpa_t a = gpa + done;
		size_t chunk = PAGE_SIZE - (a & (PAGE_SIZE - 1));
		uint8_t *hva;

		if (chunk > len - done)
			chunk = len - done;
		if (a < gpa)
			break;	/* wrapped around */
		hva = vm_gpa_to_hva(vm, a, chunk);
		if (!hva)
			break;
		if (write)
			memcpy(hva, bytes + done, chunk);
		else
			memcpy(bytes + done, hva, chunk);
		done += chunk;
	}
	if (write && done && vm->tool_wrote)
		vm->tool_wrote(vm, gpa, done);
	return done;
}

static size_t vcpu_access_gva(struct vcpu *vcpu, gva_t gva, uint8_t *buf,
			      size_t len, bool write)
{
	struct walk_record rec;
	size_t done = 0;

	while (done < len) {
		gva_t va = gva + done;
		size_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1)), n;

		if (chunk > len - done)
			chunk = len - done;
		if (vcpu->ops->translate(vcpu, va, 0, &rec) ||
		    rec.result != WALK_OK)
			break;
		n = vm_tool_access_gpa(vcpu->vm, rec.out, buf + done, chunk,
				       write);
		done += n;
		if (n < chunk)
			break;
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
