/* SPDX-License-Identifier: MIT */
/*
 * The arm64 "silicon" MMU: the translation the CPU performs on a TLB
 * miss, stage 1 (the guest's own tables, EL1&0 regime) nested in
 * stage 2 (the hypervisor's tables), exactly as the hardware walks them.
 *
 *   stage 2 off (HCR_EL2.VM = 0, no hypervisor MMU attached):
 *       the IPA is the PA; it goes through the memslots directly.
 *   stage 2 on:
 *       every stage-1 table reference and the final IPA are translated
 *       through the stage-2 tables at s2.root (an hpa in the arena), with
 *       the geometry VTCR_EL2 would hold. A stage-2 miss or violation
 *       calls hooks->s2_fault, the hypervisor's stage-2 abort handler,
 *       which fixes the tables and lets the walk retry.
 *
 * Reference card (Arm ARM D8, "The AArch64 Virtual Memory System
 * Architecture"):
 *
 *   TCR_EL1   T0SZ[5:0] EPD0[7] TG0[15:14] (00 4K, 01 64K, 10 16K)
 *             T1SZ[21:16] A1[22] EPD1[23] TG1[31:30] (01 16K, 10 4K, 11 64K)
 *             IPS[34:32] AS[36] TBI0[37] TBI1[38]
 *   TTBRn     BADDR[47:1] ASID[63:48] (8 bits used unless TCR.AS)
 *   VA        bit 55 selects TTBR1; bits 63:(64-TnSZ) must all equal it
 *             (bits 55:(64-TnSZ) with TBIn), else translation fault L0
 *   levels    granule 4K: 9 bits/level, 16K: 11, 64K: 13; page offset 12,
 *             14, 16 bits. Start level = 4 - ceil((64-TxSZ-pgshift)/stride)
 *   entry     [1:0] 01 block (not at L3, nor L0; 16K/64K only at L2),
 *                   11 table (L0-L2) or page (L3), x0 invalid
 *             table: NEXT[47:pgshift] PXNTable[59] UXNTable[60]
 *                    APTable[62:61] (bit 61 no EL0, bit 62 no write)
 *             leaf:  AttrIndx[4:2] NS[5] AP[7:6] SH[9:8] AF[10] nG[11]
 *                    OA[47:pgshift or block shift] PXN[53] UXN[54]
 *             AP[2:1]: 00 EL1 RW, 01 EL1+EL0 RW, 10 EL1 RO, 11 EL1+EL0 RO
 *             EL0-writable memory is never EL1-executable; SCTLR.WXN
 *             makes writable memory execute-never.
 *   stage 2   VTCR_EL2 T0SZ[5:0] SL0[7:6] TG0[15:14] PS[18:16]
 *             SL0, 4K: 0 L2, 1 L1, 2 L0; 16K/64K: 0 L3, 1 L2, 2 L1
 *             up to 16 tables concatenated at the start level
 *             leaf: MemAttr[5:2] S2AP[7:6] (bit 6 read, bit 7 write)
 *                   SH[9:8] AF[10] XN[54]
 *   FSC       (ESR ISS[5:0]) 0b0000LL address size, 0b0001LL translation,
 *             0b0010LL access flag, 0b0011LL permission fault at level LL,
 *             0x10 synchronous external abort, 0x21 alignment
 *   ESR       EC[31:26] IL[25] ISS[24:0]; aborts: ISV[24] FnV[10] EA[9]
 *             CM[8] S1PTW[7] WnR[6] FSC[5:0]
 *   no hardware Access flag or dirty state update (ID_AA64MMFR1.HAFDBS=0)
 */
#ifndef HV_ARM64_MMU_HW_H
#define HV_ARM64_MMU_HW_H

#include <hv/vm.h>

/* Exception classes (ESR_ELx.EC). */
enum arm64_ec {
	ESR_EC_UNKNOWN = 0x00,
	ESR_EC_WFX = 0x01,
	ESR_EC_ILLEGAL = 0x0e,
	ESR_EC_SVC64 = 0x15,
	ESR_EC_HVC64 = 0x16,
	ESR_EC_SMC64 = 0x17,
	ESR_EC_SYS64 = 0x18,
	ESR_EC_IABT_LOW = 0x20,
	ESR_EC_IABT_CUR = 0x21,
	ESR_EC_PC_ALIGN = 0x22,
	ESR_EC_DABT_LOW = 0x24,
	ESR_EC_DABT_CUR = 0x25,
	ESR_EC_SP_ALIGN = 0x26,
	ESR_EC_BRK64 = 0x3c,
};

