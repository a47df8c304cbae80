/*
 * The order and times at which the guests of boot.list start: pure logic,
 * host-tested. core/guest.c carries the plan out.
 */
#ifndef MANTLE_BOOT_ORDER_H
#define MANTLE_BOOT_ORDER_H
#include <stdbool.h>
#include <stdint.h>

/* What one guest's description says about its start (docs/guest-dts.md). */
struct boot_order_key {
	bool ordered;               /* it has a boot-order */
	uint32_t order;
	uint32_t delay_ms;          /* from when guests begin booting */
};

/*
 * keys[0..n) in boot.list order. Fills seq[i] with the index of the i-th
 * guest to start and at_ms[i] with when it starts: guests with a boot-order
 * first, lowest first, then the others; ties keep boot.list order. Each
 * starts at its delay but never before the one ahead of it, so the start
 * order holds whatever the delays say.
 */
void boot_order_plan(const struct boot_order_key *keys, unsigned n, unsigned *seq, uint32_t *at_ms);

#endif
