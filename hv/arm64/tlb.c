// SPDX-License-Identifier: MIT
/*
 * The software TLB and the TLBI instructions.
 *
 * One direct-mapped array of ARM64_TLB_SIZE entries indexed by 4 KiB
 * virtual page number. An entry caches a 4 KiB piece of one complete
 * translation (stage 1 and stage 2 combined), with:
 *   perm     what may be done through it, EL1 and EL0 (ARM64_PERM_*),
 *            the intersection of both stages' rights; an access whose
 *            right is missing takes the slow path and walks, so the
 *            fault is reported by the stage that causes it
 *   global   nG was clear: matches every ASID
 *   asid     nG entries match only the current ASID (TTBR0 or TTBR1 by
 *            TCR_EL1.A1)
 *   vmid     stage-2 VMID at fill time: entries of another VM never match
 *   s1_mask  size of the stage-1 mapping - 1, so that TLBI by VA removes
 *            every piece of a block; while any entry holds a piece of a
 *            block (tlb_has_large), TLBI by VA scans the whole array
 * The fetch page and the last load and store pages (cpu.h) are copies
 * of entries: a fill or a flush forgets them.
 * Caching only after a successful walk and dropping entries more often
 * than asked is what the architecture allows a TLB to do; what it does
 * not allow, and what we never do, is keeping an entry a TLBI removed.
 *
 * TLBI (Arm ARM D8.13), with Xt = ASID[63:48] : VA[55:12] in [43:0]:
 *   VMALLE1(IS)   everything of the current VMID
 *   VAE1(IS)      VA, for the ASID in Xt or global
 *   VALE1(IS)     the same, last level only (all our entries are leaves)
 *   ASIDE1(IS)    non-global entries of the ASID in Xt
 *   VAAE1(IS), VAALE1(IS)   VA, any ASID
 * With one vCPU the inner-shareable forms do what the local ones do.
 */
#include <hv/arm64/interp.h>
#include <hv/fmt.h>

#define TCR_A1	BIT(22)
#define TCR_AS	BIT(36)

static void tlb_entry_clear(struct arm64_tlb_entry *e)
{
	e->va = ARM64_TLB_INVALID;
	e->perm = 0;
}

void arm64_tlb_flush_all(struct arm64_cpu *cpu)
{
	for (unsigned int i = 0; i < ARM64_TLB_SIZE; i++)
		tlb_entry_clear(&cpu->tlb[i]);
	cpu->tlb_has_large = false;
	arm64_fetch_invalidate(cpu);
}

uint16_t arm64_cur_asid(const struct arm64_cpu *cpu)
{
	uint64_t ttbr = (cpu->tcr & TCR_A1) ? cpu->ttbr1 : cpu->ttbr0;
	uint16_t asid = (uint16_t)(ttbr >> 48);

	return (cpu->tcr & TCR_AS) ? asid : (uint8_t)asid;
}

struct arm64_tlb_entry *arm64_tlb_fill(struct arm64_cpu *cpu, uint64_t va,
				       const struct arm64_xlate *x)
{
	struct arm64_tlb_entry *e = arm64_tlb_slot(cpu, va);
	uint64_t page = va & PAGE_MASK;
	uint8_t *host = NULL;

	if (x->s1_shift > PAGE_SHIFT)
		cpu->tlb_has_large = true;
	/* the last load and store pages mirror TLB entries: this may be one */
	cpu->ld_page = cpu->st_page = ARM64_TLB_INVALID;
	e->va = page;
	e->ipa = x->ipa & PAGE_MASK;
	e->s1_mask = (1ull << x->s1_shift) - 1;
	e->asid = x->asid;
	e->global = x->global;
	e->vmid = cpu->mmu.s2.enabled ? cpu->mmu.s2.vmid : 0;
	e->perm = x->perm;
	e->mmio = false;
	e->addend = 0;
	host = arena_hva(&cpu->vm->arena, x->hpa & PAGE_MASK, PAGE_SIZE);
	if (host)
		e->addend = (uintptr_t)host - (uintptr_t)page;
	else
		e->perm = 0;
	return e;
}

/* Does entry @e hold a piece of the mapping of @va (any size)? */
static bool tlb_entry_covers(const struct arm64_tlb_entry *e, uint64_t va)
{
	return ((e->va ^ va) & ~e->s1_mask & PAGE_MASK) == 0;
}

enum tlbi_match { TLBI_ALL, TLBI_VA_ASID, TLBI_ASID, TLBI_VA_ANY };

