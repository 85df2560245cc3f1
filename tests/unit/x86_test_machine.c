/* SPDX-License-Identifier: MIT */
/* The tiny x86 VM of the CPU unit tests; layout in x86_test_machine.h. */
#include <stdlib.h>
#include <string.h>

#include "hv/x86/interp.h"
#include "x86_test_machine.h"

static void x86_cpu_test_sync(struct x86_cpu *cpu)
{
	x86_set_cpl(cpu, cpu->cpl);
	x86_update_mode(cpu);
	x86_tlb_flush(cpu, true);
}

#define SEG_CODE 0xb
#define SEG_DATA 0x3

static uint64_t desc(uint64_t base, uint32_t limit, uint32_t type, bool s,
		     unsigned int dpl, bool l, bool db, bool g)
{
	return (limit & 0xffff) | ((base & 0xffffff) << 16) |
	       ((uint64_t)type << 40) | ((uint64_t)s << 44) |
	       ((uint64_t)dpl << 45) | (1ull << 47) |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) | ((uint64_t)l << 53) |
	       ((uint64_t)db << 54) | ((uint64_t)g << 55) |
	       ((base >> 24) & 0xff) << 56;
}

void x86_tm_put(struct x86_tm *tm, gpa_t gpa, const void *src, size_t len)
{
	if (vm_write_gpa(&tm->vm, gpa, src, len))
		abort();
}

void x86_tm_set(struct x86_tm *tm, gpa_t gpa, unsigned int size, uint64_t v)
{
	x86_tm_put(tm, gpa, &v, size);
}

uint64_t x86_tm_get(struct x86_tm *tm, gpa_t gpa, unsigned int size)
{
	uint64_t v = 0;

	if (vm_read_gpa(&tm->vm, gpa, &v, size))
		abort();
	return v;
}

static void load(struct x86_cpu *cpu, int sreg, uint16_t sel, uint64_t d)
{
	x86_desc_unpack(d, sel, &cpu->seg[sreg]);
}

struct x86_tm *x86_tm_new(enum x86_tm_mode mode)
{
	struct vm_config cfg = {
		.arch = VM_ARCH_X86, .mmu_mode = VM_MMU_TDP,
		.ram_bytes = 64 * MiB,
	};
	struct x86_tm *tm = calloc(1, sizeof(*tm));
	bool lm = mode == TM_LONG64;
	uint64_t gdt[9] = {
		0,
		desc(0, 0xfffff, SEG_CODE, 1, 0, 0, 1, 1),
		desc(0, 0xfffff, SEG_DATA, 1, 0, 0, 1, 1),
		desc(0, 0xfffff, SEG_CODE, 1, 0, 1, 0, 1),
		desc(0, 0xfffff, SEG_DATA, 1, 3, 0, 1, 1),
		desc(0, 0xfffff, SEG_CODE, 1, 3, 0, 1, 1),
		desc(0, 0xfffff, SEG_CODE, 1, 3, 1, 0, 1),
		desc(TM_TSS, 0x67, 0x9, 0, 0, 0, 0, 0),
		0,
	};
	struct x86_cpu *cpu;

	if (!tm || vm_init(&tm->vm, &cfg, 0))
		abort();
	cpu = tm->cpu = x86_cpu_create(&tm->vm);
	if (!cpu)
		abort();
	tm->vm.vcpu = &cpu->vcpu;
	x86_cpu_reset_multiboot(cpu, TM_CODE, 0);
	x86_tm_put(tm, TM_GDT, gdt, sizeof(gdt));

