/* SPDX-License-Identifier: MIT */
/*
 * Event filters: which MMU/CPU events a breakpoint, "until" or the
 * `events` listing selects.
 *
 *   FILTER  := SELECTOR [COND ...]
 *   SELECTOR:= kind | group | group.kind | '*'        get_page, fault,
 *                                                     s2.guest_fault
 *   COND    := field=VALUE | field=LO-HI | level=N    gfn=0x1000,
 *                                                     ipa=0x40000000-0x40200000
 *
 * Names resolve through events.def (event_kind_by_name, the group
 * names, event_field_by_name), never through a list of our own, so a
 * filter on an event that this build does not have yet is refused with
 * a message and starts working the day events.def gains it. A range
 * LO-HI is half-open: LO <= value < HI, as `tdp START END` is. With a
 * group selector a condition must name a field of at least one kind in
 * the group; an event without that field does not match.
 */
#ifndef DEBUGGER_EVFILTER_H
#define DEBUGGER_EVFILTER_H

#include <hv/event.h>

#define EVFILTER_MAX_CONDS 4

enum evfilter_sel {
	EVFILTER_ANY,		/* '*': every event */
	EVFILTER_KIND,		/* one kind */
	EVFILTER_GROUP,		/* every kind in a group */
};

struct evfilter_cond {
	char field[24];		/* "level" or a payload field name */
	bool is_level;
	uint64_t lo, hi;	/* lo <= v < hi; a single value has hi = lo+1 */
	bool single;		/* written as field=VALUE (for printing) */
};

struct evfilter {
	enum evfilter_sel sel;
	int kind;		/* EVFILTER_KIND */
	int group;		/* EVFILTER_GROUP, or the group of a group.kind */
	unsigned int ncond;
	struct evfilter_cond cond[EVFILTER_MAX_CONDS];
};

/*
 * Parse @argc words into @f. Returns 0, or -EINVAL with a one-line
 * message for the user in @err.
 */
int evfilter_parse(struct evfilter *f, int argc, char *const *argv,
		   char *err, size_t errlen);

/* Does @ev pass @f? */
bool evfilter_match(const struct evfilter *f, const struct hv_event *ev);

/* The filter as the user would type it, canonical: "cr cr=3". */
int evfilter_format(const struct evfilter *f, char *buf, size_t size);

/* Group by name ("fault"), or -1. */
int evfilter_group_by_name(const char *name);

/*
 * Completion words: evfilter_word(i) for i = 0, 1, ... is every kind,
 * then every group ("" for a group without events yet), NULL at the end.
 * evfilter_field_word(kind, i) is "field=" for each payload field of
 * @kind, then "level=" ("" for an unused field), NULL at the end.
 */
const char *evfilter_word(unsigned int i);
const char *evfilter_field_word(int kind, unsigned int i);

/*
 * Parse a number as every debugger command reads them: 0x.. hex, 0b.. binary,
 * 0.. octal is NOT special (students type 010 meaning ten), decimal
 * otherwise; '_' and '\'' separators are allowed (0xffff_f000).
 * Returns false if malformed or out of range.
 */
bool dbg_parse_u64(const char *s, uint64_t *v);

#endif
