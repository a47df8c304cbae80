/*
 * Guest RAM for the virtio harnesses, as a memview the device side maps
 * through. The whole buffer is ASan-poisoned, and map() unpoisons only what
 * it hands out: a device that touches guest memory it never mapped (a ring
 * word past the ring, a byte past a buffer) gets an ASan report, even
 * though the address is inside the buffer.
 *
 * The guest's own accesses go through guest_ram_write/read, which ASan
 * does not check, since the guest may touch any of its memory at any time.
 */
#ifndef TESTS_FUZZ_GUEST_RAM_H
#define TESTS_FUZZ_GUEST_RAM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "virtio/virtqueue.h"

#define GUEST_RAM_BASE 0x40000000ull
#define GUEST_RAM_SIZE 0x10000ull

/* The memview over guest RAM; its map() bounds-checks, unpoisons and runs an armed race. */
extern const struct vq_memview guest_ram_view;

/* Fresh RAM holding image at its start (the rest zero), all of it poisoned. */
void guest_ram_init(const uint8_t *image, size_t len);
void guest_ram_free(void);
/* Poison everything again: the device has dropped every mapping (a queue reset). */
void guest_ram_forget_maps(void);

/* The guest's accesses, at an offset into RAM; out of range ones are dropped (read: 0). */
void guest_ram_write(uint64_t off, uint64_t val, unsigned bytes);
uint64_t guest_ram_read(uint64_t off, unsigned bytes);

/* A racing guest: the next map() first writes val at off, as another vCPU could meanwhile. */
void guest_ram_arm_race(uint64_t off, uint64_t val, unsigned bytes);

/* Whether [p, p + len) is inside guest RAM. */
bool guest_ram_contains(const void *p, uint64_t len);

#endif
