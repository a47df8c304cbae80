/*
 * Paravirtual I/O and guest switching, under Mantle only (natively there is
 * no Mantle backend and no second guest):
 *   io_notify      a virtio-rng QueueNotify write, as the guest pays for it
 *   io_roundtrip   from the notify until the completion interrupt's handler
 *   vm_switch_pingpong  a doorbell to the partner guest on the same host CPU,
 *                  which rings back: two guest switches, two doorbell
 *                  hypercalls and two interrupt deliveries
 */
#include <stdio.h>
#include "bench.h"
#include "dtb.h"
#include "gic.h"
#include "psci.h"
#include "virtio.h"

#define ROUNDS   100
#define WAIT_MS  1000
#define RNG_LEN  16

static struct virtio_dev rng;
static struct virtq_rings rng_rings __attribute__((aligned(4096)));
static uint8_t rng_buf[RNG_LEN] __attribute__((aligned(64)));

static void rng_done(struct gic_irq *irq)
{
	(void)irq;
	bench_stamp = bench_now();
	virtio_write(&rng, VIRTIO_MMIO_INTERRUPT_ACK, virtio_read(&rng, VIRTIO_MMIO_INTERRUPT_STATUS));
	bench_fired = 1;
}

static void virtio_rng_latency(void)
{
	static uint64_t notify[ROUNDS];
	unsigned int n = 0;

	if (virtio_find(&rng, VIRTIO_ID_RNG, &rng_rings) || !rng.intid ||
	    virtio_init(&rng, VIRTIO_FEATURE(VIRTIO_F_VERSION_1), 4)) {
		bench_skip("io_roundtrip", "no usable virtio-rng");
		return;
	}
	gic_set_handler(rng.intid, rng_done);
	gic_set_priority(rng.intid, 0x80);
	gic_route_to_self(rng.intid);
	gic_enable(rng.intid);
	irq_unmask();
	for (unsigned int i = 0; i < ROUNDS; i++) {
		struct virtq_used_elem elem;
		uint64_t t0, t1;

		rng.rings->desc[0] = (struct virtq_desc){ (uintptr_t)rng_buf, RNG_LEN, VIRTQ_DESC_F_WRITE, 0 };
		bench_fired = 0;
		t0 = bench_now();
		virtio_post(&rng, 0);
		t1 = bench_now();
		if (!bench_wait_fired(1, WAIT_MS) || virtio_wait_used(&rng, WAIT_MS, &elem))
			break;
		notify[n] = bench_delta(t0, t1);
		bench_samples[n++] = bench_delta(t0, bench_stamp);
	}
	irq_mask();
	gic_disable(rng.intid);
	virtio_reset(&rng);
	if (n < ROUNDS) {
		bench_skip("io_roundtrip", "a request did not complete");
		return;
	}
	bench_report("io_roundtrip", bench_samples, n);
	bench_report("io_notify", notify, n);
}

static void doorbell_seen(struct gic_irq *irq)
{
	(void)irq;
	bench_mark_fired();
}

static void ring_peer(void)
{
	smccc_hvc(MANTLE_HC_CHANNEL_NOTIFY, platform.channel[0].index, 0, 0);
}

static void vm_switch(void)
{
	unsigned int intid = platform.channel[0].intid, n = 0;

	if (!platform.nr_channels || !intid) {
		bench_skip("vm_switch_pingpong", "no channel to a partner guest");
		return;
	}
	gic_set_handler(intid, doorbell_seen);
	gic_set_priority(intid, 0x80);
	gic_route_to_self(intid);
	gic_enable(intid);
	irq_unmask();
	for (unsigned int i = 0; i < ROUNDS; i++) {
		uint64_t t0;

		bench_fired = 0;
		t0 = bench_now();
		ring_peer();
		if (!bench_wait_fired(1, WAIT_MS))
			break;
		bench_samples[n++] = bench_delta(t0, bench_stamp);
	}
	irq_mask();
	gic_disable(intid);
	if (n < ROUNDS)
		bench_skip("vm_switch_pingpong", "the partner did not answer");
	else
		bench_report("vm_switch_pingpong", bench_samples, n);
}

void bench_io(void)
{
	if (bench_host() != BENCH_MANTLE)
		return;
	if (platform.gic == GIC_NONE || gic_init()) {
		bench_skip("io_roundtrip", "no interrupt controller");
		return;
	}
	virtio_rng_latency();
	vm_switch();
}

static void partner_rings_back(struct gic_irq *irq)
{
	(void)irq;
	ring_peer();
}

/* The other guest of vm_switch_pingpong: sleeps, and answers each doorbell with one. */
void bench_partner(void)
{
	unsigned int intid = platform.channel[0].intid;

	if (!platform.nr_channels || !intid || gic_init()) {
		printf("BENCH partner: no channel or interrupt controller\n");
		return;
	}
	gic_set_handler(intid, partner_rings_back);
	gic_set_priority(intid, 0x80);
	gic_route_to_self(intid);
	gic_enable(intid);
	printf("BENCH partner ready\n");
	for (;;) {
		irq_mask();
		__asm__ volatile("dsb sy\n wfi" : : : "memory");
		irq_unmask();
	}
}
