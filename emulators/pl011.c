/*
 * ARM PL011 UART as a guest sees it: the registers Linux's amba-pl011 driver
 * and simple firmware use, output to the guest's vserial, input from it.
 * Interrupts are computed (RIS/MIS) and delivered once the vGIC exists.
 */
#include <stdio.h>
#include <mantle/emulator.h>
#include <mantle/guest.h>
#include <mantle/guest_config.h>
#include <mantle/vserial.h>
#include <mantle/heap.h>
#include <vgic/vgic_emu.h>

#define UARTDR      0x000
#define UARTRSR     0x004
#define UARTFR      0x018
#define UARTILPR    0x020
#define UARTIBRD    0x024
#define UARTFBRD    0x028
#define UARTLCR_H   0x02C
#define UARTCR      0x030
#define UARTIFLS    0x034
#define UARTIMSC    0x038
#define UARTRIS     0x03C
#define UARTMIS     0x040
#define UARTICR     0x044
#define UARTDMACR   0x048
#define UARTID      0xFE0      /* PeriphID0..3, PCellID0..3 */

#define FR_RXFE     (1u << 4)
#define FR_TXFE     (1u << 7)
#define INT_RX      (1u << 4)
#define INT_TX      (1u << 5)
#define INT_RT      (1u << 6)

