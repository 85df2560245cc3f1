/* SPDX-License-Identifier: MIT */
/*
 * The arm64 machine, a subset of QEMU's `-M virt`: RAM at 0x40000000, a
 * PL011 UART at 0x09000000, PSCI over HVC, an ELF64 kernel entered at
 * EL1h with the MMU off, and the hypervisor's stage-2 MMU.
 *
 * The stage-2 MMU (hv/arm64/stage2*.c) plugs in at one place,
 * arm64_machine_attach_stage2() in machine.c, once the VM, devices and
 * vCPU exist, with am->ipa_bits and am->granule from the options: it
 * builds its tables in the arena, stores itself in am->s2 and vm->mmu,
 * and turns stage 2 on in the hardware (arm64_mmu_hw_set_stage2). It is
 * torn down in arm64_machine_destroy() before vm_destroy(). Every arm64
 * guest runs with stage 2 on.
 */
#ifndef HV_ARM64_MACHINE_H
#define HV_ARM64_MACHINE_H

#include <hv/machine.h>
#include <hv/arm64/cpu.h>
#include <hv/arm64/elf.h>
#include <hv/arm64/pl011.h>

#define ARM64_RAM_BASE 0x40000000ull
#define ARM64_DEFAULT_IPA_BITS 40

struct arm64_machine {
	struct machine m;		/* first: machine_destroy() frees us */
	struct arm64_cpu *cpu;
	struct pl011 uart;
	struct arm64_image img;
	unsigned int ipa_bits;		/* --ipa-bits, for the stage-2 MMU */
	unsigned int granule;		/* --granule bytes: 4096, 16384, 65536 */
	void *s2;			/* the stage-2 MMU, or NULL */
};

/*
 * Build an arm64 machine for the ELF64 @image (same contract as
 * machine_create). Returns 0 and *@out, or -errno with a message.
 */
int arm64_machine_create(struct machine **out, const uint8_t *image,
			 size_t len, const struct machine_opts *opts,
			 char *err, size_t errlen);

#endif