static void tlbi_apply(struct arm64_cpu *cpu, enum tlbi_match how,
		       uint64_t va, uint16_t asid)
{
	uint16_t vmid = cpu->mmu.s2.enabled ? cpu->mmu.s2.vmid : 0;
	bool by_va = how == TLBI_VA_ASID || how == TLBI_VA_ANY;
	unsigned int first = 0, count = ARM64_TLB_SIZE;

	if (by_va && !cpu->tlb_has_large) {
		first = (unsigned int)((va >> PAGE_SHIFT) & (ARM64_TLB_SIZE - 1));
		count = 1;
	}
	for (unsigned int i = first; i < first + count; i++) {
		struct arm64_tlb_entry *e = &cpu->tlb[i];

		if (e->va == ARM64_TLB_INVALID || e->vmid != vmid)
			continue;
		switch (how) {
		case TLBI_ALL:
			break;
		case TLBI_VA_ASID:
			if (!tlb_entry_covers(e, va) ||
			    (!e->global && e->asid != asid))
				continue;
			break;
		case TLBI_ASID:
			if (e->global || e->asid != asid)
				continue;
			break;
		case TLBI_VA_ANY:
			if (!tlb_entry_covers(e, va))
				continue;
			break;
		}
		tlb_entry_clear(e);
	}
	arm64_fetch_invalidate(cpu);
}

bool arm64_tlbi(struct arm64_cpu *cpu, unsigned int crm, unsigned int op2,
		uint64_t xt)
{
	uint64_t va = sext((xt & GENMASK(43, 0)) << 12, 56);
	uint16_t asid = (uint16_t)(xt >> 48);
	enum tlbi_match how;

	if (!(cpu->tcr & TCR_AS))
		asid = (uint8_t)asid;
	if (crm != 3 && crm != 7)
		return false;
	switch (op2) {
	case 0: how = TLBI_ALL; break;			/* VMALLE1 */
	case 1: case 5: how = TLBI_VA_ASID; break;	/* VAE1, VALE1 */
	case 2: how = TLBI_ASID; break;			/* ASIDE1 */
	case 3: case 7: how = TLBI_VA_ANY; break;	/* VAAE1, VAALE1 */
	default: return false;
	}
	tlbi_apply(cpu, how, va, asid);
	vm_emit(cpu->vm, EV_tlbi, -1, crm << 3 | op2, how == TLBI_ALL ||
		how == TLBI_ASID ? 0 : va, asid, cpu->insn_pc);
	return true;
}

/*
 * The TLB for the tools: one line per valid entry. Rights are EL1's
 * r/w/x then EL0's; an entry caches one 4 KiB piece of a possibly larger
 * stage-1 mapping, whose size is shown.
 */
int arm64_tlb_format(struct arm64_cpu *cpu, char *buf, size_t size)
{
	struct fmtbuf fb = fmtbuf_init(buf, size);
	unsigned int n = 0;

	fmt_append(&fb, "TLB, %u entries, direct mapped by va page, tagged "
		   "by VMID and (non-global) ASID:\n", ARM64_TLB_SIZE);
	for (unsigned int i = 0; i < ARM64_TLB_SIZE; i++) {
		const struct arm64_tlb_entry *e = &cpu->tlb[i];
		uint8_t p = e->perm;

		if (e->va == ARM64_TLB_INVALID)
			continue;
		n++;
		fmt_append(&fb, "  [%4u] va %#018llx -> ipa %#llx  el1 %c%c%c "
			   "el0 %c%c%c  vmid %u ", i,
			   (unsigned long long)e->va,
			   (unsigned long long)e->ipa,
			   (p & ARM64_PERM_R1) ? 'r' : '-',
			   (p & ARM64_PERM_W1) ? 'w' : '-',
			   (p & ARM64_PERM_X1) ? 'x' : '-',
			   (p & ARM64_PERM_R0) ? 'r' : '-',
			   (p & ARM64_PERM_W0) ? 'w' : '-',
			   (p & ARM64_PERM_X0) ? 'x' : '-', e->vmid);
		if (e->global)
			fmt_append(&fb, "global");
		else
			fmt_append(&fb, "asid %u", e->asid);
		if (e->s1_mask + 1 > 4096) {
			uint64_t kib = (e->s1_mask + 1) >> 10;

			fmt_append(&fb, "  (piece of a %llu %s mapping)",
				   (unsigned long long)(kib >= (1u << 20) ? kib >> 20 :
							kib >= 1024 ? kib >> 10 : kib),
				   kib >= (1u << 20) ? "GiB" : kib >= 1024 ? "MiB" : "KiB");
		}
		fmt_append(&fb, "%s\n", e->mmio ? "  MMIO" : "");
	}
	if (!n)
		fmt_append(&fb, "  (empty)\n");
	return fmt_result(&fb);
}
