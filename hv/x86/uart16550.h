/* SPDX-License-Identifier: MIT */
/*
 * A 16550 UART, as QEMU's serial device, transmit side: the guest's
 * console. Bytes written to THR go to the sink the tool installed.
 */
#ifndef HV_X86_UART16550_H
#define HV_X86_UART16550_H

#include <hv/vm.h>

struct uart16550 {
	uint8_t ier, lcr, mcr, scr, dll, dlm;
	console_sink_fn sink;
	void *sink_opaque;
	uint64_t tx_bytes;
};

/* Register the 8 ports at @base (0x3F8 for COM1) on @bus. */
int uart16550_init(struct uart16550 *uart, struct io_bus *bus, uint16_t base,
		   console_sink_fn sink, void *opaque);

#endif
