/* SPDX-License-Identifier: MIT */
/*
 * CPUID and the model-specific registers.
 *
 * CPUID reports exactly what the interpreter implements: no FPU, no
 * SSE, no APIC. Features (leaf 1 EDX / ECX, leaf 7 EBX, 0x80000001):
 *   PSE TSC MSR PAE CX8 SEP PGE CMOV PAT  |  CX16
 *   SMEP SMAP                              |  SYSCALL NX PDPE1GB LM, LAHF_LM
 * Unknown MSRs raise #GP(0), as on hardware.
 */
#include <hv/x86/interp.h>

#define F1_EDX (BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(8) | BIT(11) | \
		BIT(13) | BIT(15) | BIT(16))
#define F1_ECX (BIT(13))
#define F7_EBX (BIT(7) | BIT(20))
#define F81_EDX (BIT(11) | BIT(20) | BIT(26) | BIT(29))
#define F81_ECX (BIT(0))

static uint32_t str4(const char *s)
{
	return (uint32_t)(uint8_t)s[0] | (uint32_t)(uint8_t)s[1] << 8 |
	       (uint32_t)(uint8_t)s[2] << 16 | (uint32_t)(uint8_t)s[3] << 24;
}

void x86_cpuid(struct x86_cpu *cpu, uint32_t leaf, uint32_t sub,
	       uint32_t r[4])
{
	static const char brand[48] = "Quadrant x86 teaching CPU";

	r[0] = r[1] = r[2] = r[3] = 0;
	switch (leaf) {
	case 0:
		r[0] = 7;
		r[1] = str4("Genu");
		r[3] = str4("ineI");
		r[2] = str4("ntel");
		break;
	case 1:
		r[0] = 0x000606a0;	/* family 6 */
		r[1] = 0x00010000;	/* 1 logical processor */
		r[2] = F1_ECX;
		r[3] = F1_EDX;
		break;
	case 7:
		if (sub == 0)
			r[1] = F7_EBX;
		break;
	case 0x80000000:
		r[0] = 0x80000008;
		break;
	case 0x80000001:
		r[2] = F81_ECX;
		r[3] = F81_EDX;
		break;
	case 0x80000002:
	case 0x80000003:
	case 0x80000004:
		for (int i = 0; i < 4; i++)
			r[i] = str4(brand + 16 * (leaf - 0x80000002) + 4 * i);
		break;
	case 0x80000008:
		r[0] = 0x3028;	/* 48 virtual, 40 physical address bits */
		break;
	default:
		break;
	}
}

int x86_rdmsr(struct x86_cpu *cpu, uint32_t msr, uint64_t *v)
{
	switch (msr) {
	case MSR_IA32_TSC: *v = cpu->vm->icount + cpu->tsc_offset; break;
	case MSR_IA32_APIC_BASE: *v = cpu->apic_base; break;
	case MSR_IA32_SYSENTER_CS: *v = cpu->sysenter_cs; break;
	case MSR_IA32_SYSENTER_ESP: *v = cpu->sysenter_esp; break;
	case MSR_IA32_SYSENTER_EIP: *v = cpu->sysenter_eip; break;
	case MSR_IA32_MISC_ENABLE: *v = cpu->misc_enable; break;
	case MSR_IA32_PAT: *v = cpu->pat; break;
	case MSR_EFER: *v = cpu->efer; break;
	case MSR_STAR: *v = cpu->star; break;
	case MSR_LSTAR: *v = cpu->lstar; break;
	case MSR_CSTAR: *v = cpu->cstar; break;
	case MSR_SFMASK: *v = cpu->sfmask; break;
	case MSR_FS_BASE: *v = cpu->seg[X86_FS].base; break;
	case MSR_GS_BASE: *v = cpu->seg[X86_GS].base; break;
	case MSR_KERNEL_GS_BASE: *v = cpu->kernel_gs_base; break;
	default: *v = 0; return -1;
	}
	return 0;
}

static bool pat_ok(uint64_t v)
{
	for (int i = 0; i < 8; i++) {
		unsigned int t = (v >> (8 * i)) & 0xff;

		if (t != 0 && t != 1 && t != 4 && t != 5 && t != 6 && t != 7)
			return false;
	}
	return true;
}

int x86_wrmsr(struct x86_cpu *cpu, uint32_t msr, uint64_t v)
{
	switch (msr) {
	case MSR_IA32_TSC:
		cpu->tsc_offset = v - cpu->vm->icount;
		break;
	case MSR_IA32_APIC_BASE:
		cpu->apic_base = v;
		break;
	case MSR_IA32_SYSENTER_CS: cpu->sysenter_cs = v & 0xffff; break;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_LSTAR:
	case MSR_CSTAR:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
		if (!x86_canonical(v))
			return -1;
		if (msr == MSR_IA32_SYSENTER_ESP) cpu->sysenter_esp = v;
		else if (msr == MSR_IA32_SYSENTER_EIP) cpu->sysenter_eip = v;
		else if (msr == MSR_LSTAR) cpu->lstar = v;
		else if (msr == MSR_CSTAR) cpu->cstar = v;
		else if (msr == MSR_FS_BASE) cpu->seg[X86_FS].base = v;
		else if (msr == MSR_GS_BASE) cpu->seg[X86_GS].base = v;
		else cpu->kernel_gs_base = v;
		break;
	case MSR_IA32_MISC_ENABLE:
		cpu->misc_enable = v;
		break;
	case MSR_IA32_PAT:
		if (!pat_ok(v))
			return -1;
		cpu->pat = v;
		break;
	case MSR_EFER: {
		uint64_t ok = X86_EFER_SCE | X86_EFER_LME | X86_EFER_LMA |
			      X86_EFER_NXE;

		if (v & ~ok)
			return -1;
		if ((cpu->cr0 & X86_CR0_PG) &&
		    ((v ^ cpu->efer) & X86_EFER_LME))
			return -1;
		/* LMA is the hardware's to set. */
		v = (v & ~X86_EFER_LMA) | (cpu->efer & X86_EFER_LMA);
		if ((v ^ cpu->efer) & X86_EFER_NXE)
			x86_tlb_flush(cpu, true);
		{
			uint64_t old = cpu->efer;

			cpu->efer = v;
			/* The hypervisor's MMU follows EFER (mmu_hw.h). */
			if (cpu->mmu.hooks && cpu->mmu.hooks->paging_changed)
				cpu->mmu.hooks->paging_changed(cpu->mmu.hooks_opaque,
							       X86_REG_EFER, old, v);
		}
		break;
	}
	case MSR_STAR: cpu->star = v; break;
	case MSR_SFMASK: cpu->sfmask = v & 0xffffffff; break;
	default:
		return -1;
	}
	return 0;
}