#define ESR_EC_SHIFT	26
#define ESR_EC(ec)	((uint32_t)(ec) << ESR_EC_SHIFT)
#define ESR_IL		(1u << 25)
#define ESR_ISV		(1u << 24)
#define ESR_FNV		(1u << 10)
#define ESR_EA		(1u << 9)
#define ESR_CM		(1u << 8)
#define ESR_S1PTW	(1u << 7)
#define ESR_WNR		(1u << 6)
#define ESR_FSC_MASK	0x3fu

/* Fault status codes (ISS[5:0]); the translation-family ones add level. */
#define FSC_ADDR_SIZE	0x00
#define FSC_TRANS	0x04
#define FSC_ACCESS	0x08
#define FSC_PERM	0x0c
#define FSC_SEA		0x10
#define FSC_SEA_WALK	0x14
#define FSC_ALIGN	0x21
#define FSC_LEVEL(fsc, lvl) ((fsc) | ((lvl) & 3))

/* What an access is (arm64_hw_translate's @access). */
enum arm64_access {
	ARM64_ACC_READ = 0,
	ARM64_ACC_WRITE = 1u << 0,
	ARM64_ACC_FETCH = 1u << 1,
	ARM64_ACC_EL0 = 1u << 2,	/* check EL0 permissions (EL0, LDTR) */
	ARM64_ACC_PEEK = 1u << 3,	/* debugger: no events, no hooks,
					   stage-2 misses fall back to the
					   memslots */
	ARM64_ACC_S1_ONLY = 1u << 4,	/* AT S1E1x: stop at the IPA */
};

/* Stage-2 geometry, decoded from a VTCR_EL2 value. */
struct arm64_s2_geom {
	unsigned int ipa_bits;		/* 64 - T0SZ */
	unsigned int pg_shift;		/* 12, 14, 16 */
	unsigned int stride;		/* pg_shift - 3 */
	int start_level;		/* from SL0 */
	unsigned int root_bits;		/* index bits at the start level */
	unsigned int concat;		/* tables concatenated at the root */
	unsigned int oa_bits;		/* PS */
};

/*
 * Decode VTCR_EL2 (T0SZ, SL0, TG0, PS) as the hardware would. Returns 0,
 * or -EINVAL for a geometry the hardware rejects (start level too deep
 * for the size, more than 16 concatenated tables, a reserved granule).
 * The stage-2 MMU uses the same function to build its table format.
 */
int arm64_s2_geom_from_vtcr(uint64_t vtcr, struct arm64_s2_geom *g);

/* VTCR_EL2 fields, for building a value. */
#define VTCR_T0SZ(x)	((uint64_t)(x) & 0x3f)
#define VTCR_SL0(x)	(((uint64_t)(x) & 3) << 6)
#define VTCR_TG0_4K	(0ull << 14)
#define VTCR_TG0_64K	(1ull << 14)
#define VTCR_TG0_16K	(2ull << 14)
#define VTCR_PS(x)	(((uint64_t)(x) & 7) << 16)

/* Stage-2 descriptor bits. */
#define S2_DESC_VALID	BIT(0)
#define S2_DESC_TABLE	BIT(1)		/* with VALID: table / L3 page */
#define S2_DESC_S2AP_R	BIT(6)
#define S2_DESC_S2AP_W	BIT(7)
#define S2_DESC_AF	BIT(10)
#define S2_DESC_XN	BIT(54)
#define S2_DESC_MEMATTR_NORMAL (0xfull << 2)	/* Normal WB */
#define S2_DESC_MEMATTR_DEVICE (0x0ull << 2)	/* Device-nGnRnE */

/* The hypervisor's side of a stage-2 abort. */
struct arm64_mmu_hooks {
	/*
	 * A stage-2 translation, permission or access-flag fault on @ipa
	 * while the guest accessed @far (a VA; for a fault on a stage-1
	 * table walk, the VA being translated). @esr is what ESR_EL2 would
	 * hold: EC 0x24 (data abort) or 0x20 (instruction abort from a
	 * lower EL), IL, and ISS with the stage-2 FSC and its level, WnR,
	 * and S1PTW when the access was a stage-1 table read (then WnR is
	 * 0: the hardware does not update descriptors). ISV is 0: the
	 * hardware emulates MMIO itself (return 1).
	 *
	 * Return 0 after fixing the stage-2 tables: the hardware flushes
	 * nothing itself and retries the walk (a few times, then gives up
	 * with VCPU_EXIT_INTERNAL). Return 1 if @ipa is not RAM: the access
	 * goes to the MMIO bus (vm->mmio), or, for an instruction fetch or a
	 * stage-1 table read, becomes a synchronous external abort in the
	 * guest. Return -errno to stop the VM (VCPU_EXIT_INTERNAL).
	 * Called from inside the CPU: it may change the tables, call
	 * vm_flush_tlbs() and emit events; it must not run the vCPU.
	 */
	int (*s2_fault)(void *opaque, ipa_t ipa, uint32_t esr, gva_t far);
};

