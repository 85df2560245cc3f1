/* SPDX-License-Identifier: MIT */
/*
 * The event ring. A fixed array of records indexed by sequence number;
 * the oldest are overwritten. Emitting costs a few stores, so the
 * hardware can emit on every walk.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hv/event.h>

struct event_desc {
	const char *name;
	enum ev_group group;
	const char *field[4];
};

static const struct event_desc event_desc[EV__COUNT] = {
#define EVENT(n, g, f0, f1, f2, f3) \
	[EV_##n] = { .name = #n, .group = EVG_##g, .field = { f0, f1, f2, f3 } },
#include <hv/events.def>
#undef EVENT
};

static const char *const group_names[EVG__COUNT] = {
	[EVG_EXIT] = "exit", [EVG_CPU] = "cpu",	  [EVG_WALK] = "walk",
	[EVG_FAULT] = "fault", [EVG_TLB] = "tlb", [EVG_TDP] = "tdp",
	[EVG_SHADOW] = "shadow", [EVG_S2] = "s2",
};

int event_ring_init(struct event_ring *ring, uint64_t capacity,
		    const uint64_t *icount)
{
	uint64_t cap = 1;

	while (cap < capacity)
		cap <<= 1;
	memset(ring, 0, sizeof(*ring));
	ring->buf = calloc(cap, sizeof(*ring->buf));
	if (!ring->buf)
		return -ENOMEM;
	ring->mask = cap - 1;
	ring->icount = icount;
	return 0;
}

void event_ring_destroy(struct event_ring *ring)
{
	free(ring->buf);
	memset(ring, 0, sizeof(*ring));
}

void event_emit(struct event_ring *ring, enum ev_kind kind, int level,
		uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct hv_event *ev = &ring->buf[ring->next_seq & ring->mask];

	ev->seq = ring->next_seq++;
	ev->icount = ring->icount ? *ring->icount : 0;
	ev->kind = (uint16_t)kind;
	ev->level = (int8_t)level;
	ev->vcpu = 0;
	ev->pad = 0;
	ev->a[0] = a0;
	ev->a[1] = a1;
	ev->a[2] = a2;
	ev->a[3] = a3;
	for (unsigned int i = 0; i < ring->nsubs; i++)
		if (ring->sub[i].fn)
			ring->sub[i].fn(ring->sub[i].opaque, ev);
}

int event_subscribe(struct event_ring *ring, event_cb_fn fn, void *opaque)
{
	unsigned int i;

	for (i = 0; i < ring->nsubs; i++)
		if (!ring->sub[i].fn)
			break;
	if (i == EVENT_SUBSCRIBERS_MAX)
		return -ENOSPC;
	ring->sub[i].fn = fn;
	ring->sub[i].opaque = opaque;
	if (i == ring->nsubs)
		ring->nsubs++;
	return (int)i;
}

void event_unsubscribe(struct event_ring *ring, int handle)
{
	if (handle < 0 || (unsigned int)handle >= ring->nsubs)
		return;
	ring->sub[handle].fn = NULL;
	while (ring->nsubs && !ring->sub[ring->nsubs - 1].fn)
		ring->nsubs--;
}

uint64_t event_oldest(const struct event_ring *ring)
{
	uint64_t cap = ring->mask + 1;

	return ring->next_seq > cap ? ring->next_seq - cap : 0;
}

const struct hv_event *event_get(const struct event_ring *ring, uint64_t seq)
{
	if (seq >= ring->next_seq || seq < event_oldest(ring))
		return NULL;
	return &ring->buf[seq & ring->mask];
}

const char *event_name(enum ev_kind kind)
{
	return (unsigned int)kind < EV__COUNT ? event_desc[kind].name : "?";
}

enum ev_group event_group(enum ev_kind kind)
{
	return (unsigned int)kind < EV__COUNT ? event_desc[kind].group : EVG_CPU;
}

const char *event_group_name(enum ev_group group)
{
	return (unsigned int)group < EVG__COUNT ? group_names[group] : "?";
}

int event_kind_by_name(const char *name)
{
	for (int k = 0; k < EV__COUNT; k++)
		if (!strcmp(event_desc[k].name, name))
			return k;
	return -1;
}

/* Compare a field spec ("gfn:d") with a bare name ("gfn"). */
static bool field_is(const char *spec, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(spec, name, n) && (spec[n] == '\0' || spec[n] == ':');
}

int event_field_by_name(enum ev_kind kind, const char *field)
{
	if ((unsigned int)kind >= EV__COUNT || !*field)
		return -1;
	for (int i = 0; i < 4; i++)
		if (field_is(event_desc[kind].field[i], field))
			return i;
	return -1;
}

int event_format(const struct hv_event *ev, char *buf, size_t size)
{
	const struct event_desc *d;
	size_t off = 0;
	int n;

	if (ev->kind >= EV__COUNT)
		return snprintf(buf, size, "#%llu bad event kind %u",
				(unsigned long long)ev->seq, ev->kind);
	d = &event_desc[ev->kind];
#define ADD(...)                                                         \
	do {                                                             \
		n = snprintf(buf + (off < size ? off : size),            \
			     off < size ? size - off : 0, __VA_ARGS__);  \
		off += (size_t)(n > 0 ? n : 0);                          \
	} while (0)
	ADD("#%llu @%llu %s", (unsigned long long)ev->seq,
	    (unsigned long long)ev->icount, d->name);
	if (ev->level >= 0)
		ADD(" level=%d", ev->level);
	for (int i = 0; i < 4; i++) {
		const char *f = d->field[i];
		const char *colon = strchr(f, ':');
		int len = colon ? (int)(colon - f) : (int)strlen(f);

		if (!len)
			continue;
		if (colon && colon[1] == 'd')
			ADD(" %.*s=%llu", len, f, (unsigned long long)ev->a[i]);
		else
			ADD(" %.*s=0x%llx", len, f, (unsigned long long)ev->a[i]);
	}
#undef ADD
	return (int)off;
}
