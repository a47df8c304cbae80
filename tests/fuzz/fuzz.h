/*
 * What the libFuzzer harnesses share: a reader that takes fields off the
 * fuzzer's input, and a check that turns a broken invariant into a crash
 * libFuzzer reports (and saves the input of).
 *
 * Reads past the end of the input give zeroes, so no harness has to check
 * lengths and every prefix of an input is itself a valid input: mutations
 * that cut or extend an input stay meaningful.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fuzz_input {
	const uint8_t *data;
	size_t left;
};

static inline struct fuzz_input fuzz_input(const uint8_t *data, size_t size)
{
	return (struct fuzz_input){ .data = data, .left = size };
}

static inline bool fuzz_done(const struct fuzz_input *in)
{
	return in->left == 0;
}

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->data++;
}

/* Little-endian, like every register value and ring word it stands for. */
static inline uint64_t fuzz_uint(struct fuzz_input *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)fuzz_u8(in) << (8 * i);
	return v;
}

static inline uint16_t fuzz_u16(struct fuzz_input *in) { return (uint16_t)fuzz_uint(in, 2); }
static inline uint32_t fuzz_u32(struct fuzz_input *in) { return (uint32_t)fuzz_uint(in, 4); }
static inline uint64_t fuzz_u64(struct fuzz_input *in) { return fuzz_uint(in, 8); }

static inline bool fuzz_bool(struct fuzz_input *in)
{
	return fuzz_u8(in) & 1;
}

/* One of the sizes an MMIO access can have (the syndrome's SAS field). */
static inline unsigned fuzz_access_size(struct fuzz_input *in)
{
	return 1u << (fuzz_u8(in) & 3);
}

/* Up to n bytes into dst, zero-filled past the end of the input; returns the bytes taken. */
static inline size_t fuzz_bytes(struct fuzz_input *in, void *dst, size_t n)
{
	size_t got = n < in->left ? n : in->left;

	memcpy(dst, in->data, got);
	memset((uint8_t *)dst + got, 0, n - got);
	in->data += got;
	in->left -= got;
	return got;
}

/* The rest of the input, consumed. */
static inline const uint8_t *fuzz_rest(struct fuzz_input *in, size_t *len)
{
	const uint8_t *p = in->data;

	*len = in->left;
	in->data += in->left;
	in->left = 0;
	return p;
}

/* A property of the module under test that must hold whatever the input. */
#define FUZZ_CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

#endif
