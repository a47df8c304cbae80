/* stdout for picolibc's tinystdio, line-buffered per CPU (see console.h). */
#include <stdarg.h>
#include <stdio.h>
#include "console.h"
#include "cpu.h"
#include "uart.h"

#define LINE_MAX_CHARS 256
#define NO_OWNER       (-1)

struct line_buf {
	unsigned int len;
	char buf[LINE_MAX_CHARS];
};

static struct line_buf lines[FW_MAX_CPUS];
static int lock_owner = NO_OWNER;

static int cpu_id(void)
{
	struct cpu_local *c = this_cpu();

	return c ? (int)c->id : 0;
}

/* The lock is skipped by a CPU that already holds it (a panic while printing). */
static int console_lock(int id)
{
	int expected = NO_OWNER;

	if (__atomic_load_n(&lock_owner, __ATOMIC_RELAXED) == id)
		return 0;
	while (!__atomic_compare_exchange_n(&lock_owner, &expected, id, 0, __ATOMIC_ACQUIRE,
					    __ATOMIC_RELAXED))
		expected = NO_OWNER;
	return 1;
}

static void console_unlock(void)
{
	__atomic_store_n(&lock_owner, NO_OWNER, __ATOMIC_RELEASE);
}

static void emit(struct line_buf *line, int id)
{
	int locked = console_lock(id);

	for (unsigned int i = 0; i < line->len; i++) {
		if (line->buf[i] == '\n')
			uart_putc('\r');
		uart_putc(line->buf[i]);
	}
	line->len = 0;
	if (locked)
		console_unlock();
}

static int console_putc(char c, FILE *file)
{
	int id = cpu_id();
	struct line_buf *line = &lines[id];

	(void)file;
	line->buf[line->len++] = c;
	if (c == '\n' || line->len == LINE_MAX_CHARS)
		emit(line, id);
	return (unsigned char)c;
}

static int console_getc(FILE *file)
{
	(void)file;
	return EOF;	/* input is polled directly from the UART (shell.c) */
}

static int console_flush_file(FILE *file)
{
	(void)file;
	console_flush();
	return 0;
}

void console_flush(void)
{
	int id = cpu_id();

	if (lines[id].len)
		emit(&lines[id], id);
}

static FILE console_file = FDEV_SETUP_STREAM(console_putc, console_getc, console_flush_file,
					     _FDEV_SETUP_RW);
FILE *const stdin = &console_file;
FILE *const stdout = &console_file;
FILE *const stderr = &console_file;

void fw_panic(const char *fmt, ...)
{
	va_list ap;

	printf("\nfw: PANIC: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	for (;;)
		__asm__ volatile("wfe");
}