	/* IDT: every vector to its HLT stub; 0x80 callable from ring 3. */
	for (int v = 0; v < 256; v++) {
		uint64_t h = TM_HANDLER(v);
		unsigned int dpl = v == 0x80 ? 3 : 0;
		uint64_t lo = (h & 0xffff) | (uint64_t)(lm ? TM_CS64 : TM_CS32) << 16 |
			      (0xeull << 40) | ((uint64_t)dpl << 45) | (1ull << 47) |
			      ((h >> 16) & 0xffff) << 48;

		x86_tm_set(tm, TM_HANDLER(v), 1, 0xf4);
		if (lm) {
			x86_tm_set(tm, TM_IDT + 16 * v, 8, lo);
			x86_tm_set(tm, TM_IDT + 16 * v + 8, 8, h >> 32);
		} else {
			x86_tm_set(tm, TM_IDT + 8 * v, 8, lo);
		}
	}
	/* TSS: 32-bit ESP0/SS0 or 64-bit RSP0 and IST1. */
	if (lm) {
		x86_tm_set(tm, TM_TSS + 4, 8, TM_STACK0);
		x86_tm_set(tm, TM_TSS + 0x24, 8, TM_STACK_IST);
	} else {
		x86_tm_set(tm, TM_TSS + 4, 4, TM_STACK0);
		x86_tm_set(tm, TM_TSS + 8, 4, TM_DS);
	}
	x86_tm_set(tm, TM_TSS + 0x66, 2, 0x68);	/* no I/O bitmap */

	cpu->gdtr.base = TM_GDT;
	cpu->gdtr.limit = sizeof(gdt) - 1;
	cpu->idtr.base = TM_IDT;
	cpu->idtr.limit = lm ? 16 * 256 - 1 : 8 * 256 - 1;
	x86_desc_unpack(gdt[7] | (2ull << 40), TM_TR, &cpu->tr);
	cpu->gpr[X86_RSP] = TM_STACK;

	/* Identity tables for the first 64 MiB (a 32-bit guest may use them). */
	x86_tm_set(tm, TM_PML4, 8, TM_PDPT | 7);
	x86_tm_set(tm, TM_PDPT, 8, TM_PD | 7);
	for (int i = 0; i < 32; i++)
		x86_tm_set(tm, TM_PD + 8 * i, 8, ((uint64_t)i << 21) | 0x87);
	if (lm) {
		cpu->cr3 = TM_PML4;
		cpu->cr4 = X86_CR4_PAE;
		cpu->efer = X86_EFER_LME | X86_EFER_LMA | X86_EFER_NXE |
			    X86_EFER_SCE;
		cpu->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_PG | X86_CR0_WP;
		load(cpu, X86_CS, TM_CS64, gdt[3]);
	}
	x86_cpu_test_sync(cpu);
	return tm;
}

void x86_tm_user(struct x86_tm *tm, bool l)
{
	struct x86_cpu *cpu = tm->cpu;
	uint64_t ds3 = desc(0, 0xfffff, SEG_DATA, 1, 3, 0, 1, 1);

	load(cpu, X86_CS, l ? TM_CS64_3 : TM_CS32_3,
	     desc(0, 0xfffff, SEG_CODE, 1, 3, l, !l, 1));
	for (int s = 0; s < 6; s++)
		if (s != X86_CS)
			load(cpu, s, TM_DS3, ds3);
	cpu->cpl = 3;
	x86_cpu_test_sync(cpu);
}

void x86_tm_free(struct x86_tm *tm)
{
	vm_destroy(&tm->vm);
	free(tm);
}

void x86_tm_code(struct x86_tm *tm, const void *bytes, size_t len)
{
	x86_tm_put(tm, TM_CODE, bytes, len);
	tm->cpu->rip = TM_CODE;
}

int x86_tm_run(struct x86_tm *tm, uint64_t budget)
{
	tm->cpu->halted = false;
	if (tm->cpu->vcpu.ops->run(&tm->cpu->vcpu, budget, &tm->exit))
		return -1;
	return tm->exit.reason;
}

int x86_tm_vector(struct x86_tm *tm)
{
	uint64_t at = tm->cpu->rip - 1;

	if (tm->exit.reason != VCPU_EXIT_HALT || at < TM_HANDLER(0) ||
	    at >= TM_HANDLER(256) || (at - TM_HANDLER(0)) % 16)
		return -1;
	return (at - TM_HANDLER(0)) / 16;
}

uint64_t x86_tm_flags(struct x86_tm *tm)
{
	return x86_get_flags(tm->cpu);
}
