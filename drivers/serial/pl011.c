/* ARM PL011 UART: the host console. Polled transmit, interrupt-driven receive. */
#include <stddef.h>
#include <arch/mmu.h>
#include <drivers/mmio.h>
#include <mantle/driver.h>
#include <mantle/devtree.h>
#include <mantle/console.h>
#include <mantle/irq.h>
#include <mantle/log.h>
#include <mantle/host_claims.h>

#define UART_DR     0x00
#define UART_FR     0x18
#define UART_CR     0x30
#define UART_IMSC   0x38
#define UART_ICR    0x44

#define FR_RXFE     (1u << 4)
#define FR_TXFF     (1u << 5)
#define CR_UARTEN   (1u << 0)
#define CR_TXE      (1u << 8)
#define CR_RXE      (1u << 9)
#define INT_RX      (1u << 4)
#define INT_RT      (1u << 6)

static uintptr_t base;
static uint32_t rx_intid;
static bool rx_edge;

static void pl011_putc(char c)
{
	while (mmio_read32(base + UART_FR) & FR_TXFF)
		;
	mmio_write32(base + UART_DR, (uint8_t)c);
}

static void pl011_irq(uint32_t intid, void *arg)
{
	/*
	 * Acknowledge before draining: a byte that lands while we drain raises
	 * a fresh interrupt instead of being cleared along with this one.
	 */
	mmio_write32(base + UART_ICR, INT_RX | INT_RT);
	for (int n = 0; n < 256 && !(mmio_read32(base + UART_FR) & FR_RXFE); n++)
		console_rx((char)(mmio_read32(base + UART_DR) & 0xff));
}

static void pl011_enable_rx(void)
{
	if (!rx_intid || irq_request(rx_intid, rx_edge, 0, pl011_irq, NULL, "pl011 rx")) {
		pr_warn("pl011: no receive interrupt: the shell cannot read input");
		return;
	}
	mmio_write32(base + UART_IMSC, INT_RX | INT_RT);
}

static const struct console_ops pl011_console = {
	.name = "pl011",
	.putc = pl011_putc,
	.enable_rx = pl011_enable_rx,
};

static int pl011_probe(const void *fdt, int node)
{
	uint64_t addr, size;
	uint32_t flags;
	const char *holder;

	if (!dt_reg(fdt, node, 0, &addr, &size) || mmu_map_device(addr, size ? size : 0x1000))
		return -1;
	base = addr;
	host_claim_mmio(addr, size ? size : 0x1000, "mantle: pl011 console", &holder);
	if (dt_irq(fdt, node, 0, &rx_intid, &flags))
		rx_edge = flags & DT_IRQ_EDGE;
	/* Keep the firmware's baud rate; make sure both directions are on. */
	mmio_write32(base + UART_IMSC, 0);
	mmio_write32(base + UART_CR, mmio_read32(base + UART_CR) | CR_UARTEN | CR_TXE | CR_RXE);
	console_register(&pl011_console);
	pr_info("console: pl011 at %#llx, irq %u", (unsigned long long)addr, rx_intid);
	return 0;
}

static const char *const pl011_compat[] = { "arm,pl011", NULL };
static const struct driver pl011_driver = {
	.name = "pl011",
	.cls = DRIVER_CONSOLE,
	.compatible = pl011_compat,
	.probe = pl011_probe,
};
DRIVER_REGISTER(pl011_driver);