/* Stage-2 state: what VTTBR_EL2 / VTCR_EL2 / HCR_EL2.VM would hold. */
struct arm64_s2_cfg {
	bool enabled;		/* HCR_EL2.VM */
	hpa_t root;		/* VTTBR_EL2.BADDR: hpa of the root tables */
	uint16_t vmid;		/* VTTBR_EL2.VMID, tags TLB entries */
	uint64_t vtcr;		/* VTCR_EL2 */
	struct arm64_s2_geom geom;	/* decoded from vtcr */
};

/* The stage-1 registers a walk needs, as the hardware sees them. */
struct arm64_s1_ctx {
	uint64_t sctlr, tcr, ttbr0, ttbr1, mair;
};

struct arm64_mmu_hw {
	struct vm *vm;
	struct arm64_s2_cfg s2;
	const struct arm64_mmu_hooks *hooks;
	void *hooks_opaque;
	struct walk_record last_walk;	/* the last walk, for the tools */
	uint64_t s1_walks, s2_walks, s2_faults;
};

/*
 * Turn stage 2 on: the hypervisor installed tables at @root with the
 * geometry @vtcr (VTCR_EL2 layout) for @vmid, and handles aborts through
 * @hooks. Returns 0 or -EINVAL (bad geometry: nothing changes). The
 * caller flushes the vCPU's TLB (vm_flush_tlbs) when it changes a
 * configuration that was in use.
 */
int arm64_mmu_hw_set_stage2(struct arm64_mmu_hw *hw, hpa_t root,
			    uint64_t vtcr, uint16_t vmid,
			    const struct arm64_mmu_hooks *hooks, void *opaque);
/* Stage 2 off: IPA = PA through the memslots. */
void arm64_mmu_hw_clear_stage2(struct arm64_mmu_hw *hw);

enum arm64_xlate_result {
	ARM64_XLATE_OK = 0,
	ARM64_XLATE_FAULT = 1,	/* a guest abort: out->esr (EC, ISS), FAR=va */
	ARM64_XLATE_MMIO = 2,	/* out->ipa is not RAM: a device access */
};

/* One translation, as the TLB caches it. */
struct arm64_xlate {
	ipa_t ipa;		/* the byte's IPA (PA when stage 2 is off) */
	hpa_t hpa;		/* the byte's hpa (OK only) */
	uint8_t perm;		/* ARM64_PERM_* the TLB may cache: both
				   stages' rights, EL1 and EL0 */
	bool global;		/* nG clear */
	uint16_t asid;		/* for nG entries */
	uint8_t s1_shift;	/* stage-1 mapping size (12 .. 39) */
	uint8_t attr;		/* MAIR attribute of the mapping */
	uint32_t esr;		/* on ARM64_XLATE_FAULT: EC + ISS for EL1 */
	bool s2_stop;		/* the s2 hook returned -errno: stop */
	int s2_err;
};

/* TLB permission bits (struct arm64_xlate.perm). */
#define ARM64_PERM_R1	(1u << 0)
#define ARM64_PERM_W1	(1u << 1)
#define ARM64_PERM_X1	(1u << 2)
#define ARM64_PERM_R0	(1u << 3)
#define ARM64_PERM_W0	(1u << 4)
#define ARM64_PERM_X0	(1u << 5)

/*
 * Translate @va for an access by the CPU (enum arm64_access) under the
 * stage-1 registers in @ctx. Fills @out and, if @rec is not NULL, the
 * walk record (stage-1 steps interleaved with the stage-2 steps that
 * translated each table address, then the final stage-2 steps). Emits
 * the walk events (not for ARM64_ACC_PEEK) and calls the stage-2 hook
 * on a stage-2 abort. A stage-2 abort the hook does not resolve is
 * turned into what the guest sees (an external abort for MMIO fetches
 * and table reads). Returns an enum arm64_xlate_result.
 * The result's ESR EC is the "current EL" flavour; the caller adjusts
 * it for an access from EL0.
 */
int arm64_hw_translate(struct arm64_mmu_hw *hw, const struct arm64_s1_ctx *ctx,
		       gva_t va, uint32_t access, struct arm64_xlate *out,
		       struct walk_record *rec);

/*
 * The stage-2 hardware walk alone: @ipa through hw->s2 (which must be
 * enabled). Appends WALK_S2 steps to @rec (may be NULL). Returns 0 and
 * sets *@hpa and *@s2perm (WALK_P_READ/WRITE/EXEC), or a stage-2 FSC
 * (with level) > 0 when the walk faults, or -EINVAL for a broken
 * configuration. @events says whether to emit s2_element events.
 */
int arm64_s2_walk(struct arm64_mmu_hw *hw, ipa_t ipa, struct walk_record *rec,
		  bool events, hpa_t *hpa, uint32_t *s2perm, int *level);

#endif
