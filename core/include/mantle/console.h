/*
 * The host console: a UART driver registers here. Output is polled (a panic
 * must still print); input arrives by interrupt into a ring that a reader
 * (the shell, or later a guest's vserial) drains.
 */
#ifndef MANTLE_CONSOLE_H
#define MANTLE_CONSOLE_H
#include <stdbool.h>

struct vcpu;

struct console_ops {
	const char *name;
	void (*putc)(char c);
	void (*enable_rx)(void);    /* start receive interrupts, once an irqchip exists */
};

void console_register(const struct console_ops *ops);
bool console_present(void);
void console_enable_rx(void);
/* Raw byte out; '\n' becomes "\r\n". Early output before a console exists is buffered. */
void console_putc(char c);
/* Called by the UART's receive interrupt. */
void console_rx(char c);
/* Blocking read for the console's reader vCPU. */
int console_getc(void);
unsigned long console_rx_dropped(void);

#endif
