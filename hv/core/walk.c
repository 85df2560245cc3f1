// SPDX-License-Identifier: MIT
/*
 * Walk records as text: what a student reads in the CLI after
 * `translate`, and what the tests compare against.
 *
 * A two-dimensional walk is stored flat, in the order the hardware made
 * the references: the nested (EPT / stage-2) steps that translate a
 * guest table's address come before the guest step that reads it, and
 * the nested steps of the final address come last. The formatter turns
 * that around for reading: each guest step first, then, indented under
 * it, the nested walk that found its table in host memory.
 *
 * Entry decoding is table driven: one list of named bits per kind of
 * table, one per code (error code, qualification).
 */
#include <stdarg.h>
#include <stdio.h>

#include <hv/walk.h>

struct walk_bit {
	uint8_t bit;
	const char *name;
};

/* x86 guest and shadow entries (32-bit entries simply lack bit 63). */
static const struct walk_bit x86_pte_bits[] = {
	{ 0, "P" }, { 1, "RW" }, { 2, "US" }, { 3, "PWT" }, { 4, "PCD" },
	{ 5, "A" }, { 6, "D" }, { 7, "PS" }, { 8, "G" }, { 63, "XD" },
};

static const struct walk_bit ept_bits[] = {
	{ 0, "R" }, { 1, "W" }, { 2, "X" }, { 6, "IPAT" }, { 7, "L" },
	{ 8, "A" }, { 9, "D" }, { 10, "UX" },
};

/* arm64 descriptors (stage-1 and stage-2 share the low bits). */
static const struct walk_bit arm64_desc_bits[] = {
	{ 0, "V" }, { 1, "T" }, { 10, "AF" }, { 51, "DBM" }, { 53, "PXN" },
	{ 54, "XN" },
};

static const struct walk_bit x86_pferr_bits[] = {
	{ 0, "P" }, { 1, "W" }, { 2, "U" }, { 3, "RSVD" }, { 4, "I/D" },
	{ 5, "PK" },
};

static const struct walk_bit ept_qual_bits[] = {
	{ 0, "read" }, { 1, "write" }, { 2, "fetch" }, { 3, "R" }, { 4, "W" },
	{ 5, "X" }, { 7, "gva-valid" }, { 8, "final-gpa" },
};

static const struct walk_bit perm_bits[] = {
	{ 0, "R" }, { 1, "W" }, { 2, "X" }, { 3, "U" }, { 4, "UX" },
	{ 5, "G" }, { 6, "D" }, { 7, "A" },
};

/* What one kind of table is, for the reader. */
struct walk_kind_desc {
	const char *name;		/* "guest", "EPT" */
	const char *space;		/* address space of its tables */
	const struct walk_bit *bits;	/* entry flags */
	size_t nbits;
	bool x86;			/* x86 level names and codes */
};

#define BITS(a) (a), ARRAY_SIZE(a)

static const struct walk_kind_desc walk_kinds[] = {
	[WALK_GUEST] = { "guest", "gpa", BITS(x86_pte_bits), true },
	[WALK_EPT] = { "EPT", "hpa", BITS(ept_bits), true },
	[WALK_SHADOW] = { "shadow", "hpa", BITS(x86_pte_bits), true },
	[WALK_S1] = { "stage-1", "ipa", BITS(arm64_desc_bits), false },
	[WALK_S2] = { "stage-2", "hpa", BITS(arm64_desc_bits), false },
};

static const char *const walk_result_names[] = {
	[WALK_OK] = "ok",
	[WALK_FAULT] = "fault",
	[WALK_NESTED_FAULT] = "nested fault",
	[WALK_MMIO] = "mmio",
	[WALK_ERROR] = "error",
};

const char *walk_table_name(enum walk_table t)
{
	return (unsigned int)t < ARRAY_SIZE(walk_kinds) ? walk_kinds[t].name : "?";
}

const char *walk_result_name(enum walk_result r)
{
	return (unsigned int)r < ARRAY_SIZE(walk_result_names) ?
	       walk_result_names[r] : "?";
}

/* --- an appending printer -------------------------------------------------- */

struct wbuf {
	char *buf;
	size_t size;
	size_t len;		/* what the whole text needs */
};

__attribute__((format(printf, 2, 3)))
static void wb_printf(struct wbuf *b, const char *fmt, ...)
{
	size_t room = b->len < b->size ? b->size - b->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? b->buf + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}

/* The names of the set bits of @v, space separated ("-" if none). */
static void wb_bits(struct wbuf *b, uint64_t v, const struct walk_bit *bits,
		    size_t nbits)
{
	bool any = false;

	for (size_t i = 0; i < nbits; i++) {
		if (!(v & (1ull << bits[i].bit)))
			continue;
		wb_printf(b, "%s%s", any ? " " : "", bits[i].name);
		any = true;
	}
	if (!any)
		wb_printf(b, "-");
}

