/* SPDX-License-Identifier: MIT */
/*
 * Node sources for the tree pane, one per architecture / MMU:
 *
 *   x86 --mmu tdp     the TDP MMU's EPT tables, read through hv/pt's
 *                     walker (structured: every entry's range and output)
 *   x86 --mmu shadow  the shadow page hierarchy from each root, read
 *                     through hv/pt's walker: role, quadrant and unsync
 *                     on every shadow page
 *   arm64             the stage-2 tables, from the machine's dump_tables
 *                     (hv/pt's dump format, parsed back into nodes), the
 *                     initial level's concatenated tables shown as one
 *                     node per table
 *
 * Any table tree with a struct pt_table gets the structured treatment
 * from tree_from_pt(), concatenated roots included.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/arm64/machine.h>
#include <hv/fmt.h>
#include <hv/mmu/shadow.h>
#include <hv/mmu/tdp.h>
#include <hv/pt.h>

#include "debugger/tui/tree.h"

/* --- the node list ------------------------------------------------------------ */

int tui_tree_add(struct tui_tree *t, int depth, uint64_t key, uint64_t lo,
		 uint64_t hi, unsigned int flags, const char *fmt, ...)
{
	struct tui_tree_node *n;
	va_list ap;

	if (t->count == t->cap) {
		unsigned int cap = t->cap ? t->cap * 2 : 256;
		struct tui_tree_node *v;

		if (t->cap >= TUI_TREE_MAX_NODES) {
			t->truncated = true;
			return -1;
		}
		v = realloc(t->n, cap * sizeof(*v));
		if (!v) {
			t->truncated = true;
			return -1;
		}
		t->n = v;
		t->cap = cap;
	}
	n = &t->n[t->count];
	n->key = key;
	n->lo = lo;
	n->hi = hi;
	n->depth = (int16_t)depth;
	n->flags = (uint16_t)flags;
	va_start(ap, fmt);
	vsnprintf(n->text, sizeof(n->text), fmt, ap);
	va_end(ap);
	return (int)t->count++;
}

void tui_tree_reset(struct tui_tree *t)
{
	t->count = 0;
	t->note[0] = '\0';
	t->truncated = false;
}

void tui_tree_free(struct tui_tree *t)
{
	free(t->n);
	memset(t, 0, sizeof(*t));
}

bool tui_tree_touched_default(const struct session *s,
			      const struct hv_event *ev, uint64_t *addr,
			      uint64_t *key)
{
	enum ev_group g = event_group(ev->kind);
	int f;

	*key = 0;
	if (g != EVG_TDP && g != EVG_SHADOW && g != EVG_S2)
		return false;
	if ((f = event_field_by_name(ev->kind, "gfn")) >= 0) {
		*addr = ev->a[f] << 12;
		return true;
	}
	if ((f = event_field_by_name(ev->kind, "gpa")) >= 0 ||
	    (f = event_field_by_name(ev->kind, "ipa")) >= 0) {
		*addr = ev->a[f];
		return true;
	}
	return false;
}

/* --- any pt_table: structured ----------------------------------------------------- */

struct pt_build {
	struct tui_tree *t;
	int base_depth;		/* depth of the root's entries in the tree */
	unsigned int per_page;	/* entries in one 4 KiB table page */
	bool concat;		/* the root is several concatenated pages */
	hpa_t root;
};

