/* SPDX-License-Identifier: MIT */
/*
 * The x86 register file as the tools see it: the 64-bit names always
 * (a 32-bit guest's eax is rax's low half), in GDB's amd64 order for the
 * core registers (rax rbx rcx rdx rsi rdi rbp rsp r8-r15 rip eflags, then
 * the segment selectors), then the registers a kernel student cares
 * about: segment bases, control registers, EFER, the descriptor tables.
 *
 * Control registers are decoded bit by bit for the `registers` command:
 *   CR0  PE[0] MP[1] EM[2] TS[3] ET[4] NE[5] WP[16] AM[18] NW[29] CD[30]
 *        PG[31]
 *   CR3  the root table: PML4 (4-level), PDPT (PAE, bits 31:5) or page
 *        directory (32-bit); PWT[3] PCD[4]
 *   CR4  VME PVI TSD DE PSE[4] PAE[5] MCE PGE[7] PCE OSFXSR ... SMEP[20]
 *        SMAP[21]
 *   EFER SCE[0] LME[8] LMA[10] NXE[11]
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <hv/x86/interp.h>

enum {
	R_RAX, R_RBX, R_RCX, R_RDX, R_RSI, R_RDI, R_RBP, R_RSP,
	R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
	R_RIP, R_EFLAGS, R_CS, R_SS, R_DS, R_ES, R_FS, R_GS,
	R_FS_BASE, R_GS_BASE, R_K_GS_BASE,
	R_CR0, R_CR2, R_CR3, R_CR4, R_CR8, R_EFER,
	R_GDTR_BASE, R_GDTR_LIMIT, R_IDTR_BASE, R_IDTR_LIMIT, R_TR, R_LDTR,
	R_CPL, R__COUNT,
};

static const struct vcpu_reg_desc reg_table[R__COUNT] = {
	[R_RAX] = { "rax", 64, VCPU_REG_GPR },
	[R_RBX] = { "rbx", 64, VCPU_REG_GPR },
	[R_RCX] = { "rcx", 64, VCPU_REG_GPR },
	[R_RDX] = { "rdx", 64, VCPU_REG_GPR },
	[R_RSI] = { "rsi", 64, VCPU_REG_GPR },
	[R_RDI] = { "rdi", 64, VCPU_REG_GPR },
	[R_RBP] = { "rbp", 64, VCPU_REG_GPR },
	[R_RSP] = { "rsp", 64, VCPU_REG_GPR },
	[R_R8] = { "r8", 64, VCPU_REG_GPR },
	[R_R9] = { "r9", 64, VCPU_REG_GPR },
	[R_R10] = { "r10", 64, VCPU_REG_GPR },
	[R_R11] = { "r11", 64, VCPU_REG_GPR },
	[R_R12] = { "r12", 64, VCPU_REG_GPR },
	[R_R13] = { "r13", 64, VCPU_REG_GPR },
	[R_R14] = { "r14", 64, VCPU_REG_GPR },
	[R_R15] = { "r15", 64, VCPU_REG_GPR },
	[R_RIP] = { "rip", 64, VCPU_REG_PC },
	[R_EFLAGS] = { "eflags", 32, VCPU_REG_FLAGS },
	[R_CS] = { "cs", 16, VCPU_REG_SEG },
	[R_SS] = { "ss", 16, VCPU_REG_SEG },
	[R_DS] = { "ds", 16, VCPU_REG_SEG },
	[R_ES] = { "es", 16, VCPU_REG_SEG },
	[R_FS] = { "fs", 16, VCPU_REG_SEG },
	[R_GS] = { "gs", 16, VCPU_REG_SEG },
	[R_FS_BASE] = { "fs_base", 64, VCPU_REG_SEG },
	[R_GS_BASE] = { "gs_base", 64, VCPU_REG_SEG },
	[R_K_GS_BASE] = { "k_gs_base", 64, VCPU_REG_SYS },
	[R_CR0] = { "cr0", 64, VCPU_REG_CTRL },
	[R_CR2] = { "cr2", 64, VCPU_REG_CTRL },
	[R_CR3] = { "cr3", 64, VCPU_REG_CTRL },
	[R_CR4] = { "cr4", 64, VCPU_REG_CTRL },
	[R_CR8] = { "cr8", 64, VCPU_REG_CTRL },
	[R_EFER] = { "efer", 64, VCPU_REG_CTRL },
	[R_GDTR_BASE] = { "gdtr_base", 64, VCPU_REG_SYS },
	[R_GDTR_LIMIT] = { "gdtr_limit", 16, VCPU_REG_SYS },
	[R_IDTR_BASE] = { "idtr_base", 64, VCPU_REG_SYS },
	[R_IDTR_LIMIT] = { "idtr_limit", 16, VCPU_REG_SYS },
	[R_TR] = { "tr", 16, VCPU_REG_SEG },
	[R_LDTR] = { "ldtr", 16, VCPU_REG_SEG },
	[R_CPL] = { "cpl", 8, VCPU_REG_SYS },
};

/* Table index -> encoding number of the general registers. */
static const uint8_t gpr_of[16] = {
	X86_RAX, X86_RBX, X86_RCX, X86_RDX, X86_RSI, X86_RDI, X86_RBP,
	X86_RSP, X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13,
	X86_R14, X86_R15,
};

