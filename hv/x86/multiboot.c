/* SPDX-License-Identifier: MIT */
/*
 * Multiboot v1 (the 0.6.96 specification), the subset QEMU implements.
 *
 * Reference card:
 *   header  within the first 8192 bytes, 4-byte aligned:
 *           +0 magic 0x1BADB002, +4 flags, +8 checksum (sum of 3 is 0)
 *           flags bit 16: the a.out kludge, addresses at +12..+28:
 *           header_addr, load_addr, load_end_addr, bss_end_addr, entry
 *   ELF     otherwise the PT_LOAD segments are loaded at p_paddr and
 *           entry is e_entry (ELF32; we also take ELF64, QEMU does not)
 *   entry   EAX = 0x2BADB002, EBX = info; 32-bit protected mode, paging
 *           off, flat segments (the CPU's reset sets that state)
 *   info    +0 flags, +4 mem_lower KiB, +8 mem_upper KiB,
 *           +16 cmdline, +44 mmap_length, +48 mmap_addr,
 *           +64 boot_loader_name
 *
 * The image is untrusted input: every offset and size is checked
 * against the file and against RAM before anything is copied.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <hv/x86/multiboot.h>

#define MB_SEARCH 8192
#define MB_FLAG_AOUT_KLUDGE (1u << 16)

#define MBI_MEM (1u << 0)
#define MBI_CMDLINE (1u << 2)
#define MBI_MMAP (1u << 6)
#define MBI_LOADER_NAME (1u << 9)

#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* Copy @filesz bytes and zero up to @memsz at @gpa, all inside RAM. */
static int load_segment(struct vm *vm, uint64_t gpa, const uint8_t *src,
			uint64_t filesz, uint64_t memsz,
			struct multiboot_image *img)
{
	uint8_t *dst;

	if (memsz < filesz)
		return -EINVAL;
	if (!memsz)
		return 0;
	dst = vm_gpa_to_hva(vm, gpa, memsz);
	if (!dst)
		return -ERANGE;
	memcpy(dst, src, filesz);
	memset(dst + filesz, 0, memsz - filesz);
	if (gpa < img->load_lo)
		img->load_lo = gpa;
	if (gpa + memsz > img->load_hi)
		img->load_hi = gpa + memsz;
	return 0;
}

static int load_elf(struct vm *vm, const uint8_t *buf, size_t len,
		    struct multiboot_image *img, char *err, size_t errlen)
{
	bool is64 = buf[4] == 2;
	uint64_t phoff, entry;
	unsigned int phentsize, phnum, machine, loaded = 0;

	if (buf[4] != 1 && buf[4] != 2)
		return fail(err, errlen, -ENOEXEC, "unknown ELF class %u", buf[4]);
	if (buf[5] != 1)
		return fail(err, errlen, -ENOEXEC, "not a little-endian ELF");
	if (len < (is64 ? 64u : 52u))
		return fail(err, errlen, -ENOEXEC, "truncated ELF header");
	machine = rd16(buf + 18);
	if (machine != EM_386 && machine != EM_X86_64)
		return fail(err, errlen, -ENOEXEC,
			    "ELF machine %u is not x86 (3 or 62)", machine);
	if (is64) {
		entry = rd64(buf + 24);
		phoff = rd64(buf + 32);
		phentsize = rd16(buf + 54);
		phnum = rd16(buf + 56);
	} else {
		entry = rd32(buf + 24);
		phoff = rd32(buf + 28);
		phentsize = rd16(buf + 42);
		phnum = rd16(buf + 44);
	}
	if (phentsize < (is64 ? 56u : 32u) || phoff > len ||
	    (uint64_t)phnum * phentsize > len - phoff)
		return fail(err, errlen, -ENOEXEC,
			    "truncated file: program headers beyond its end");
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = buf + phoff + (uint64_t)i * phentsize;
		uint64_t off, paddr, filesz, memsz;
		int ret;

		if (rd32(ph) != PT_LOAD)
			continue;
		if (is64) {
			off = rd64(ph + 8);
			paddr = rd64(ph + 24);
			filesz = rd64(ph + 32);
			memsz = rd64(ph + 40);
		} else {
			off = rd32(ph + 4);
			paddr = rd32(ph + 12);
			filesz = rd32(ph + 16);
			memsz = rd32(ph + 20);
		}
		if (off > len || filesz > len - off)
			return fail(err, errlen, -ENOEXEC,
				    "truncated file: segment %u needs bytes "
				    "%#llx-%#llx, file has %#zx", i,
				    (unsigned long long)off,
				    (unsigned long long)(off + filesz), len);
		ret = load_segment(vm, paddr, buf + off, filesz, memsz, img);
		if (ret == -EINVAL)
			return fail(err, errlen, -ENOEXEC,
				    "segment %u: memsz < filesz", i);
		if (ret)
			return fail(err, errlen, -ERANGE,
				    "segment %u at %#llx-%#llx is outside RAM "
				    "(RAM is %#llx-%#llx)", i,
				    (unsigned long long)paddr,
				    (unsigned long long)(paddr + memsz),
				    (unsigned long long)vm->ram_gpa,
				    (unsigned long long)(vm->ram_gpa +
							 vm->cfg.ram_bytes));
		loaded++;
	}
	if (!loaded)
		return fail(err, errlen, -ENOEXEC, "ELF has no loadable segment");
	if (entry >= 1ull << 32)
		return fail(err, errlen, -ENOEXEC,
			    "entry %#llx is not a 32-bit address",
			    (unsigned long long)entry);
	img->entry = (uint32_t)entry;
	img->elf64 = is64;
	return 0;
}

