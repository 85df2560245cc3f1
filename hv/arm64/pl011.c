// SPDX-License-Identifier: MIT
/*
 * PL011 UART (transmit only), register map at base + offset (PL011 TRM,
 * "Summary of registers"):
 *
 *   0x000 UARTDR     write: transmit a byte; read: 0 (nothing received)
 *   0x004 UARTRSR    receive status / error clear: 0
 *   0x018 UARTFR     flags: TXFE (bit 7) and RXFE (bit 4) set, TXFF (5),
 *                    RXFF (6) and BUSY (3) clear: always ready to send,
 *                    never anything to read
 *   0x020 UARTILPR   0x024 UARTIBRD  0x028 UARTFBRD   kept, no effect
 *   0x02C UARTLCR_H  0x030 UARTCR (reset 0x300: TXE, RXE)
 *   0x034 UARTIFLS (reset 0x12)  0x038 UARTIMSC  kept, no interrupts
 *   0x03C UARTRIS    0x040 UARTMIS: 0     0x044 UARTICR: write only
 *   0x048 UARTDMACR
 *   0xFE0-0xFFC      PeriphID0-3, PCellID0-3: QEMU's 0x11 0x10 0x14 0x00
 *                    0x0d 0xf0 0x05 0xb1
 * Transmission is instantaneous: the guest never waits. Accesses are
 * taken at any size; other offsets read 0 and ignore writes.
 */
#include <hv/arm64/pl011.h>

#define UARTFR_RXFE 0x10
#define UARTFR_TXFE 0x80

static const uint8_t pl011_id[8] = {
	0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

static uint64_t pl011_read(void *opaque, uint64_t off, unsigned int size)
{
	struct pl011 *u = opaque;

	if (off >= 0xfe0 && off < 0x1000)
		return pl011_id[(off - 0xfe0) >> 2];
	switch (off) {
	case 0x000: return 0;
	case 0x004: return 0;
	case 0x018: return UARTFR_TXFE | UARTFR_RXFE;
	case 0x020: return u->ilpr;
	case 0x024: return u->ibrd;
	case 0x028: return u->fbrd;
	case 0x02c: return u->lcr_h;
	case 0x030: return u->cr;
	case 0x034: return u->ifls;
	case 0x038: return u->imsc;
	case 0x03c: return 0;
	case 0x040: return 0;
	case 0x048: return u->dmacr;
	}
	return 0;
}

static void pl011_write(void *opaque, uint64_t off, unsigned int size,
			uint64_t val)
{
	struct pl011 *u = opaque;
	uint8_t byte = (uint8_t)val;

	switch (off) {
	case 0x000:
		u->tx_bytes++;
		if (u->sink)
			u->sink(u->sink_opaque, &byte, 1);
		break;
	case 0x020: u->ilpr = (uint8_t)val; break;
	case 0x024: u->ibrd = (uint16_t)val; break;
	case 0x028: u->fbrd = val & 0x3f; break;
	case 0x02c: u->lcr_h = (uint8_t)val; break;
	case 0x030: u->cr = (uint16_t)val; break;
	case 0x034: u->ifls = val & 0x3f; break;
	case 0x038: u->imsc = val & 0x7ff; break;
	case 0x048: u->dmacr = val & 7; break;
	default: break;		/* RSR/ECR, ICR: nothing to clear */
	}
}

static const struct io_ops pl011_ops = {
	.read = pl011_read,
	.write = pl011_write,
};

int pl011_init(struct pl011 *uart, struct io_bus *bus, uint64_t base,
	       console_sink_fn sink, void *opaque)
{
	*uart = (struct pl011){
		.cr = 0x300, .ifls = 0x12, .sink = sink, .sink_opaque = opaque,
	};
	return io_bus_register(bus, base, PL011_SIZE, &pl011_ops, uart,
			       "pl011");
}
