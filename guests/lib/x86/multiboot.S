/*
 * multiboot.S: the Multiboot v1 header.
 *
 * A Multiboot loader (QEMU's -kernel, or Quadrant's) searches the first
 * 8 KiB of the image for a 4-byte aligned magic 0x1BADB002 followed by
 * flags and a checksum that makes the three words sum to zero. With flag
 * bit 16 (the a.out kludge) clear, the loader takes load addresses and
 * the entry point from the ELF32 program headers. We ask for nothing
 * else (flags = 0). The linker script puts this section first.
 */
#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0

	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)
