/* SPDX-License-Identifier: MIT */
/*
 * 16550 UART (transmit only), register map at base + offset:
 *
 *   0  THR (write) / RBR (read)      DLL when LCR.DLAB
 *   1  IER                           DLM when LCR.DLAB
 *   2  IIR (read) / FCR (write)      IIR reads 0x01: no interrupt pending
 *   3  LCR                           bit 7 DLAB
 *   4  MCR
 *   5  LSR                           bit 5 THRE, bit 6 TEMT: always ready
 *   6  MSR
 *   7  SCR
 *
 * Transmission is instantaneous: the guest never waits, and there is no
 * receive path yet (RBR reads 0, LSR.DR is never set).
 */
#include <hv/x86/uart16550.h>

#define UART_LSR_THRE 0x20
#define UART_LSR_TEMT 0x40
#define UART_LCR_DLAB 0x80

static uint64_t uart_read(void *opaque, uint64_t off, unsigned int size)
{
	struct uart16550 *u = opaque;
	bool dlab = u->lcr & UART_LCR_DLAB;

	switch (off) {
	case 0: return dlab ? u->dll : 0;
	case 1: return dlab ? u->dlm : u->ier;
	case 2: return 0x01;
	case 3: return u->lcr;
	case 4: return u->mcr;
	case 5: return UART_LSR_THRE | UART_LSR_TEMT;
	case 6: return 0xb0;	/* DCD, DSR, CTS as QEMU reports them */
	case 7: return u->scr;
	}
	return 0xff;
}

static void uart_write(void *opaque, uint64_t off, unsigned int size,
		       uint64_t val)
{
	struct uart16550 *u = opaque;
	bool dlab = u->lcr & UART_LCR_DLAB;
	uint8_t byte = (uint8_t)val;

	switch (off) {
	case 0:
		if (dlab) {
			u->dll = byte;
		} else {
			u->tx_bytes++;
			if (u->sink)
				u->sink(u->sink_opaque, &byte, 1);
		}
		break;
	case 1:
		if (dlab)
			u->dlm = byte;
		else
			u->ier = byte & 0x0f;
		break;
	case 3: u->lcr = byte; break;
	case 4: u->mcr = byte & 0x1f; break;
	case 7: u->scr = byte; break;
	}
}

static const struct io_ops uart_ops = {
	.read = uart_read,
	.write = uart_write,
};

int uart16550_init(struct uart16550 *uart, struct io_bus *bus, uint16_t base,
		   console_sink_fn sink, void *opaque)
{
	*uart = (struct uart16550){ .sink = sink, .sink_opaque = opaque };
	return io_bus_register(bus, base, 8, &uart_ops, uart, "serial");
}