/* Pad what was printed since @start to @width columns. */
static void wb_pad(struct wbuf *b, size_t start, size_t width)
{
	size_t used = b->len - start;

	if (used < width)
		wb_printf(b, "%*s", (int)(width - used), "");
	else
		wb_printf(b, " ");
}

static const char *walk_level_name(const struct walk_kind_desc *k, int level)
{
	static const char *const x86_names[] = { "?", "PTE", "PDE", "PDPTE", "PML4E", "PML5E" };
	static const char *const arm_names[] = { "L0", "L1", "L2", "L3" };

	if (k->x86)
		return (level >= 1 && level <= 5) ? x86_names[level] : "?";
	if (level < 0)
		return "L-1";
	return level <= 3 ? arm_names[level] : "?";
}

static void wb_size(struct wbuf *b, unsigned int shift)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = shift / 10;

	if (u >= ARRAY_SIZE(unit))
		u = ARRAY_SIZE(unit) - 1;
	wb_printf(b, "%llu %s", 1ull << (shift - 10 * u), unit[u]);
}

/* A leaf's output address: x86 and EPT keep it in bits 51:12. */
static uint64_t walk_leaf_oa(const struct walk_step *s, unsigned int shift)
{
	uint64_t mask = (1ull << shift) - 1;

	return (s->entry & GENMASK(51, 12) & ~mask) | (s->input & mask);
}

static void wb_step(struct wbuf *b, const struct walk_step *s, int indent)
{
	const struct walk_kind_desc *k = &walk_kinds[s->table < ARRAY_SIZE(walk_kinds) ? s->table : 0];
	size_t start = b->len;

	wb_printf(b, "%*s%s L%d %s[%3u]", indent, "", k->name, s->level,
		  walk_level_name(k, s->level), s->index);
	wb_pad(b, start, indent + 22);
	wb_printf(b, "%s 0x%012llx = 0x%016llx  ", k->space,
		  (unsigned long long)s->entry_addr,
		  (unsigned long long)s->entry);
	start = b->len;
	wb_bits(b, s->entry, k->bits, k->nbits);
	if (s->table == WALK_EPT && s->leaf) {
		/* memory type, bits 5:3 of an EPT leaf */
		static const char *const mt[8] = { "UC", "WC", "MT2", "MT3",
						   "WT", "WP", "WB", "MT7" };

		wb_printf(b, " %s", mt[(s->entry >> 3) & 7]);
	}
	wb_pad(b, start, 18);
	wb_printf(b, "allows ");
	start = b->len;
	if (s->perms)
		wb_bits(b, s->perms & (WALK_P_READ | WALK_P_WRITE | WALK_P_EXEC |
				       WALK_P_USER | WALK_P_UEXEC),
			BITS(perm_bits));
	else
		wb_printf(b, "nothing");
	if (s->leaf) {
		unsigned int shift = s->leaf_shift ? s->leaf_shift : 12;

		wb_pad(b, start, 10);
		wb_printf(b, "-> ");
		wb_size(b, shift);
		wb_printf(b, " page, %s 0x%llx",
			  s->table == WALK_EPT || s->table == WALK_S2 ||
			  s->table == WALK_SHADOW ? "hpa" : "gpa",
			  (unsigned long long)walk_leaf_oa(s, shift));
	}
	wb_printf(b, "\n");
}

/* A run of nested steps, under the step they serve. */
static void wb_nested(struct wbuf *b, const struct walk_record *rec,
		      int from, int to, const char *what)
{
	const struct walk_step *s = &rec->step[from];

	wb_printf(b, "      %s walk of %s gpa 0x%llx:\n",
		  walk_table_name(s->table), what,
		  (unsigned long long)s->input);
	for (int i = from; i < to; i++)
		wb_step(b, &rec->step[i], 8);
}

static bool walk_step_nested(const struct walk_record *rec,
			     const struct walk_step *s)
{
	return s->table != rec->kind &&
	       (s->table == WALK_EPT || s->table == WALK_S2);
}

static void wb_header(struct wbuf *b, const struct walk_record *rec,
		      bool nested)
{
	const struct walk_kind_desc *k = &walk_kinds[rec->kind < ARRAY_SIZE(walk_kinds) ? rec->kind : 0];

	wb_printf(b, "%s walk of %s 0x%016llx", k->name,
		  rec->kind == WALK_GUEST || rec->kind == WALK_S1 ||
		  rec->kind == WALK_SHADOW ? "gva" : "gpa",
		  (unsigned long long)rec->input);
	if (k->x86) {
		/* access: the #PF error-code bits (W, U, I/D), 0x100 implicit,
		   0x200 peek (hv/x86/mmu_hw.h) */
		wb_printf(b, ": %s, %s",
			  (rec->access & 0x10) ? "fetch" :
			  (rec->access & 0x2) ? "write" : "read",
			  (rec->access & 0x4) ? "user" :
			  (rec->access & 0x100) ? "supervisor (implicit)" :
						  "supervisor");
		if (rec->access & 0x200)
			wb_printf(b, ", peek");
	}
	if (nested)
		wb_printf(b, ", nested through %s",
			  rec->kind == WALK_S1 ? "stage-2" : "EPT");
	wb_printf(b, "; %u memory reference%s\n", rec->nsteps,
		  rec->nsteps == 1 ? "" : "s");
}

