/* SPDX-License-Identifier: MIT */
/*
 * An Arm PrimeCell PL011 UART, as QEMU's pl011 on -M virt, transmit
 * side: the guest's console. Bytes written to UARTDR go to the sink the
 * tool installed.
 */
#ifndef HV_ARM64_PL011_H
#define HV_ARM64_PL011_H

#include <hv/vm.h>

#define PL011_BASE 0x09000000ull
#define PL011_SIZE 0x1000ull

struct pl011 {
	uint32_t lcr_h, cr, imsc, ibrd, fbrd, ifls, dmacr, ilpr;
	console_sink_fn sink;
	void *sink_opaque;
	uint64_t tx_bytes;
};

/* Register the 4 KiB window at @base (0x09000000 on virt) on @bus. */
int pl011_init(struct pl011 *uart, struct io_bus *bus, uint64_t base,
	       console_sink_fn sink, void *opaque);

#endif