static const uint8_t sreg_of[6] = { X86_CS, X86_SS, X86_DS, X86_ES, X86_FS,
				    X86_GS };

static struct x86_cpu *to_cpu(struct vcpu *vcpu)
{
	return (struct x86_cpu *)vcpu;
}

const struct vcpu_reg_desc *x86_reg_table(struct vcpu *vcpu,
					  unsigned int *count)
{
	*count = R__COUNT;
	return reg_table;
}

int x86_get_reg(struct vcpu *vcpu, unsigned int idx, uint64_t *val)
{
	struct x86_cpu *cpu = to_cpu(vcpu);

	if (idx <= R_R15) {
		*val = cpu->gpr[gpr_of[idx]];
		return 0;
	}
	if (idx >= R_CS && idx <= R_GS) {
		*val = cpu->seg[sreg_of[idx - R_CS]].sel;
		return 0;
	}
	switch (idx) {
	case R_RIP: *val = cpu->rip; return 0;
	case R_EFLAGS: *val = x86_get_flags(cpu); return 0;
	case R_FS_BASE: *val = cpu->seg[X86_FS].base; return 0;
	case R_GS_BASE: *val = cpu->seg[X86_GS].base; return 0;
	case R_K_GS_BASE: *val = cpu->kernel_gs_base; return 0;
	case R_CR0: *val = cpu->cr0; return 0;
	case R_CR2: *val = cpu->cr2; return 0;
	case R_CR3: *val = cpu->cr3; return 0;
	case R_CR4: *val = cpu->cr4; return 0;
	case R_CR8: *val = cpu->cr8; return 0;
	case R_EFER: *val = cpu->efer; return 0;
	case R_GDTR_BASE: *val = cpu->gdtr.base; return 0;
	case R_GDTR_LIMIT: *val = cpu->gdtr.limit; return 0;
	case R_IDTR_BASE: *val = cpu->idtr.base; return 0;
	case R_IDTR_LIMIT: *val = cpu->idtr.limit; return 0;
	case R_TR: *val = cpu->tr.sel; return 0;
	case R_LDTR: *val = cpu->ldtr.sel; return 0;
	case R_CPL: *val = cpu->cpl; return 0;
	}
	return -EINVAL;
}

/*
 * The debugger may change what an instruction could change without
 * reloading descriptors: general registers, rip, flags, segment bases,
 * CR2, CR3 (flushing the TLB as a MOV to CR3 would) and CR8. Selectors,
 * CR0, CR4, EFER and the descriptor tables change the CPU's mode and
 * are refused: let the guest do that.
 */
int x86_set_reg(struct vcpu *vcpu, unsigned int idx, uint64_t val)
{
	struct x86_cpu *cpu = to_cpu(vcpu);

	if (idx <= R_R15) {
		cpu->gpr[gpr_of[idx]] = val;
		return 0;
	}
	switch (idx) {
	case R_RIP:
		cpu->rip = cpu->mode == 64 ? val : (uint32_t)val;
		return 0;
	case R_EFLAGS:
		x86_set_flags(cpu, (cpu->rflags & ~0x3fffffull) |
				   (val & 0x3f7fd5));
		return 0;
	case R_FS_BASE: cpu->seg[X86_FS].base = val; return 0;
	case R_GS_BASE: cpu->seg[X86_GS].base = val; return 0;
	case R_K_GS_BASE: cpu->kernel_gs_base = val; return 0;
	case R_CR2: cpu->cr2 = val; return 0;
	case R_CR3:
		cpu->cr3 = val;
		x86_tlb_flush(cpu, false);
		return 0;
	case R_CR8: cpu->cr8 = val & 0xf; return 0;
	}
	return -EINVAL;
}

struct bit_name {
	uint8_t bit;
	const char *name;
};

static const struct bit_name cr0_bits[] = {
	{ 31, "PG" }, { 30, "CD" }, { 29, "NW" }, { 18, "AM" }, { 16, "WP" },
	{ 5, "NE" }, { 4, "ET" }, { 3, "TS" }, { 2, "EM" }, { 1, "MP" },
	{ 0, "PE" },
};

static const struct bit_name cr4_bits[] = {
	{ 21, "SMAP" }, { 20, "SMEP" }, { 9, "OSFXSR" }, { 8, "PCE" },
	{ 7, "PGE" }, { 6, "MCE" }, { 5, "PAE" }, { 4, "PSE" }, { 3, "DE" },
	{ 2, "TSD" }, { 1, "PVI" }, { 0, "VME" },
};

static const struct bit_name efer_bits[] = {
	{ 11, "NXE" }, { 10, "LMA" }, { 8, "LME" }, { 0, "SCE" },
};

static const struct bit_name flag_bits[] = {
	{ 21, "ID" }, { 18, "AC" }, { 17, "VM" }, { 16, "RF" }, { 14, "NT" },
	{ 11, "OF" }, { 10, "DF" }, { 9, "IF" }, { 8, "TF" }, { 7, "SF" },
	{ 6, "ZF" }, { 4, "AF" }, { 2, "PF" }, { 0, "CF" },
};

