/* Polled PL011 driver: no interrupts, no FIFO set-up beyond enabling TX/RX. */
#include "uart.h"

/* Give up waiting for FIFO space after this many polls: a stuck TXFF must not hang us. */
#define TX_POLLS 1000000

static uintptr_t base = PL011_DEFAULT_BASE;

static inline uint32_t reg_read(unsigned int off)
{
	return *(volatile uint32_t *)(base + off);
}

static inline void reg_write(unsigned int off, uint32_t val)
{
	*(volatile uint32_t *)(base + off) = val;
}

void uart_init(uintptr_t new_base)
{
	base = new_base;
	reg_write(UARTCR, reg_read(UARTCR) | UARTCR_UARTEN | UARTCR_TXE | UARTCR_RXE);
}

uintptr_t uart_base(void)
{
	return base;
}

void uart_putc(char c)
{
	for (int i = 0; i < TX_POLLS && (reg_read(UARTFR) & UARTFR_TXFF); i++)
		;
	reg_write(UARTDR, (unsigned char)c);
}

int uart_getc(void)
{
	if (reg_read(UARTFR) & UARTFR_RXFE)
		return -1;
	return reg_read(UARTDR) & 0xff;
}
