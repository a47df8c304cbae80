/*
 * Attack class "mmio": abuse of every emulated device window in the DTB
 * (virtio-mmio transports, channel memory, GICv3 redistributors, the
 * distributor, the GICv2 CPU interface, the PL011 last). Every 32-bit word
 * of each window is written with a pseudo-random value and read; 1-, 2- and
 * 8-byte accesses at a sample of offsets; then at a few offsets each, the
 * accesses a syndrome cannot describe or an emulator might mishandle:
 * unaligned ones (through a Normal mapping of the window, so they reach
 * the hypervisor instead of faulting at stage 1), exclusives, acquire/
 * release, pairs, writeback, SIMD, atomics, cache maintenance and DC ZVA.
 * Each must either do what the device model says or abort in the guest.
 *
 * So that this guest keeps working: ring addresses written to a virtio
 * transport point into a scratch area whose every doubleword has bit 63 set
 * (a device following them finds nothing in RAM); the UART gets printable
 * characters only and its registers back afterwards; the GIC is set up
 * again afterwards.
 */
#include <stdio.h>
#include <string.h>
#include "attack.h"
#include "console.h"
#include "cpu.h"
#include "dtb.h"
#include "fault.h"
#include "gic.h"
#include "mmio.h"
#include "uart.h"
#include "virtio.h"

#define UART_SIZE      0x1000
#define SAMPLE_STEP    64	/* 1/2/8-byte accesses at every 64th byte */
#define SPECIAL_RANDOM 16	/* random offsets per window for the odd instructions */
#define SCRATCH_BYTES  0x2000

enum device_kind { DEV_VIRTIO, DEV_CHANNEL, DEV_GICR, DEV_GICD, DEV_GICC, DEV_UART };

struct window {
	const char *name;
	enum device_kind kind;
	uint64_t base, size;
};

static uint64_t scratch[SCRATCH_BYTES / 8] __attribute__((aligned(4096)));

/*
 * The odd instructions, each alone in a function taking the address in x0:
 * when one faults the catcher skips it and the function returns. Atomics
 * are encoded by hand (the firmware is built for plain ARMv8.0, where they
 * are UNDEFINED, which is a fine outcome too).
 */