/* snprintf at @len into @buf, keeping snprintf's "would write" count. */
static int append(char *buf, size_t size, int len, const char *fmt,
		  const char *arg)
{
	size_t off = (size_t)len < size ? (size_t)len : size;

	return len + snprintf(buf + off, size - off, fmt, arg);
}

static int describe_bits(char *buf, size_t size, const char *name,
			 uint64_t val, const struct bit_name *bits,
			 unsigned int n, const char *extra)
{
	int len = snprintf(buf, size, "%s = 0x%llx [", name,
			   (unsigned long long)val);

	for (unsigned int i = 0; i < n; i++)
		if (val & BIT(bits[i].bit))
			len = append(buf, size, len, " %s", bits[i].name);
	return append(buf, size, len, " ]%s", extra ? extra : "");
}

static const char *paging_mode_name(const struct x86_cpu *cpu)
{
	if (!(cpu->cr0 & X86_CR0_PG))
		return "paging off";
	if (!(cpu->cr4 & X86_CR4_PAE))
		return "32-bit paging";
	return (cpu->efer & X86_EFER_LMA) ? "4-level paging" : "PAE paging";
}

static int describe_seg(struct x86_cpu *cpu, const char *name,
			const struct x86_seg *s, char *buf, size_t size)
{
	uint32_t a = s->attr;

	if (a & X86_SEG_UNUSABLE)
		return snprintf(buf, size, "%s = %#x (null)", name, s->sel);
	return snprintf(buf, size,
			"%s = %#x base=0x%llx limit=%#x dpl=%u %s%s%s%s",
			name, s->sel, (unsigned long long)s->base, s->limit,
			X86_SEG_DPL(a), (a & X86_SEG_S) ?
			((a & 8) ? "code" : "data") : "system",
			(a & X86_SEG_L) ? " L (64-bit)" : "",
			(a & X86_SEG_DB) ? " D/B (32-bit)" : "",
			(a & X86_SEG_P) ? "" : " not-present");
}

int x86_describe_reg(struct vcpu *vcpu, unsigned int idx, char *buf,
		     size_t size)
{
	struct x86_cpu *cpu = to_cpu(vcpu);
	char extra[96];

	switch (idx) {
	case R_EFLAGS:
		snprintf(extra, sizeof(extra), " IOPL=%u",
			 (unsigned int)((x86_get_flags(cpu) >> 12) & 3));
		return describe_bits(buf, size, "eflags", x86_get_flags(cpu),
				     flag_bits, ARRAY_SIZE(flag_bits), extra);
	case R_CR0:
		snprintf(extra, sizeof(extra), " %s", paging_mode_name(cpu));
		return describe_bits(buf, size, "cr0", cpu->cr0, cr0_bits,
				     ARRAY_SIZE(cr0_bits), extra);
	case R_CR3: {
		bool pae = cpu->cr4 & X86_CR4_PAE;
		bool lma = cpu->efer & X86_EFER_LMA;
		uint64_t root = pae && !lma ? cpu->cr3 & 0xffffffe0ull
					    : cpu->cr3 & GENMASK(51, 12);

		return snprintf(buf, size, "cr3 = 0x%llx [ %s at gpa 0x%llx%s%s ]",
				(unsigned long long)cpu->cr3,
				!pae ? "page directory" : lma ? "PML4" : "PDPT",
				(unsigned long long)root,
				(cpu->cr3 & 8) ? " PWT" : "",
				(cpu->cr3 & 16) ? " PCD" : "");
	}
	case R_CR4:
		return describe_bits(buf, size, "cr4", cpu->cr4, cr4_bits,
				     ARRAY_SIZE(cr4_bits), NULL);
	case R_EFER:
		return describe_bits(buf, size, "efer", cpu->efer, efer_bits,
				     ARRAY_SIZE(efer_bits), NULL);
	case R_CR2:
		return snprintf(buf, size, "cr2 = 0x%llx [ last page-fault address ]",
				(unsigned long long)cpu->cr2);
	case R_TR:
		return describe_seg(cpu, "tr", &cpu->tr, buf, size);
	case R_LDTR:
		return describe_seg(cpu, "ldtr", &cpu->ldtr, buf, size);
	case R_CPL:
		return snprintf(buf, size, "cpl = %u [ %s, %d-bit code ]",
				cpu->cpl, cpu->cpl == 3 ? "user" : "kernel",
				cpu->mode);
	}
	if (idx >= R_CS && idx <= R_GS)
		return describe_seg(cpu, reg_table[idx].name,
				    &cpu->seg[sreg_of[idx - R_CS]], buf, size);
	return -EINVAL;
}

int x86_disasm_op(struct vcpu *vcpu, gva_t gva, char *buf, size_t size)
{
	unsigned int len = 0;
	int ret = x86_disasm(to_cpu(vcpu), gva, buf, size, &len);

	if (ret == -EFAULT)
		return ret;
	return len ? (int)len : 1;
}
