/* SPDX-License-Identifier: MIT */
/*
 * The TUI on real machines (the guest images from `make guests`): step
 * to paging32's first guest page fault and snapshot the walk pane (the
 * guest level that faulted, the EPT levels before it) and the tree pane
 * (the TDP tables, the touched node highlighted), at 80x24 and 160x50;
 * then expand/collapse. arm64 shows its stage-2 tables with the
 * concatenated first level once the stage-2 MMU is wired in.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "debugger/debug.h"
#include "debugger/tui/tui.h"

#define PAGING32 "guests/build/x86/paging32.elf"
#define PAGING64 "guests/build/x86/paging64.elf"
#define ARM64_MMU39 "guests/build/arm64/mmu39.elf"

static struct session s;
static struct tui *t;
static struct canvas_mem m;
static struct canvas c;
static char text[65536];
static bool opened;

static void open_image(const char *image, const char *mmu)
{
	struct quadrant_opts o = { .command = "tui", .image = image };

	if (access(image, R_OK))
		cr_skip_test("%s is not built (make guests)", image);
	if (mmu) {
		o.machine.mmu_given = true;
		o.machine.mmu = !strcmp(mmu, "shadow") ? VM_MMU_SHADOW :
				VM_MMU_TDP;
	}
	t = calloc(1, sizeof(*t));
	cr_assert_not_null(t);
	if (debug_open_session(&s, &o, &tui_view_ops, t))
		cr_assert_fail("cannot open %s%s%s", image, mmu ? " --mmu " : "",
			     mmu ? mmu : "");
	opened = true;
	cr_assert_eq(tui_init(t, &s, image), 0);
}

static void teardown(void)
{
	canvas_mem_free(&m);
	if (opened) {
		tui_fini(t);
		session_destroy(&s);
	}
	free(t);
	opened = false;
}

static const char *render(int rows, int cols)
{
	canvas_mem_free(&m);
	cr_assert_eq(canvas_mem_init(&m, &c, rows, cols), 0);
	tui_render(t, &c);
	canvas_mem_text(&m, text, sizeof(text));
	return text;
}

TestSuite(tui_machines, .fini = teardown);

Test(tui_machines, paging32_fault_walk_and_tdp_tree)
{
	int r, col;

	open_image(PAGING32, NULL);
	tui_key(t, 'f');
	cr_assert_eq(s.last.reason, STOP_UNTIL, "%s", t->msg);
	render(50, 160);
	/* The walk: the guest PDE that is not present, after its EPT walk. */
	cr_assert(strstr(text, "#PF 0x2 at gva 0x50000124: 4 refs"), "%s",
		  text);
	cr_assert(strstr(text, "FAULT at L2: entry not present"), "%s",
		  text);
	cr_assert(strstr(text, "EPT   L4 PML4E[  0]"), "%s", text);
	cr_assert(strstr(text, "EPT   L3 PDPTE[  0]"), "%s", text);
	cr_assert(canvas_mem_find(&m, ">> 4 guest L2 PDE  [320]", &r, &col),
		  "%s", text);
	cr_assert(canvas_mem_attr(&m, r, col + 3) & CA_REVERSE);
	cr_assert(canvas_mem_find(&m, "FAULT", &r, &col));
	cr_assert(canvas_mem_attr(&m, r, col) & CA_UNDERLINE);
	/* Steps before the highlighted one are drawn as visited. */
	cr_assert(canvas_mem_find(&m, "1   EPT", &r, &col), "%s", text);
	cr_assert(canvas_mem_attr(&m, r, col) & CA_BOLD);
	/* The tree: the TDP tables, the last-touched leaf highlighted. */
	cr_assert(strstr(text, "TDP (EPT) tables"), "%s", text);
	cr_assert(strstr(text, "EPT root hpa 0x1000"), "%s", text);
	cr_assert(strstr(text, "PML4E[  0] 0x0 -> table"), "%s", text);
	cr_assert(canvas_mem_find(&m, ">>", &r, &col));
	cr_assert(canvas_mem_find(&m, "PDE[  6] 0xc00000 -> 2M page", &r,
				  &col), "%s", text);
	cr_assert(canvas_mem_attr(&m, r, col) & CA_REVERSE);
	/* The same at 80x24: narrower, still the levels and the tree. */
	render(24, 80);
	cr_assert(strstr(text, "gst PDE  [320]"), "%s", text);
	cr_assert(strstr(text, "FAULT"), "%s", text);
	cr_assert(strstr(text, "EPT root"), "%s", text);
	cr_assert(strstr(text, "PDE[  6] 0xc00000"), "%s", text);
}

