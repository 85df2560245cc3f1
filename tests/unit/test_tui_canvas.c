/* SPDX-License-Identifier: MIT */
/*
 * The canvas: text, attributes, clipping and views, on the in-memory
 * backend the TUI tests snapshot.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "debugger/tui/canvas.h"

static struct canvas_mem m;
static struct canvas c;
static char row[256];

static void setup(void)
{
	cr_assert_eq(canvas_mem_init(&m, &c, 10, 20), 0);
}

static void teardown(void)
{
	canvas_mem_free(&m);
}

TestSuite(tui_canvas, .init = setup, .fini = teardown);

Test(tui_canvas, put_text_and_attrs)
{
	int col = canvas_put(&c, 2, 3, CA_BOLD, "hello");

	cr_assert_eq(col, 8);
	cr_assert_str_eq(canvas_mem_row(&m, 2, row, sizeof(row)),
			 "   hello            ");
	cr_assert_eq(canvas_mem_attr(&m, 2, 3), CA_BOLD);
	cr_assert_eq(canvas_mem_attr(&m, 2, 8), 0);
	canvas_printf(&c, 3, 0, CA_REVERSE, "%d-%s", 42, "x");
	cr_assert(canvas_mem_find(&m, "42-x", NULL, NULL));
}

Test(tui_canvas, clips_at_the_edges)
{
	canvas_put(&c, 0, 15, 0, "abcdefghij");
	canvas_put(&c, 0, -3, 0, "XYZW");
	canvas_put(&c, -1, 0, 0, "nope");
	canvas_put(&c, 10, 0, 0, "nope");
	cr_assert_str_eq(canvas_mem_row(&m, 0, row, sizeof(row)),
			 "W              abcde");
	cr_assert_not(canvas_mem_find(&m, "nope", NULL, NULL));
}

Test(tui_canvas, views_have_their_own_origin_and_clip)
{
	struct canvas v = canvas_sub(&c, (struct canvas_rect){ 4, 5, 2, 6 });
	struct canvas w = canvas_sub(&v, (struct canvas_rect){ 1, 2, 5, 10 });
	int r, col;

	cr_assert_eq(canvas_rows(&v), 2);
	cr_assert_eq(canvas_cols(&v), 6);
	canvas_put(&v, 0, 0, 0, "0123456789");
	canvas_put(&v, 2, 0, 0, "below");
	cr_assert_str_eq(canvas_mem_row(&m, 4, row, sizeof(row)),
			 "     012345         ");
	cr_assert_not(canvas_mem_find(&m, "below", NULL, NULL));
	/* A view of a view is clipped by both. */
	cr_assert_eq(canvas_rows(&w), 1);
	cr_assert_eq(canvas_cols(&w), 4);
	canvas_put(&w, 0, 0, CA_UNDERLINE, "abcdefgh");
	cr_assert(canvas_mem_find(&m, "abcd", &r, &col));
	cr_assert_eq(r, 5);
	cr_assert_eq(col, 7);
	cr_assert_not(canvas_mem_find(&m, "abcde", NULL, NULL));
}

Test(tui_canvas, controls_become_dots_and_fill_works)
{
	canvas_put(&c, 1, 0, 0, "a\tb\x01\xff");
	cr_assert(canvas_mem_find(&m, "a.b..", NULL, NULL));
	canvas_fill(&c, 5, 0, 2, 20, '#', CA_DIM);
	cr_assert_str_eq(canvas_mem_row(&m, 6, row, sizeof(row)),
			 "####################");
	cr_assert_eq(canvas_mem_attr(&m, 5, 19), CA_DIM);
	canvas_clear(&c);
	cr_assert_not(canvas_mem_find(&m, "#", NULL, NULL));
}

Test(tui_canvas, every_role_has_a_monochrome_attribute)
{
	/* Meaning never by colour alone. */
	for (int r = 1; r < TR__COUNT; r++)
		cr_assert(canvas_role(r) & CA_MONO_MASK, "role %d", r);
}

Test(tui_canvas, text_dump_trims_rows)
{
	char buf[512];

	canvas_put(&c, 0, 0, 0, "top");
	canvas_put(&c, 9, 2, 0, "end");
	canvas_mem_text(&m, buf, sizeof(buf));
	cr_assert(!strncmp(buf, "top\n\n", 5), "%s", buf);
	cr_assert(strstr(buf, "\n  end\n"), "%s", buf);
}