static const uint8_t pl011_ids[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

struct pl011_state {
	struct emu_device *dev;
	spinlock_t lock;          /* the vCPU's accesses against input arriving from the host */
	struct vserial *port;
	uint32_t ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, dmacr;
	uint32_t icr_cleared;      /* interrupt bits the guest cleared and that have not re-fired */
	bool irq_level;            /* the interrupt output as the vGIC last heard it */
};

static uint32_t raw_status(struct pl011_state *s)
{
	uint32_t ris = INT_TX;     /* transmit never backs up */

	if (vserial_input_pending(s->port))
		ris |= INT_RX | INT_RT;
	return ris & ~s->icr_cleared;
}

/*
 * The interrupt output: any raw status bit the guest has unmasked. Only a
 * change goes to the vGIC (its lock is not taken on every register access).
 * Call with s->lock held.
 */
static void update_irq(struct pl011_state *s)
{
	bool level = (raw_status(s) & s->imsc) != 0;

	if (!s->dev->irq || level == s->irq_level)
		return;
	s->irq_level = level;
	guest_vgic_set_line(s->dev->guest, 0, s->dev->irq, level);
}

static void input_arrived(void *ctx)
{
	struct pl011_state *s = ctx;
	irqflags_t f = spin_lock_irqsave(&s->lock);

	s->icr_cleared &= ~(INT_RX | INT_RT);      /* new data raises receive again */
	update_irq(s);
	spin_unlock_irqrestore(&s->lock, f);
}

static int pl011_read_locked(struct emu_device *d, uint64_t off, unsigned size, uint64_t *val);

static int pl011_read(struct emu_device *d, uint64_t off, unsigned size, uint64_t *val)
{
	struct pl011_state *s = d->priv;
	irqflags_t f;
	int r;

	if (size == 8)
		return -1;
	f = spin_lock_irqsave(&s->lock);
	r = pl011_read_locked(d, off, size, val);
	update_irq(s);
	spin_unlock_irqrestore(&s->lock, f);
	return r;
}

static int pl011_read_locked(struct emu_device *d, uint64_t off, unsigned size, uint64_t *val)
{
	struct pl011_state *s = d->priv;
	int c;

	switch (off & ~3ULL) {
	case UARTDR:
		c = vserial_read(s->port);
		*val = c < 0 ? 0 : (uint8_t)c;
		s->icr_cleared &= ~(INT_RX | INT_RT);
		break;
	case UARTRSR: *val = 0; break;
	case UARTFR: *val = FR_TXFE | (vserial_input_pending(s->port) ? 0 : FR_RXFE); break;
	case UARTILPR: *val = s->ilpr; break;
	case UARTIBRD: *val = s->ibrd; break;
	case UARTFBRD: *val = s->fbrd; break;
	case UARTLCR_H: *val = s->lcr_h; break;
	case UARTCR: *val = s->cr; break;
	case UARTIFLS: *val = s->ifls; break;
	case UARTIMSC: *val = s->imsc; break;
	case UARTRIS: *val = raw_status(s); break;
	case UARTMIS: *val = raw_status(s) & s->imsc; break;
	case UARTDMACR: *val = s->dmacr; break;
	default:
		if (off >= UARTID && off < UARTID + 32 && !(off & 3))
			*val = pl011_ids[(off - UARTID) / 4];
		else
			*val = 0;    /* reserved: reads as zero */
	}
	if (off & 3)
		*val >>= (off & 3) * 8;
	return 0;
}

static int pl011_write(struct emu_device *d, uint64_t off, unsigned size, uint64_t val)
{
	struct pl011_state *s = d->priv;
	irqflags_t f;

	if (size == 8)
		return -1;
	f = spin_lock_irqsave(&s->lock);
	switch (off) {
	case UARTDR:
		vserial_write(s->port, (char)val);
		s->icr_cleared &= ~INT_TX;          /* sent at once: the FIFO is below its level again */
		break;
	case UARTILPR: s->ilpr = val & 0xff; break;
	case UARTIBRD: s->ibrd = val & 0xffff; break;
	case UARTFBRD: s->fbrd = val & 0x3f; break;
	case UARTLCR_H: s->lcr_h = val & 0xff; break;
	case UARTCR: s->cr = val & 0xffff; break;
	case UARTIFLS: s->ifls = val & 0x3f; break;
	case UARTIMSC: s->imsc = val & 0x7ff; break;
	case UARTICR: s->icr_cleared |= val & 0x7ff; break;
	case UARTDMACR: s->dmacr = val & 0x7; break;
	default: break;          /* read-only or reserved: ignored */
	}
	update_irq(s);
	spin_unlock_irqrestore(&s->lock, f);
	return 0;
}

static void pl011_reset(struct emu_device *d)
{
	struct pl011_state *s = d->priv;

	s->ilpr = s->ibrd = s->fbrd = s->lcr_h = s->imsc = s->dmacr = 0;
	s->cr = 0x300;
	s->ifls = 0x12;
	s->icr_cleared = 0;
	s->irq_level = false;      /* the guest's vGIC is reset with it */
}

static void pl011_destroy(struct emu_device *d)
{
	struct pl011_state *s = d->priv;

	if (d->guest->console == s->port)
		d->guest->console = NULL;
	vserial_destroy(s->port);
	heap_free(s);
}

static const struct emu_ops pl011_ops = {
	.read = pl011_read,
	.write = pl011_write,
	.reset = pl011_reset,
	.destroy = pl011_destroy,
};

static int pl011_create(struct guest *g, struct emu_device *d, const struct guest_dev_config *cfg,
			char *err, unsigned long errlen)
{
	struct pl011_state *s = heap_zalloc(sizeof(*s));
	char name[VSERIAL_NAME_MAX];

	if (!s) {
		snprintf(err, errlen, "out of hypervisor memory");
		return -1;
	}
	snprintf(name, sizeof(name), "%s/%s", g->name, cfg->name);
	s->port = vserial_create(name);
	if (!s->port) {
		snprintf(err, errlen, "cannot create serial port %s", name);
		heap_free(s);
		return -1;
	}
	d->ops = &pl011_ops;
	d->priv = s;
	s->dev = d;
	spin_init(&s->lock);
	pl011_reset(d);
	vserial_set_rx_notify(s->port, input_arrived, s);
	if (!g->console)
		g->console = s->port;
	return 0;
}

static const struct emulator pl011_emulator = {
	.compatible = "arm,pl011",
	.create = pl011_create,
};
EMULATOR_REGISTER(pl011_emulator);