Test(tui_machines, walk_cursor_moves_through_the_levels)
{
	int r, col;

	open_image(PAGING32, NULL);
	tui_key(t, 'f');
	tui_key(t, '6');
	tui_key(t, TK_HOME);
	render(50, 160);
	cr_assert(canvas_mem_find(&m, ">> 1   EPT", &r, &col), "%s", text);
	/* Later steps are pending (dim) until visited. */
	cr_assert(canvas_mem_find(&m, "4 guest", &r, &col), "%s", text);
	cr_assert(canvas_mem_attr(&m, r, col) & CA_DIM);
	tui_key(t, TK_RIGHT);
	tui_key(t, TK_RIGHT);
	render(50, 160);
	cr_assert(canvas_mem_find(&m, ">> 3   EPT   L2", &r, &col), "%s", text);
	cr_assert(strstr(text, "step 3/4"), "%s", text);
}

Test(tui_machines, tree_nodes_expand_and_collapse)
{
	open_image(PAGING32, NULL);
	tui_key(t, 'f');
	tui_key(t, '7');
	tui_key(t, TK_HOME);
	render(50, 160);
	cr_assert(strstr(text, "[-] EPT root"), "%s", text);
	cr_assert(strstr(text, "PML4E[  0] 0x0 -> table"), "%s", text);
	tui_key(t, TK_ENTER);	/* collapse the root */
	render(50, 160);
	cr_assert(strstr(text, "[+] EPT root"), "%s", text);
	cr_assert_not(strstr(text, "PML4E[  0] 0x0 -> table"), "%s", text);
	tui_key(t, ' ');	/* and open it again */
	render(50, 160);
	cr_assert(strstr(text, "PML4E[  0] 0x0 -> table"), "%s", text);
	/* Search finds a node and opens the path to it. */
	tui_key(t, TK_DOWN);
	tui_key(t, TK_LEFT);	/* collapse PML4E[0] */
	render(50, 160);
	cr_assert_not(strstr(text, "PDE[  2] 0x400000"), "%s", text);
	cr_assert(tui_pane_tree_ops.search(&t->pane[TP_TREE], "PDE[  2]"));
	render(50, 160);
	cr_assert(strstr(text, "PDE[  2] 0x400000"), "%s", text);
}

Test(tui_machines, stepping_updates_every_pane)
{
	uint64_t ic;

	open_image(PAGING32, NULL);
	render(24, 80);
	cr_assert(strstr(text, "no walk yet") || strstr(text, "walk of"),
		  "%s", text);
	tui_key(t, 'f');
	ic = session_icount(&s);
	tui_key(t, 's');
	cr_assert_eq(session_icount(&s), ic + 1);
	render(24, 80);
	cr_assert(strstr(text, "Stepped 1"), "%s", text);
	tui_key(t, 'f');	/* the next fault, if the guest makes one */
	render(24, 80);
	cr_assert(strstr(text, "Walk"), "%s", text);
}

Test(tui_machines, shadow_tree_shows_pages_or_says_why)
{
	open_image(PAGING32, "shadow");
	tui_key(t, 'f');
	render(50, 160);
	cr_assert(strstr(text, "Shadow pages"), "%s", text);
	cr_assert_eq(s.last.reason, STOP_UNTIL, "f reaches a fault: %s",
		     t->msg);
	/* A 32-bit guest PD is shadowed by four PAE PDs, quadrants 0-3. */
	cr_assert(strstr(text, "PAE root page"), "%s", text);
	cr_assert(strstr(text, "L2 quadrant 0 gfn 0xc00"), "%s", text);
	cr_assert(strstr(text, "L2 quadrant 3 gfn 0xc00"), "%s", text);
	/* The walk pane: the guest's walk, then the hardware's walk of
	   the shadow tables for the same address, which misses. */
	cr_assert(strstr(text, "1 ref, then the shadow walk"), "%s", text);
	cr_assert(strstr(text, "shd   L3 PDPTE[  1]"), "%s", text);
	cr_assert(strstr(text, "MISS"), "%s", text);
}

/* A 4-level guest: one level-4 root page, its children below it. */
Test(tui_machines, shadow_tree_of_a_4_level_guest)
{
	open_image(PAGING64, "shadow");
	tui_key(t, 'f');
	cr_assert_eq(s.last.reason, STOP_UNTIL, "f reaches a fault: %s",
		     t->msg);
	render(50, 160);
	cr_assert(strstr(text, "4-level root hpa"), "%s", text);
	cr_assert(strstr(text, "[  0] sp #"), "%s", text);
	cr_assert(strstr(text, " L4 quadrant 0 gfn 0x"), "%s", text);
	cr_assert(strstr(text, " L3 quadrant 0 gfn 0x"), "%s", text);
}

Test(tui_machines, arm64_stage2_concatenated_first_level)
{
	open_image(ARM64_MMU39, NULL);
	tui_command(t, "stepi 200000");
	render(50, 160);
	cr_assert(strstr(text, "Stage-2 tables"), "%s", text);
	cr_assert(strstr(text, "concatenated table 0 of"), "%s", text);
	cr_assert(strstr(text, "abort EC") || strstr(text, "walk of va"),
		  "%s", text);
}
