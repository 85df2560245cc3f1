/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 loader, as `qemu-system-x86_64 -kernel` loads a kernel.
 */
#ifndef HV_X86_MULTIBOOT_H
#define HV_X86_MULTIBOOT_H

#include <hv/vm.h>

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_BOOT_MAGIC 0x2BADB002u
/* Where the multiboot information structure is built (below 640 KiB). */
#define MULTIBOOT_INFO_GPA 0x9000u

struct multiboot_image {
	uint32_t entry;		/* 32-bit entry point (physical) */
	uint32_t mbi_gpa;	/* EBX at entry */
	uint64_t load_lo, load_hi; /* gpa range the image occupies */
	bool elf64;
};

/*
 * Load the image in @buf (@len bytes) into @vm's RAM and build the
 * multiboot information. @cmdline is passed to the guest as QEMU does
 * (the image's path). On failure returns -errno and writes a message
 * meant for the user into @err.
 */
int multiboot_load(struct vm *vm, const uint8_t *buf, size_t len,
		   const char *cmdline, struct multiboot_image *img,
		   char *err, size_t errlen);

#endif
