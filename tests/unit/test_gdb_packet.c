/* SPDX-License-Identifier: MIT */
/*
 * The RSP framing layer: checksums, the receiver's state machine (good,
 * bad, overlong, truncated and interleaved frames), hex parsing and
 * encoding, binary escaping both ways.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debugger/gdbstub/packet.h"

static struct gdb_rx *rx;

static void setup(void)
{
	rx = calloc(1, sizeof(*rx));
	cr_assert_not_null(rx);
	gdb_rx_init(rx);
}

static void teardown(void)
{
	free(rx);
}

/* Feed @s; return the last non-NONE event (NONE if there was none). */
static enum gdb_rx_event feed(const char *s, size_t n)
{
	enum gdb_rx_event last = GDB_RX_NONE;

	for (size_t i = 0; i < n; i++) {
		enum gdb_rx_event e = gdb_rx_feed(rx, (uint8_t)s[i]);

		if (e != GDB_RX_NONE)
			last = e;
	}
	return last;
}

#define FEED(s) feed((s), sizeof(s) - 1)

TestSuite(gdb_packet, .init = setup, .fini = teardown);

Test(gdb_packet, good_packet_and_checksum)
{
	/* 'g' is 0x67. */
	cr_assert_eq(FEED("$g#67"), GDB_RX_PACKET);
	cr_assert_eq(rx->len, 1);
	cr_assert_str_eq((char *)rx->buf, "g");
	/* qSupported's checksum, upper-case hex digits accepted too. */
	cr_assert_eq(FEED("$?#3F"), GDB_RX_PACKET);
	cr_assert_str_eq((char *)rx->buf, "?");
}

Test(gdb_packet, empty_packet)
{
	cr_assert_eq(FEED("$#00"), GDB_RX_PACKET);
	cr_assert_eq(rx->len, 0);
}

Test(gdb_packet, bad_checksum_then_recovery)
{
	cr_assert_eq(FEED("$g#68"), GDB_RX_BADSUM);
	cr_assert_eq(FEED("$g#zz"), GDB_RX_BADSUM);
	cr_assert_eq(FEED("$g#67"), GDB_RX_PACKET);
}

Test(gdb_packet, acks_interrupt_and_noise)
{
	cr_assert_eq(FEED("+"), GDB_RX_ACK);
	cr_assert_eq(FEED("-"), GDB_RX_NACK);
	cr_assert_eq(FEED("\x03"), GDB_RX_INTERRUPT);
	cr_assert_eq(FEED("garbage"), GDB_RX_NONE);
	cr_assert_eq(FEED("$g#67"), GDB_RX_PACKET);
}

Test(gdb_packet, dollar_restarts_a_truncated_frame)
{
	/* "$m10" never finished: the next '$' starts over. */
	cr_assert_eq(FEED("$m10$g#67"), GDB_RX_PACKET);
	cr_assert_str_eq((char *)rx->buf, "g");
	/* A '$' where a checksum digit belongs: bad, then a fresh frame. */
	cr_assert_eq(FEED("$g#$g#67"), GDB_RX_PACKET);
	cr_assert_str_eq((char *)rx->buf, "g");
}

Test(gdb_packet, interrupt_inside_a_packet_is_data)
{
	char pkt[] = "$a\x03#00";
	uint8_t sum = (uint8_t)('a' + 3);

	snprintf(pkt + 4, 3, "%02x", sum);
	cr_assert_eq(feed(pkt, 6), GDB_RX_PACKET);
	cr_assert_eq(rx->len, 2);
}

Test(gdb_packet, overlong_is_dropped_whole)
{
	size_t n = GDB_PACKET_MAX + 100;
	char *big = malloc(n + 5);
	uint8_t sum = 0;

	cr_assert_not_null(big);
	big[0] = '$';
	for (size_t i = 1; i <= n; i++) {
		big[i] = 'a';
		sum = (uint8_t)(sum + 'a');
	}
	big[n + 1] = '#';
	snprintf(big + n + 2, 3, "%02x", sum);
	cr_assert_eq(feed(big, n + 4), GDB_RX_OVERLONG);
	cr_assert_eq(rx->len, GDB_PACKET_MAX);
	free(big);
	cr_assert_eq(FEED("$g#67"), GDB_RX_PACKET);
}

Test(gdb_packet, hex_digits)
{
	cr_assert_eq(gdb_hex_digit('0'), 0);
	cr_assert_eq(gdb_hex_digit('a'), 10);
	cr_assert_eq(gdb_hex_digit('F'), 15);
	cr_assert_eq(gdb_hex_digit('g'), -1);
	cr_assert_eq(gdb_hex_digit(0), -1);
}

Test(gdb_packet, parse_hex)
{
	const char *p = "ffff8000,10";
	uint64_t v;

	cr_assert(gdb_parse_hex(&p, &v));
	cr_assert_eq(v, 0xffff8000ull);
	cr_assert_str_eq(p, ",10");
	p = "ffffffffffffffff";
	cr_assert(gdb_parse_hex(&p, &v));
	cr_assert_eq(v, ~0ull);
	p = "1ffffffffffffffff";	/* 65 bits */
	cr_assert_not(gdb_parse_hex(&p, &v));
	p = ",10";
	cr_assert_not(gdb_parse_hex(&p, &v));
	cr_assert_str_eq(p, ",10");
	p = "";
	cr_assert_not(gdb_parse_hex(&p, &v));
}

Test(gdb_packet, hex_decode_encode)
{
	uint8_t b[4];
	char h[9];

	cr_assert_eq(gdb_hex_decode("deadBEEF", 8, b), 4);
	cr_assert_eq(b[0], 0xde);
	cr_assert_eq(b[3], 0xef);
	cr_assert_eq(gdb_hex_decode("abc", 3, b), -1);	/* odd */
	cr_assert_eq(gdb_hex_decode("zz", 2, b), -1);
	gdb_hex_encode(b, 4, h);
	cr_assert_str_eq(h, "deadbeef");
}

Test(gdb_packet, unescape)
{
	uint8_t out[8];
	const uint8_t in[] = { 'a', '}', '$' ^ 0x20, '}', '}' ^ 0x20, 'b' };

	cr_assert_eq(gdb_unescape(in, sizeof(in), out), 4);
	cr_assert_eq(out[0], 'a');
	cr_assert_eq(out[1], '$');
	cr_assert_eq(out[2], '}');
	cr_assert_eq(out[3], 'b');
	/* Ends inside an escape: refused. */
	cr_assert_eq(gdb_unescape((const uint8_t *)"a}", 2, out), -1);
}

Test(gdb_packet, frame_escapes_and_sums)
{
	uint8_t out[64];
	size_t n = gdb_frame((const uint8_t *)"OK", 2, out, sizeof(out));

	cr_assert_eq(n, 6);
	cr_assert_eq(memcmp(out, "$OK#9a", 6), 0);
	/* '#', '$', '}' and '*' are escaped; the sum covers the escapes. */
	n = gdb_frame((const uint8_t *)"a#*", 3, out, sizeof(out));
	cr_assert_eq(n, 1 + 5 + 3);
	cr_assert_eq(memcmp(out, "$a}\x03}\x0a#", 7), 0);
	/* Round trip through the receiver and unescape. */
	cr_assert_eq(feed((char *)out, n), GDB_RX_PACKET);
	cr_assert_eq(gdb_unescape(rx->buf, rx->len, out), 3);
	cr_assert_eq(memcmp(out, "a#*", 3), 0);
	/* Too small a buffer: nothing. */
	cr_assert_eq(gdb_frame((const uint8_t *)"OK", 2, out, 5), 0);
}
