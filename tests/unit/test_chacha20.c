/* Unit tests for the ChaCha20 block function and the generator built on it (libs/chacha20.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <libs/chacha20.h>

/* RFC 8439 section 2.3.2: key 00..1f, counter 1, this nonce. */
static const uint8_t rfc_2_3_2_nonce[12] = {
	0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x4a, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t rfc_2_3_2_block[64] = {
	0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
	0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
	0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
	0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
};

/* RFC 8439 appendix A.1, test vector 1: all-zero key and nonce, counter 0. */
static const uint8_t rfc_a1_zero_block[64] = {
	0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90, 0x40, 0x5d, 0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28,
	0xbd, 0xd2, 0x19, 0xb8, 0xa0, 0x8d, 0xed, 0x1a, 0xa8, 0x36, 0xef, 0xcc, 0x8b, 0x77, 0x0d, 0xc7,
	0xda, 0x41, 0x59, 0x7c, 0x51, 0x57, 0x48, 0x8d, 0x77, 0x24, 0xe0, 0x3f, 0xb8, 0xd8, 0x4a, 0x37,
	0x6a, 0x43, 0xb8, 0xf4, 0x15, 0x18, 0xa1, 0x1c, 0xc3, 0x87, 0xb6, 0x69, 0xb2, 0xee, 0x65, 0x86,
};

/* RFC 8439 section 2.4.2: key 00..1f, initial counter 1, this nonce, this plaintext. */
static const uint8_t rfc_2_4_2_nonce[12] = {
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4a, 0x00, 0x00, 0x00, 0x00,
};
static const char rfc_2_4_2_plaintext[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
	"only one tip for the future, sunscreen would be it.";
static const uint8_t rfc_2_4_2_ciphertext[114] = {
	0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80, 0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d, 0x69, 0x81,
	0xe9, 0x7e, 0x7a, 0xec, 0x1d, 0x43, 0x60, 0xc2, 0x0a, 0x27, 0xaf, 0xcc, 0xfd, 0x9f, 0xae, 0x0b,
	0xf9, 0x1b, 0x65, 0xc5, 0x52, 0x47, 0x33, 0xab, 0x8f, 0x59, 0x3d, 0xab, 0xcd, 0x62, 0xb3, 0x57,
	0x16, 0x39, 0xd6, 0x24, 0xe6, 0x51, 0x52, 0xab, 0x8f, 0x53, 0x0c, 0x35, 0x9f, 0x08, 0x61, 0xd8,
	0x07, 0xca, 0x0d, 0xbf, 0x50, 0x0d, 0x6a, 0x61, 0x56, 0xa3, 0x8e, 0x08, 0x8a, 0x22, 0xb6, 0x5e,
	0x52, 0xbc, 0x51, 0x4d, 0x16, 0xcc, 0xf8, 0x06, 0x81, 0x8c, 0xe9, 0x1a, 0xb7, 0x79, 0x37, 0x36,
	0x5a, 0xf9, 0x0b, 0xbf, 0x74, 0xa3, 0x5b, 0xe6, 0xb4, 0x0b, 0x8e, 0xed, 0xf2, 0x78, 0x5e, 0x42,
	0x87, 0x4d,
};

static void counting_key(uint8_t key[32])
{
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
}

static void test_block_matches_rfc8439_section_2_3_2(void **state)
{
	uint8_t key[32], out[64];

	counting_key(key);
	chacha20_block(key, 1, rfc_2_3_2_nonce, out);
	assert_memory_equal(out, rfc_2_3_2_block, 64);
}

static void test_block_matches_rfc8439_zero_key_vector(void **state)
{
	static const uint8_t zero_key[32], zero_nonce[12];
	uint8_t out[64];

	chacha20_block(zero_key, 0, zero_nonce, out);
	assert_memory_equal(out, rfc_a1_zero_block, 64);
}

static void test_keystream_encrypts_rfc8439_section_2_4_2(void **state)
{
	uint8_t key[32], ks[128], ct[114];

	assert_int_equal(strlen(rfc_2_4_2_plaintext), sizeof(ct));
	counting_key(key);
	chacha20_block(key, 1, rfc_2_4_2_nonce, ks);
	chacha20_block(key, 2, rfc_2_4_2_nonce, ks + 64);
	for (size_t i = 0; i < sizeof(ct); i++)
		ct[i] = (uint8_t)rfc_2_4_2_plaintext[i] ^ ks[i];
	assert_memory_equal(ct, rfc_2_4_2_ciphertext, sizeof(ct));
}

/* Keys, nonces and output come from byte buffers with no alignment promise. */
static void test_block_works_on_unaligned_buffers(void **state)
{
	uint8_t key_buf[33], nonce_buf[13], out_buf[65];

	for (int i = 0; i < 32; i++)
		key_buf[1 + i] = (uint8_t)i;
	memcpy(nonce_buf + 1, rfc_2_3_2_nonce, 12);
	chacha20_block(key_buf + 1, 1, nonce_buf + 1, out_buf + 1);
	assert_memory_equal(out_buf + 1, rfc_2_3_2_block, 64);
}

/* The counter is a full 32-bit word: its top bits change the block. */
static void test_block_depends_on_every_counter_bit(void **state)
{
	uint8_t key[32], ref[64], out[64];

	counting_key(key);
	chacha20_block(key, 0, rfc_2_3_2_nonce, ref);
	for (int bit = 0; bit < 32; bit++) {
		chacha20_block(key, 1u << bit, rfc_2_3_2_nonce, out);
		assert_memory_not_equal(out, ref, 64);
	}
}

static void seeded(struct chacha20_rng *r, const void *seed, size_t len)
{
	memset(r, 0, sizeof(*r));
	chacha20_rng_seed(r, seed, len);
}

static void test_rng_is_deterministic_for_the_same_seed(void **state)
{
	struct chacha20_rng a, b;
	uint8_t out_a[200], out_b[200];

	seeded(&a, "board serial 1234", 17);
	seeded(&b, "board serial 1234", 17);
	chacha20_rng_fill(&a, out_a, sizeof(out_a));
	chacha20_rng_fill(&b, out_b, sizeof(out_b));
	assert_memory_equal(out_a, out_b, sizeof(out_a));
	assert_memory_equal(a.key, b.key, 32);
}

static void test_rng_differs_for_different_seeds(void **state)
{
	struct chacha20_rng a, b;
	uint8_t out_a[64], out_b[64];

	seeded(&a, "seed-a", 6);
	seeded(&b, "seed-b", 6);
	chacha20_rng_fill(&a, out_a, sizeof(out_a));
	chacha20_rng_fill(&b, out_b, sizeof(out_b));
	assert_memory_not_equal(out_a, out_b, sizeof(out_a));
}

/* A trailing zero byte is still seed material: "A" and "A\0" must not collide. */
static void test_rng_seed_length_matters(void **state)
{
	struct chacha20_rng a, b;

	seeded(&a, "A", 1);
	seeded(&b, "A\0", 2);
	assert_memory_not_equal(a.key, b.key, 32);
}

/* Equal bytes 32 apart would cancel in a plain cyclic XOR; every seed byte must count. */
static void test_rng_seed_bytes_32_apart_do_not_cancel(void **state)
{
	uint8_t s1[64] = { 0 }, s2[64] = { 0 };
	struct chacha20_rng a, b;

	s2[0] = 0x55;
	s2[32] = 0x55;
	seeded(&a, s1, sizeof(s1));
	seeded(&b, s2, sizeof(s2));
	assert_memory_not_equal(a.key, b.key, 32);
}

static void test_rng_seed_accumulates(void **state)
{
	struct chacha20_rng once, twice;

	seeded(&once, "first", 5);
	seeded(&twice, "first", 5);
	chacha20_rng_seed(&twice, "second", 6);
	assert_memory_not_equal(once.key, twice.key, 32);
}

static void test_rng_empty_seed_still_moves_the_key(void **state)
{
	struct chacha20_rng r;
	uint8_t before[32];

	seeded(&r, "x", 1);
	memcpy(before, r.key, 32);
	chacha20_rng_seed(&r, NULL, 0);
	assert_memory_not_equal(r.key, before, 32);
	assert_int_equal(r.requests, 0);
}

static void test_rng_successive_fills_differ(void **state)
{
	struct chacha20_rng r;
	uint8_t first[64], second[64], third[64];

	seeded(&r, "fills", 5);
	chacha20_rng_fill(&r, first, sizeof(first));
	chacha20_rng_fill(&r, second, sizeof(second));
	chacha20_rng_fill(&r, third, sizeof(third));
	assert_memory_not_equal(first, second, 64);
	assert_memory_not_equal(second, third, 64);
	assert_memory_not_equal(first, third, 64);
	assert_int_equal(r.requests, 3);
}

/* Guard bytes either side of the buffer show that exactly len bytes are written. */
static void test_rng_fill_writes_exactly_len_bytes(void **state)
{
	static const size_t lens[] = { 0, 1, 63, 64, 65, 1000 };
	enum { GUARD = 16, GUARD_BYTE = 0xa5 };
	uint8_t buf[GUARD + 1000 + GUARD];
	struct chacha20_rng r;

	seeded(&r, "lengths", 7);
	for (size_t t = 0; t < sizeof(lens) / sizeof(lens[0]); t++) {
		size_t len = lens[t];
		size_t same = 0;

		memset(buf, GUARD_BYTE, sizeof(buf));
		chacha20_rng_fill(&r, buf + GUARD, len);
		for (size_t i = 0; i < GUARD; i++)
			assert_int_equal(buf[i], GUARD_BYTE);
		for (size_t i = GUARD + len; i < sizeof(buf); i++)
			assert_int_equal(buf[i], GUARD_BYTE);
		/* The bytes inside were written: random output keeps the fill byte only by chance. */
		for (size_t i = 0; i < len; i++)
			same += buf[GUARD + i] == GUARD_BYTE;
		assert_true(same <= len / 32 + 1);
	}
}

static void test_rng_key_changes_after_every_fill(void **state)
{
	static const size_t lens[] = { 0, 1, 64, 1000 };
	uint8_t out[1000], before[32];
	struct chacha20_rng r;

	seeded(&r, "rekey", 5);
	for (size_t t = 0; t < sizeof(lens) / sizeof(lens[0]); t++) {
		memcpy(before, r.key, 32);
		chacha20_rng_fill(&r, out, lens[t]);
		assert_memory_not_equal(r.key, before, 32);
		assert_int_equal(r.requests, t + 1);
	}
}

/*
 * The layout the header promises: nonce = requests (little-endian) then zeros,
 * output from counter 1 on, next key from counter 0, which the output never holds.
 */
static void test_rng_fill_layout_is_fast_key_erasure(void **state)
{
	struct chacha20_rng r;
	uint8_t key[32], nonce[12] = { 0 }, expect[3 * 64], out[130], key_block[64];

	seeded(&r, "layout", 6);
	r.requests = 0x0102030405060708ull;
	memcpy(key, r.key, 32);
	for (int i = 0; i < 8; i++)
		nonce[i] = (uint8_t)(r.requests >> (8 * i));
	for (int i = 0; i < 3; i++)
		chacha20_block(key, (uint32_t)(i + 1), nonce, expect + 64 * i);
	chacha20_block(key, 0, nonce, key_block);

	chacha20_rng_fill(&r, out, sizeof(out));
	assert_memory_equal(out, expect, sizeof(out));
	assert_memory_equal(r.key, key_block, 32);
	assert_int_equal(r.requests, 0x0102030405060709ull);
	for (size_t off = 0; off + 32 <= sizeof(out); off++)
		assert_memory_not_equal(out + off, r.key, 32);
}

/* State taken after a fill (key and request count) cannot replay that fill's output. */
static void test_rng_state_after_fill_cannot_replay_it(void **state)
{
	struct chacha20_rng r, copy;
	uint8_t first[64], again[64];

	seeded(&r, "erasure", 7);
	chacha20_rng_fill(&r, first, sizeof(first));
	copy = r;
	copy.requests--;
	chacha20_rng_fill(&copy, again, sizeof(again));
	assert_memory_not_equal(first, again, sizeof(first));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* block function */
		cmocka_unit_test(test_block_matches_rfc8439_section_2_3_2),
		cmocka_unit_test(test_block_matches_rfc8439_zero_key_vector),
		cmocka_unit_test(test_keystream_encrypts_rfc8439_section_2_4_2),
		cmocka_unit_test(test_block_works_on_unaligned_buffers),
		cmocka_unit_test(test_block_depends_on_every_counter_bit),
		/* seeding */
		cmocka_unit_test(test_rng_is_deterministic_for_the_same_seed),
		cmocka_unit_test(test_rng_differs_for_different_seeds),
		cmocka_unit_test(test_rng_seed_length_matters),
		cmocka_unit_test(test_rng_seed_bytes_32_apart_do_not_cancel),
		cmocka_unit_test(test_rng_seed_accumulates),
		cmocka_unit_test(test_rng_empty_seed_still_moves_the_key),
		/* output */
		cmocka_unit_test(test_rng_successive_fills_differ),
		cmocka_unit_test(test_rng_fill_writes_exactly_len_bytes),
		cmocka_unit_test(test_rng_key_changes_after_every_fill),
		cmocka_unit_test(test_rng_fill_layout_is_fast_key_erasure),
		cmocka_unit_test(test_rng_state_after_fill_cannot_replay_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
