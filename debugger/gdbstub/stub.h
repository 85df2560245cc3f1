/* SPDX-License-Identifier: MIT */
/*
 * The GDB remote stub: bytes in, replies out, commands to a target
 * (target.h). It owns no socket: the server (server.c) feeds it what
 * it reads and gives it a send function; the unit tests and the fuzzer
 * feed it strings and collect the replies in a buffer.
 *
 * All-stop, one process, each vCPU a thread (numbered from 1). While
 * the target runs (inside a c/s/vCont packet) the stub is not re-entered:
 * Ctrl-C reaches the target through the server's poll.
 */
#ifndef DEBUGGER_GDBSTUB_STUB_H
#define DEBUGGER_GDBSTUB_STUB_H

#include "debugger/gdbstub/packet.h"
#include "debugger/gdbstub/target.h"

enum gdb_stub_state {
	GDB_STUB_ATTACHED,	/* serving packets */
	GDB_STUB_DETACHED,	/* GDB sent D: close, let the guest run */
	GDB_STUB_KILLED,	/* GDB sent k or vKill */
};

typedef void (*gdb_send_fn)(void *io, const uint8_t *buf, size_t len);

struct gdb_stub {
	const struct gdb_target_ops *ops;
	void *t;
	gdb_send_fn send;
	void *io;
	enum gdb_stub_state state;
	bool no_ack;		/* after QStartNoAckMode */
	bool gdb_swbreak;	/* GDB understands swbreak/hwbreak */
	bool gdb_hwbreak;
	bool exited;		/* a W reply went out */
	uint64_t packets, bad_packets;
	struct gdb_rx rx;
	size_t reply_len;
	uint8_t reply[GDB_PACKET_MAX + 1];	/* the reply being built */
	size_t frame_len;
	uint8_t frame[2 * GDB_PACKET_MAX + 8];	/* the last one sent */
	uint8_t oframe[4200];			/* an O packet */
};

/* Attach a stub to target @ops/@t; replies go to @send(@io, ...). */
void gdb_stub_init(struct gdb_stub *st, const struct gdb_target_ops *ops,
		   void *t, gdb_send_fn send, void *io);

/*
 * Process @len received bytes: acks, packets (each answered before the
 * next is read), stray Ctrl-C bytes. Stops early, leaving the rest
 * unread, once the state leaves ATTACHED. Returns the bytes consumed.
 */
size_t gdb_stub_input(struct gdb_stub *st, const uint8_t *buf, size_t len);

/* Handle one packet's DATA (unframed, as gdb_rx delivers it). */
void gdb_stub_packet(struct gdb_stub *st, const uint8_t *data, size_t len);

/*
 * Format a stop reply for @stop ("T05thread:1;swbreak:;", "W03") into
 * @buf. Returns its length.
 */
size_t gdb_stub_format_stop(const struct gdb_stub *st,
			    const struct gdb_stop *stop, char *buf,
			    size_t size);

#endif
