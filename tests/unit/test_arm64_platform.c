// SPDX-License-Identifier: MIT
/*
 * The arm64 platform: PL011 output and registers, the ELF64 loader and
 * its refusals, the machine built from an image, disassembly text.
 * (Instruction words assembled with llvm-mc; the text is in comments.)
 */
#include <criterion/criterion.h>
#include <string.h>

#include <hv/arm64/machine.h>
#include "arm64_test_machine.h"

#define EQ(a, b, ...) cr_assert_eq((uint64_t)(a), (uint64_t)(b), \
	"%s = %#llx, expected %#llx " __VA_ARGS__, #a, \
	(unsigned long long)(a), (unsigned long long)(b))

static const uint32_t hello[] = {
	0xd2a12001,	/* mov x1, #150994944 */
	0x52800d00,	/* mov w0, #104 */
	0x39000020,	/* strb w0, [x1] */
	0x52800d20,	/* mov w0, #105 */
	0xb9000020,	/* str w0, [x1] */
	0xb9401822,	/* ldr w2, [x1, #24] */
	0xb94fe023,	/* ldr w3, [x1, #4064] */
	0xb94ffc24,	/* ldr w4, [x1, #4092] */
	0x52806020,	/* mov w0, #769 */
	0xb9003020,	/* str w0, [x1, #48] */
	0xb9403025,	/* ldr w5, [x1, #48] */
	0x52b08000,	/* mov w0, #-2080374784 */
	0x72800100,	/* movk w0, #8 */
	0xd4000002,	/* hvc #0 */
};

Test(arm64_platform, pl011_and_system_off)
{
	struct a64tm t;

	tm_init(&t, 0);
	TM_LOAD(&t, TM_CODE, hello);
	cr_assert_eq(tm_run(&t, 100), VCPU_EXIT_POWEROFF, "%s", t.exit.msg);
	cr_assert_str_eq(t.out, "hi");
	EQ(t.cpu->x[2], 0x90, "TXFE | RXFE");
	EQ(t.cpu->x[3], 0x11, "PeriphID0");
	EQ(t.cpu->x[4], 0xb1, "PCellID3");
	EQ(t.cpu->x[5], 0x301);
	EQ(t.uart.tx_bytes, 2);
	tm_fini(&t);
}

static uint8_t img[0x3000];

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* An ELF64 with one PT_LOAD of @filesz bytes at @paddr, code = hello. */
static size_t make_elf(uint64_t paddr, uint64_t memsz)
{
	uint8_t *ph = img + 64;

	memset(img, 0, sizeof(img));
	memcpy(img, "\177ELF", 4);
	img[4] = 2; img[5] = 1; img[6] = 1;
	put16(img + 16, 2);
	put16(img + 18, 183);
	put64(img + 24, paddr);
	put64(img + 32, 64);
	put16(img + 54, 56);
	put16(img + 56, 1);
	put32(ph, 1);
	put64(ph + 8, 0x1000);
	put64(ph + 24, paddr);
	put64(ph + 16, paddr);
	put64(ph + 32, sizeof(hello));
	put64(ph + 40, memsz);
	memcpy(img + 0x1000, hello, sizeof(hello));
	return 0x1000 + sizeof(hello);
}

static char console[64];
static size_t console_len;

static void sink(void *opaque, const uint8_t *buf, size_t len)
{
	memcpy(console + console_len, buf, len);
	console_len += len;
}

Test(arm64_platform, machine_from_an_elf_image)
{
	struct machine_opts opts = { .console = sink };
	struct machine *m;
	struct vcpu_exit exit;
	char err[200] = "";
	size_t len = make_elf(0x40080000, 0x2000);

	cr_assert_eq(machine_create(&m, img, len, &opts, err, sizeof(err)), 0, "%s", err);
	EQ(m->arch, VM_ARCH_ARM64);
	EQ(m->vm.vcpu->ops->get_pc(m->vm.vcpu), 0x40080000);
	cr_assert_eq(machine_run(m, 1000, &exit), 0);
	EQ(exit.reason, VCPU_EXIT_POWEROFF);
	cr_assert_str_eq(console, "hi");
	machine_destroy(m);
}

static void refuse(size_t len, const char *want)
{
	struct machine_opts opts = { 0 };
	struct machine *m = NULL;
	char err[200] = "";

	cr_assert_lt(arm64_machine_create(&m, img, len, &opts, err, sizeof(err)), 0);
	cr_assert_null(m);
	cr_assert(strstr(err, want), "message '%s' lacks '%s'", err, want);
}

Test(arm64_platform, loader_refuses_bad_images)
{
	size_t len;

	memset(img, 0x90, sizeof(img));
	refuse(sizeof(img), "not an ELF file");
	len = make_elf(0x40080000, 0x1000);
	refuse(40, "truncated ELF header");
	refuse(0x800, "truncated");
	img[4] = 1;
	refuse(len, "not a 64-bit ELF");
	make_elf(0x40080000, 0x1000);
	put16(img + 18, 62);
	refuse(len, "not arm64");
	make_elf(0x40080000, 0x1000);
	put16(img + 16, 3);
	refuse(len, "not an executable");
	make_elf(0x1000, 0x1000);
	refuse(len, "outside RAM");
	make_elf(0x40000000 + 128 * MiB - 0x1000, 0x2000);
	refuse(len, "outside RAM");
	make_elf(0xfffffffffffff000ull, 0x2000);
	refuse(len, "outside RAM");
	make_elf(0x40080000, 0x1000);
	put16(img + 56, 0xffff);
	refuse(len, "truncated");
	make_elf(0x40080000, 0x1000);
	put64(img + 24, 0x1000);
	refuse(len, "entry");
	make_elf(0x40080000, 0x10);
	refuse(len, "memsz < filesz");
}

Test(arm64_platform, disassembly_text)
{
	char buf[64];

	arm64_disasm_word(0x8b020020, 0x40000000, buf, sizeof(buf));
	cr_assert_str_eq(buf, "add x0, x1, x2");
	/* An unallocated encoding prints as objdump prints it. */
	arm64_disasm_word(0x00000000, 0x40000000, buf, sizeof(buf));
	cr_assert_str_eq(buf, ".inst 0x00000000");
}
