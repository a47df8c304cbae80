/* Channel messages and doorbells for the shell (see chan.h). */
#include <stdio.h>
#include <string.h>
#include "chan.h"
#include "cpu.h"
#include "dtb.h"
#include "fault.h"
#include "gic.h"
#include "mmio.h"
#include "psci.h"

#define BOX_SEQ        0
#define BOX_LEN        4
#define BOX_RESERVED   8
#define BOX_TEXT       16
#define BOX_ALIGN      16
#define WINDOW_MIN     (2 * (BOX_TEXT + BOX_ALIGN))	/* a little text each way */
#define PRINT_MAX      160	/* of a received text: the line fits the console's buffer */

#define DOORBELL_PRIO  0x80
#define CNTV_ENABLE    (1u << 0)
#define CNTV_IMASK     (1u << 1)

static volatile unsigned int doorbells;

/* Channel 0: the node with mantle,index 0, else the first. */
static const struct dtb_channel *channel0(void)
{
	for (unsigned int i = 0; i < platform.nr_channels; i++)
		if (platform.channel[i].index == 0)
			return &platform.channel[i];
	return platform.nr_channels ? &platform.channel[0] : NULL;
}

static int window_usable(const struct dtb_channel *c)
{
	if (c->size < WINDOW_MIN || c->base > UINT64_MAX - c->size || (c->base & (BOX_ALIGN - 1))) {
		printf("fw: chan: window 0x%llx+0x%llx is unusable\n", (unsigned long long)c->base,
		       (unsigned long long)c->size);
		return 0;
	}
	return 1;
}

static uint64_t box_size(const struct dtb_channel *c)
{
	return (c->size / 2) & ~(uint64_t)(BOX_ALIGN - 1);
}

/* The mailbox writer uses to send to reader. */
static uintptr_t box_of(const struct dtb_channel *c, const char *writer, const char *reader)
{
	return (uintptr_t)(c->base + (strcmp(writer, reader) <= 0 ? 0 : box_size(c)));
}

/*
 * Word and byte accesses only: the window may be Normal or (below 1 GiB,
 * mmu.h) Device memory, where an unaligned or paired access would fault.
 */
static void put8(uintptr_t addr, uint8_t val)
{
	*(volatile uint8_t *)addr = val;
}

static uint8_t get8(uintptr_t addr)
{
	return *(volatile uint8_t *)addr;
}

void chan_send(const char *text)
{
	const struct dtb_channel *c = channel0();
	uint64_t ret, esr, cap;
	uintptr_t box;
	uint32_t seq, len;
	char what[80];

	if (!c) {
		printf("fw: chan: no channel\n");
		return;
	}
	if (!window_usable(c))
		return;
	box = box_of(c, platform.model, c->peer);
	cap = box_size(c) - BOX_TEXT;
	len = strlen(text) < cap ? (uint32_t)strlen(text) : (uint32_t)cap;
	seq = rd32(box + BOX_SEQ) + 1;
	for (uint32_t i = 0; i < len; i++)
		put8(box + BOX_TEXT + i, (uint8_t)text[i]);
	wr32(box + BOX_LEN, len);
	wr32(box + BOX_RESERVED, 0);
	wr32(box + BOX_RESERVED + 4, 0);
	/* The text and its length before the sequence number that announces them. */
	__asm__ volatile("dmb ish" : : : "memory");
	wr32(box + BOX_SEQ, seq);
	/* All of it in memory before the doorbell: the HVC is no memory access to order after. */
	__asm__ volatile("dsb sy" : : : "memory");
	esr = smccc_call_caught(CONDUIT_HVC, MANTLE_HC_CHANNEL_NOTIFY, c->index, 0, 0, &ret);
	if (esr)
		printf("fw: chan: sent #%u to %s: fault: %s\n", (unsigned int)seq, c->peer,
		       fault_describe(esr, what, sizeof(what)));
	else
		printf("fw: chan: sent #%u to %s: %lld\n", (unsigned int)seq, c->peer, (long long)(int64_t)ret);
}