static int pt_build_visit(const struct pt_visit_ctx *ctx)
{
	struct pt_build *b = ctx->arg;
	const struct pt_format *fmt = ctx->pt->fmt;
	uint64_t size = pt_entry_size(fmt, ctx->depth);
	uint64_t lo = ctx->addr & ~(size - 1);
	char flags[48] = "", what[64];
	int depth = b->base_depth + (int)ctx->depth;

	if (!fmt->present(ctx->old))
		return 0;
	/* Concatenated root: a node per table page, before its entries. */
	if (b->concat && ctx->depth == 0 && ctx->index % b->per_page == 0) {
		unsigned int k = ctx->index / b->per_page;

		tui_tree_add(b->t, b->base_depth, (b->root + k * 4096) | 1,
			     lo, lo + size * b->per_page, TN_CHILDREN,
			     "concatenated table %u of %u at hpa 0x%llx "
			     "(entries %u-%u)", k, fmt->root_pages,
			     (unsigned long long)(b->root + k * 4096ull),
			     k * b->per_page, (k + 1) * b->per_page - 1);
	}
	if (b->concat)
		depth++;
	if (fmt->describe)
		fmt->describe(ctx->old, ctx->depth, flags, sizeof(flags));
	if (ctx->visit == PT_WALK_TABLE_PRE)
		snprintf(what, sizeof(what), "-> table 0x%llx",
			 (unsigned long long)fmt->oa(ctx->old, ctx->depth));
	else
		snprintf(what, sizeof(what), "-> %llu%s page 0x%llx",
			 (unsigned long long)(size >= (1ull << 30) ?
					      size >> 30 : size >= (1u << 20) ?
					      size >> 20 : size >> 10),
			 size >= (1ull << 30) ? "G" : size >= (1u << 20) ?
			 "M" : "K",
			 (unsigned long long)fmt->oa(ctx->old, ctx->depth));
	tui_tree_add(b->t, depth, ctx->ptep, lo, lo + size,
		     ctx->visit == PT_WALK_TABLE_PRE ? TN_CHILDREN : 0,
		     "%s[%3u] 0x%llx %s %s", fmt->lvl[ctx->depth].name,
		     ctx->index, (unsigned long long)lo, what, flags);
	return 0;
}

/* The whole of @pt under a root node labelled @label. */
static int tree_from_pt(struct pt_table *pt, const char *label,
			struct tui_tree *t)
{
	const struct pt_format *fmt = pt->fmt;
	struct pt_build b = { .t = t, .base_depth = 1, .per_page = 512,
			      .root = pt->root };
	struct pt_walker w = { .cb = pt_build_visit, .arg = &b,
			       .flags = PT_WALK_LEAF | PT_WALK_TABLE_PRE };
	uint64_t limit = pt_format_limit(fmt);

	b.concat = fmt->root_pages > 1;
	if (b.concat)
		b.per_page = (1u << fmt->lvl[0].bits) / fmt->root_pages;
	tui_tree_add(t, 0, pt->root | 2, 0, limit, TN_CHILDREN,
		     "%s root hpa 0x%llx: %s, %u levels%s", label,
		     (unsigned long long)pt->root, fmt->name, fmt->depth,
		     b.concat ? ", concatenated first level" : "");
	return pt_walk(pt, 0, limit ? limit : ~0ull, &w);
}

/* --- x86 TDP ----------------------------------------------------------------------- */

static bool tdp_applies(const struct session *s)
{
	return s->m->arch == VM_ARCH_X86 &&
	       s->m->vm.cfg.mmu_mode == VM_MMU_TDP && s->m->vm.mmu;
}

static int tdp_build(struct session *s, struct tui_tree *t)
{
	struct tdp_mmu *tdp = s->m->vm.mmu;

	return tree_from_pt(&tdp->pt, "EPT", t);
}

static const struct tui_tree_source tdp_source = {
	.name = "TDP (EPT) tables",
	.applies = tdp_applies,
	.build = tdp_build,
};

/* --- x86 shadow ------------------------------------------------------------------- */

static bool shadow_applies(const struct session *s)
{
	return s->m->arch == VM_ARCH_X86 &&
	       s->m->vm.cfg.mmu_mode == VM_MMU_SHADOW;
}

/*
 * The shadow page hierarchy as the hardware reaches it, walked with
 * hv/pt over a root's tables: each table is a shadow page, shown with
 * its role (quadrant included) and unsync state; its leaves are counted,
 * not listed. A node is added when the walk links its table and its
 * counts are filled in when the walk leaves it.
 */
