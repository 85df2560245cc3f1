/* SPDX-License-Identifier: MIT */
/* The multiboot loader, on images built here byte by byte. */
#include <criterion/criterion.h>
#include <string.h>

#include <hv/x86/multiboot.h>

static uint8_t img[0x3000];
static struct vm vm;

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }

/* An ELF32 with one PT_LOAD of 0x1000 bytes at paddr @paddr. */
static size_t make_elf32(uint32_t paddr, uint32_t memsz, bool header)
{
	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	img[4] = 1; img[5] = 1; img[6] = 1;
	put16(img + 16, 2);		/* ET_EXEC */
	put16(img + 18, 3);		/* EM_386 */
	put32(img + 24, paddr + 0x10);	/* entry */
	put32(img + 28, 52);		/* phoff */
	put16(img + 42, 32);
	put16(img + 44, 1);
	uint8_t *ph = img + 52;
	put32(ph, 1);			/* PT_LOAD */
	put32(ph + 4, 0x1000);		/* offset */
	put32(ph + 8, paddr);
	put32(ph + 12, paddr);
	put32(ph + 16, 0x1000);
	put32(ph + 20, memsz);
	if (header) {
		put32(img + 0x1000, 0x1BADB002);
		put32(img + 0x1004, 0);
		put32(img + 0x1008, -0x1BADB002u);
	}
	memset(img + 0x1100, 0xab, 0x100);
	return 0x2000;
}

static void setup(void)
{
	struct vm_config cfg = { .arch = VM_ARCH_X86, .ram_bytes = 16 * MiB };
	cr_assert_eq(vm_init(&vm, &cfg, 0), 0);
}

static void teardown(void) { vm_destroy(&vm); }

TestSuite(multiboot, .init = setup, .fini = teardown);

Test(multiboot, loads_elf32_and_builds_info)
{
	struct multiboot_image mi;
	char err[200];
	size_t len = make_elf32(0x100000, 0x3000, true);
	uint8_t *ram = vm_gpa_to_hva(&vm, 0x100000, 0x3000);

	memset(ram, 0x55, 0x3000);
	cr_assert_eq(multiboot_load(&vm, img, len, "k", &mi, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(mi.entry, 0x100010);
	cr_assert_eq(mi.mbi_gpa, MULTIBOOT_INFO_GPA);
	cr_assert_eq(ram[0x100], 0xab);
	cr_assert_eq(ram[0x2000], 0, "bss zeroed");
	uint32_t *info = vm_gpa_to_hva(&vm, mi.mbi_gpa, 16);
	cr_assert_eq(info[0] & 1, 1, "mem_lower/upper valid");
	cr_assert_eq(info[2], (16 * MiB - MiB) / KiB);
}

static void refuse(size_t len, const char *want)
{
	struct multiboot_image mi;
	char err[200] = "";

	cr_assert_lt(multiboot_load(&vm, img, len, "", &mi, err, sizeof(err)), 0);
	cr_assert(strstr(err, want), "message '%s' lacks '%s'", err, want);
}

Test(multiboot, refuses_bad_images)
{
	memset(img, 0x90, sizeof(img));
	refuse(sizeof(img), "not an ELF file");
	refuse(2, "too short");
	make_elf32(0x100000, 0x1000, false);
	refuse(0x2000, "no multiboot header");
	make_elf32(0x100000, 0x1000, true);
	refuse(0x1800, "truncated");
	make_elf32(15 * MiB, 2 * MiB, true);
	refuse(0x2000, "outside RAM");
	make_elf32(0xfffff000u, 0x2000, true);
	refuse(0x2000, "outside RAM");
	make_elf32(0x100000, 0x1000, true);
	put16(img + 44, 0xffff);	/* phnum beyond the file */
	refuse(0x2000, "truncated");
	make_elf32(0x100000, 0x1000, true);
	put16(img + 18, 40);		/* EM_ARM */
	refuse(0x2000, "not x86");
	make_elf32(0x8000, 0x2000, true);	/* over the info page */
	refuse(0x2000, "overlaps");
}
