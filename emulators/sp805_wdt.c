/*
 * ARM SP805 watchdog for a guest: the register model of sp805_model.c on
 * Mantle's time, a timer event at the counter's next zero, the interrupt as
 * a level SPI, and the reset output as a guest crash ("watchdog"), so the
 * guest's on-crash policy decides between a reboot and a halt.
 *
 * Any vCPU may access it, so the timer event may be armed from any CPU and
 * fire on another: it is only ever armed, stopped or checked under the
 * device's lock, and a callback that finds it re-armed meanwhile (or the
 * device being reset or destroyed) does nothing.
 */
#include <stdio.h>
#include <mantle/emulator.h>
#include <mantle/guest.h>
#include <mantle/guest_config.h>
#include <mantle/heap.h>
#include <mantle/timer.h>
#include <vgic/vgic_emu.h>
#include "sp805_model.h"
#include "sp805_wdt.h"

struct sp805_dev {
	struct emu_device *dev;
	spinlock_t lock;
	struct sp805 model;
	struct timer_event expiry;
	bool quiet;               /* reset or destroy under way: the event must not be armed */
	bool reset_raised;        /* the crash for this reset output was raised */
	bool line;                /* the interrupt line as last set */
};

/* The model's outputs to the guest, and the event for its next expiry. Call with s->lock held. */
static void sync_outputs(struct sp805_dev *s, uint64_t now)
{
	struct guest *g = s->dev->guest;
	uint64_t next;
	bool line;

	sp805_advance(&s->model, now);
	line = sp805_irq(&s->model);
	if (line != s->line && s->dev->irq) {
		s->line = line;
		guest_vgic_set_line(g, 0, s->dev->irq, line);
	}
	if (s->model.reset_out && !s->reset_raised) {
		s->reset_raised = true;
		guest_crash_async(g, "watchdog");
	}
	timer_event_stop(&s->expiry);
	next = sp805_next_event_ns(&s->model);
	/* A stopped guest's watchdog has nobody to reset: its start resets the device. */
	if (next != SP805_NEVER && !s->quiet && g->state != GUEST_STOPPED)
		timer_event_start_at(&s->expiry, next);
}

static void expired(struct timer_event *ev, void *arg)
{
	struct sp805_dev *s = arg;
	irqflags_t f = spin_lock_irqsave(&s->lock);

	if (!s->quiet && ev->cpu < 0)
		sync_outputs(s, timer_now_ns());
	spin_unlock_irqrestore(&s->lock, f);
}

static int sp805_dev_read(struct emu_device *d, uint64_t off, unsigned size, uint64_t *val)
{
	struct sp805_dev *s = d->priv;
	irqflags_t f = spin_lock_irqsave(&s->lock);
	uint64_t now = timer_now_ns();
	uint32_t v = 0;
	int r = sp805_read(&s->model, now, off, size, &v);

	sync_outputs(s, now);
	spin_unlock_irqrestore(&s->lock, f);
	*val = v;
	return r;
}

static int sp805_dev_write(struct emu_device *d, uint64_t off, unsigned size, uint64_t val)
{
	struct sp805_dev *s = d->priv;
	irqflags_t f = spin_lock_irqsave(&s->lock);
	uint64_t now = timer_now_ns();
	int r = sp805_write(&s->model, now, off, size, (uint32_t)val);

	sync_outputs(s, now);
	spin_unlock_irqrestore(&s->lock, f);
	return r;
}

/* No callback runs or will run once this returns. Thread context. */
static void silence(struct sp805_dev *s)
{
	irqflags_t f = spin_lock_irqsave(&s->lock);

	s->quiet = true;
	timer_event_stop(&s->expiry);
	spin_unlock_irqrestore(&s->lock, f);
	timer_event_stop_sync(&s->expiry);
}

static void sp805_dev_reset(struct emu_device *d)
{
	struct sp805_dev *s = d->priv;
	irqflags_t f;

	silence(s);
	f = spin_lock_irqsave(&s->lock);
	sp805_reset(&s->model);
	s->reset_raised = false;
	s->quiet = false;
	/* The vGIC is reset after the devices: its line starts low again. */
	s->line = false;
	spin_unlock_irqrestore(&s->lock, f);
}

static void sp805_dev_destroy(struct emu_device *d)
{
	struct sp805_dev *s = d->priv;

	silence(s);
	heap_free(s);
}

static void sp805_dev_describe(struct emu_device *d, char *buf, unsigned long len)
{
	struct sp805_dev *s = d->priv;
	irqflags_t f = spin_lock_irqsave(&s->lock);
	uint32_t value = 0;

	sp805_read(&s->model, timer_now_ns(), SP805_VALUE, 4, &value);
	snprintf(buf, len, "load %#x value %#x control %#x ris %u %s%s", s->model.load, value,
		 s->model.ctrl, s->model.ris, s->model.locked ? "locked" : "unlocked",
		 s->model.reset_out ? ", reset asserted" : "");
	spin_unlock_irqrestore(&s->lock, f);
}

static const struct emu_ops sp805_ops = {
	.read = sp805_dev_read,
	.write = sp805_dev_write,
	.reset = sp805_dev_reset,
	.destroy = sp805_dev_destroy,
	.describe = sp805_dev_describe,
};

static int sp805_create(struct guest *g, struct emu_device *d, const struct guest_dev_config *cfg,
			char *err, unsigned long errlen)
{
	struct sp805_dev *s = heap_zalloc(sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of hypervisor memory");
		return -1;
	}
	s->dev = d;
	spin_init(&s->lock);
	sp805_init(&s->model, SP805_WDT_CLOCK_HZ);
	timer_event_init(&s->expiry, "sp805", expired, s);
	d->ops = &sp805_ops;
	d->priv = s;
	return 0;
}

static const struct emulator sp805_emulator = {
	.compatible = SP805_WDT_COMPATIBLE,
	.create = sp805_create,
};
EMULATOR_REGISTER(sp805_emulator);