static void wb_result(struct wbuf *b, const struct walk_record *rec)
{
	const struct walk_kind_desc *k = &walk_kinds[rec->kind < ARRAY_SIZE(walk_kinds) ? rec->kind : 0];

	switch (rec->result) {
	case WALK_OK:
	case WALK_MMIO:
		wb_printf(b, "  => %s 0x%llx", rec->kind == WALK_GUEST ||
			  rec->kind == WALK_S1 || rec->kind == WALK_SHADOW ?
			  "gpa" : "hpa",
			  (unsigned long long)rec->out);
		if (rec->result == WALK_MMIO)
			wb_printf(b, " is not RAM (MMIO)");
		else if (rec->out_hpa)
			wb_printf(b, " = hpa 0x%llx",
				  (unsigned long long)rec->out_hpa);
		if (rec->page_shift) {
			wb_printf(b, ", ");
			wb_size(b, rec->page_shift);
			wb_printf(b, " page");
		}
		wb_printf(b, ", allows ");
		wb_bits(b, rec->perms, BITS(perm_bits));
		wb_printf(b, "\n");
		return;
	case WALK_FAULT:
		if (k->x86) {
			wb_printf(b, "  => %s, error code 0x%llx (",
				  rec->kind == WALK_SHADOW ? "shadow miss" : "#PF",
				  (unsigned long long)rec->fault_code);
			if (!(rec->fault_code & 1))
				wb_printf(b, "not-present%s",
					  rec->fault_code ? " " : "");
			if (rec->fault_code)
				wb_bits(b, rec->fault_code, BITS(x86_pferr_bits));
			wb_printf(b, ")");
		} else {
			wb_printf(b, "  => fault, syndrome 0x%llx",
				  (unsigned long long)rec->fault_code);
		}
		break;
	case WALK_NESTED_FAULT:
		if (k->x86) {
			wb_printf(b, "  => EPT violation, qualification 0x%llx (",
				  (unsigned long long)rec->fault_code);
			wb_bits(b, rec->fault_code, BITS(ept_qual_bits));
			wb_printf(b, ")");
		} else {
			wb_printf(b, "  => stage-2 fault, syndrome 0x%llx",
				  (unsigned long long)rec->fault_code);
		}
		break;
	default:
		wb_printf(b, "  => %s", walk_result_name(rec->result));
		break;
	}
	if (rec->fault_level >= 0)
		wb_printf(b, " at level %d", rec->fault_level);
	if (rec->why)
		wb_printf(b, ": %s", rec->why);
	wb_printf(b, "\n");
}

int walk_record_format(const struct walk_record *rec, char *buf, size_t size)
{
	struct wbuf b = { .buf = buf, .size = size };
	int n = rec->nsteps < WALK_MAX_STEPS ? rec->nsteps : WALK_MAX_STEPS;
	bool nested = false;
	int run = -1;		/* first nested step not yet printed */

	if (size)
		buf[0] = '\0';
	for (int i = 0; i < n; i++)
		nested |= walk_step_nested(rec, &rec->step[i]);
	wb_header(&b, rec, nested);
	if (rec->kind == WALK_GUEST && !n && rec->result == WALK_OK)
		wb_printf(&b, "  paging is off: gva = gpa\n");

	for (int i = 0; i < n; i++) {
		if (walk_step_nested(rec, &rec->step[i])) {
			if (run < 0)
				run = i;
			continue;
		}
		wb_step(&b, &rec->step[i], 2);
		if (run >= 0)
			wb_nested(&b, rec, run, i, "the table entry at");
		run = -1;
	}
	/* Nested steps after the last outer one: the final address, or the
	   table the walk was still trying to reach when it stopped. */
	if (run >= 0) {
		bool final = (rec->result == WALK_OK || rec->result == WALK_MMIO) ||
			     (rec->step[run].input == rec->out && rec->out);

		if (final)
			wb_printf(&b, "  final translation:\n");
		wb_nested(&b, rec, run, n, final ? "the final" : "the table entry at");
	}
	wb_result(&b, rec);
	return (int)(b.len > INT32_MAX ? INT32_MAX : b.len);
}
