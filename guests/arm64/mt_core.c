/*
 * mt_core.c: the machinery of the stage-1 MMU checks: the faulting
 * accessors, the abort handler with its repairs, the comparison of a
 * logged abort with the syndrome the Arm ARM gives, and the identity
 * map every MMU guest runs on.
 *
 * The handler logs each abort (and each SVC from EL0) and then, as the
 * running check asked (mt.fix):
 *   SKIP      resume after the access (ELR + 4), x0 = MT_FAULTED;
 *   RETURN    resume at x30, x0 = MT_FAULTED: a call that faulted on
 *             its first fetch returns to its caller;
 *   DEMAND    map a fresh page for a translation fault in the demand
 *             window, creating missing tables, and retry;
 *   AF        set the access flag of the leaf and retry;
 *   WRITABLE  make the leaf read/write, TLBI VAE1, and retry.
 * A repair that does not repair faults again; after 16 aborts the
 * handler gives up and the run ends with FAIL.
 */
#include "mt_core.h"

__asm__(".text\n"
	".globl mt_ldrb\n"
	"mt_ldrb:  ldrb w0, [x0]\n"
	"	ret\n"
	".globl mt_strb\n"
	"mt_strb:  strb w1, [x0]\n"
	"	ret\n"
	".globl mt_ldr\n"
	"mt_ldr:   ldr x0, [x0]\n"
	"	ret\n"
	".globl mt_str\n"
	"mt_str:   str x1, [x0]\n"
	"	ret\n"
	".globl mt_where\n"	/* returns the address it runs at */
	"mt_where: adr x0, mt_where\n"
	"	ret\n");

struct mt_state mt;

/* A byte that depends on every part of the VA, so that a page mapped at
 * the wrong place, or the wrong frame, reads differently. */
uint8_t mt_pattern(uint64_t va)
{
	return (uint8_t)(va ^ (va >> 7) ^ (va >> 19) ^ (va >> 37));
}

void mt_fill_pattern(void *frame, uint64_t va, uint64_t size)
{
	uint8_t *p = frame;

	for (uint64_t i = 0; i < size; i++)
		p[i] = mt_pattern(va + i);
}

void mt_fill_code(void *frame, uint64_t size)
{
	uint32_t *p = frame;

	for (uint64_t i = 0; i < size / 4; i += 2) {
		p[i] = INSN_MOV_X0_42;
		p[i + 1] = INSN_RET;
	}
	sync_icache((uint64_t)frame, size);
}

static struct pt *pt_for(uint64_t va)
{
	return (va >> 63) && mt.t1 ? mt.t1 : mt.t0;
}

uint64_t mt_granule(void)
{
	return pt_granule(mt.t0);
}

void *mt_frame(void)
{
	return frame_alloc(mt_granule(), mt_granule());
}

uint64_t mt_call(uint64_t va)
{
	return ((uint64_t (*)(void))va)();
}

/* Map one granule at va (a level-3 page) in the TTBR0 tables. */
uint64_t *mt_map_page(uint64_t va, void *f, uint64_t attrs)
{
	pt_map(mt.t0, va, (uint64_t)f, mt_granule(), 3, attrs);
	return pt_slot(mt.t0, va, 3, false);
}

/*
 * Demand paging: a page for the faulting VA, filled with the pattern
 * (or with code, for an instruction fetch), entered as a level-3 page
 * descriptor, tables on the way created as needed. Only invalid
 * descriptors change, and those are never held in a TLB, so a DSB
 * (the walker sees the writes) is all the retry needs; ERET is context
 * synchronizing.
 */
static void demand_map(uint64_t far, bool code)
{
	struct pt *pt = pt_for(far);
	uint64_t g = pt_granule(pt), page = far & ~(g - 1);
	void *f = frame_alloc(g, g);
	uint64_t *d = pt_slot(pt, page, 3, true);

	if (code)
		mt_fill_code(f, g);
	else
		mt_fill_pattern(f, page, g);
	*d = (uint64_t)f | PTE_NORMAL | PTE_NG | PTE_PAGE | PTE_VALID |
	     (code ? PTE_UXN : PTE_UXN | PTE_PXN);
	pt_sync();
}

