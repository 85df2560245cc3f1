/*
 * mt_core.h: what the stage-1 MMU checks (mt_*.c) share: the accessors
 * that fault on purpose, the fault log and the repairs the handler
 * makes, and the report helpers that compare a fault with the syndrome
 * the Arm ARM gives. Guests use mmutests.h, not this.
 */
#ifndef MT_CORE_H
#define MT_CORE_H

#include "mmutests.h"

/*
 * Accessors whose first instruction is the access, so that ELR_EL1 must
 * equal the function's address and FAR_EL1 the exact address passed:
 *   mt_ldrb(va)     LDRB, returns the byte;   mt_strb(va, v)  STRB;
 *   mt_ldr(va)      LDR of 8 bytes;           mt_str(va, v)   STR;
 *   mt_where()      returns the address it runs at (ADR), to tell
 *                   which alias of the code is executing.
 */
uint64_t mt_ldrb(uint64_t va);
void mt_strb(uint64_t va, uint64_t v);
uint64_t mt_ldr(uint64_t va);
void mt_str(uint64_t va, uint64_t v);
uint64_t mt_where(void);
/* Call the code at va (a function pointer from a number). */
uint64_t mt_call(uint64_t va);

/* x0 after an access the handler skipped, or a call it returned from. */
#define MT_FAULTED 0xfa17fa17fa17fa17ull
/* The n-th 64 KiB slot of a window: one page under every granule. */
#define SLOT(win, n) ((win) + (uint64_t)(n) * 0x10000)
#define U(x) ((unsigned long long)(x))

/* "mov x0, #42; ret": the code the execute checks run. */
#define INSN_MOV_X0_42	0xd2800540u
#define INSN_RET	0xd65f03c0u

/* What the handler does after logging an abort (see mt_core.c). */
enum fix { FIX_NONE, FIX_SKIP, FIX_RETURN, FIX_DEMAND, FIX_AF, FIX_WRITABLE };

struct fault {
	unsigned kind;		/* the vector taken (enum trap_kind) */
	uint64_t esr, far, elr;
};

struct mt_state {
	struct pt *t0, *t1;	/* tables in TTBR0 / TTBR1 */
	unsigned asid;		/* the ASID in TTBR0 */
	unsigned ram_level;	/* leaf level of the identity map of RAM */
	enum fix fix;
	uint64_t demand_lo, demand_hi;	/* where FIX_DEMAND may map pages */
	int n;			/* aborts since mt_expect() */
	struct fault log[16];
};
extern struct mt_state mt;

/* The byte every demand-paged or prefilled page holds at va. */
uint8_t mt_pattern(uint64_t va);
void mt_fill_pattern(void *frame, uint64_t va, uint64_t size);
/* Fill with "mov x0, #42; ret" pairs and make them fetchable. */
void mt_fill_code(void *frame, uint64_t size);

uint64_t mt_granule(void);		/* of the TTBR0 tables */
void *mt_frame(void);			/* one zeroed granule */
/* Map one granule at va (a level-3 page) in the TTBR0 tables; returns
 * the descriptor's address. */
uint64_t *mt_map_page(uint64_t va, void *f, uint64_t attrs);

/* Start a check: empty the log, repair with f. */
void mt_expect(enum fix f);
/* End of the checks that expect aborts: any abort is unexpected. */
void mt_expect_none(void);

bool mt_fault_is(const struct fault *f, unsigned ec, unsigned fsc, bool wnr,
		 uint64_t far, uint64_t elr);
void mt_fault_diag(unsigned ec, unsigned fsc, bool wnr, uint64_t far,
		   uint64_t elr);
/* Report one check: exactly one abort, with this EC, fault status (type
 * and level), WnR, FAR and ELR. */
bool mt_check_fault(const char *what, unsigned ec, unsigned fsc, bool wnr,
		    uint64_t far, uint64_t elr);
/* Report one check: no abort at all. */
bool mt_check_no_fault(const char *what);

#endif