#define ODD(name, insn) \
	__asm__(".text\n.balign 4\n" #name ":\n\t" insn "\n\tret\n"); \
	void name(void *addr);
ODD(odd_ldxr, "ldxr w1, [x0]")
ODD(odd_stxr, "stxr w2, wzr, [x0]")
ODD(odd_ldaxr, "ldaxr x1, [x0]")
ODD(odd_stlxr, "stlxr w2, xzr, [x0]")
ODD(odd_ldxp, "ldxp w1, w2, [x0]")
ODD(odd_ldar, "ldar w1, [x0]")
ODD(odd_stlr, "stlr wzr, [x0]")
ODD(odd_ldp, "ldp w1, w2, [x0]")
ODD(odd_stp, "stp wzr, wzr, [x0]")
ODD(odd_ldr_post, "ldr w1, [x0], #4")
ODD(odd_str_pre, "str wzr, [x0, #4]!")
ODD(odd_ldr_q, "ldr q0, [x0]")
ODD(odd_str_q, "movi v0.16b, #0\n\tstr q0, [x0]")
ODD(odd_ld1, "ld1 {v0.4s}, [x0]")
ODD(odd_ldrsb, "ldrsb x1, [x0]")
ODD(odd_ldrsh, "ldrsh x1, [x0]")
ODD(odd_ldrsw, "ldrsw x1, [x0]")
ODD(odd_ldtr, "ldtr w1, [x0]")
ODD(odd_prfm, "prfm pldl1keep, [x0]")
ODD(odd_dc_civac, "dc civac, x0")
ODD(odd_dc_zva, "dc zva, x0")
ODD(odd_ldadd, ".inst 0xb8210002")	/* ldadd w1, w2, [x0] */
ODD(odd_swp, ".inst 0xb8218002")	/* swp w1, w2, [x0] */
ODD(odd_cas, ".inst 0x88a17c02")	/* cas w1, w2, [x0] */

static void (*const odd_loads[])(void *) = {
	odd_ldxr, odd_ldaxr, odd_ldxp, odd_ldar, odd_ldp, odd_ldr_post, odd_ldr_q, odd_ld1,
	odd_ldrsb, odd_ldrsh, odd_ldrsw, odd_ldtr, odd_prfm,
};
static void (*const odd_stores[])(void *) = {
	odd_stxr, odd_stlxr, odd_stlr, odd_stp, odd_str_pre, odd_str_q, odd_dc_civac, odd_dc_zva,
	odd_ldadd, odd_swp, odd_cas,
};

static void count_access(struct attack_class *c, uint64_t esr)
{
	attack_count_access(c, esr, AO_HANDLED);
}

/* The value a sweep writes at off: random, but harmless to this guest (see the top). */
static uint32_t sweep_value(struct attack_class *c, const struct window *w, uint64_t off)
{
	uint32_t v = (uint32_t)attack_rand(c);

	switch (w->kind) {
	case DEV_VIRTIO:
		if (off >= VIRTIO_MMIO_QUEUE_DESC_LOW && off <= VIRTIO_MMIO_QUEUE_DEVICE_HIGH)
			return off & 4 ? (uint32_t)((uintptr_t)scratch >> 32)
				       : (uint32_t)(uintptr_t)scratch + (v & (SCRATCH_BYTES / 2 - 16));
		return v;
	case DEV_UART:
		return off == UARTDR ? 'a' + v % 26 : v;
	default:
		return v;
	}
}

/* Stores of the sizes the fault catcher lacks: a halfword and a doubleword. */
static void store16(void *a)
{
	uint64_t *arg = a;

	*(volatile uint16_t *)(uintptr_t)arg[0] = (uint16_t)arg[1];
}

static void store64(void *a)
{
	uint64_t *arg = a;

	*(volatile uint64_t *)(uintptr_t)arg[0] = arg[1];
}

static uint64_t write_sized(uintptr_t va, unsigned int size, uint64_t val)
{
	uint64_t arg[2] = { va, val };

	switch (size) {
	case 1: return fault_write8(va, (uint8_t)val);
	case 2: return expect_fault(store16, arg);
	case 4: return fault_write32(va, (uint32_t)val);
	default: return expect_fault(store64, arg);
	}
}

/* Every word written and read, then the sampled sizes. */
static void sweep(struct attack_class *c, const struct window *w)
{
	for (uint64_t off = 0; off + 4 <= w->size; off += 4) {
		uint32_t val;

		if (w->kind == DEV_UART && off == UARTCR)
			continue;	/* the console's own enable bits: abused below, restored after */
		count_access(c, fault_write32(w->base + off, sweep_value(c, w, off)));
		count_access(c, fault_read32(w->base + off, &val));
	}
	for (uint64_t off = 0; off + 8 <= w->size; off += SAMPLE_STEP) {
		uint8_t b;
		uint16_t h;
		uint64_t d, val = sweep_value(c, w, off);

		count_access(c, fault_read8(w->base + off + 1, &b));
		count_access(c, fault_read16(w->base + off + 2, &h));
		count_access(c, fault_read64(w->base + off, &d));
		if (w->kind == DEV_UART && off == UARTDR)
			continue;
		count_access(c, write_sized(w->base + off + 3, 1, val));
		count_access(c, write_sized(w->base + off + 2, 2, val));
		count_access(c, write_sized(w->base + off, 8, val));
	}
}

/* The odd accesses at one offset; normal: the VA of the window's base, mapped Normal. */
static void odd_at(struct attack_class *c, const struct window *w, uintptr_t normal, uint64_t off)
{
	uintptr_t va = normal + off;
	uint64_t val;
	uint32_t v32;

	for (unsigned int i = 0; i < sizeof(odd_loads) / sizeof(odd_loads[0]); i++)
		count_access(c, expect_fault(odd_loads[i], (void *)va));
	/* Unaligned plain loads and stores of every size. */
	for (unsigned int u = 1; u < 4; u++) {
		count_access(c, fault_read32(va + u, &v32));
		count_access(c, fault_read64(va + u, &val));
		if (w->kind == DEV_UART && off == UARTDR)
			continue;
		count_access(c, write_sized(va + u, 2, sweep_value(c, w, off)));
		count_access(c, write_sized(va + u, 4, sweep_value(c, w, off)));
		count_access(c, write_sized(va + u, 8, sweep_value(c, w, off)));
	}
	if (w->kind == DEV_UART && off < 8)
		return;		/* no odd stores at UARTDR */
	for (unsigned int i = 0; i < sizeof(odd_stores) / sizeof(odd_stores[0]); i++)
		count_access(c, expect_fault(odd_stores[i], (void *)va));
}

static void odd_accesses(struct attack_class *c, const struct window *w)
{
	/* Above the first GiB the identity map is Normal already. */
	uintptr_t normal = w->base < (1ULL << 30) ? attack_window(w->base, WINDOW_NORMAL) : w->base;

	if (w->size < 64)
		return;
	for (uint64_t off = 0; off <= 0x40; off += 8)
		odd_at(c, w, normal, off);
	for (unsigned int i = 0; i < SPECIAL_RANDOM; i++)
		odd_at(c, w, normal, (attack_rand(c) % (w->size - 32)) & ~7ULL);
	odd_at(c, w, normal, w->size - 8);
	attack_window_close();
}

/* UART registers the console depends on, saved around its abuse. */
static const unsigned int uart_saved_regs[] = { 0x020, 0x024, 0x028, 0x02c, UARTCR, 0x034, 0x038, 0x048 };

static void abuse(struct attack_class *c, const struct window *w)
{
	uint32_t saved[sizeof(uart_saved_regs) / sizeof(uart_saved_regs[0])];

	printf("fw: attack: mmio: %s at 0x%llx+0x%llx\n", w->name, (unsigned long long)w->base,
	       (unsigned long long)w->size);
	console_flush();
	if (w->kind == DEV_UART)
		for (unsigned int i = 0; i < sizeof(saved) / sizeof(saved[0]); i++)
			saved[i] = rd32(w->base + uart_saved_regs[i]);
	if (w->kind == DEV_VIRTIO)
		fault_write32(w->base + VIRTIO_MMIO_STATUS, 0);
	sweep(c, w);
	odd_accesses(c, w);
	if (w->kind == DEV_UART) {
		/* UARTCR too, now: off, on, and back to what it was. */
		count_access(c, fault_write32(w->base + UARTCR, 0));
		count_access(c, fault_write32(w->base + UARTCR, 0xffff));
		for (unsigned int i = 0; i < sizeof(saved) / sizeof(saved[0]); i++)
			wr32(w->base + uart_saved_regs[i], saved[i]);
		wr32(w->base + 0x044, 0x7ff);	/* UARTICR: clear what the sweep raised */
		printf("\n");
	}
	if (w->kind == DEV_VIRTIO) {
		uint64_t deadline = counter_deadline_ms(1000);
		uint32_t status = 0;

		fault_write32(w->base + VIRTIO_MMIO_STATUS, 0);
		while ((fault_read32(w->base + VIRTIO_MMIO_STATUS, &status) || status) &&
		       counter_now() < deadline)
			;
		if (status)
			attack_note(c, "%s: status 0x%x, not 0, a second after a reset", w->name,
				    (unsigned int)status);
	}
	if (w->kind == DEV_CHANNEL)
		memset((void *)(uintptr_t)w->base, 0, w->size);	/* shared memory: leave it clean */
}

/* The GIC as this guest found it at boot: everything off but the CPU interface. */
static void gic_restore(struct attack_class *c)
{
	if (platform.gic == GIC_V2 && platform.gicc_size >= 0xe0)
		for (unsigned int off = 0xd0; off < 0xe0; off += 4)
			wr32(platform.gicc + off, 0);	/* GICC_APRn: no stale active priorities */
	if (gic_init())
		attack_note(c, "the GIC cannot be set up again: %s", gic_error());
}

void attack_mmio(struct attack_class *c)
{
	const struct platform *p = &platform;
	struct window w[4 + DTB_MAX_VIRTIO + DTB_MAX_CHANNELS + DTB_MAX_GICR_REGIONS];
	unsigned int n = 0;

	for (unsigned int i = 0; i < SCRATCH_BYTES / 8; i++)
		scratch[i] = attack_rand(c) | (1ULL << 63);
	for (unsigned int i = 0; i < p->nr_virtio; i++)
		w[n++] = (struct window){ "virtio-mmio", DEV_VIRTIO, p->virtio[i].base, p->virtio[i].size };
	for (unsigned int i = 0; i < p->nr_channels; i++)
		w[n++] = (struct window){ "channel", DEV_CHANNEL, p->channel[i].base, p->channel[i].size };
	for (unsigned int i = 0; i < p->gicr_regions; i++)
		w[n++] = (struct window){ "GICR", DEV_GICR, p->gicr[i], p->gicr_size[i] };
	if (p->gicd_size)
		w[n++] = (struct window){ "GICD", DEV_GICD, p->gicd, p->gicd_size };
	if (p->gicc_size)
		w[n++] = (struct window){ "GICC", DEV_GICC, p->gicc, p->gicc_size };
	w[n++] = (struct window){ "PL011", DEV_UART, p->uart, UART_SIZE };

	for (unsigned int i = 0; i < n; i++) {
		uint64_t t0 = time_ms();

		if (w[i].base >= (1ULL << 30) && w[i].kind != DEV_CHANNEL)
			continue;	/* the identity map makes only the first GiB Device memory */
		abuse(c, &w[i]);
		printf("fw: attack: mmio: %s done in %llu ms\n", w[i].name,
		       (unsigned long long)(time_ms() - t0));
		if (w[i].kind == DEV_GICC || (w[i].kind == DEV_GICD && !p->gicc_size))
			gic_restore(c);
	}
	gic_restore(c);
}
