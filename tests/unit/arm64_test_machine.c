// SPDX-License-Identifier: MIT
/* The bare arm64 test machine (see arm64_test_machine.h). */
#include <criterion/criterion.h>
#include <string.h>

#include "arm64_test_machine.h"

static void tm_sink(void *opaque, const uint8_t *buf, size_t len)
{
	struct a64tm *t = opaque;

	for (size_t i = 0; i < len && t->outlen + 1 < sizeof(t->out); i++)
		t->out[t->outlen++] = (char)buf[i];
	t->out[t->outlen] = 0;
}

void tm_init(struct a64tm *t, uint64_t ram_bytes)
{
	struct vm_config cfg = {
		.arch = VM_ARCH_ARM64, .mmu_mode = VM_MMU_STAGE2,
		.ram_bytes = ram_bytes ? ram_bytes : 16 * MiB,
	};

	memset(t, 0, sizeof(*t));
	cr_assert_eq(vm_init(&t->vm, &cfg, TM_RAM), 0);
	cr_assert_eq(pl011_init(&t->uart, &t->vm.mmio, PL011_BASE, tm_sink, t), 0);
	t->cpu = arm64_cpu_create(&t->vm);
	cr_assert_not_null(t->cpu);
	t->vm.vcpu = &t->cpu->vcpu;
	arm64_cpu_reset(t->cpu, TM_CODE, 0);
}

void tm_fini(struct a64tm *t)
{
	vm_destroy(&t->vm);
}

void tm_code(struct a64tm *t, uint64_t gpa, const uint32_t *words, size_t n)
{
	cr_assert_eq(vm_write_gpa(&t->vm, gpa, words, n * 4), 0);
}

int tm_run(struct a64tm *t, uint64_t budget)
{
	cr_assert_eq(t->cpu->vcpu.ops->run(&t->cpu->vcpu, budget, &t->exit), 0);
	return t->exit.reason;
}

void *tm_ram(struct a64tm *t, uint64_t gpa)
{
	void *p = vm_gpa_to_hva(&t->vm, gpa, 8);

	cr_assert_not_null(p, "gpa %#llx is not RAM", (unsigned long long)gpa);
	return p;
}

uint64_t tm_rd64(struct a64tm *t, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, tm_ram(t, gpa), 8);
	return v;
}

void tm_wr64(struct a64tm *t, uint64_t gpa, uint64_t v)
{
	memcpy(tm_ram(t, gpa), &v, 8);
}

void tm_msr(struct a64tm *t, uint32_t key, uint64_t v)
{
	cr_assert(arm64_sysreg_write(t->cpu, key, 0, v));
}
