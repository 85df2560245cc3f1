/* SPDX-License-Identifier: MIT */
/*
 * The walk record: one page-table walk, step by step.
 *
 * Every walk fills one: the guest's own walk, a shadow walk, a TDP/EPT
 * walk, arm64 stage-1 and stage-2, and the two-dimensional walk in which
 * every guest table reference is itself translated through the nested
 * tables. For a 4-level guest under 4-level EPT that is 24 memory
 * references: 4 x (4 EPT + 1 guest) + 4 EPT for the final gpa.
 *
 * The TUI draws it, the CLI prints it, tests assert it.
 */
#ifndef HV_WALK_H
#define HV_WALK_H

#include <hv/types.h>

#define WALK_MAX_STEPS 48

/* Which tables a step read. */
enum walk_table {
	WALK_GUEST,		/* x86 guest page tables (gpa) */
	WALK_EPT,		/* x86 EPT / TDP tables (hpa) */
	WALK_SHADOW,		/* x86 shadow tables (hpa) */
	WALK_S1,		/* arm64 stage-1 (ipa) */
	WALK_S2,		/* arm64 stage-2 (hpa) */
};

/* Permission bits accumulated along a walk (architecture neutral). */
enum walk_perm {
	WALK_P_READ = 1u << 0,
	WALK_P_WRITE = 1u << 1,
	WALK_P_EXEC = 1u << 2,	/* executable (supervisor, or all on x86) */
	WALK_P_USER = 1u << 3,	/* user accessible */
	WALK_P_UEXEC = 1u << 4,	/* arm64: EL0 executable */
	WALK_P_GLOBAL = 1u << 5,
	WALK_P_DIRTY = 1u << 6,
	WALK_P_ACCESSED = 1u << 7,
};

struct walk_step {
	uint8_t table;		/* enum walk_table */
	int8_t level;		/* as the architecture numbers it: x86 4..1,
				   arm64 0..3 (-1 for concatenated start) */
	uint16_t index;		/* entry index within the table */
	uint32_t perms;		/* enum walk_perm, accumulated so far */
	uint64_t table_addr;	/* gpa (guest/S1) or hpa (EPT/shadow/S2) */
	uint64_t entry_addr;	/* address of the entry read */
	uint64_t entry;		/* the entry's value as read (after A/D) */
	uint64_t input;		/* the address this step translates */
	bool leaf;		/* entry mapped a page or block */
	uint8_t leaf_shift;	/* ... of 1 << leaf_shift bytes (the
				   format decides: 4 MiB for a 32-bit PDE,
				   32 MiB for a 16 KiB-granule L2 block) */
};

enum walk_result {
	WALK_OK,		/* translated: out is the output address */
	WALK_FAULT,		/* the guest's tables fault: fault_code set */
	WALK_NESTED_FAULT,	/* EPT violation / stage-2 fault */
	WALK_MMIO,		/* the output gpa is not RAM */
	WALK_ERROR,		/* host error (e.g. table pool exhausted) */
};

struct walk_record {
	uint8_t kind;		/* enum walk_table of the outer walk */
	uint8_t nsteps;
	uint8_t result;		/* enum walk_result */
	uint8_t page_shift;	/* size of the mapping found (12, 21, ...) */
	uint32_t access;	/* what was asked (architecture's bits) */
	uint64_t input;		/* gva / ipa walked */
	uint64_t out;		/* gpa (or hpa when nested) on WALK_OK */
	uint64_t out_hpa;	/* hpa when known */
	uint32_t perms;		/* final enum walk_perm */
	uint64_t fault_code;	/* #PF error code, EPT qualification, ESR */
	int8_t fault_level;	/* level at which the walk stopped */
	const char *why;	/* static text: "not present", "RSVD bit 63" */
	struct walk_step step[WALK_MAX_STEPS];
};

static inline void walk_record_init(struct walk_record *rec, uint8_t kind,
				    uint64_t input, uint32_t access)
{
	rec->kind = kind;
	rec->nsteps = 0;
	rec->result = WALK_OK;
	rec->page_shift = 0;
	rec->access = access;
	rec->input = input;
	rec->out = 0;
	rec->out_hpa = 0;
	rec->perms = 0;
	rec->fault_code = 0;
	rec->fault_level = -1;
	rec->why = NULL;
}

/* Append a step; silently drops steps beyond WALK_MAX_STEPS. */
static inline struct walk_step *walk_record_push(struct walk_record *rec)
{
	static struct walk_step sink;

	if (rec->nsteps >= WALK_MAX_STEPS)
		return &sink;
	return &rec->step[rec->nsteps++];
}

const char *walk_table_name(enum walk_table t);
const char *walk_result_name(enum walk_result r);

/*
 * The record as text for students (the CLI's `translate`, the TUI's
 * walk pane): a header (what was walked, the access, how many memory
 * references), one line per step with its entry, the decoded flags and
 * the permissions so far, nested EPT / stage-2 steps indented under the
 * step whose table address they translate (the final gpa's nested walk
 * last), then the result or the fault and why. Lines end in '\n'.
 * Returns the length snprintf would have written.
 */
int walk_record_format(const struct walk_record *rec, char *buf, size_t size);

#endif
