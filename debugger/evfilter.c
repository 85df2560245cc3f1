/* SPDX-License-Identifier: MIT */
/*
 * Event filters (see evfilter.h): parse once when the user types them,
 * match cheaply inside the event callback, which runs on every event
 * the hypervisor emits while the guest runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/evfilter.h"

/*
 * The payload field names of every kind, for messages and completion
 * only; matching goes through event_field_by_name. Taken from the one
 * declaration of events, events.def.
 */
static const char *const ev_fields[EV__COUNT][4] = {
#define EVENT(n, g, f0, f1, f2, f3) [EV_##n] = { f0, f1, f2, f3 },
#include <hv/events.def>
#undef EVENT
};

bool dbg_parse_u64(const char *s, uint64_t *v)
{
	unsigned int base = 10;
	uint64_t acc = 0;
	bool any = false;

	if (!s || !*s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	}
	for (; *s; s++) {
		unsigned int d;

		if ((*s == '_' || *s == '\'') && any)
			continue;
		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			return false;
		if (d >= base || acc > (UINT64_MAX - d) / base)
			return false;
		acc = acc * base + d;
		any = true;
	}
	if (!any)
		return false;
	*v = acc;
	return true;
}

int evfilter_group_by_name(const char *name)
{
	for (int g = 0; g < EVG__COUNT; g++)
		if (!strcmp(event_group_name(g), name))
			return g;
	return -1;
}

/* Length of a field spec's name ("error_code" of "error_code", "cr" of "cr:d"). */
static size_t field_len(const char *spec)
{
	const char *colon = strchr(spec, ':');

	return colon ? (size_t)(colon - spec) : strlen(spec);
}

/* "addr error_code rip" for a message. */
static void list_fields(int kind, char *buf, size_t size)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < 4 && off < size; i++) {
		size_t n = field_len(ev_fields[kind][i]);

		if (!n)
			continue;
		off += (size_t)snprintf(buf + off, size - off, "%s%.*s",
					off ? " " : "", (int)n,
					ev_fields[kind][i]);
	}
	if (off < size)
		snprintf(buf + off, size - off, "%slevel", off ? " " : "");
}

static bool group_has_kinds(int group)
{
	for (int k = 0; k < EV__COUNT; k++)
		if ((int)event_group(k) == group)
			return true;
	return false;
}

/* Resolve the selector word. */
static int parse_selector(struct evfilter *f, const char *w, char *err,
			  size_t errlen)
{
	const char *dot = strchr(w, '.');
	int k, g;

	if (!strcmp(w, "*") || !strcmp(w, "any")) {
		f->sel = EVFILTER_ANY;
		return 0;
	}
	if (dot) {
		char gname[32];

		snprintf(gname, sizeof(gname), "%.*s", (int)(dot - w), w);
		g = evfilter_group_by_name(gname);
		if (g < 0) {
			snprintf(err, errlen, "unknown event group '%s' in "
				 "'%s' (groups: exit cpu walk fault tlb tdp "
				 "shadow s2)", gname, w);
			return -EINVAL;
		}
		k = event_kind_by_name(dot + 1);
		if (k < 0 || (int)event_group(k) != g) {
			snprintf(err, errlen, "this build has no event '%s' in "
				 "group '%s'%s", dot + 1, gname,
				 group_has_kinds(g) ? "" :
				 " (the group has no events yet)");
			return -EINVAL;
		}
		f->sel = EVFILTER_KIND;
		f->kind = k;
		f->group = g;
		return 0;
	}
	k = event_kind_by_name(w);
	if (k >= 0) {
		f->sel = EVFILTER_KIND;
		f->kind = k;
		f->group = (int)event_group(k);
		return 0;
	}
	g = evfilter_group_by_name(w);
	if (g >= 0) {
		if (!group_has_kinds(g)) {
			snprintf(err, errlen, "event group '%s' has no events "
				 "in this build yet", w);
			return -EINVAL;
		}
		f->sel = EVFILTER_GROUP;
		f->group = g;
		return 0;
	}
	snprintf(err, errlen, "no event or event group '%s' in this build "
		 "(Tab completes names; 'help until')", w);
	return -EINVAL;
}

/* Does some kind the filter selects have field @name? */
static bool field_known(const struct evfilter *f, const char *name)
{
	for (int k = 0; k < EV__COUNT; k++) {
		if (f->sel == EVFILTER_KIND && k != f->kind)
			continue;
		if (f->sel == EVFILTER_GROUP && (int)event_group(k) != f->group)
			continue;
		if (event_field_by_name(k, name) >= 0)
			return true;
	}
	return false;
}

