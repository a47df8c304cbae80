/*
 * An SP805 driver for the `wdt` commands. `wdt start MS` sets it so that
 * without a kick the reset comes MS ms later: the counter runs out once
 * after MS/2 (the interrupt), then again after another MS/2 (the reset).
 * Every change is made unlocked and the registers are locked again after.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include "cpu.h"
#include "dtb.h"
#include "gic.h"
#include "mmio.h"
#include "wdt.h"

#define WDOG_LOAD     0x000
#define WDOG_VALUE    0x004
#define WDOG_CONTROL  0x008
#define WDOG_INTCLR   0x00C
#define WDOG_RIS      0x010
#define WDOG_MIS      0x014
#define WDOG_LOCK     0xC00
#define WDOG_ID       0xFE0	/* PeriphID0..3, PCellID0..3 */
#define CTRL_INTEN    0x1u
#define CTRL_RESEN    0x2u
#define UNLOCK_KEY    0x1ACCE551u
#define LOCK_ANY      0x1u
#define DEFAULT_HZ    1000000u
#define MAX_MS        600000u

struct wdt {
	uintptr_t base;
	unsigned int intid;	/* 0: none */
	uint32_t hz;
	unsigned int timeout_ms;	/* of the last start */
};

static int find(struct wdt *w)
{
	const void *fdt = platform.fdt;
	const fdt32_t *cells;
	uint64_t addr;
	int node, len;

	memset(w, 0, sizeof(*w));
	if (!fdt)
		return -1;
	node = fdt_node_offset_by_compatible(fdt, -1, "arm,sp805");
	if (node < 0)
		return -1;
	cells = fdt_getprop(fdt, node, "reg", &len);
	if (!cells || len < 8)
		return -1;
	/* The root's #address-cells: Mantle writes 2. */
	addr = len >= 16 ? ((uint64_t)fdt32_to_cpu(cells[0]) << 32) | fdt32_to_cpu(cells[1]) :
			   fdt32_to_cpu(cells[0]);
	w->base = (uintptr_t)addr;
	cells = fdt_getprop(fdt, node, "interrupts", &len);
	if (cells && len >= 12 && fdt32_to_cpu(cells[0]) == 0)
		w->intid = 32 + fdt32_to_cpu(cells[1]);
	w->hz = DEFAULT_HZ;
	cells = fdt_getprop(fdt, node, "clocks", &len);
	if (cells && len >= 4) {
		int clk = fdt_node_offset_by_phandle(fdt, fdt32_to_cpu(cells[0]));
		const fdt32_t *freq = clk >= 0 ? fdt_getprop(fdt, clk, "clock-frequency", &len) : NULL;

		if (freq && len == 4 && fdt32_to_cpu(*freq))
			w->hz = fdt32_to_cpu(*freq);
	}
	return 0;
}

static struct wdt wdt;

static void unlocked_write(unsigned int reg, uint32_t val)
{
	wr32(wdt.base + WDOG_LOCK, UNLOCK_KEY);
	wr32(wdt.base + reg, val);
	wr32(wdt.base + WDOG_LOCK, LOCK_ANY);
}

static int parse_ms(const char *s, unsigned int *ms)
{
	unsigned long long v = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > MAX_MS)
			return -1;
		v = v * 10 + (unsigned int)(*s - '0');
	}
	if (v == 0 || v > MAX_MS)
		return -1;
	*ms = (unsigned int)v;
	return 0;
}

static void kick(void)
{
	unlocked_write(WDOG_INTCLR, 1);
}

static void start(unsigned int ms)
{
	uint64_t half = (uint64_t)wdt.hz * ms / 2000;
	uint32_t load = half > 1 ? (uint32_t)(half > 0xffffffffULL ? 0xffffffffULL : half) : 1;

	wdt.timeout_ms = ms;
	unlocked_write(WDOG_LOAD, load);
	kick();
	unlocked_write(WDOG_CONTROL, CTRL_INTEN | CTRL_RESEN);
	printf("fw: wdt: started: reset in %u ms without a kick (load 0x%x at %u Hz), control 0x%x\n",
	       ms, (unsigned int)load, (unsigned int)wdt.hz, (unsigned int)rd32(wdt.base + WDOG_CONTROL));
}