struct shadow_build {
	struct shadow_mmu *mmu;
	struct tui_tree *t;
	int tree_depth0;	/* tree depth of the tables at walk depth 0 */
	int node[PT_MAX_DEPTH];	/* the shadow page's node per walk depth */
	struct shadow_page *sp[PT_MAX_DEPTH];
	unsigned int index[PT_MAX_DEPTH];	/* its index in its parent */
	unsigned int tables[PT_MAX_DEPTH], leaves[PT_MAX_DEPTH];
};

static void shadow_sp_text(struct shadow_build *b, unsigned int d)
{
	struct shadow_page *sp = b->sp[d];
	struct tui_tree_node *n;
	struct fmtbuf text;
	char role[96];

	if (b->node[d] < 0)
		return;
	n = &b->t->n[b->node[d]];
	text = fmtbuf_init(n->text, sizeof(n->text));
	shadow_role_format(sp->role, role, sizeof(role));
	fmt_append(&text, "[%3u] sp #%u L%u quadrant %u gfn 0x%llx%s%s: %u "
		   "tables, %u leaves (role %s, spt 0x%llx)", b->index[d],
		   sp->id, sp->role.level, sp->role.quadrant,
		   (unsigned long long)sp->gfn, sp->role.direct ? " direct" : "",
		   sp->unsync ? " UNSYNC" : "", b->tables[d], b->leaves[d],
		   role, (unsigned long long)sp->spt);
	n->flags = (uint16_t)((b->tables[d] ? TN_CHILDREN : 0) |
			      (sp->unsync ? TN_MARK : 0));
}

/* The table at walk depth @d is @sp, linked by entry @index. */
static void shadow_enter(struct shadow_build *b, unsigned int d,
			 struct shadow_page *sp, unsigned int index)
{
	b->sp[d] = sp;
	b->index[d] = index;
	b->tables[d] = b->leaves[d] = 0;
	b->node[d] = sp ? tui_tree_add(b->t, b->tree_depth0 + (int)d, sp->spt,
				       (uint64_t)sp->gfn << 12,
				       ((uint64_t)sp->gfn << 12) + 4096, 0, "sp")
			: -1;
}

static int shadow_visit(const struct pt_visit_ctx *ctx)
{
	struct shadow_build *b = ctx->arg;
	unsigned int d = ctx->depth;
	struct shadow_page *child;

	if (!ctx->pt->fmt->present(ctx->old))
		return 0;
	/* The shadow page whose table the entry links (a PAE root's
	   PDPTEs hold P and the address only, so look it up by address). */
	child = ctx->visit == PT_WALK_LEAF ? NULL :
		sptep_to_sp(b->mmu, ctx->pt->fmt->oa(ctx->old, d));
	switch (ctx->visit) {
	case PT_WALK_TABLE_PRE:
		if (child && d + 1 < PT_MAX_DEPTH) {
			b->tables[d]++;
			shadow_enter(b, d + 1, child, ctx->index);
		} else {
			b->leaves[d]++;
		}
		return 0;
	case PT_WALK_TABLE_POST:
		if (child && d + 1 < PT_MAX_DEPTH)
			shadow_sp_text(b, d + 1);
		return 0;
	default:
		b->leaves[d]++;
		return 0;
	}
}

static void shadow_root(struct shadow_mmu *mmu, const struct shadow_root *r,
			const char *label, struct tui_tree *t)
{
	struct shadow_build b = { .mmu = mmu, .t = t };
	struct pt_walker w = { .cb = shadow_visit, .arg = &b,
			       .flags = PT_WALK_LEAF | PT_WALK_TABLE_PRE |
					PT_WALK_TABLE_POST };
	struct pt_table pt;

	if (!r->hpa)
		return;
	shadow_root_table(mmu, r, &pt);
	if (r->levels == 4) {
		tui_tree_add(t, 0, r->hpa | 2, 0, 0, TN_CHILDREN, "%s: cr3 "
			     "0x%llx, 4-level root hpa 0x%llx", label,
			     (unsigned long long)r->pgd,
			     (unsigned long long)r->hpa);
		b.tree_depth0 = 1;
		shadow_enter(&b, 0, sptep_to_sp(mmu, r->hpa), 0);
	} else {
		/* The PAE root page's PDPTEs link four level-2 pages. */
		tui_tree_add(t, 0, r->hpa | 2, 0, 0, TN_CHILDREN, "%s: cr3 "
			     "0x%llx, PAE root page hpa 0x%llx: 4 level-2 "
			     "roots", label, (unsigned long long)r->pgd,
			     (unsigned long long)r->hpa);
		b.tree_depth0 = 0;
		b.node[0] = -1;
	}
	pt_walk(&pt, 0, pt_format_limit(pt.fmt) ? pt_format_limit(pt.fmt)
						 : ~0ull, &w);
	shadow_sp_text(&b, 0);
}

