/*
 * traps: the exception plumbing, with the MMU off.
 *
 * Each check makes one synchronous exception happen on purpose, lets
 * the handler record ESR_EL1, FAR_EL1, ELR_EL1, SPSR_EL1 and the vector
 * taken, and has it resume: past the instruction (ELR + 4), at the
 * instruction after an SVC (where ELR already points), or back at the
 * caller (ELR = x30) after a bad branch. The syndromes are compared
 * with the values the Arm ARM gives, field by field where a field may
 * legitimately differ between implementations (ISV of a data abort
 * taken to EL1 is one such).
 *
 * Then EL0: with the MMU off EL0 may touch all of memory, so ERET to
 * EL0 and "SVC #0" back work before any translation table exists.
 */
#include "guest.h"
#include "trap.h"

/* Functions whose faulting instruction has a label of its own, so that
 * ELR_EL1 can be compared with its address. */
uint64_t do_brk(uint64_t x);
uint64_t do_svc(uint64_t x);
void do_udf(void);
uint64_t do_load(uint64_t addr);
void do_store(uint64_t addr, uint64_t v);
extern char brk_insn[], svc_insn[], udf_insn[], load_insn[], store_insn[];

__asm__(
	".text\n"
	".globl do_brk\n"
	"do_brk:\n"
	"brk_insn: brk #0x1234\n"
	"	ret\n"
	".globl do_svc\n"
	"do_svc:\n"
	"svc_insn: svc #7\n"
	"	ret\n"
	".globl do_udf\n"
	"do_udf:\n"
	"udf_insn: udf #0\n"
	"	ret\n"
	".globl do_load\n"
	"do_load:\n"
	"load_insn: ldr x0, [x0]\n"
	"	ret\n"
	".globl do_store\n"
	"do_store:\n"
	"store_insn: str x1, [x0]\n"
	"	ret\n");

enum action {
	SKIP,		/* ELR += 4 */
	RESUME,		/* leave ELR: SVC, whose ELR is the next instruction */
	RETURN,		/* ELR = x30: return from a call that faulted */
};

static struct {
	enum action action;
	int count;
	unsigned kind;
	uint64_t esr, far, elr, spsr;
	uint64_t x0_in;		/* x0 at the exception */
} last;

/* Record, then let x0 carry a result so that frame restore is visible:
 * the handler adds 100 to x0 (an emulated MRS sets it to 0xc7c). */
static bool handler(struct trap_frame *tf, unsigned kind)
{
	last.count++;
	last.kind = kind;
	last.esr = tf->esr;
	last.far = tf->far;
	last.elr = tf->elr;
	last.spsr = tf->spsr;
	last.x0_in = tf->x[0];
	tf->x[0] += 100;
	if (ESR_EC(tf->esr) == EC_SYS64)
		tf->x[(ESR_ISS(tf->esr) >> 5) & 31] = 0xc7c;
	switch (last.action) {
	case SKIP:
		tf->elr += 4;
		break;
	case RESUME:
		break;
	case RETURN:
		tf->elr = tf->x[30];
		break;
	}
	return true;
}

static void expect(enum action a)
{
	last.action = a;
	last.count = 0;
	last.esr = last.far = last.elr = last.spsr = ~0ull;
}

#define U(x) ((unsigned long long)(x))
/* ISS[24:14] of a data abort: ISV and the instruction syndrome it
 * validates, which an implementation may or may not provide for a
 * fault taken to EL1. Everything else (DFSC, WnR, S1PTW, CM, EA, FnV,
 * SET, VNCR in ISS[13:0]; EC; IL) is compared. */
#define DABT_ISS_IGNORED 0x01ffc000ull