/*
 * The synchronous exception handler of the MMU guests. Aborts are told
 * apart by EC (0x20/0x21 instruction abort from EL0/EL1, 0x24/0x25 data
 * abort) and by the type in DFSC/IFSC bits [5:2]; FAR_EL1 holds the VA
 * that faulted, ELR_EL1 the instruction to retry. An abort a check did
 * not ask for returns false: the runtime prints it and ends with FAIL.
 */
static bool mt_handler(struct trap_frame *tf, unsigned kind)
{
	unsigned ec = ESR_EC(tf->esr);
	unsigned iss = ESR_ISS(tf->esr);
	unsigned fsc = ISS_FSC(iss);
	bool iabt = ec == EC_IABT_CUR || ec == EC_IABT_LOW;
	bool dabt = ec == EC_DABT_CUR || ec == EC_DABT_LOW;
	unsigned level;
	uint64_t *leaf;

	if (mt.fix == FIX_NONE || mt.n >= 16)
		return false;
	if (!iabt && !dabt && ec != EC_SVC64)
		return false;
	mt.log[mt.n++] = (struct fault){ kind, tf->esr, tf->far, tf->elr };
	if (ec == EC_SVC64)
		return true;	/* EL0 "SVC #imm": ELR is past it already */

	switch (mt.fix) {
	case FIX_SKIP:
		tf->elr += 4;
		tf->x[0] = MT_FAULTED;
		return true;
	case FIX_RETURN:
		tf->elr = tf->x[30];
		tf->x[0] = MT_FAULTED;
		return true;
	case FIX_DEMAND:
		if (FSC_TYPE(fsc) != FSC_TRANS(0) || tf->far < mt.demand_lo ||
		    tf->far >= mt.demand_hi)
			return false;
		demand_map(tf->far, iabt);
		return true;
	case FIX_AF:
		leaf = pt_leaf(pt_for(tf->far), tf->far, &level);
		if (FSC_TYPE(fsc) != FSC_ACCESS(0) || !leaf)
			return false;
		*leaf |= PTE_AF;	/* AF = 0 is never cached: no TLBI */
		pt_sync();
		return true;
	case FIX_WRITABLE:
		leaf = pt_leaf(pt_for(tf->far), tf->far, &level);
		if (FSC_TYPE(fsc) != FSC_PERM(0) || !(iss & ISS_WNR) || !leaf)
			return false;
		*leaf &= ~PTE_AP_MASK;		/* AP 00: EL1 read/write */
		tlbi_vae1(tf->far, mt.asid);	/* the RO entry may be cached */
		return true;
	case FIX_NONE:
		break;
	}
	return false;
}

void mt_expect(enum fix f)
{
	mt.fix = f;
	mt.n = 0;
}

void mt_expect_none(void)
{
	mt.fix = FIX_NONE;
}

/*
 * The syndrome an abort must have, from the Arm ARM:
 *   data abort: EC 0x25 (from EL1) or 0x24 (from EL0), IL 1, DFSC, WnR,
 *     and 0 in S1PTW, CM, EA, FnV, SET, VNCR (ISS[13:7]); ISS[24:14]
 *     (ISV and the instruction syndrome it validates) may or may not be
 *     filled for a fault taken to EL1, so they are not compared;
 *   instruction abort: EC 0x21 / 0x20, IL 1, IFSC, every other ISS bit 0.
 */
#define DABT_IGNORED 0x01ffc000ull

