/* SPDX-License-Identifier: MIT */
/*
 * Target descriptions: the registers GDB sees, in GDB's numbering, and
 * the target.xml that describes them, built from one table per
 * architecture and the vCPU's own register file (vcpu_ops.reg_table).
 *
 * x86: ONE layout for the whole life of the guest, i386:x86-64 with
 * 64-bit registers, whether the CPU is in real, protected or long mode.
 * A 32-bit guest is debugged with the x86-64 description ($eax is
 * $rax's low half, as GDB's amd64 pseudo registers already say). QEMU
 * describes a 32-bit-mode CPU differently from a long-mode one, which
 * is how GDB users meet "Remote 'g' packet reply is too long" after a
 * guest switches mode; a fixed layout cannot hit it. The i386 layout
 * exists for GDB sessions that insist on a 32-bit architecture
 * (tests and `maintenance packet` users); the server serves x86-64.
 *
 * Layout (x86-64): org.gnu.gdb.i386.core (rax..r15 rip eflags cs ss ds
 * es fs gs, then st0-st7 and the x87 control registers, which GDB's
 * amd64 support requires: they read as 0 and ignore writes, since our
 * CPU has no FPU), org.gnu.gdb.i386.segments (fs_base gs_base),
 * org.quadrant.x86.sys (cr0 cr2 cr3 cr4 cr8 efer, k_gs_base, gdtr/idtr,
 * tr ldtr cpl; cr0, cr4 and efer as flag types so `info registers cr0`
 * names the bits).
 *
 * aarch64: org.gnu.gdb.aarch64.core (x0-x30 sp pc cpsr) and
 * org.quadrant.aarch64.sys (sctlr_el1 tcr_el1 ttbr0_el1 ttbr1_el1
 * mair_el1 vbar_el1 esr_el1 far_el1 and the rest of the EL1 file). No
 * FP/SIMD feature: the CPU has none and GDB does not require one.
 */
#ifndef DEBUGGER_GDBSTUB_TDESC_H
#define DEBUGGER_GDBSTUB_TDESC_H

#include <hv/vm.h>

#define GDB_MAX_REGS 128

enum gdb_desc { GDB_DESC_X86_64, GDB_DESC_I386, GDB_DESC_AARCH64 };

/* One register as GDB numbers it. */
struct gdb_reg {
	char name[24];
	uint16_t bits;		/* its size in the g packet */
	int16_t vcpu;		/* index in the vCPU's reg_table; -1: reads 0 */
	const char *type;	/* a GDB type name ("int64", "x86_cr0") */
	const char *group;	/* "float", "system" or NULL */
	uint8_t feature;	/* index in gdb_regmap.features */
};

struct gdb_regmap {
	enum gdb_desc desc;
	const char *arch;	/* <architecture> */
	const char *const *features;
	unsigned int n;
	struct gdb_reg reg[GDB_MAX_REGS];
	char *xml;		/* target.xml, built by gdb_regmap_build */
};

/*
 * Build @map for @desc from the vCPU's register file @t[0..count):
 * the architecture's fixed core, then every other register of the file
 * in the architecture's custom feature. Returns 0 or -ENOMEM / -E2BIG.
 */
int gdb_regmap_build(struct gdb_regmap *map, enum gdb_desc desc,
		     const struct vcpu_reg_desc *t, unsigned int count);
void gdb_regmap_free(struct gdb_regmap *map);

/* The description for @arch's CPU. */
enum gdb_desc gdb_desc_for(enum vm_arch arch);

/*
 * Register @n of @map read from / written to @vcpu, little-endian, in
 * @map->reg[n].bits / 8 bytes. Registers the CPU lacks read as zeros
 * and ignore writes; a write that changes nothing succeeds even where
 * the CPU refuses writes (cr0 in a G packet). Return the size / 0, or
 * -EINVAL / -EPERM.
 */
int gdb_reg_read(const struct gdb_regmap *map, struct vcpu *vcpu,
		 unsigned int n, uint8_t *buf, size_t size);
int gdb_reg_write(const struct gdb_regmap *map, struct vcpu *vcpu,
		  unsigned int n, const uint8_t *buf, size_t len);

#endif
