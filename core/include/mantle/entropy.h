/*
 * Randomness for guests (virtio-rng) and for Mantle. The CPU's RNDR where it
 * has one; otherwise ChaCha20 (libs/chacha20) keyed at boot from the host
 * DTB's /chosen/rng-seed and kaslr-seed, the counter and the boot timing, and
 * re-keyed after every request. Without RNDR and without a seed from the
 * firmware the output is only as unpredictable as the boot timing.
 */
#ifndef MANTLE_ENTROPY_H
#define MANTLE_ENTROPY_H
#include <stdbool.h>
#include <stddef.h>

void entropy_init(const void *host_fdt);
void entropy_fill(void *buf, size_t len);
/* "RNDR", or "ChaCha20 seeded from ..." for the shell. */
const char *entropy_source(void);

#endif
