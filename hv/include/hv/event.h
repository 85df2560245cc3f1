/* SPDX-License-Identifier: MIT */
/*
 * MMU and CPU events: the contract between the hypervisor and the tools.
 *
 * Every action of the hypervisor's MMU (and every exit and walk of the
 * hardware) emits one fixed-size record into the VM's ring. Views read
 * the ring with a cursor; breakpoints and trace writers subscribe for a
 * callback. Kinds come from events.def, which also gives the formatter.
 */
#ifndef HV_EVENT_H
#define HV_EVENT_H

#include <hv/types.h>

enum ev_kind {
#define EVENT(name, group, f0, f1, f2, f3) EV_##name,
#include <hv/events.def>
#undef EVENT
	EV__COUNT
};

enum ev_group {
	EVG_EXIT, EVG_CPU, EVG_WALK, EVG_FAULT, EVG_TLB, EVG_TDP,
	EVG_SHADOW, EVG_S2, EVG__COUNT
};

struct hv_event {
	uint64_t seq;		/* 0, 1, 2 ... per VM */
	uint64_t icount;	/* instructions retired when emitted */
	uint16_t kind;		/* enum ev_kind */
	int8_t level;		/* page-table level, or -1 */
	uint8_t vcpu;
	uint32_t pad;
	uint64_t a[4];		/* payload, named in events.def */
};

typedef void (*event_cb_fn)(void *opaque, const struct hv_event *ev);

#define EVENT_SUBSCRIBERS_MAX 8

struct event_ring {
	struct hv_event *buf;
	uint64_t mask;		/* capacity - 1, capacity a power of two */
	uint64_t next_seq;	/* seq of the next event */
	const uint64_t *icount;	/* where to read the instruction count */
	unsigned int nsubs;
	struct {
		event_cb_fn fn;
		void *opaque;
	} sub[EVENT_SUBSCRIBERS_MAX];
};

/* @capacity is rounded up to a power of two. Returns 0 or -ENOMEM. */
int event_ring_init(struct event_ring *ring, uint64_t capacity,
		    const uint64_t *icount);
void event_ring_destroy(struct event_ring *ring);

/* Record one event and call every subscriber. */
void event_emit(struct event_ring *ring, enum ev_kind kind, int level,
		uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);

/*
 * Subscribe. Returns a handle >= 0 or -ENOSPC. Callbacks run inside
 * event_emit, so they must not emit events themselves.
 */
int event_subscribe(struct event_ring *ring, event_cb_fn fn, void *opaque);
void event_unsubscribe(struct event_ring *ring, int handle);

/*
 * The event with sequence @seq, or NULL if it was never emitted or has
 * been overwritten. Readers keep their own cursor (a seq).
 */
const struct hv_event *event_get(const struct event_ring *ring, uint64_t seq);
/* Oldest seq still in the ring. */
uint64_t event_oldest(const struct event_ring *ring);

const char *event_name(enum ev_kind kind);
enum ev_group event_group(enum ev_kind kind);
const char *event_group_name(enum ev_group group);
/* Kind by name ("get_page"), or -1. */
int event_kind_by_name(const char *name);
/* Field index of @field in @kind ("gfn"), or -1. */
int event_field_by_name(enum ev_kind kind, const char *field);

/*
 * One line, no newline: "#seq icount name level=N f0=0x.. f1=..".
 * Returns the length snprintf would have written.
 */
int event_format(const struct hv_event *ev, char *buf, size_t size);

#endif
