/* SPDX-License-Identifier: MIT */
/*
 * The VM object: the arena, guest RAM as one memslot, the event ring.
 * The architecture's machine code (hv/x86/machine.c, ...) adds devices,
 * the hypervisor MMU and the vCPU.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hv/vm.h>

/* Table pages for the hypervisor's tables; 64 MiB is 16384 tables. */
#define VM_TABLE_POOL (64 * MiB)
#define VM_EVENT_RING (1u << 16)

int vm_init(struct vm *vm, const struct vm_config *cfg, gpa_t ram_gpa)
{
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->cfg = *cfg;
	if (!cfg->ram_bytes || (cfg->ram_bytes & ~PAGE_MASK) ||
	    (ram_gpa & ~PAGE_MASK))
		return -EINVAL;
	ret = arena_init(&vm->arena, cfg->ram_bytes, VM_TABLE_POOL);
	if (ret)
		return ret;
	ret = arena_alloc_ram(&vm->arena, cfg->ram_bytes, GiB, &vm->ram_hpa);
	if (ret)
		goto fail;
	vm->ram_gpa = ram_gpa;
	ret = memslot_add(&vm->slots, gpa_to_gfn(ram_gpa),
			  cfg->ram_bytes >> PAGE_SHIFT, vm->ram_hpa, 0);
	if (ret < 0)
		goto fail;
	ret = event_ring_init(&vm->events, VM_EVENT_RING, &vm->icount);
	if (ret)
		goto fail;
	return 0;
fail:
	arena_destroy(&vm->arena);
	return ret;
}

void vm_destroy(struct vm *vm)
{
	if (vm->vcpu && vm->vcpu->ops && vm->vcpu->ops->destroy)
		vm->vcpu->ops->destroy(vm->vcpu);
	vm->vcpu = NULL;
	event_ring_destroy(&vm->events);
	arena_destroy(&vm->arena);
}

void vm_request_stop(struct vm *vm, enum vcpu_exit_reason reason, int status,
		     const char *msg)
{
	vm->stop_requested = true;
	vm->stop_exit.reason = reason;
	vm->stop_exit.status = status;
	snprintf(vm->stop_exit.msg, sizeof(vm->stop_exit.msg), "%s",
		 msg ? msg : "");
}

void vm_flush_tlbs(struct vm *vm)
{
	if (vm->vcpu && vm->vcpu->ops && vm->vcpu->ops->flush_tlb)
		vm->vcpu->ops->flush_tlb(vm->vcpu);
}

void *vm_gpa_to_hva(struct vm *vm, gpa_t gpa, uint64_t len)
{
	const struct memslot *s = memslot_find(&vm->slots, gpa_to_gfn(gpa));
	uint64_t off;

	if (!s || !len)
		return NULL;
	off = gpa - gfn_to_gpa(s->base_gfn);
	if (len > (s->npages << PAGE_SHIFT) - off)
		return NULL;
	return arena_hva(&vm->arena, s->base_hpa + off, len);
}

int vm_write_gpa(struct vm *vm, gpa_t gpa, const void *src, uint64_t len)
{
	void *dst = len ? vm_gpa_to_hva(vm, gpa, len) : NULL;

	if (!len)
		return 0;
	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int vm_read_gpa(struct vm *vm, gpa_t gpa, void *dst, uint64_t len)
{
	const void *src = len ? vm_gpa_to_hva(vm, gpa, len) : NULL;

	if (!len)
		return 0;
	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

const char *vm_mmu_mode_name(enum vm_mmu_mode mode)
{
	static const char *const names[] = {
		[VM_MMU_TDP] = "tdp", [VM_MMU_SHADOW] = "shadow",
		[VM_MMU_STAGE2] = "stage-2",
	};

	return (unsigned int)mode < ARRAY_SIZE(names) ? names[mode] : "?";
}
