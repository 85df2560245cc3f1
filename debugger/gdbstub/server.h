/* SPDX-License-Identifier: MIT */
/*
 * `quadrant run --gdb [ADDR:]PORT [-S] IMAGE`: the guest under the
 * debugger engine, with a GDB remote stub on a TCP port.
 *
 * One poll loop, no threads. While GDB is attached the stub serves its
 * packets, and c/s/vCont run the session, whose poll between slices
 * reads the socket for Ctrl-C (0x03) and for a vanished GDB. While no
 * GDB is attached the guest runs (unless -S, or a stop left it
 * stopped) and the same poll watches the listening socket: a GDB that
 * connects stops the guest, as QEMU's stub does.
 *
 *   D (detach)          GDB's breakpoints go, the guest runs on, and
 *                       the stub listens again
 *   connection closed   (GDB's `disconnect`, or GDB died) the guest
 *                       stays stopped where it was; the stub listens
 *   k (kill)            quadrant exits, status 0
 *   guest exits         W status to GDB, then quadrant exits with it
 * x86 guests are described as i386:x86-64 (one layout whatever the
 * CPU's mode); "--gdb PORT,i386" describes them as i386 instead, for
 * guests that never leave 32-bit mode (GDB then unwinds and
 * disassembles their 32-bit code with their own ELF's debug info).
 * The port is printed on stderr ("GDB stub listening on ADDR:PORT");
 * PORT 0 picks a free one, which is what the tests use.
 */
#ifndef DEBUGGER_GDBSTUB_SERVER_H
#define DEBUGGER_GDBSTUB_SERVER_H

#include "debugger/options.h"

/* Returns the process exit status, as `quadrant run` does. */
int gdb_run(struct quadrant_opts *o);

/*
 * Split "[ADDR:]PORT[,i386]" into @host (127.0.0.1 by default), @port
 * and whether GDB gets the i386 description instead of x86-64 (see
 * tdesc.h). Returns false if malformed.
 */
bool gdb_parse_listen(const char *spec, char *host, size_t hostlen,
		      unsigned int *port, bool *i386);

#endif
