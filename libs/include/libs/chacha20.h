/*
 * ChaCha20 (RFC 8439) and a generator built on it: the entropy Mantle hands
 * out where the CPU has no RNDR. The generator keeps a 256-bit key; each
 * request draws blocks from it and then replaces the key with fresh output
 * ("fast key erasure"), so state read later cannot reproduce earlier output.
 */
#ifndef LIBS_CHACHA20_H
#define LIBS_CHACHA20_H
#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_BYTES   32
#define CHACHA20_NONCE_BYTES 12
#define CHACHA20_BLOCK_BYTES 64

/* One keystream block for (key, counter, nonce), RFC 8439 section 2.3. */
void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_BYTES], uint8_t out[CHACHA20_BLOCK_BYTES]);

struct chacha20_rng {
	uint8_t key[CHACHA20_KEY_BYTES];
	uint64_t requests;        /* the nonce: no two requests share one under a key */
};

/* Mix seed material into the key (may be called again with more). */
void chacha20_rng_seed(struct chacha20_rng *r, const void *seed, size_t len);
/* len bytes of output, then a new key. */
void chacha20_rng_fill(struct chacha20_rng *r, void *out, size_t len);

#endif
