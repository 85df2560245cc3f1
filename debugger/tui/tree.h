/* SPDX-License-Identifier: MIT */
/*
 * What the tree pane shows: the hypervisor's tables as a tree of nodes,
 * from a node source chosen per architecture and MMU (tree_source.c).
 *
 * A source flattens its hierarchy into nodes in pre-order (parent before
 * children, depth giving the nesting), each with a stable key (so
 * expand/collapse survives a rebuild) and the range of input addresses
 * (gpa, ipa) it covers (so the node touched by an MMU event can be
 * found). Adding an MMU to the pane is one struct tui_tree_source: a
 * build callback and, if its events name addresses differently, a
 * touched callback.
 */
#ifndef DEBUGGER_TUI_TREE_H
#define DEBUGGER_TUI_TREE_H

#include "debugger/session.h"

#define TUI_TREE_MAX_NODES 20000

enum tui_tree_flags {
	TN_CHILDREN = 1u << 0,	/* has children (expandable) */
	TN_MARK = 1u << 1,	/* worth a mark (unsync, invalid ...) */
};

struct tui_tree_node {
	uint64_t key;		/* stable across rebuilds */
	uint64_t lo, hi;	/* input addresses covered [lo, hi); hi 0: none */
	int16_t depth;		/* 0 for a root */
	uint16_t flags;		/* enum tui_tree_flags */
	char text[120];
};

struct tui_tree {
	struct tui_tree_node *n;
	unsigned int count, cap;
	char note[160];		/* shown under the nodes (or instead) */
	bool truncated;		/* more than TUI_TREE_MAX_NODES */
};

/* Append a node. Returns its index, or -1 when full (truncated set). */
int tui_tree_add(struct tui_tree *t, int depth, uint64_t key, uint64_t lo,
		 uint64_t hi, unsigned int flags, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void tui_tree_reset(struct tui_tree *t);
void tui_tree_free(struct tui_tree *t);

struct tui_tree_source {
	const char *name;	/* "TDP (EPT) tables" */
	bool (*applies)(const struct session *s);
	/* Fill @t from the machine. Returns 0 or -errno (note says why). */
	int (*build)(struct session *s, struct tui_tree *t);
	/*
	 * The node @ev touched, if it is one of this MMU's events: true
	 * with *@key (a node's key) or, *@key 0, the input address *@addr
	 * (the deepest node covering it). NULL: tui_tree_touched_default.
	 */
	bool (*touched)(const struct session *s, const struct hv_event *ev,
			uint64_t *addr, uint64_t *key);
};

/* The source for @s's machine (never NULL: a "nothing to show" one). */
const struct tui_tree_source *tui_tree_source_for(const struct session *s);

/*
 * Default touched: an event of the TDP, shadow or stage-2 group with a
 * gfn (shifted by 12), gpa or ipa field.
 */
bool tui_tree_touched_default(const struct session *s,
			      const struct hv_event *ev, uint64_t *addr,
			      uint64_t *key);

#endif