static void print_message(const struct dtb_channel *c)
{
	uintptr_t box = box_of(c, c->peer, platform.model);
	uint64_t cap = box_size(c) - BOX_TEXT;
	uint32_t seq, len;
	char text[PRINT_MAX + 1];

	seq = rd32(box + BOX_SEQ);
	/* The text after the sequence number (the peer wrote them the other way round). */
	__asm__ volatile("dmb ish" : : : "memory");
	len = rd32(box + BOX_LEN);
	/* Whatever the peer wrote: never past its mailbox, never past our line. */
	if (len > cap)
		len = (uint32_t)cap;
	if (len > PRINT_MAX)
		len = PRINT_MAX;
	for (uint32_t i = 0; i < len; i++) {
		uint8_t ch = get8(box + BOX_TEXT + i);

		text[i] = ch >= ' ' && ch < 0x7f ? (char)ch : '.';
	}
	text[len] = '\0';
	printf("fw: chan: doorbell from %.32s: #%u \"%s\"\n", c->peer, (unsigned int)seq, text);
}

static void doorbell_handler(struct gic_irq *irq)
{
	(void)irq;
	doorbells++;
}

/* The wait's deadline: masking the timer drops its (level) output, so it comes once. */
static void deadline_handler(struct gic_irq *irq)
{
	(void)irq;
	write_sysreg(cntv_ctl_el0, CNTV_ENABLE | CNTV_IMASK);
	isb();
}

/* Lets a pending IRQ in, then masks IRQs again. */
static inline void irq_window(void)
{
	__asm__ volatile("msr daifclr, #2\n isb\n msr daifset, #2\n isb" : : : "memory");
}

void chan_recv(unsigned int ms)
{
	const struct dtb_channel *c = channel0();
	unsigned int vtimer = platform.timer_intid[TIMER_VIRT];
	uint64_t deadline;
	int latched;

	if (!c) {
		printf("fw: chan: no channel\n");
		return;
	}
	if (c->intid < GIC_NR_PRIVATE || c->intid >= GIC_MAX_INTID) {
		printf("fw: chan: no doorbell interrupt (an SPI) in the DTB\n");
		return;
	}
	if (!window_usable(c))
		return;
	irq_mask();
	/* gic_init clears every SPI's pending state: keep a doorbell rung before we listened. */
	latched = gic_spi_pending_early(c->intid);
	if (gic_init()) {
		printf("fw: chan: GIC: %s\n", gic_error());
		return;
	}
	doorbells = 0;
	gic_set_handler(c->intid, doorbell_handler);
	gic_set_edge(c->intid, 1);
	gic_set_priority(c->intid, DOORBELL_PRIO);
	gic_route_to_self(c->intid);
	if (latched)
		gic_set_pending(c->intid);
	gic_enable(c->intid);

	/* The virtual timer at the deadline wakes the WFI if no doorbell does. */
	deadline = counter_deadline_ms(ms);
	gic_set_handler(vtimer, deadline_handler);
	gic_set_priority(vtimer, DOORBELL_PRIO);
	gic_enable(vtimer);
	write_sysreg(cntv_cval_el0, deadline);
	write_sysreg(cntv_ctl_el0, CNTV_ENABLE);
	isb();
	while (!doorbells && counter_now() < deadline) {
		/* IRQs masked: one that comes after the check still ends the WFI, then is taken. */
		__asm__ volatile("dsb sy\n wfi" : : : "memory");
		irq_window();
	}

	write_sysreg(cntv_ctl_el0, 0);
	isb();
	gic_disable(vtimer);
	gic_disable(c->intid);
	gic_set_handler(vtimer, NULL);
	gic_set_handler(c->intid, NULL);
	gic_cpu_off();
	if (doorbells)
		print_message(c);
	else
		printf("fw: chan: no doorbell\n");
}
