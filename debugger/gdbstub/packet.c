/* SPDX-License-Identifier: MIT */
/*
 * RSP framing (see packet.h): a receiver that never reads past its
 * buffer whatever arrives, and the helpers every command parser uses.
 */
#include <string.h>

#include "debugger/gdbstub/packet.h"

enum { RX_IDLE, RX_DATA, RX_CSUM1, RX_CSUM2 };

void gdb_rx_init(struct gdb_rx *rx)
{
	rx->state = RX_IDLE;
	rx->overflow = false;
	rx->sum = 0;
	rx->len = 0;
	rx->buf[0] = '\0';
}

enum gdb_rx_event gdb_rx_feed(struct gdb_rx *rx, uint8_t c)
{
	int d;

	switch (rx->state) {
	case RX_IDLE:
		if (c == '$') {
			gdb_rx_init(rx);
			rx->state = RX_DATA;
			return GDB_RX_NONE;
		}
		if (c == 0x03)
			return GDB_RX_INTERRUPT;
		if (c == '+')
			return GDB_RX_ACK;
		if (c == '-')
			return GDB_RX_NACK;
		return GDB_RX_NONE;	/* noise between packets */
	case RX_DATA:
		if (c == '$') {		/* a new frame: drop the partial one */
			gdb_rx_init(rx);
			rx->state = RX_DATA;
			return GDB_RX_NONE;
		}
		if (c == '#') {
			rx->state = RX_CSUM1;
			return GDB_RX_NONE;
		}
		rx->sum = (uint8_t)(rx->sum + c);
		if (rx->len < GDB_PACKET_MAX)
			rx->buf[rx->len++] = c;
		else
			rx->overflow = true;
		return GDB_RX_NONE;
	case RX_CSUM1:
		d = gdb_hex_digit(c);
		if (d < 0) {
			gdb_rx_init(rx);
			if (c == '$')	/* a new frame starts here */
				rx->state = RX_DATA;
			return GDB_RX_BADSUM;
		}
		rx->csum = (uint8_t)d;
		rx->state = RX_CSUM2;
		return GDB_RX_NONE;
	case RX_CSUM2:
	default:
		d = gdb_hex_digit(c);
		rx->state = RX_IDLE;
		rx->buf[rx->len] = '\0';
		if (d < 0 || (uint8_t)(rx->csum << 4 | d) != rx->sum)
			return GDB_RX_BADSUM;
		return rx->overflow ? GDB_RX_OVERLONG : GDB_RX_PACKET;
	}
}

int gdb_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool gdb_parse_hex(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t acc = 0;
	int n = 0, d;

	while ((d = gdb_hex_digit((unsigned char)*s)) >= 0) {
		if (acc >> 60)
			return false;	/* would overflow */
		acc = acc << 4 | (uint64_t)d;
		s++;
		n++;
	}
	if (!n)
		return false;
	*v = acc;
	*p = s;
	return true;
}

long gdb_hex_decode(const char *hex, size_t n, uint8_t *out)
{
	if (n & 1)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = gdb_hex_digit((unsigned char)hex[i]);
		int lo = gdb_hex_digit((unsigned char)hex[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

void gdb_hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

long gdb_unescape(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (in[i] == '}') {
			if (++i == n)
				return -1;
			out[o++] = in[i] ^ 0x20;
		} else {
			out[o++] = in[i];
		}
	}
	return (long)o;
}

size_t gdb_frame(const uint8_t *data, size_t len, uint8_t *out, size_t size)
{
	static const char digits[] = "0123456789abcdef";
	uint8_t sum = 0;
	size_t o = 0;

	if (size < 4)
		return 0;
	out[o++] = '$';
	for (size_t i = 0; i < len; i++) {
		uint8_t c = data[i];
		bool esc = c == '$' || c == '#' || c == '}' || c == '*';

		if (o + (esc ? 2 : 1) + 3 > size)
			return 0;
		if (esc) {
			out[o++] = '}';
			sum = (uint8_t)(sum + '}');
			c ^= 0x20;
		}
		out[o++] = c;
		sum = (uint8_t)(sum + c);
	}
	out[o++] = '#';
	out[o++] = (uint8_t)digits[sum >> 4];
	out[o++] = (uint8_t)digits[sum & 15];
	return o;
}
