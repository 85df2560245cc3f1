/* SPDX-License-Identifier: MIT */
/*
 * hv/pt: one walker for every table the hypervisor builds.
 *
 * In the style of KVM's arm64 kvm_pgtable_walk(): a table is described
 * by a format (struct pt_format: how many levels, how an address splits
 * into indices, which entries are present, leaves or tables, where an
 * entry points) and reached through memory ops (struct pt_mem_ops: read
 * and write an entry, allocate and free a table page). One walker visits
 * the entries covering an address range and calls a visitor:
 *
 *   PT_WALK_TABLE_PRE   a present table entry, before its child table
 *   PT_WALK_LEAF        any other entry: a leaf (page/block) or a
 *                       non-present entry
 *   PT_WALK_TABLE_POST  a table entry, after its child table
 *
 * Every operation on the hypervisor's tables (map, zap, split, dump) is a
 * small visitor plus a private data struct; nobody else writes nested
 * level loops.
 *
 * Rules the walker keeps, as kvm_pgtable_walk does:
 *  - After a LEAF or TABLE_PRE callback the entry is read again. If a
 *    LEAF callback installed a table, that table is walked (this is how
 *    "map" builds the path: allocate, link, descend). If a TABLE_PRE
 *    callback replaced the table by a leaf or cleared it, the walker does
 *    not descend and does not revisit the entry.
 *  - A callback returning non-zero (-errno) stops the walk; pt_walk()
 *    returns that value.
 *  - The walker never follows more levels than the format has, so a
 *    table that points at itself (or a wild output address) cannot make
 *    it loop. It reads entries only through the mem ops.
 *
 * Levels are numbered as the architecture numbers them (x86: 4 at the
 * root down to 1; arm64: start level up to 3); the walker also passes the
 * depth (0 at the root), which is what indexes struct pt_format's table.
 */
#ifndef HV_PT_H
#define HV_PT_H

#include <hv/types.h>

struct arena;

#define PT_MAX_DEPTH 5
#define PT_ENTRY_SIZE 8

/* One level of a table format, from the root down. */
struct pt_level {
	int8_t level;		/* the architecture's number for it */
	uint8_t shift;		/* address bits below this level's index */
	uint8_t bits;		/* index width; more than 9 at a root made of
				   concatenated tables (arm64 stage-2) */
	bool block_ok;		/* a leaf (large page / block) may sit here */
	const char *name;	/* "PML4", "PD", "L1" ... for dumps */
};

/*
 * A page-table format. Filled with designated initializers, const.
 * Entries are 64-bit. The address range the format can translate is
 * [0, 1 << (lvl[0].shift + lvl[0].bits)).
 */
struct pt_format {
	const char *name;		/* "ept4", "x86-64", "s2-4k-l1" */
	unsigned int depth;		/* number of levels */
	unsigned int root_pages;	/* 4 KiB pages in the root (1, or up to
					   16 concatenated for arm64 s2);
					   must equal 1 << (lvl[0].bits - 9)
					   when lvl[0].bits > 9 */
	struct pt_level lvl[PT_MAX_DEPTH];
	/* True if the entry maps something or points to a table. */
	bool (*present)(uint64_t e);
	/* True if a present @e at @depth maps a page or block. */
	bool (*leaf)(uint64_t e, unsigned int depth);
	/* Output address: the child table, or the page/block base. */
	uint64_t (*oa)(uint64_t e, unsigned int depth);
	/* Permissions @e grants (enum walk_perm bits). */
	uint32_t (*perms)(uint64_t e, unsigned int depth);
	/* An entry linking the child table at @table. */
	uint64_t (*mk_table)(hpa_t table);
	/*
	 * Decode @e's flags as short words ("R W X WB A") into @buf.
	 * Returns the length snprintf would have written. May be NULL.
	 */
	int (*describe)(uint64_t e, unsigned int depth, char *buf, size_t size);
};

/*
 * How the walker reaches table memory. @arg is pt_table.mm_arg.
 * The arena implementation (pt_arena_mm_ops, arg = struct arena *) is
 * the one every hypervisor table uses.
 */
struct pt_mem_ops {
	/* Read the entry at @addr (8-byte aligned hpa). */
	uint64_t (*read)(void *arg, hpa_t addr);
	/* Write the entry at @addr. */
	void (*write)(void *arg, hpa_t addr, uint64_t val);
	/* A zeroed 4 KiB table page, or 0 when exhausted. */
	hpa_t (*alloc_table)(void *arg);
	/* Give back a page from alloc_table. */
	void (*free_table)(void *arg, hpa_t table);
};

