/*
 * Fuzzes the emulated PL011 (emulators/pl011.c) through its register
 * interface: the guest's reads and writes at any offset and size, host
 * input arriving in between, and device resets. The interrupt line must
 * always equal "a raw status bit is unmasked", the receive register must
 * give the host's bytes in order, and every lock taken must be released.
 *
 * The module is included rather than linked: its ops table is static and
 * the hypervisor finds it through a linker section. What it needs from core
 * (heap, vserial, the vGIC line) is faked below.
 *
 * Input: heap failure flag, interrupt number, then operations until the end.
 */
#include "../../emulators/pl011.c"
#include "fuzz.h"

#define UART_WINDOW 0x1000
#define INPUT_RING  16          /* small, so that a full ring and dropped bytes are reached */

/* ---- what pl011.c calls in core, faked ---- */

static bool heap_fails;

void *heap_zalloc(size_t size)
{
	return heap_fails ? NULL : calloc(1, size);
}

void heap_free(void *ptr)
{
	free(ptr);
}

struct vserial {
	char name[VSERIAL_NAME_MAX];
	uint8_t in[INPUT_RING];
	unsigned in_head, in_len;
	void (*rx_notify)(void *ctx);
	void *rx_ctx;
	uint8_t last_out;
	unsigned out_count;
};

static unsigned live_ports;

struct vserial *vserial_create(const char *name)
{
	struct vserial *vs = calloc(1, sizeof(*vs));

	FUZZ_CHECK(vs);
	snprintf(vs->name, sizeof(vs->name), "%s", name);
	live_ports++;
	return vs;
}

void vserial_destroy(struct vserial *vs)
{
	live_ports--;
	free(vs);
}

void vserial_write(struct vserial *vs, char c)
{
	vs->last_out = (uint8_t)c;
	vs->out_count++;
}

int vserial_read(struct vserial *vs)
{
	int c;

	if (!vs->in_len)
		return -1;
	c = vs->in[vs->in_head];
	vs->in_head = (vs->in_head + 1) % INPUT_RING;
	vs->in_len--;
	return c;
}

bool vserial_input_pending(struct vserial *vs)
{
	return vs->in_len != 0;
}

void vserial_set_rx_notify(struct vserial *vs, void (*fn)(void *ctx), void *ctx)
{
	vs->rx_notify = fn;
	vs->rx_ctx = ctx;
}

/* The host side typed c: queued (or dropped when full, as a ring does), then the guest is told. */
static void host_types(struct vserial *vs, uint8_t c)
{
	if (vs->in_len < INPUT_RING) {
		vs->in[(vs->in_head + vs->in_len) % INPUT_RING] = c;
		vs->in_len++;
	}
	if (vs->rx_notify)
		vs->rx_notify(vs->rx_ctx);
}

static bool line_level;

void guest_vgic_set_line(struct guest *g, unsigned vcpu, uint32_t intid, bool level)
{
	FUZZ_CHECK(vcpu == 0 && intid == g->devs[0].irq && intid >= 32);
	line_level = level;
}

/* ---- the harness ---- */

static struct guest guest;

/*
 * After every access the line shows exactly the masked status (as the
 * vGIC last heard it), and nothing is left locked or masked.
 */
static void check_state(struct emu_device *d)
{
	struct pl011_state *s = d->priv;

	FUZZ_CHECK(fake_spin_held == 0 && !fake_irqs_masked);
	if (d->irq)
		FUZZ_CHECK(line_level == ((raw_status(s) & s->imsc) != 0));
}

static void guest_read(struct emu_device *d, uint64_t off, unsigned size)
{
	struct pl011_state *s = d->priv;
	bool had_input = s->port->in_len != 0;
	uint8_t next = s->port->in[s->port->in_head];
	uint64_t val = 0;

	if (pl011_ops.read(d, off, size, &val) != 0) {
		FUZZ_CHECK(size == 8);
		return;
	}
	/* A read of DR takes the oldest byte the host typed. */
	if (off == UARTDR)
		FUZZ_CHECK(val == (had_input ? next : 0));
	if (off == UARTFR)
		FUZZ_CHECK(!(val & FR_RXFE) == (s->port->in_len != 0));
	if (off == UARTMIS)
		FUZZ_CHECK(val == (raw_status(s) & s->imsc));
}

static void guest_write(struct emu_device *d, uint64_t off, unsigned size, uint64_t val)
{
	struct pl011_state *s = d->priv;
	unsigned out_before = s->port->out_count;

	if (pl011_ops.write(d, off, size, val) != 0) {
		FUZZ_CHECK(size == 8);
		return;
	}
	if (off == UARTDR)
		FUZZ_CHECK(s->port->out_count == out_before + 1 && s->port->last_out == (uint8_t)val);
	else
		FUZZ_CHECK(s->port->out_count == out_before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = fuzz_input(data, size);
	struct guest_dev_config cfg = { .name = "uart0", .compatible = "arm,pl011" };
	struct emu_device *d;
	char err[64];
	uint32_t spi;

	memset(&guest, 0, sizeof(guest));
	snprintf(guest.name, sizeof(guest.name), "fuzz");
	line_level = false;
	heap_fails = (fuzz_u8(&in) & 0x3f) == 0x3f;
	spi = fuzz_u16(&in) % 1000;
	d = &guest.devs[0];
	d->irq = spi ? 32 + spi : 0;
	d->guest = &guest;
	guest.nr_devs = 1;

	if (pl011_emulator.create(&guest, d, &cfg, err, sizeof(err)) != 0) {
		FUZZ_CHECK(heap_fails && err[0]);
		FUZZ_CHECK(live_ports == 0);
		return 0;
	}
	FUZZ_CHECK(!heap_fails && d->ops == &pl011_ops && guest.console != NULL);

	while (!fuzz_done(&in)) {
		uint8_t op = fuzz_u8(&in);
		uint64_t off = fuzz_u16(&in) % UART_WINDOW;
		unsigned sz = fuzz_access_size(&in);

		switch (op % 4) {
		case 0:
			guest_read(d, off, sz);
			break;
		case 1:
			guest_write(d, off, sz, fuzz_u32(&in));
			break;
		case 2:
			for (unsigned n = 1 + (op >> 2) % 20; n; n--)
				host_types(guest.console, fuzz_u8(&in));
			break;
		case 3:
			/* A guest reset resets its vGIC too, which lowers every line. */
			pl011_ops.reset(d);
			line_level = false;
			break;
		}
		check_state(d);
	}
	pl011_ops.destroy(d);
	FUZZ_CHECK(guest.console == NULL && live_ports == 0);
	return 0;
}