static int shadow_build(struct session *s, struct tui_tree *t)
{
	struct shadow_mmu *mmu = s->m->vm.mmu;

	if (!mmu) {
		snprintf(t->note, sizeof(t->note), "no shadow MMU");
		return 0;
	}
	shadow_root(mmu, &mmu->root, "root", t);
	for (unsigned int i = 0; i < SHADOW_PREV_ROOTS; i++)
		shadow_root(mmu, &mmu->prev_roots[i], "cached previous root",
			    t);
	if (!t->count)
		snprintf(t->note, sizeof(t->note), "no shadow roots yet "
			 "(paging not set up)");
	return 0;
}

/* Shadow events name their page by (gfn, role) or by an SPTE address. */
static bool shadow_touched(const struct session *s,
			   const struct hv_event *ev, uint64_t *addr,
			   uint64_t *key)
{
	struct shadow_mmu *mmu = s->m->vm.mmu;
	struct shadow_page *sp = NULL;
	union shadow_role role;

	*key = 0;
	if (!mmu || event_group(ev->kind) != EVG_SHADOW)
		return false;
	if (event_field_by_name(ev->kind, "role") == 1) {
		role.word = (uint32_t)ev->a[1];
		sp = shadow_find_page(mmu, ev->a[0], role);
	} else if (ev->kind == EV_set_spte) {
		sp = sptep_to_sp(mmu, ev->a[3]);
	}
	if (!sp)
		return false;
	*key = sp->spt;
	return true;
}

static const struct tui_tree_source shadow_source = {
	.name = "Shadow pages",
	.applies = shadow_applies,
	.build = shadow_build,
	.touched = shadow_touched,
};

/* --- arm64 stage-2, from the dump ---------------------------------------------------- */

struct s2_parse {
	struct tui_tree *t;
	unsigned int per_page;	/* entries per table page at the granule */
	int last_group;		/* concatenated table of the last root entry */
	unsigned int tables;	/* concatenated tables at the start level */
};

/*
 * The stage-2 geometry as KVM chooses it (kvm_arm_setup_stage2 and
 * ARM64_HW_PGTABLE_LEVELS): levels = (ipa_bits - 4 - 4) / (pg_shift -
 * 3), the start level 4 - levels, and the start level resolves the
 * bits left over, up to 4 more than a page of entries holds: 2 to 16
 * tables concatenated (40-bit IPA, 4 KiB granule: level 1, 2 tables).
 */
static void s2_geometry(unsigned int ipa_bits, unsigned int granule,
			int *start_level, unsigned int *tables)
{
	unsigned int pg_shift = granule == 65536 ? 16 : granule == 16384 ?
				14 : 12;
	unsigned int bpl = pg_shift - 3, levels = (ipa_bits - 8) / bpl;
	unsigned int bits;

	if (levels < 1)
		levels = 1;
	if (levels > 4)
		levels = 4;
	bits = ipa_bits - (pg_shift + bpl * (levels - 1));
	*start_level = 4 - (int)levels;
	*tables = bits > bpl ? 1u << (bits - bpl) : 1;
}

