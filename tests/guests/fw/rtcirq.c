/*
 * rtcirq BASE INTID: a PL031 RTC passed through to this guest raises its
 * match interrupt, twice. The second one only arrives if the first was
 * really deactivated: under Mantle that is the hardware link from the
 * guest's virtual interrupt to the host's physical one.
 */
#include <stdint.h>
#include <stdio.h>
#include "gic.h"
#include "rtcirq.h"
#include "mmio.h"

#define RTCDR    0x00
#define RTCMR    0x04
#define RTCIMSC  0x10
#define RTCICR   0x1C

#define ROUNDS   2
#define WAIT_S   3

static uintptr_t rtc;
static volatile unsigned int hits;

static uint64_t counter(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static uint64_t counter_hz(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static void rtc_handler(struct gic_irq *irq)
{
	(void)irq;
	wr32(rtc + RTCICR, 1);          /* drop the line before the EOI */
	hits++;
}

int rtc_irq_test(uintptr_t base, unsigned int intid)
{
	unsigned int round;

	if (gic_init()) {
		printf("rtcirq: no GIC: %s\n", gic_error());
		return -1;
	}
	rtc = base;
	hits = 0;
	gic_set_handler(intid, rtc_handler);
	gic_set_edge(intid, 0);
	gic_route_to_self(intid);
	gic_enable(intid);
	__asm__ volatile("msr daifclr, #2" ::: "memory");
	for (round = 0; round < ROUNDS; round++) {
		uint64_t deadline = counter() + WAIT_S * counter_hz();

		wr32(rtc + RTCIMSC, 1);
		wr32(rtc + RTCMR, rd32(rtc + RTCDR) + 1);
		while (hits <= round && counter() < deadline)
			;
		if (hits <= round)
			break;
	}
	__asm__ volatile("msr daifset, #2" ::: "memory");
	wr32(rtc + RTCIMSC, 0);
	gic_disable(intid);
	gic_set_handler(intid, NULL);
	printf("rtcirq: %u of %u interrupts\n", hits, ROUNDS);
	return hits == ROUNDS ? 0 : -1;
}
