/*
 * arm64.h: system registers, barriers and syndrome fields of AArch64,
 * as the Arm Architecture Reference Manual (DDI 0487) names them.
 *
 * Everything here is an inline wrapper around one instruction, or a
 * constant with the manual's field name; no state.
 */
#ifndef GUEST_ARM64_H
#define GUEST_ARM64_H

#include <stdint.h>

#define read_sysreg(r) ({					\
	uint64_t __v;						\
	__asm__ volatile("mrs %0, " #r : "=r"(__v));		\
	__v;							\
})

#define write_sysreg(r, v) do {					\
	uint64_t __v = (uint64_t)(v);				\
	__asm__ volatile("msr " #r ", %0" : : "r"(__v) : "memory"); \
} while (0)

/* Barriers: ISB resynchronises the instruction stream with system
 * register writes; DSB waits for memory accesses (and TLB/cache
 * maintenance) to complete; the argument is the shareability domain. */
#define isb()		__asm__ volatile("isb" : : : "memory")
#define dsb(opt)	__asm__ volatile("dsb " #opt : : : "memory")
#define dmb(opt)	__asm__ volatile("dmb " #opt : : : "memory")

/* CurrentEL holds the exception level in bits [3:2]. */
static inline unsigned current_el(void)
{
	return (unsigned)(read_sysreg(CurrentEL) >> 2) & 3;
}

/*
 * ESR_ELx, the Exception Syndrome Register:
 *   EC  [31:26]  exception class (why we are here);
 *   IL  [25]     instruction length: 1 for a 32-bit instruction, and
 *                RES1 for aborts, unknown-reason and most other classes;
 *   ISS [24:0]   class-specific syndrome.
 */
#define ESR_EC(esr)	(((esr) >> 26) & 0x3f)
#define ESR_IL		(1u << 25)
#define ESR_ISS(esr)	((esr) & 0x1ffffff)

#define EC_UNKNOWN	0x00	/* undefined instruction and the like */
#define EC_SVC64	0x15	/* SVC from AArch64; ISS[15:0] = imm16 */
#define EC_HVC64	0x16
#define EC_SYS64	0x18	/* trapped MSR/MRS/system instruction */
#define EC_IABT_LOW	0x20	/* instruction abort from a lower EL */
#define EC_IABT_CUR	0x21	/* instruction abort taken without a change of EL */
#define EC_PC_ALIGN	0x22	/* PC alignment fault */
#define EC_DABT_LOW	0x24	/* data abort from a lower EL */
#define EC_DABT_CUR	0x25	/* data abort taken without a change of EL */
#define EC_SP_ALIGN	0x26
#define EC_BRK64	0x3c	/* BRK instruction; ISS[15:0] = imm16 */

/*
 * ISS of a data abort (EC 0x24/0x25):
 *   DFSC [5:0]  fault status code (below);
 *   WnR  [6]    1 when the access was a write;
 *   S1PTW [7]   the fault happened on a stage-2 walk of a stage-1 table;
 *   CM   [8]    cache maintenance instruction;
 *   EA   [9]    external abort type;
 *   FnV  [10]   FAR is not valid (0: FAR holds the faulting address);
 *   ISV  [24]   bits [23:14] describe the instruction. For a fault taken
 *               to EL1 it need not be set, so guests never look at it.
 * ISS of an instruction abort (EC 0x20/0x21) has IFSC in [5:0] with the
 * same encodings, and S1PTW/EA/FnV in the same places.
 */
#define ISS_FSC(iss)	((iss) & 0x3f)
#define ISS_WNR		(1u << 6)
#define ISS_S1PTW	(1u << 7)
#define ISS_CM		(1u << 8)
#define ISS_EA		(1u << 9)
#define ISS_FNV		(1u << 10)

/*
 * Fault status codes (DFSC/IFSC). The low two bits give the lookup
 * level for the four kinds that happen during a translation table walk:
 *   0b0000LL address size fault, level LL;
 *   0b0001LL translation fault (invalid descriptor, or VA out of range);
 *   0b0010LL access flag fault (descriptor with AF = 0);
 *   0b0011LL permission fault (AP/XN forbid the access).
 * 0b100001 is an alignment fault.
 */
#define FSC_ADDR_SIZE(l)	(0x00 + (l))
#define FSC_TRANS(l)		(0x04 + (l))
#define FSC_ACCESS(l)		(0x08 + (l))
#define FSC_PERM(l)		(0x0c + (l))
#define FSC_ALIGN		0x21
#define FSC_TYPE(fsc)		((fsc) & 0x3c)
#define FSC_LEVEL(fsc)		((fsc) & 3)

/*
 * SCTLR_EL1 bits used here: M (bit 0) enables the stage-1 MMU, A (1)
 * alignment checking, C (2) data caching, SA (3) SP alignment checking,
 * I (12) instruction caching. The value at reset is partly UNKNOWN, so
 * the start code writes a whole value: the bits that were RES1 in
 * Armv8.0 (11, 20, 22, 23, 28, 29) set, which in later versions keep
 * the Armv8.0 behaviour (bit 23, SPAN, set means PSTATE.PAN is left
 * alone on exception entry), little-endian, everything else clear.
 */
#define SCTLR_M		(1ull << 0)
#define SCTLR_A		(1ull << 1)
#define SCTLR_C		(1ull << 2)
#define SCTLR_SA	(1ull << 3)
#define SCTLR_I		(1ull << 12)
#define SCTLR_WXN	(1ull << 19)
#define SCTLR_INIT	0x30d00800ull

/* SPSR_ELx.M[3:0]: the mode the exception came from / ERET goes to. */
#define SPSR_M(spsr)	((spsr) & 0xf)
#define SPSR_EL0t	0x0
#define SPSR_EL1h	0x5

#endif