bool mt_fault_is(const struct fault *f, unsigned ec, unsigned fsc,
		     bool wnr, uint64_t far, uint64_t elr)
{
	uint64_t want = (uint64_t)ec << 26 | ESR_IL | fsc | (wnr ? ISS_WNR : 0);
	uint64_t got = f->esr;

	if (ec == EC_DABT_CUR || ec == EC_DABT_LOW)
		got &= ~DABT_IGNORED;
	return got == want && f->far == far && f->elr == elr;
}

static const char *fsc_name(unsigned fsc)
{
	switch (FSC_TYPE(fsc)) {
	case FSC_ADDR_SIZE(0): return "address size";
	case FSC_TRANS(0): return "translation";
	case FSC_ACCESS(0): return "access flag";
	case FSC_PERM(0): return "permission";
	}
	return "other";
}

void mt_fault_diag(unsigned ec, unsigned fsc, bool wnr, uint64_t far,
		       uint64_t elr)
{
	printf("#   %d aborts; want ESR %08llx FAR %llx ELR %llx\n", mt.n,
	       U((uint64_t)ec << 26 | ESR_IL | fsc | (wnr ? ISS_WNR : 0)),
	       U(far), U(elr));
	for (int i = 0; i < mt.n && i < 16; i++)
		printf("#   got  ESR %08llx FAR %llx ELR %llx\n",
		       U(mt.log[i].esr), U(mt.log[i].far), U(mt.log[i].elr));
}

/*
 * One check: exactly one abort was taken, with this EC, fault status
 * (type and level), WnR, FAR and ELR. The line names the fault; on a
 * mismatch a diagnostic line shows what was taken.
 */
bool mt_check_fault(const char *what, unsigned ec, unsigned fsc,
			    bool wnr, uint64_t far, uint64_t elr)
{
	bool ok = mt.n == 1 && mt_fault_is(&mt.log[0], ec, fsc, wnr, far, elr);
	bool data = ec == EC_DABT_CUR || ec == EC_DABT_LOW;

	report(ok, "%s: %s abort from %s, %s fault level %u%s, FAR and ELR exact",
	       what, data ? "data" : "instruction",
	       ec == EC_DABT_LOW || ec == EC_IABT_LOW ? "EL0" : "EL1",
	       fsc_name(fsc), FSC_LEVEL(fsc),
	       data ? (wnr ? ", WnR 1" : ", WnR 0") : "");
	if (!ok)
		mt_fault_diag(ec, fsc, wnr, far, elr);
	return ok;
}

bool mt_check_no_fault(const char *what)
{
	report(mt.n == 0, "%s: no fault", what);
	if (mt.n)
		printf("#   got ESR %08llx FAR %llx\n", U(mt.log[0].esr),
		       U(mt.log[0].far));
	return mt.n == 0;
}

/* ---------------------------------------------------------------- */

/*
 * The identity map every MMU guest runs on: RAM as Normal write-back
 * memory, EL1 read/write/execute, no EL0 access and UXN; the UART as
 * Device-nGnRnE, never executable. Global entries (nG = 0): they hold
 * for every ASID.
 */
void mt_identity(struct pt *pt, unsigned ram_level, unsigned dev_level)
{
	uint64_t span = pt_span(pt, ram_level);
	uint64_t base = RAM_BASE & ~(span - 1);
	uint64_t end = (RAM_BASE + RAM_SIZE + span - 1) & ~(span - 1);

	pt_map(pt, base, base, end - base, ram_level,
	       PTE_NORMAL | PTE_AP_RW_EL1 | PTE_UXN);
	span = pt_span(pt, dev_level);
	pt_map(pt, UART_BASE & ~(span - 1), UART_BASE & ~(span - 1), span,
	       dev_level, PTE_DEVICE | PTE_AP_RW_EL1);
	mt.ram_level = ram_level;
}

void mt_setup(struct pt *t0, unsigned asid, struct pt *t1)
{
	mt.t0 = t0;
	mt.asid = asid;
	mt.t1 = t1;
	pan_off();
	trap_set_handler(mt_handler);
}