/* The a.out kludge: the header says where the file goes. */
static int load_aout(struct vm *vm, const uint8_t *buf, size_t len,
		     size_t hdr_off, struct multiboot_image *img, char *err,
		     size_t errlen)
{
	const uint8_t *h = buf + hdr_off;
	uint32_t header_addr, load_addr, load_end, bss_end;
	uint64_t file_off, filesz, memsz;

	if (len - hdr_off < 32)
		return fail(err, errlen, -ENOEXEC, "truncated multiboot header");
	header_addr = rd32(h + 12);
	load_addr = rd32(h + 16);
	load_end = rd32(h + 20);
	bss_end = rd32(h + 24);
	img->entry = rd32(h + 28);
	if (header_addr < load_addr || header_addr - load_addr > hdr_off)
		return fail(err, errlen, -ENOEXEC,
			    "multiboot header addresses are inconsistent");
	file_off = hdr_off - (header_addr - load_addr);
	filesz = load_end ? (uint64_t)load_end - load_addr : len - file_off;
	if (load_end && load_end < load_addr)
		return fail(err, errlen, -ENOEXEC, "load_end_addr < load_addr");
	if (filesz > len - file_off)
		return fail(err, errlen, -ENOEXEC,
			    "truncated file: header asks for %#llx bytes",
			    (unsigned long long)filesz);
	memsz = bss_end > load_addr + filesz ? bss_end - load_addr : filesz;
	if (load_segment(vm, load_addr, buf + file_off, filesz, memsz, img))
		return fail(err, errlen, -ERANGE,
			    "image at %#x-%#llx is outside RAM", load_addr,
			    (unsigned long long)(load_addr + memsz));
	return 0;
}

/* Put the multiboot information at MULTIBOOT_INFO_GPA. */
static int build_info(struct vm *vm, const char *cmdline,
		      struct multiboot_image *img)
{
	uint8_t info[0x200];
	const uint32_t base = MULTIBOOT_INFO_GPA;
	const uint32_t mmap_off = 0x80, name_off = 0xc0, cmd_off = 0x100;
	uint64_t ram = vm->cfg.ram_bytes;
	const char *name = "quadrant";
	uint32_t flags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;
	struct { uint32_t size; uint64_t addr, len; uint32_t type; }
		__attribute__((packed)) mmap[2] = {
		{ 20, 0, 0x9fc00, 1 },
		{ 20, 0x100000, ram > 0x100000 ? ram - 0x100000 : 0, 1 },
	};

	memset(info, 0, sizeof(info));
	memcpy(info + 0, &flags, 4);
	uint32_t mem_lower = 639, mem_upper = (uint32_t)((ram - MiB) / KiB);
	memcpy(info + 4, &mem_lower, 4);
	memcpy(info + 8, &mem_upper, 4);
	uint32_t v = base + cmd_off;
	memcpy(info + 16, &v, 4);
	v = sizeof(mmap);
	memcpy(info + 44, &v, 4);
	v = base + mmap_off;
	memcpy(info + 48, &v, 4);
	v = base + name_off;
	memcpy(info + 64, &v, 4);
	memcpy(info + mmap_off, mmap, sizeof(mmap));
	memcpy(info + name_off, name, strlen(name) + 1);
	snprintf((char *)info + cmd_off, sizeof(info) - cmd_off, "%s",
		 cmdline ? cmdline : "");
	if (img->load_lo < base + sizeof(info) && base < img->load_hi)
		return -EEXIST;
	img->mbi_gpa = base;
	return vm_write_gpa(vm, base, info, sizeof(info));
}

int multiboot_load(struct vm *vm, const uint8_t *buf, size_t len,
		   const char *cmdline, struct multiboot_image *img,
		   char *err, size_t errlen)
{
	size_t off, search = len < MB_SEARCH ? len : MB_SEARCH;
	uint32_t flags = 0;
	bool found = false, is_elf;
	int ret;

	memset(img, 0, sizeof(*img));
	img->load_lo = UINT64_MAX;
	if (len < 4)
		return fail(err, errlen, -ENOEXEC, "file too short (%zu bytes)",
			    len);
	for (off = 0; off + 12 <= search; off += 4) {
		if (rd32(buf + off) == MULTIBOOT_HEADER_MAGIC &&
		    rd32(buf + off) + rd32(buf + off + 4) +
				    rd32(buf + off + 8) == 0) {
			flags = rd32(buf + off + 4);
			found = true;
			break;
		}
	}
	is_elf = !memcmp(buf, "\177ELF", 4);
	if (!found)
		return fail(err, errlen, -ENOEXEC,
			    is_elf ? "no multiboot header in the first 8 KiB "
				     "of this ELF file"
				   : "not an ELF file and no multiboot header");
	if (flags & MB_FLAG_AOUT_KLUDGE)
		ret = load_aout(vm, buf, len, off, img, err, errlen);
	else if (is_elf)
		ret = load_elf(vm, buf, len, img, err, errlen);
	else
		return fail(err, errlen, -ENOEXEC,
			    "multiboot header without the a.out kludge in a "
			    "file that is not ELF");
	if (ret)
		return ret;
	if (build_info(vm, cmdline, img))
		return fail(err, errlen, -ERANGE,
			    "the image overlaps the multiboot info at %#x",
			    MULTIBOOT_INFO_GPA);
	return 0;
}
