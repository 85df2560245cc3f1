/*
 * uart.c: console output on the PL011 at 0x09000000.
 *
 * Two registers are enough to send: UARTDR (offset 0x00), whose low 8
 * bits written queue one character, and UARTFR (offset 0x18), whose
 * bit 5 (TXFF) is set while the transmit FIFO is full. We poll TXFF,
 * then write. Both are 32-bit registers, accessed as such. With the MMU
 * off every access is Device-nGnRnE; the MMU guests map this page as
 * Device memory, identity, so the same address works throughout.
 */
#include "guest.h"

#define UARTDR		0x00
#define UARTFR		0x18
#define UARTFR_TXFF	(1u << 5)

static inline volatile uint32_t *uart_reg(unsigned off)
{
	return (volatile uint32_t *)(UART_BASE + off);
}

void uart_putc(char c)
{
	while (*uart_reg(UARTFR) & UARTFR_TXFF)
		;
	*uart_reg(UARTDR) = (uint32_t)(unsigned char)c;
}
