/* SPDX-License-Identifier: MIT */
/* Event filters: parsing (names from events.def), ranges, matching. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "debugger/evfilter.h"

static int parse(struct evfilter *f, const char *line, char *err)
{
	char buf[256], *argv[16];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok(buf, " "); w && argc < 16; w = strtok(NULL, " "))
		argv[argc++] = w;
	err[0] = '\0';
	return evfilter_parse(f, argc, argv, err, 256);
}

static struct hv_event ev(enum ev_kind k, int level, uint64_t a0,
			  uint64_t a1)
{
	struct hv_event e = { .kind = (uint16_t)k, .level = (int8_t)level,
			      .a = { a0, a1, 0, 0 } };
	return e;
}

Test(evfilter, kind_group_and_group_kind)
{
	struct evfilter f;
	char err[256];
	struct hv_event pf = ev(EV_page_fault, -1, 0x1000, 2);
	struct hv_event cr = ev(EV_cr, -1, 3, 0);

	cr_assert_eq(parse(&f, "page_fault", err), 0, "%s", err);
	cr_assert_eq(f.sel, EVFILTER_KIND);
	cr_assert(evfilter_match(&f, &pf));
	cr_assert_not(evfilter_match(&f, &cr));
	cr_assert_eq(parse(&f, "cpu", err), 0, "%s", err);
	cr_assert_eq(f.sel, EVFILTER_GROUP);
	cr_assert(evfilter_match(&f, &cr));
	cr_assert_not(evfilter_match(&f, &pf));
	cr_assert_eq(parse(&f, "fault.page_fault", err), 0, "%s", err);
	cr_assert(evfilter_match(&f, &pf));
	cr_assert_eq(parse(&f, "*", err), 0);
	cr_assert(evfilter_match(&f, &pf) && evfilter_match(&f, &cr));
	/* "exit" is a kind and a group: the kind wins. */
	cr_assert_eq(parse(&f, "exit", err), 0);
	cr_assert_eq(f.sel, EVFILTER_KIND);
}

Test(evfilter, conditions)
{
	struct evfilter f;
	char err[256];
	struct hv_event e = ev(EV_ept_violation, 1, 0x40001000, 0x181);

	cr_assert_eq(parse(&f, "ept_violation gpa=0x40000000-0x40200000", err),
		     0, "%s", err);
	cr_assert(evfilter_match(&f, &e));
	e.a[0] = 0x40200000;
	cr_assert_not(evfilter_match(&f, &e), "HI is excluded");
	e.a[0] = 0x40000000;
	cr_assert(evfilter_match(&f, &e), "LO is included");
	cr_assert_eq(parse(&f, "ept_violation level=1 qual=0x181", err), 0);
	cr_assert(evfilter_match(&f, &e));
	e.level = 2;
	cr_assert_not(evfilter_match(&f, &e));
	e.level = -1;
	cr_assert_not(evfilter_match(&f, &e), "no level never matches");
	cr_assert_eq(parse(&f, "* level=2", err), 0, "%s", err);
}

Test(evfilter, group_conditions_per_kind)
{
	struct evfilter f;
	char err[256];
	struct hv_event pe = ev(EV_paging_element, 2, 0x5023, 0x4000);
	struct hv_event pw = ev(EV_pagetable_walk, -1, 0x1000, 0);

	cr_assert_eq(parse(&f, "walk pte=0x5023", err), 0, "%s", err);
	cr_assert(evfilter_match(&f, &pe));
	cr_assert_not(evfilter_match(&f, &pw), "pagetable_walk has no pte");
	cr_assert_neq(parse(&f, "walk nosuch=1", err), 0);
	cr_assert(strstr(err, "no event in group 'walk' has a field 'nosuch'"),
		  "%s", err);
}

Test(evfilter, bad_input)
{
	static const struct { const char *line, *msg; } bad[] = {
		{ "", "which event?" },
		{ "nosuch", "no event or event group 'nosuch'" },
		{ "walk.exit", "no event 'exit' in group 'walk'" },
		{ "tdp.get_page quadrant=1", "no event 'get_page'" },
		{ "nogroup.cr", "unknown event group 'nogroup'" },
		{ "tlb.cr", "no event 'cr' in group 'tlb'" },
		{ "cr cr", "not a condition" },
		{ "cr =3", "not a condition" },
		{ "cr cr=", "not a number" },
		{ "cr cr=x", "not a number" },
		{ "cr cr=5-5", "empty range" },
		{ "cr cr=6-5", "empty range" },
		{ "cr cr=1-", "not a range" },
		{ "cr nosuch=1", "has no field 'nosuch' (fields: cr old new rip level)" },
		{ "* cr=1", "only level=N" },
		{ "cr level=200", "levels are small" },
		{ "cr cr=1 cr=1 cr=1 cr=1 cr=1", "at most 4 conditions" },
		{ "cr averyveryveryverylongfieldname=1", "no field" },
	};
	struct evfilter f;
	char err[256];

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_neq(parse(&f, bad[i].line, err), 0, "'%s'",
			      bad[i].line);
		cr_assert(strstr(err, bad[i].msg), "'%s': '%s' lacks '%s'",
			  bad[i].line, err, bad[i].msg);
	}
}

Test(evfilter, format_round_trips)
{
	static const char *const lines[] = {
		"page_fault", "cr cr=3", "tdp", "*",
		"ept_violation gpa=0x40000000-0x40200000 level=1",
		"page_fault addr=0x400000",
	};
	struct evfilter f, g;
	char err[256], out[256];

	for (unsigned int i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		cr_assert_eq(parse(&f, lines[i], err), 0, "%s", err);
		evfilter_format(&f, out, sizeof(out));
		cr_assert_str_eq(out, lines[i]);
		cr_assert_eq(parse(&g, out, err), 0);
		cr_assert_eq(memcmp(&f, &g, sizeof(f)), 0);
	}
}

Test(evfilter, completion_words)
{
	bool saw_pf = false, saw_tdp = false, saw_shadow = false;
	const char *w;

	for (unsigned int i = 0; (w = evfilter_word(i)); i++) {
		saw_pf |= !strcmp(w, "page_fault");
		saw_tdp |= !strcmp(w, "tdp");
		saw_shadow |= !strcmp(w, "shadow");
	}
	bool shadow_has_events = false;

	for (int k = 0; k < EV__COUNT; k++)
		shadow_has_events |= event_group(k) == EVG_SHADOW;
	cr_assert(saw_pf && saw_tdp);
	cr_assert_eq(saw_shadow, shadow_has_events,
		     "a group is offered exactly when it has events");
	cr_assert_str_eq(evfilter_field_word(EV_cr, 0), "cr=");
	cr_assert_str_eq(evfilter_field_word(EV_cr, 4), "level=");
	cr_assert_null(evfilter_field_word(EV_cr, 5));
}