/* Kicks every quarter of the timeout for ms milliseconds. */
static void feed(unsigned int ms)
{
	unsigned int every = wdt.timeout_ms / 4 ? wdt.timeout_ms / 4 : 1, kicks = 0;
	uint64_t end = time_ms() + ms, next = 0;

	for (uint64_t now = time_ms(); now < end; now = time_ms()) {
		if (now >= next) {
			kick();
			kicks++;
			next = now + every;
		}
	}
	printf("fw: wdt: fed for %u ms (%u kicks), value 0x%x, ris %u\n", ms, kicks,
	       (unsigned int)rd32(wdt.base + WDOG_VALUE), (unsigned int)rd32(wdt.base + WDOG_RIS));
}

static void status(void)
{
	printf("fw: wdt: at 0x%llx, intid %u, id", (unsigned long long)wdt.base, wdt.intid);
	for (unsigned int i = 0; i < 8; i++)
		printf(" %02x", (unsigned int)rd32(wdt.base + WDOG_ID + 4 * i) & 0xff);
	printf(", load 0x%x, value 0x%x, control 0x%x, ris %u, mis %u, locked %u, pending %d\n",
	       (unsigned int)rd32(wdt.base + WDOG_LOAD), (unsigned int)rd32(wdt.base + WDOG_VALUE),
	       (unsigned int)rd32(wdt.base + WDOG_CONTROL), (unsigned int)rd32(wdt.base + WDOG_RIS),
	       (unsigned int)rd32(wdt.base + WDOG_MIS), (unsigned int)rd32(wdt.base + WDOG_LOCK),
	       wdt.intid ? gic_spi_pending_early(wdt.intid) : -1);
}

/* Locked, a write must change nothing; unlocked, the same write must take. */
static void lockcheck(void)
{
	uint32_t before = rd32(wdt.base + WDOG_LOAD), locked_after, unlocked_after;

	wr32(wdt.base + WDOG_LOCK, LOCK_ANY);
	wr32(wdt.base + WDOG_LOAD, before ^ 0x100);
	locked_after = rd32(wdt.base + WDOG_LOAD);
	unlocked_write(WDOG_LOAD, before ^ 0x100);
	unlocked_after = rd32(wdt.base + WDOG_LOAD);
	unlocked_write(WDOG_LOAD, before);
	printf("fw: wdt: lock %s (locked write: 0x%x -> 0x%x, unlocked: -> 0x%x)\n",
	       locked_after == before && unlocked_after == (before ^ 0x100) ? "holds" : "BROKEN",
	       (unsigned int)before, (unsigned int)locked_after, (unsigned int)unlocked_after);
}

void wdt_command(int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";
	unsigned int ms;

	if (!wdt.base && find(&wdt)) {
		printf("fw: wdt: no arm,sp805 in the DTB\n");
		return;
	}
	if (strcmp(sub, "start") == 0 && argc == 3 && !parse_ms(argv[2], &ms)) {
		start(ms);
	} else if (strcmp(sub, "kick") == 0 && argc == 2) {
		kick();
		printf("fw: wdt: kicked, value 0x%x\n", (unsigned int)rd32(wdt.base + WDOG_VALUE));
	} else if (strcmp(sub, "feed") == 0 && argc == 3 && !parse_ms(argv[2], &ms)) {
		feed(ms);
	} else if (strcmp(sub, "stop") == 0 && argc == 2) {
		unlocked_write(WDOG_CONTROL, 0);
		printf("fw: wdt: stopped, control 0x%x\n", (unsigned int)rd32(wdt.base + WDOG_CONTROL));
	} else if (strcmp(sub, "status") == 0 && argc == 2) {
		status();
	} else if (strcmp(sub, "lockcheck") == 0 && argc == 2) {
		lockcheck();
	} else {
		printf("usage: wdt start MS | kick | feed MS | stop | status | lockcheck (MS: 1..%u)\n",
		       MAX_MS);
	}
}
