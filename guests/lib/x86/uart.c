/*
 * uart.c: the 16550 UART at I/O port 0x3F8 (COM1), transmit only.
 *
 * Registers (offsets from 0x3F8): 0 THR (write a byte to send) / DLL
 * when LCR.DLAB=1; 1 IER / DLM; 2 FCR (write); 3 LCR (bit 7 DLAB, bits
 * 1:0 word length); 4 MCR; 5 LSR (bit 5 THRE: the transmit holding
 * register is empty and may take a byte). We poll THRE before every byte
 * and never use interrupts. No \n -> \r\n translation: the serial stream
 * is compared byte for byte with expected files.
 */
#include "guest.h"

#define COM1 0x3F8
#define UART_THR 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_THRE 0x20

void uart_init(void)
{
	outb(COM1 + UART_IER, 0x00);	/* no interrupts */
	outb(COM1 + UART_LCR, 0x80);	/* DLAB: divisor follows */
	outb(COM1 + UART_THR, 0x01);	/* 115200 baud */
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	outb(COM1 + UART_FCR, 0x07);	/* FIFOs on and cleared */
	outb(COM1 + UART_MCR, 0x03);	/* DTR, RTS */
}

void uart_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THRE))
		;
	outb(COM1 + UART_THR, (uint8_t)c);
}
