#include <stddef.h>
#include <arch/spinlock.h>
#include <libs/ring.h>
#include <mantle/console.h>
#include <mantle/sched.h>

/* Output written before a UART driver bound; replayed when one does. */
static char early_buf[8192];
static size_t early_len;
static const struct console_ops *console;

static uint8_t rx_buf[256];
static struct ring rx_ring = { rx_buf, sizeof(rx_buf), 0, 0, 0 };
static struct vcpu *volatile rx_reader;

void console_register(const struct console_ops *ops)
{
	console = ops;
	for (size_t i = 0; i < early_len; i++)
		ops->putc(early_buf[i]);
	early_len = 0;
}

bool console_present(void) { return console != NULL; }

void console_enable_rx(void)
{
	if (console && console->enable_rx)
		console->enable_rx();
}

static void raw_putc(char c)
{
	if (console)
		console->putc(c);
	else if (early_len < sizeof(early_buf))
		early_buf[early_len++] = c;
}

void console_putc(char c)
{
	if (c == '\n')
		raw_putc('\r');
	raw_putc(c);
}

void console_rx(char c)
{
	ring_put(&rx_ring, (uint8_t)c);
	if (rx_reader)
		sched_wake(rx_reader);
}

int console_getc(void)
{
	for (;;) {
		int c = ring_get(&rx_ring);
		if (c >= 0)
			return c;
		rx_reader = sched_current();
		/* A byte that lands between the check and here leaves a pending wake-up. */
		if (ring_count(&rx_ring) == 0)
			sched_block();
	}
}

unsigned long console_rx_dropped(void)
{
	return rx_ring.dropped;
}
