/*
 * ChaCha20 block function (RFC 8439 section 2.3) and a "fast key erasure"
 * generator on top of it.
 *
 * Generator layout, per request (chacha20_rng_fill):
 *   nonce   = requests as 8 little-endian bytes, then 4 zero bytes
 *   block 0 = the next key (first 32 bytes), computed before any output
 *   block 1, 2, ... = the caller's bytes
 * The next key never appears in the output, and once it replaces the old key
 * nothing left in the state can regenerate what was handed out.
 *
 * Seeding (chacha20_rng_seed) absorbs the seed 32 bytes at a time: each chunk
 * is XORed into a copy of the key and the key becomes the first half of that
 * copy's block 0, under a nonce holding the seed's total length and the tag
 * "seed". The chaining keeps every seed byte (a cyclic XOR into one area
 * would let bytes 32 apart cancel), the length tells "A" from "A\0", and the
 * tag keeps seeding blocks apart from request blocks, whose last nonce word
 * is always zero.
 */
#include <string.h>
#include <libs/chacha20.h>

#define CHACHA20_ROUNDS 20

/* "expand 32-byte k", the RFC's constant words. */
static const uint32_t sigma[4] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };

/* Keystream blocks per request: the 32-bit counter starts at 1 and must not wrap to the key block. */
#define RNG_MAX_BLOCKS_PER_REQUEST ((uint64_t)UINT32_MAX)

static inline uint32_t rotl32(uint32_t v, unsigned n)
{
	return (v << n) | (v >> (32 - n));
}

static inline uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void store_le64(uint8_t *p, uint64_t v)
{
	store_le32(p, (uint32_t)v);
	store_le32(p + 4, (uint32_t)(v >> 32));
}

/* Key material on the stack must not outlive its use; volatile keeps the compiler from eliding the wipe. */
static void wipe(void *p, size_t len)
{
	volatile uint8_t *b = p;

	while (len--)
		*b++ = 0;
}

static inline void quarter_round(uint32_t *x, int a, int b, int c, int d)
{
	x[a] += x[b]; x[d] ^= x[a]; x[d] = rotl32(x[d], 16);
	x[c] += x[d]; x[b] ^= x[c]; x[b] = rotl32(x[b], 12);
	x[a] += x[b]; x[d] ^= x[a]; x[d] = rotl32(x[d], 8);
	x[c] += x[d]; x[b] ^= x[c]; x[b] = rotl32(x[b], 7);
}

void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
		    const uint8_t nonce[CHACHA20_NONCE_BYTES], uint8_t out[CHACHA20_BLOCK_BYTES])
{
	uint32_t in[16], x[16];
	int i;

	for (i = 0; i < 4; i++)
		in[i] = sigma[i];
	for (i = 0; i < 8; i++)
		in[4 + i] = load_le32(key + 4 * i);
	in[12] = counter;
	for (i = 0; i < 3; i++)
		in[13 + i] = load_le32(nonce + 4 * i);

	memcpy(x, in, sizeof(x));
	for (i = 0; i < CHACHA20_ROUNDS; i += 2) {
		/* Column round, then diagonal round. */
		quarter_round(x, 0, 4, 8, 12);
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15);
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (i = 0; i < 16; i++)
		store_le32(out + 4 * i, x[i] + in[i]);

	wipe(in, sizeof(in));
	wipe(x, sizeof(x));
}

void chacha20_rng_seed(struct chacha20_rng *r, const void *seed, size_t len)
{
	const uint8_t *s = seed;
	uint8_t scratch[CHACHA20_KEY_BYTES];
	uint8_t nonce[CHACHA20_NONCE_BYTES];
	uint8_t block[CHACHA20_BLOCK_BYTES];
	size_t off = 0;

	store_le64(nonce, (uint64_t)len);
	memcpy(nonce + 8, "seed", 4);
	/* At least one round, so that even an empty seed moves the key on. */
	do {
		size_t n = len - off < sizeof(scratch) ? len - off : sizeof(scratch);

		memcpy(scratch, r->key, sizeof(scratch));
		for (size_t i = 0; i < n; i++)
			scratch[i] ^= s[off + i];
		chacha20_block(scratch, 0, nonce, block);
		memcpy(r->key, block, sizeof(r->key));
		off += n;
	} while (off < len);

	wipe(scratch, sizeof(scratch));
	wipe(block, sizeof(block));
}

/* One request: at most RNG_MAX_BLOCKS_PER_REQUEST blocks of output, then the key is replaced. */
static void rng_request(struct chacha20_rng *r, uint8_t *out, size_t len)
{
	uint8_t nonce[CHACHA20_NONCE_BYTES];
	uint8_t next_key[CHACHA20_BLOCK_BYTES];
	uint8_t block[CHACHA20_BLOCK_BYTES];
	uint32_t counter = 1;

	store_le64(nonce, r->requests);
	memset(nonce + 8, 0, 4);
	r->requests++;

	chacha20_block(r->key, 0, nonce, next_key);
	while (len) {
		size_t n = len < sizeof(block) ? len : sizeof(block);

		chacha20_block(r->key, counter++, nonce, block);
		memcpy(out, block, n);
		out += n;
		len -= n;
	}
	memcpy(r->key, next_key, sizeof(r->key));

	wipe(next_key, sizeof(next_key));
	wipe(block, sizeof(block));
}

void chacha20_rng_fill(struct chacha20_rng *r, void *out, size_t len)
{
	uint8_t *o = out;
	const uint64_t max_bytes = RNG_MAX_BLOCKS_PER_REQUEST * CHACHA20_BLOCK_BYTES;

	/* Longer than one request can cover: split it, each part under a fresh key. */
	while ((uint64_t)len > max_bytes) {
		rng_request(r, o, (size_t)max_bytes);
		o += max_bytes;
		len -= (size_t)max_bytes;
	}
	rng_request(r, o, len);
}
