/* SPDX-License-Identifier: MIT */
/*
 * The GDB Remote Serial Protocol's framing, byte by byte.
 *
 * Reference card (GDB manual, "Overview" of the remote protocol):
 *   packet      $DATA#CC      CC = the sum of DATA's bytes mod 256, in
 *                             two lowercase hex digits
 *   ack / nack  +  -          after every packet until QStartNoAckMode
 *   interrupt   0x03          a bare byte outside any packet (Ctrl-C)
 *   escape      }X            in binary data (X packets, qXfer and our
 *                             replies): the byte is X ^ 0x20; '$', '#',
 *                             '}' and '*' are always escaped in replies
 *   RLE         X*N           GDB may send it; we never do, and only GDB
 *                             would expand it, so the receiver keeps it
 *                             as data (no command we parse contains '*')
 * A '$' inside a packet starts over (resynchronisation). DATA longer
 * than GDB_PACKET_MAX is dropped whole and reported as overlong.
 *
 * The receiver keeps DATA as sent (still escaped): only the commands
 * that carry binary data unescape it, with gdb_unescape.
 */
#ifndef DEBUGGER_GDBSTUB_PACKET_H
#define DEBUGGER_GDBSTUB_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest DATA we accept and advertise (qSupported PacketSize). */
#define GDB_PACKET_MAX 16384

enum gdb_rx_event {
	GDB_RX_NONE,		/* the byte was absorbed */
	GDB_RX_PACKET,		/* rx->buf[0..len) is a good packet */
	GDB_RX_BADSUM,		/* a whole packet with a wrong checksum */
	GDB_RX_OVERLONG,	/* a whole packet longer than GDB_PACKET_MAX */
	GDB_RX_INTERRUPT,	/* 0x03 outside a packet */
	GDB_RX_ACK,		/* '+' */
	GDB_RX_NACK,		/* '-': resend the last reply */
};

struct gdb_rx {
	uint8_t state;		/* private: where in a frame we are */
	bool overflow;
	uint8_t sum;		/* running sum of DATA */
	uint8_t csum;		/* the checksum's first digit */
	size_t len;
	uint8_t buf[GDB_PACKET_MAX + 1];	/* DATA, NUL-terminated */
};

/* Start with no partial packet. */
void gdb_rx_init(struct gdb_rx *rx);

/* Feed one received byte; says what it completed. */
enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t c);

/* --- hex and binary ------------------------------------------------------ */

/* The value of hex digit @c, or -1. */
int gdb_hex_digit(int c);

/*
 * Parse hex digits at *@p (at least one, at most 16) into @v and move
 * *@p past them. Returns false (and leaves *@p) if there are none or
 * the value overflows 64 bits.
 */
bool gdb_parse_hex(const char **p, uint64_t *v);

/*
 * Decode @n hex characters at @hex into @out (n / 2 bytes). Returns the
 * byte count, or -1 if @n is odd or a character is not a hex digit.
 */
long gdb_hex_decode(const char *hex, size_t n, uint8_t *out);

/* Encode @len bytes as 2 * len lowercase hex characters plus a NUL. */
void gdb_hex_encode(const uint8_t *in, size_t len, char *out);

/*
 * Undo the '}' escapes of @n bytes at @in into @out (which may be @in).
 * Returns the decoded length, or -1 if the data ends inside an escape.
 */
long gdb_unescape(const uint8_t *in, size_t n, uint8_t *out);

/*
 * Frame @len bytes of DATA as "$DATA#CC", escaping '$', '#', '}' and
 * '*', into @out of @size bytes (at most 2 * len + 4 are needed).
 * Returns the frame's length, or 0 if it does not fit.
 */
size_t gdb_frame(const uint8_t *data, size_t len, uint8_t *out, size_t size);

#endif
