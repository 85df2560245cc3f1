// SPDX-License-Identifier: MIT
/*
 * ELF64 (System V gABI + the AArch64 supplement), the subset a
 * statically linked kernel uses.
 *
 * Reference card:
 *   header   +0 "\177ELF", +4 class (2: 64-bit), +5 data (1: LE),
 *            +16 e_type (2: EXEC), +18 e_machine (183: AArch64),
 *            +24 e_entry, +32 e_phoff, +54 e_phentsize, +56 e_phnum
 *   phdr     +0 p_type (1: PT_LOAD), +8 p_offset, +24 p_paddr,
 *            +32 p_filesz, +40 p_memsz  (56 bytes each)
 * Segments are loaded at p_paddr, as QEMU does for -kernel; the bytes
 * between p_filesz and p_memsz are zeroed.
 *
 * The image is untrusted input: every offset and size is checked
 * against the file and against RAM, without overflow, before anything
 * is copied.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <hv/arm64/elf.h>

#define ET_EXEC 2
#define PT_LOAD 1

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
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

int arm64_elf_load(struct vm *vm, const uint8_t *buf, size_t len,
		   struct arm64_image *img, char *err, size_t errlen)
{
	uint64_t phoff, ram_lo = vm->ram_gpa, ram_hi = vm->ram_gpa +
						      vm->cfg.ram_bytes;
	unsigned int phentsize, phnum, type, machine;

	memset(img, 0, sizeof(*img));
	img->load_lo = ~0ull;
	if (len < 4 || memcmp(buf, "\177ELF", 4))
		return fail(err, errlen, -ENOEXEC, "not an ELF file");
	if (len < 64)
		return fail(err, errlen, -ENOEXEC,
			    "truncated ELF header (%zu bytes)", len);
	if (buf[4] != 2)
		return fail(err, errlen, -ENOEXEC,
			    "not a 64-bit ELF (class %u)", buf[4]);
	if (buf[5] != 1)
		return fail(err, errlen, -ENOEXEC, "not a little-endian ELF");
	machine = rd16(buf + 18);
	if (machine != EM_AARCH64)
		return fail(err, errlen, -ENOEXEC,
			    "ELF machine %u is not arm64 (183)", machine);
	type = rd16(buf + 16);
	if (type != ET_EXEC)
		return fail(err, errlen, -ENOEXEC,
			    "ELF type %u is not an executable (ET_EXEC)", type);
	img->entry = rd64(buf + 24);
	phoff = rd64(buf + 32);
	phentsize = rd16(buf + 54);
	phnum = rd16(buf + 56);
	if (phentsize < 56 || phoff > len ||
	    (uint64_t)phnum * phentsize > len - phoff)
		return fail(err, errlen, -ENOEXEC,
			    "truncated file: program headers beyond its end");
	for (unsigned int i = 0; i < phnum; i++) {
		const uint8_t *ph = buf + phoff + (uint64_t)i * phentsize;
		uint64_t off = rd64(ph + 8), paddr = rd64(ph + 24);
		uint64_t filesz = rd64(ph + 32), memsz = rd64(ph + 40);
		uint8_t *dst;

		if (rd32(ph) != PT_LOAD)
			continue;
		if (off > len || filesz > len - off)
			return fail(err, errlen, -ENOEXEC,
				    "truncated file: segment %u needs bytes "
				    "%#llx-%#llx, file has %#zx", i,
				    (unsigned long long)off,
				    (unsigned long long)(off + filesz), len);
		if (memsz < filesz)
			return fail(err, errlen, -ENOEXEC,
				    "segment %u: memsz < filesz", i);
		if (!memsz)
			continue;
		if (paddr < ram_lo || paddr >= ram_hi ||
		    memsz > ram_hi - paddr)
			return fail(err, errlen, -ERANGE,
				    "segment %u at %#llx-%#llx is outside RAM "
				    "(RAM is %#llx-%#llx)", i,
				    (unsigned long long)paddr,
				    (unsigned long long)(paddr + memsz),
				    (unsigned long long)ram_lo,
				    (unsigned long long)ram_hi);
		dst = vm_gpa_to_hva(vm, paddr, memsz);
		if (!dst)
			return fail(err, errlen, -ERANGE,
				    "segment %u at %#llx is outside RAM", i,
				    (unsigned long long)paddr);
		memcpy(dst, buf + off, filesz);
		memset(dst + filesz, 0, memsz - filesz);
		if (paddr < img->load_lo)
			img->load_lo = paddr;
		if (paddr + memsz > img->load_hi)
			img->load_hi = paddr + memsz;
		img->segments++;
	}
	if (!img->segments)
		return fail(err, errlen, -ENOEXEC, "ELF has no loadable segment");
	if (img->entry < ram_lo || img->entry >= ram_hi)
		return fail(err, errlen, -ERANGE,
			    "entry %#llx is outside RAM (RAM is %#llx-%#llx)",
			    (unsigned long long)img->entry,
			    (unsigned long long)ram_lo,
			    (unsigned long long)ram_hi);
	return 0;
}