/* One pt_dump line: "  NAME[idx] 0xLO-0xHI 0xENTRY flags -> what". */
static void s2_line(struct s2_parse *p, const char *line)
{
	unsigned long long lo, hi;
	unsigned int idx;
	int depth = 0, off = 0;
	char name[16];
	const char *rest;

	while (line[depth] == ' ')
		depth++;
	depth /= 2;
	if (sscanf(line, " %15[^[][%u] 0x%llx-0x%llx%n", name, &idx, &lo, &hi,
		   &off) != 4)
		return;
	rest = line + off;
	while (*rest == ' ')
		rest++;
	if (depth == 0 && (int)(idx / p->per_page) != p->last_group) {
		p->last_group = (int)(idx / p->per_page);
		tui_tree_add(p->t, 1, ((uint64_t)p->last_group << 1) | 1, 0, 0,
			     TN_CHILDREN, "concatenated table %d of %u "
			     "(entries %u-%u)", p->last_group, p->tables,
			     p->last_group * p->per_page,
			     (p->last_group + 1) * p->per_page - 1);
	}
	tui_tree_add(p->t, depth + 2, (lo << 4) | (uint64_t)depth, lo, hi + 1,
		     strstr(rest, "-> table") ? TN_CHILDREN : 0, "%s[%3u] "
		     "0x%llx %s", name, idx, lo, rest);
}

static bool s2_applies(const struct session *s)
{
	return s->m->arch == VM_ARCH_ARM64;
}

static int s2_build(struct session *s, struct tui_tree *t)
{
	const struct vm *vm = &s->m->vm;
	const struct arm64_machine *am = s->m->arch_state;
	struct s2_parse p = { .t = t, .per_page = 512, .last_group = -1 };
	unsigned int ipa_bits = am && am->ipa_bits ? am->ipa_bits : 40;
	unsigned int granule = am && am->granule ? am->granule : 4096;
	size_t size = 256 * 1024;
	int n, root, start;
	char *buf, *line;

	if (!s->m->ops || !s->m->ops->dump_tables) {
		snprintf(t->note, sizeof(t->note), "no stage-2 tables yet");
		return 0;
	}
	p.per_page = granule / 8;
	s2_geometry(ipa_bits, granule, &start, &p.tables);
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	n = s->m->ops->dump_tables(s->m, vm->ram_gpa,
				   vm->ram_gpa + vm->cfg.ram_bytes, buf, size);
	if (n < 0) {
		free(buf);
		snprintf(t->note, sizeof(t->note), "cannot dump: %s",
			 strerror(-n));
		return n;
	}
	if (p.tables > 1)
		root = tui_tree_add(t, 0, 2, 0, 0, TN_CHILDREN, "stage-2 "
				    "root: level %d, %u concatenated tables "
				    "(IPA %u bits, %u KiB granule)", start,
				    p.tables, ipa_bits, granule / 1024);
	else
		root = tui_tree_add(t, 0, 2, 0, 0, TN_CHILDREN, "stage-2 "
				    "root: level %d (IPA %u bits, %u KiB "
				    "granule)", start, ipa_bits,
				    granule / 1024);
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		s2_line(&p, line);
	if (t->count == (unsigned int)root + 1) {
		/* Nothing parsed: the machine said why in one line. */
		snprintf(t->note, sizeof(t->note), "%s",
			 (size_t)n < size ? buf : "no stage-2 tables");
		t->count = 0;
	}
	free(buf);
	return 0;
}

static const struct tui_tree_source s2_source = {
	.name = "Stage-2 tables",
	.applies = s2_applies,
	.build = s2_build,
};

/* --- choosing ------------------------------------------------------------------------ */

static int none_build(struct session *s, struct tui_tree *t)
{
	snprintf(t->note, sizeof(t->note), "this machine has no hypervisor "
		 "tables to show");
	return 0;
}

static const struct tui_tree_source none_source = {
	.name = "Tables",
	.build = none_build,
};

static const struct tui_tree_source *const sources[] = {
	&tdp_source, &shadow_source, &s2_source,
};

const struct tui_tree_source *tui_tree_source_for(const struct session *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(sources); i++)
		if (sources[i]->applies(s))
			return sources[i];
	return &none_source;
}