static void el1_checks(void)
{
	uint64_t r;

	/* BRK: EC 0x3c, ISS = the immediate; ELR = the BRK itself. */
	expect(SKIP);
	r = do_brk(5);
	report(last.count == 1 && last.kind == TRAP_CUR_SPX_SYNC,
	       "BRK at EL1 is taken once, to the current-EL SP_ELx vector");
	report_eq(last.esr, 0x3cull << 26 | ESR_IL | 0x1234,
		  "BRK #0x1234: ESR_EL1 = 0xf2001234 (EC 0x3c, IL, imm16)");
	report(last.elr == (uint64_t)brk_insn,
	       "BRK: ELR_EL1 is the address of the BRK");
	report_eq(SPSR_M(last.spsr), SPSR_EL1h, "BRK: SPSR_EL1.M is EL1h");
	report(last.x0_in == 5 && r == 105,
	       "registers saved and restored around the handler (x0 5 -> %llu)",
	       U(r));

	/* SVC: EC 0x15, ISS = imm16; the preferred return is the next
	 * instruction. */
	expect(RESUME);
	r = do_svc(1);
	report_eq(last.esr, 0x15ull << 26 | ESR_IL | 7,
		  "SVC #7 at EL1: ESR_EL1 = 0x56000007 (EC 0x15, IL, imm16)");
	report(last.elr == (uint64_t)svc_insn + 4 && r == 101,
	       "SVC: ELR_EL1 is the instruction after the SVC");

	/* UDF: an unallocated encoding, EC 0 ("unknown reason"), IL 1,
	 * ISS 0; ELR is the instruction. */
	expect(SKIP);
	do_udf();
	report_eq(last.esr, ESR_IL,
		  "UDF #0: ESR_EL1 = 0x02000000 (EC 0, unknown reason; IL)");
	report(last.elr == (uint64_t)udf_insn, "UDF: ELR_EL1 is the UDF");

	/* Alignment: with SCTLR_EL1.A set, an 8-byte access to an address
	 * that is not a multiple of 8 faults with DFSC 0b100001; FAR holds
	 * the address, WnR tells load from store. */
	static uint64_t words[4];
	uint64_t odd = (uint64_t)&words[1] + 3;

	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_A);
	isb();
	expect(SKIP);
	do_load(odd);
	uint64_t ld_esr = last.esr, ld_far = last.far, ld_elr = last.elr;
	expect(SKIP);
	do_store(odd, 0x77);
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~SCTLR_A);
	isb();
	report_eq(ld_esr & ~DABT_ISS_IGNORED, 0x25ull << 26 | ESR_IL | FSC_ALIGN,
		  "unaligned LDR with SCTLR.A: data abort, same EL (EC 0x25), "
		  "DFSC 0x21, WnR 0");
	report(ld_far == odd && ld_elr == (uint64_t)load_insn,
	       "unaligned LDR: FAR_EL1 is the address, ELR_EL1 the LDR");
	report_eq(last.esr & ~DABT_ISS_IGNORED,
		  0x25ull << 26 | ESR_IL | ISS_WNR | FSC_ALIGN,
		  "unaligned STR: DFSC 0x21, WnR 1");
	report(last.far == odd && last.elr == (uint64_t)store_insn &&
	       words[1] == 0 && words[2] == 0,
	       "unaligned STR: FAR is the address, memory untouched");

	/* A branch to an address that is not a multiple of 4: PC
	 * alignment fault, EC 0x22, ISS 0, FAR = ELR = that address. */
	uint64_t (*bad)(void) = (uint64_t (*)(void))((uint64_t)do_brk + 2);
	expect(RETURN);
	bad();
	report(last.count == 1, "branch to PC 2 mod 4 faults once");
	report_eq(last.esr, 0x22ull << 26 | ESR_IL,
		  "PC alignment fault: ESR_EL1 = 0x8a000000 (EC 0x22, IL)");
	report(last.far == (uint64_t)bad && last.elr == (uint64_t)bad,
	       "PC alignment fault: FAR_EL1 and ELR_EL1 are the bad PC");
}

static uint64_t el0_stack[64] __attribute__((aligned(16)));
#define EL0_SP ((uint64_t)&el0_stack[64])

