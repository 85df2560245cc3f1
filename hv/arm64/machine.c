// SPDX-License-Identifier: MIT
/*
 * The arm64 machine (QEMU -M virt subset). Memory map, as virt's:
 *
 *   0x09000000  PL011 UART (4 KiB)
 *   0x40000000  RAM (default 128 MiB)
 *
 * Everything else is unassigned: an access there is a synchronous
 * external abort in the guest (exec_mem.c). Boot state for an ELF
 * kernel, as QEMU gives it: EL1h, DAIF masked, MMU off, pc = e_entry,
 * x0 = 0 (QEMU passes a DTB only to Linux images; guests must not rely
 * on x0).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <hv/arm64/machine.h>
#include <hv/arm64/stage2.h>

static struct arm64_machine *to_arm64(struct machine *m)
{
	return (struct arm64_machine *)m;
}

/*
 * The stage-2 MMU (stage2.h): empty tables for the IPA size and granule
 * the options chose, attached to the hardware, so that every guest runs
 * with stage 2 on and its first touch of each IPA is a stage-2 abort.
 */
static int arm64_machine_attach_stage2(struct arm64_machine *am, char *err,
				       size_t errlen)
{
	struct s2_mmu *s2 = s2_mmu_create(&am->m.vm, am->ipa_bits, am->granule,
					  err, errlen);

	if (!s2)
		return -EINVAL;
	am->s2 = s2;
	am->m.vm.mmu = s2;
	if (s2_mmu_attach(s2, &am->cpu->mmu)) {
		snprintf(err, errlen, "the hardware refused VTCR_EL2 %#llx",
			 (unsigned long long)s2->pgt.geom.vtcr);
		return -EINVAL;
	}
	vm_flush_tlbs(&am->m.vm);
	return 0;
}

static int arm64_format_stats(struct machine *m, char *buf, size_t size)
{
	struct arm64_machine *am = to_arm64(m);
	struct arm64_cpu *cpu = am->cpu;
	int n;

	if (!cpu)
		return 0;
	n = snprintf(buf, size,
		     "tlb_misses %llu\nicache_misses %llu\nexceptions %llu\n"
		     "s1_walks %llu\ns2_walks %llu\ns2_faults %llu\n"
		     "uart_tx_bytes %llu\n",
		     (unsigned long long)cpu->tlb_misses,
		     (unsigned long long)cpu->icache_misses,
		     (unsigned long long)cpu->exceptions,
		     (unsigned long long)cpu->mmu.s1_walks,
		     (unsigned long long)cpu->mmu.s2_walks,
		     (unsigned long long)cpu->mmu.s2_faults,
		     (unsigned long long)am->uart.tx_bytes);
	if (n >= 0 && (size_t)n < size && am->s2)
		n += s2_mmu_format_stats(am->s2, buf + n, size - (size_t)n);
	return n;
}

static int arm64_dump_tables(struct machine *m, uint64_t start, uint64_t end,
			     char *buf, size_t size)
{
	struct arm64_machine *am = to_arm64(m);

	if (!am->s2)
		return snprintf(buf, size, "no stage-2 tables (stage 2 is off)\n");
	return s2_mmu_dump(am->s2, start, end, buf, size);
}

static void arm64_machine_destroy(struct machine *m)
{
	struct arm64_machine *am = to_arm64(m);

	s2_mmu_destroy(am->s2);	/* its tables live in the arena */
	am->s2 = NULL;
	m->vm.mmu = NULL;
	vm_destroy(&m->vm);	/* destroys the vCPU */
	free(am);
}

static const struct machine_arch_ops arm64_machine_ops = {
	.name = "arm64",
	.format_stats = arm64_format_stats,
	.dump_tables = arm64_dump_tables,
	.destroy = arm64_machine_destroy,
};

int arm64_machine_create(struct machine **out, const uint8_t *image,
			 size_t len, const struct machine_opts *opts,
			 char *err, size_t errlen)
{
	struct vm_config cfg = {
		.arch = VM_ARCH_ARM64,
		.mmu_mode = VM_MMU_STAGE2,
		.ram_bytes = opts->ram_bytes ? opts->ram_bytes
					     : MACHINE_DEFAULT_RAM,
		.strict = opts->strict,
	};
	unsigned int ipa_bits = opts->ipa_bits ? opts->ipa_bits
					       : ARM64_DEFAULT_IPA_BITS;
	unsigned int granule = opts->granule ? opts->granule : 4096;
	struct arm64_machine *am;
	int ret;

	*out = NULL;
	if (opts->mmu_given && opts->mmu != VM_MMU_STAGE2) {
		snprintf(err, errlen, "--mmu is for x86; arm64 always uses "
			 "stage-2 tables");
		return -EINVAL;
	}
	if (ipa_bits < 32 || ipa_bits > 48) {
		snprintf(err, errlen, "--ipa-bits must be between 32 and 48");
		return -EINVAL;
	}
	if (granule != 4096 && granule != 16384 && granule != 65536) {
		snprintf(err, errlen, "--granule must be 4k, 16k or 64k");
		return -EINVAL;
	}
	if (cfg.ram_bytes < 2 * MiB || cfg.ram_bytes > 64 * GiB) {
		snprintf(err, errlen, "--mem must be between 2M and 64G");
		return -EINVAL;
	}
	if (ARM64_RAM_BASE + cfg.ram_bytes > 1ull << ipa_bits) {
		snprintf(err, errlen, "RAM up to %#llx does not fit in a "
			 "%u-bit IPA space",
			 (unsigned long long)(ARM64_RAM_BASE + cfg.ram_bytes),
			 ipa_bits);
		return -EINVAL;
	}
	am = calloc(1, sizeof(*am));
	if (!am)
		return -ENOMEM;
	am->m.arch = VM_ARCH_ARM64;
	am->m.ops = &arm64_machine_ops;
	am->m.arch_state = am;
	am->ipa_bits = ipa_bits;
	am->granule = granule;
	ret = vm_init(&am->m.vm, &cfg, ARM64_RAM_BASE);
	if (ret) {
		snprintf(err, errlen, "cannot create a VM with %llu MiB: %s",
			 (unsigned long long)(cfg.ram_bytes >> 20),
			 ret == -ENOMEM ? "out of memory" : "invalid size");
		free(am);
		return ret;
	}
	ret = arm64_elf_load(&am->m.vm, image, len, &am->img, err, errlen);
	if (ret)
		goto fail;
	ret = pl011_init(&am->uart, &am->m.vm.mmio, PL011_BASE, opts->console,
			 opts->console_opaque);
	if (ret) {
		snprintf(err, errlen, "cannot register the PL011");
		goto fail;
	}
	am->cpu = arm64_cpu_create(&am->m.vm);
	if (!am->cpu) {
		snprintf(err, errlen, "cannot create the vCPU");
		ret = -ENOMEM;
		goto fail;
	}
	am->m.vm.vcpu = &am->cpu->vcpu;
	arm64_cpu_reset(am->cpu, am->img.entry, 0);
	ret = arm64_machine_attach_stage2(am, err, errlen);
	if (ret)
		goto fail;
	*out = &am->m;
	return 0;
fail:
	arm64_machine_destroy(&am->m);
	return ret;
}