extern const struct pt_mem_ops pt_arena_mm_ops;

/* One table tree: its format, its memory, its root. */
struct pt_table {
	const struct pt_format *fmt;
	const struct pt_mem_ops *mm;
	void *mm_arg;
	hpa_t root;
};

enum pt_walk_flags {
	PT_WALK_LEAF = 1u << 0,
	PT_WALK_TABLE_PRE = 1u << 1,
	PT_WALK_TABLE_POST = 1u << 2,
};

/* What a visitor sees. */
struct pt_visit_ctx {
	struct pt_table *pt;
	hpa_t ptep;		/* address of the entry */
	uint64_t old;		/* its value when the visit began */
	uint64_t addr;		/* the walk's current address: the start of
				   the part of this entry inside the range
				   (not aligned for the first entry) */
	uint64_t end;		/* end of the walked range (exclusive) */
	int level;		/* architecture's level number */
	unsigned int depth;	/* 0 at the root */
	unsigned int index;	/* entry index within its table */
	enum pt_walk_flags visit;	/* which of the three visits */
	void *arg;		/* pt_walker.arg */
};

typedef int (*pt_visitor_fn)(const struct pt_visit_ctx *ctx);

struct pt_walker {
	pt_visitor_fn cb;
	void *arg;
	uint32_t flags;		/* enum pt_walk_flags: which visits */
};

/*
 * Walk the entries of @pt covering [@addr, @addr + @size), calling
 * @walker->cb for each requested visit in address order. The range is
 * clipped to what the format translates. Returns 0, or the first
 * non-zero value a callback returned.
 */
int pt_walk(struct pt_table *pt, uint64_t addr, uint64_t size,
	    const struct pt_walker *walker);

/* Bytes one entry at @depth covers. */
static inline uint64_t pt_entry_size(const struct pt_format *fmt,
				     unsigned int depth)
{
	return 1ull << fmt->lvl[depth].shift;
}

/* Index of @addr in a table at @depth. */
static inline unsigned int pt_index(const struct pt_format *fmt,
				   unsigned int depth, uint64_t addr)
{
	const struct pt_level *l = &fmt->lvl[depth];

	return (unsigned int)((addr >> l->shift) & ((1ull << l->bits) - 1));
}

/* The first address the format cannot translate (0 if it is 2^64). */
uint64_t pt_format_limit(const struct pt_format *fmt);

/* Depth of architecture level @level in @fmt, or -1. */
int pt_format_depth(const struct pt_format *fmt, int level);

/*
 * Look up @addr: fills the leaf (or the non-present entry where the walk
 * stopped) in *@entry, its depth in *@depth and returns true when a
 * present leaf maps @addr. Any argument but @pt may be NULL.
 */
bool pt_lookup(struct pt_table *pt, uint64_t addr, uint64_t *entry,
	       unsigned int *depth);

/*
 * Free every table below the root (not the root itself) without
 * changing any entry visible to anyone: for teardown only. Returns the
 * number of pages freed.
 */
uint64_t pt_free_subtables(struct pt_table *pt);

/* --- the dumper --------------------------------------------------------- */

/* Receives one line, no newline. */
typedef void (*pt_dump_line_fn)(void *opaque, const char *line);

/*
 * Print every present entry covering [@addr, @addr + @size), one line
 * each, indented by depth:
 *
 *   PML4[  0] 0x0000000000000000-0x0000007fffffffff 0x0000000000002007 R W X -> table 0x2000
 *     PDPT[  1] 0x0000000040000000-0x000000007fffffff 0x00000000400000f7 R W X WB L -> 1G 0x40000000
 *
 * Returns the number of lines.
 */
int pt_dump(struct pt_table *pt, uint64_t addr, uint64_t size,
	    pt_dump_line_fn fn, void *opaque);

/*
 * The same into @buf (each line ended by '\n', NUL-terminated,
 * truncated to @bufsize). Returns the length the whole dump needs (as
 * snprintf), so a caller can size a second try.
 */
size_t pt_dump_buf(struct pt_table *pt, uint64_t addr, uint64_t size,
		   char *buf, size_t bufsize);

#endif