static void el0_checks(void)
{
	static uint64_t cell = 0x1122334455667788ull;
	uint64_t r;

	expect(SKIP);
	r = run_el0((uint64_t)el0_load, EL0_SP, (uint64_t)&cell, 0);
	report(r == 0x1122334455667788ull && last.count == 0,
	       "ERET to EL0, a load there (MMU off), SVC #0 back to EL1");
	r = run_el0((uint64_t)el0_store, EL0_SP, (uint64_t)&cell, 0x99);
	report(r == 0 && cell == 0x99, "EL0 store with the MMU off");

	/* SVC from EL0: the lower-EL AArch64 vector (VBAR + 0x400),
	 * SPSR.M = EL0t, ELR after the SVC, ISS = the immediate. */
	expect(RESUME);
	r = run_el0((uint64_t)el0_svc_probe, EL0_SP, 0, 0);
	report(last.count == 1 && last.kind == TRAP_LOW64_SYNC,
	       "SVC #0x42 from EL0 is taken to the lower-EL vector");
	report_eq(last.esr, 0x15ull << 26 | ESR_IL | 0x42,
		  "SVC from EL0: ESR_EL1 = 0x56000042");
	report(SPSR_M(last.spsr) == SPSR_EL0t &&
	       last.elr == (uint64_t)el0_svc_probe + 4 && r == 0x5ec,
	       "SVC from EL0: SPSR.M = EL0t, ELR after the SVC, EL0 resumed");

	/* MRS CTR_EL0 at EL0 with SCTLR_EL1.UCT = 0 is trapped: EC 0x18,
	 * ISS = Op0 [21:20], Op2 [19:17], Op1 [16:14], CRn [13:10],
	 * Rt [9:5], CRm [4:1], Direction [0] (1 = read). CTR_EL0 is
	 * op0 3, op1 3, CRn 0, CRm 0, op2 1: ISS 0x32c001. The handler
	 * emulates it (x0 = 0xc7c) and skips the MRS. */
	expect(SKIP);
	r = run_el0((uint64_t)el0_mrs_ctr, EL0_SP, 0, 0);
	report_eq(last.esr, 0x18ull << 26 | ESR_IL | 0x32c001,
		  "EL0 MRS CTR_EL0 traps: ESR_EL1 = 0x6232c001 (EC 0x18)");
	report(last.elr == (uint64_t)el0_mrs_ctr && r == 0xc7c,
	       "trapped MRS: ELR is the MRS, emulated result reaches EL0");

	/* An EL1 register at EL0 is UNDEFINED: EC 0, ESR 0x02000000. */
	expect(SKIP);
	r = run_el0((uint64_t)el0_mrs_sctlr, EL0_SP, 0, 0);
	report_eq(last.esr, ESR_IL,
		  "EL0 MRS SCTLR_EL1 is UNDEFINED: ESR_EL1 = 0x02000000");
	report(last.elr == (uint64_t)el0_mrs_sctlr + 4 && r == 100,
	       "UNDEFINED at EL0: ELR is the MRS, EL0 resumed after it");

	/* Alignment fault at EL0: the lower-EL data abort class, 0x24. */
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) | SCTLR_A);
	isb();
	expect(SKIP);
	uint64_t odd = (uint64_t)&cell + 4;
	run_el0((uint64_t)el0_load, EL0_SP, odd, 0);
	write_sysreg(sctlr_el1, read_sysreg(sctlr_el1) & ~SCTLR_A);
	isb();
	report_eq(last.esr & ~DABT_ISS_IGNORED, 0x24ull << 26 | ESR_IL | FSC_ALIGN,
		  "unaligned load at EL0: data abort from a lower EL (EC 0x24), "
		  "DFSC 0x21");
	report(last.far == odd && last.elr == (uint64_t)el0_load,
	       "unaligned load at EL0: FAR the address, ELR the load");
}

void guest_main(void)
{
	trap_set_handler(handler);
	el1_checks();
	el0_checks();
}