static int parse_cond(struct evfilter *f, const char *w, char *err,
		      size_t errlen)
{
	struct evfilter_cond *c = &f->cond[f->ncond];
	const char *eq = strchr(w, '=');
	char val[64], *dash;

	if (f->ncond == EVFILTER_MAX_CONDS) {
		snprintf(err, errlen, "at most %d conditions per event filter",
			 EVFILTER_MAX_CONDS);
		return -EINVAL;
	}
	if (!eq || eq == w) {
		snprintf(err, errlen, "'%s' is not a condition: write "
			 "field=VALUE or field=LO-HI", w);
		return -EINVAL;
	}
	if ((size_t)(eq - w) >= sizeof(c->field)) {
		snprintf(err, errlen, "no field '%.*s'", (int)(eq - w), w);
		return -EINVAL;
	}
	memset(c, 0, sizeof(*c));
	snprintf(c->field, sizeof(c->field), "%.*s", (int)(eq - w), w);
	c->is_level = !strcmp(c->field, "level");
	if (!c->is_level && f->sel == EVFILTER_ANY) {
		snprintf(err, errlen, "'*' matches every event: only level=N "
			 "applies to all of them");
		return -EINVAL;
	}
	if (!c->is_level && !field_known(f, c->field)) {
		char fields[128];

		if (f->sel == EVFILTER_KIND) {
			list_fields(f->kind, fields, sizeof(fields));
			snprintf(err, errlen, "event '%s' has no field '%s' "
				 "(fields: %s)", event_name(f->kind), c->field,
				 fields);
		} else {
			snprintf(err, errlen, "no event in group '%s' has a "
				 "field '%s'", event_group_name(f->group),
				 c->field);
		}
		return -EINVAL;
	}
	snprintf(val, sizeof(val), "%s", eq + 1);
	/* A '-' after the first character separates LO-HI. */
	dash = val[0] ? strchr(val + 1, '-') : NULL;
	if (dash) {
		*dash = '\0';
		if (!dbg_parse_u64(val, &c->lo) ||
		    !dbg_parse_u64(dash + 1, &c->hi)) {
			snprintf(err, errlen, "'%s' is not a range: write "
				 "LO-HI, e.g. 0x1000-0x2000", eq + 1);
			return -EINVAL;
		}
		if (c->lo >= c->hi) {
			snprintf(err, errlen, "empty range '%s': LO-HI means "
				 "LO <= value < HI", eq + 1);
			return -EINVAL;
		}
	} else {
		if (!dbg_parse_u64(val, &c->lo)) {
			snprintf(err, errlen, "'%s' is not a number (write "
				 "0x1f, 31 or 0b11111)", eq + 1);
			return -EINVAL;
		}
		c->hi = c->lo + 1;
		c->single = true;
	}
	if (c->is_level && c->lo > 127) {
		snprintf(err, errlen, "level=%s: levels are small numbers",
			 eq + 1);
		return -EINVAL;
	}
	f->ncond++;
	return 0;
}

int evfilter_parse(struct evfilter *f, int argc, char *const *argv,
		   char *err, size_t errlen)
{
	int ret;

	memset(f, 0, sizeof(*f));
	f->kind = -1;
	f->group = -1;
	if (argc < 1) {
		snprintf(err, errlen, "which event? e.g. page_fault, "
			 "tdp.ept_violation, cr cr=3");
		return -EINVAL;
	}
	ret = parse_selector(f, argv[0], err, errlen);
	for (int i = 1; !ret && i < argc; i++)
		ret = parse_cond(f, argv[i], err, errlen);
	return ret;
}

bool evfilter_match(const struct evfilter *f, const struct hv_event *ev)
{
	switch (f->sel) {
	case EVFILTER_ANY:
		break;
	case EVFILTER_KIND:
		if (ev->kind != f->kind)
			return false;
		break;
	case EVFILTER_GROUP:
		if ((int)event_group(ev->kind) != f->group)
			return false;
		break;
	}
	for (unsigned int i = 0; i < f->ncond; i++) {
		const struct evfilter_cond *c = &f->cond[i];
		uint64_t v;

		if (c->is_level) {
			if (ev->level < 0)
				return false;
			v = (uint64_t)ev->level;
		} else {
			int idx = event_field_by_name(ev->kind, c->field);

			if (idx < 0)
				return false;
			v = ev->a[idx];
		}
		if (v < c->lo || v >= c->hi)
			return false;
	}
	return true;
}

int evfilter_format(const struct evfilter *f, char *buf, size_t size)
{
	size_t off = 0;
	int n;

#define ADD(...)                                                         \
	do {                                                             \
		n = snprintf(buf + (off < size ? off : size),            \
			     off < size ? size - off : 0, __VA_ARGS__);  \
		off += (size_t)(n > 0 ? n : 0);                          \
	} while (0)
	switch (f->sel) {
	case EVFILTER_ANY:
		ADD("*");
		break;
	case EVFILTER_KIND:
		ADD("%s", event_name(f->kind));
		break;
	case EVFILTER_GROUP:
		ADD("%s", event_group_name(f->group));
		break;
	}
	for (unsigned int i = 0; i < f->ncond; i++) {
		const struct evfilter_cond *c = &f->cond[i];
		bool dec = c->is_level || c->hi <= 10;

		if (c->single)
			ADD(dec ? " %s=%llu" : " %s=0x%llx", c->field,
			    (unsigned long long)c->lo);
		else
			ADD(" %s=0x%llx-0x%llx", c->field,
			    (unsigned long long)c->lo,
			    (unsigned long long)c->hi);
	}
#undef ADD
	return (int)off;
}

const char *evfilter_word(unsigned int i)
{
	if (i < EV__COUNT)
		return event_name(i);
	i -= EV__COUNT;
	if (i < EVG__COUNT)
		return group_has_kinds((int)i) ? event_group_name(i) : "";
	return NULL;
}

const char *evfilter_field_word(int kind, unsigned int i)
{
	static char name[4][24];

	if (kind < 0 || kind >= EV__COUNT)
		return i == 0 ? "level=" : NULL;
	if (i < 4) {
		size_t n = field_len(ev_fields[kind][i]);

		if (!n)
			return "";
		snprintf(name[i], sizeof(name[i]), "%.*s=", (int)n,
			 ev_fields[kind][i]);
		return name[i];
	}
	return i == 4 ? "level=" : NULL;
}
