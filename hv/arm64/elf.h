/* SPDX-License-Identifier: MIT */
/*
 * The ELF64 loader for arm64 kernels, as `qemu-system-aarch64 -M virt
 * -kernel` loads a bare-metal ELF: PT_LOAD segments at p_paddr, entry
 * at e_entry.
 */
#ifndef HV_ARM64_ELF_H
#define HV_ARM64_ELF_H

#include <hv/vm.h>

#define EM_AARCH64 183

struct arm64_image {
	uint64_t entry;			/* e_entry (physical: MMU off) */
	uint64_t load_lo, load_hi;	/* gpa range the segments occupy */
	unsigned int segments;		/* PT_LOAD segments loaded */
};

/*
 * Load the ELF64 image in @buf (@len bytes) into @vm's RAM. Every
 * segment must lie in RAM and in the file. On failure returns -errno
 * and writes a message meant for the user into @err.
 */
int arm64_elf_load(struct vm *vm, const uint8_t *buf, size_t len,
		   struct arm64_image *img, char *err, size_t errlen);

#endif
