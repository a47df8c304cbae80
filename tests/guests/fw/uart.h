/* Polled PL011 driver. */
#ifndef FW_UART_H
#define FW_UART_H

#define PL011_DEFAULT_BASE 0x09000000

#ifndef __ASSEMBLY__
#include <stdint.h>

/* Register offsets and flag bits (PL011 TRM). */
#define UARTDR   0x000
#define UARTFR   0x018
#define UARTCR   0x030
#define UARTFR_RXFE (1u << 4)
#define UARTFR_TXFF (1u << 5)
#define UARTCR_UARTEN (1u << 0)
#define UARTCR_TXE    (1u << 8)
#define UARTCR_RXE    (1u << 9)
#define UARTCR_RTS    (1u << 11)

void uart_init(uintptr_t base);
uintptr_t uart_base(void);
void uart_putc(char c);
/* The next received character, or -1 if none is waiting. */
int uart_getc(void);

#endif /* !__ASSEMBLY__ */
#endif
