/*
 * Who owns which host MMIO range and interrupt: Mantle's own drivers, or a
 * guest it was passed through to. A range or interrupt has one owner.
 */
#ifndef MANTLE_HOST_CLAIMS_H
#define MANTLE_HOST_CLAIMS_H
#include <stdint.h>

/* 0, or -1 when any part is owned already (then *holder names the owner). */
int host_claim_mmio(uint64_t base, uint64_t size, const char *owner, const char **holder);
int host_claim_irq(uint32_t intid, const char *owner, const char **holder);
/* Release everything owner holds. */
void host_release_all(const char *owner);

#endif
