/*
 * Unit tests for the newc cpio reader (libs/bundle.c). Archives are built
 * here byte by byte, so the tests need no cpio tool, and every archive the
 * reader sees is copied into a heap block of exactly its size: under ASan
 * a read one byte past the end fails the test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <libs/bundle.h>

#define MODE_FILE     0100644u
#define MODE_DIR      0040755u
#define MODE_SYMLINK  0120777u

#define HEADER_LEN    110
#define FIELD_LEN     8
#define MAGIC_LEN     6
#define FIELD_COUNT   13
#define FIELD_FILESIZE 6
#define FIELD_NAMESIZE 11

struct archive {
	uint8_t bytes[8192];
	size_t len;
};

static void put_bytes(struct archive *a, const void *bytes, size_t len)
{
	assert_true(len <= sizeof(a->bytes) - a->len);
	if (len == 0)
		return;
	memcpy(a->bytes + a->len, bytes, len);
	a->len += len;
}

static void pad_to_4(struct archive *a)
{
	static const uint8_t zeros[3];

	put_bytes(a, zeros, (4 - a->len % 4) % 4);
}

/* A header whose sizes are given, not derived, so tests can make them lie. */
static void put_header(struct archive *a, uint32_t mode, uint32_t filesize, uint32_t namesize)
{
	static uint32_t next_ino = 1;
	char text[HEADER_LEN + 1];
	int n;

	n = snprintf(text, sizeof(text),
		     "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		     next_ino++, mode, 0u, 0u, 1u, 0x65000000u, filesize,
		     0u, 0u, 0u, 0u, namesize, 0u);
	assert_int_equal(n, HEADER_LEN);
	put_bytes(a, text, HEADER_LEN);
}

static void add_entry(struct archive *a, const char *name, uint32_t mode,
		      const void *data, size_t size)
{
	size_t namesize = strlen(name) + 1;

	put_header(a, mode, (uint32_t)size, (uint32_t)namesize);
	put_bytes(a, name, namesize);
	pad_to_4(a);
	put_bytes(a, data, size);
	pad_to_4(a);
}

static void add_file(struct archive *a, const char *name, const char *contents)
{
	add_entry(a, name, MODE_FILE, contents, strlen(contents));
}

static void add_dir(struct archive *a, const char *name)
{
	add_entry(a, name, MODE_DIR, NULL, 0);
}

static void add_trailer(struct archive *a)
{
	add_entry(a, "TRAILER!!!", 0, NULL, 0);
}

/* Offset of a header field's text, for tests that corrupt it in place. */
static size_t field_offset(size_t header, unsigned field)
{
	return header + MAGIC_LEN + field * FIELD_LEN;
}

static void set_field(struct archive *a, size_t header, unsigned field, uint32_t value)
{
	char text[FIELD_LEN + 1];

	snprintf(text, sizeof(text), "%08X", value);
	memcpy(a->bytes + field_offset(header, field), text, FIELD_LEN);
}

/* The first len bytes of a, alone in a heap block of exactly that size. */
static uint8_t *exact_copy(const struct archive *a, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, a->bytes, len);
	return copy;
}

/* Walks the whole archive; returns the status that ended the walk. */
static enum bundle_status walk(const struct bundle *b, unsigned *entries)
{
	struct bundle_file f;
	size_t cursor = 0;
	enum bundle_status status;
	unsigned count = 0;

	while ((status = bundle_next(b, &cursor, &f)) == BUNDLE_OK) {
		/* Whatever the archive says, every entry must lie inside it. */
		assert_true((const uint8_t *)f.name >= b->data);
		assert_true((const uint8_t *)f.name + f.name_len < b->data + b->size);
		assert_int_equal(f.name[f.name_len], '\0');
		assert_true((const uint8_t *)f.data >= b->data);
		assert_true(f.size <= b->size - ((const uint8_t *)f.data - b->data));
		count++;
		assert_true(count <= b->size / HEADER_LEN);
	}
	if (entries)
		*entries = count;
	return status;
}

/* Opens a exactly as long as len and walks it. */
static enum bundle_status open_and_walk(const struct archive *a, size_t len, unsigned *entries)
{
	struct bundle b;
	uint8_t *copy = exact_copy(a, len);
	enum bundle_status status = bundle_open(&b, copy, len);

	if (status == BUNDLE_OK)
		status = walk(&b, entries);
	free(copy);
	return status;
}

/* ------------------------------------------------------------ well-formed archives */

static void build_sample(struct archive *a)
{
	a->len = 0;
	add_dir(a, ".");
	add_dir(a, "./boot");
	add_file(a, "./boot/Image", "kernel bytes");
	add_file(a, "boot/guest.dtb", "dtb");
	add_file(a, "./empty", "");
	add_entry(a, "./link", MODE_SYMLINK, "boot/Image", 10);
	add_file(a, "config.txt", "cpus=2\n");
	add_trailer(a);
}

static void test_iterates_every_entry_in_order_including_directories(void **state)
{
	static struct archive a;
	static const char *const names[] = {
		".", "./boot", "./boot/Image", "boot/guest.dtb", "./empty", "./link", "config.txt",
	};
	static const uint32_t modes[] = {
		MODE_DIR, MODE_DIR, MODE_FILE, MODE_FILE, MODE_FILE, MODE_SYMLINK, MODE_FILE,
	};
	struct bundle b;
	struct bundle_file f;
	size_t cursor = 0, before;
	uint8_t *copy;

	build_sample(&a);
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		before = cursor;
		assert_int_equal(bundle_next(&b, &cursor, &f), BUNDLE_OK);
		assert_true(cursor > before);
		assert_int_equal(cursor % 4, 0);
		assert_string_equal(f.name, names[i]);
		assert_int_equal(f.name_len, strlen(names[i]));
		assert_int_equal(f.mode, modes[i]);
	}
	before = cursor;
	assert_int_equal(bundle_next(&b, &cursor, &f), BUNDLE_END);
	/* The end is sticky: the cursor stays on the trailer. */
	assert_int_equal(cursor, before);
	assert_int_equal(bundle_next(&b, &cursor, &f), BUNDLE_END);
	free(copy);
}

static void test_file_contents_point_into_the_archive(void **state)
{
	static struct archive a;
	struct bundle b;
	struct bundle_file f;
	uint8_t *copy;

	build_sample(&a);
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);
	assert_true(bundle_find(&b, "boot/Image", &f));
	assert_int_equal(f.size, strlen("kernel bytes"));
	assert_memory_equal(f.data, "kernel bytes", f.size);
	assert_true((const uint8_t *)f.data > copy && (const uint8_t *)f.data < copy + a.len);
	assert_int_equal(((const uint8_t *)f.data - copy) % 4, 0);
	free(copy);
}

static void test_find_ignores_a_leading_dot_slash_on_either_side(void **state)
{
	static struct archive a;
	struct bundle b;
	struct bundle_file f;
	uint8_t *copy;

	build_sample(&a);
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);

	/* Stored with "./", looked up with and without. */
	assert_true(bundle_find(&b, "boot/Image", &f));
	assert_string_equal(f.name, "./boot/Image");
	assert_true(bundle_find(&b, "./boot/Image", &f));
	assert_string_equal(f.name, "./boot/Image");

	/* Stored without "./", looked up with and without. */
	assert_true(bundle_find(&b, "boot/guest.dtb", &f));
	assert_memory_equal(f.data, "dtb", 3);
	assert_true(bundle_find(&b, "./boot/guest.dtb", &f));
	assert_true(bundle_find(&b, "config.txt", &f));
	assert_true(bundle_find(&b, "./config.txt", &f));
	free(copy);
}

static void test_find_requires_an_exact_path(void **state)
{
	static struct archive a;
	struct bundle b;
	struct bundle_file f;
	uint8_t *copy;

	build_sample(&a);
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);
	assert_false(bundle_find(&b, "boot/Imag", &f));
	assert_false(bundle_find(&b, "boot/Image2", &f));
	assert_false(bundle_find(&b, "Image", &f));
	assert_false(bundle_find(&b, "/boot/Image", &f));
	/* Only one "./" is a prefix; more are part of the path. */
	assert_false(bundle_find(&b, "././boot/Image", &f));
	assert_false(bundle_find(&b, "", &f));
	assert_false(bundle_find(&b, "missing", &f));
	assert_false(bundle_find(&b, NULL, &f));
	free(copy);
}

static void test_find_returns_regular_files_only(void **state)
{
	static struct archive a;
	struct bundle b;
	struct bundle_file f;
	uint8_t *copy;

	build_sample(&a);
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);
	assert_false(bundle_find(&b, "boot", &f));
	assert_false(bundle_find(&b, "./boot", &f));
	assert_false(bundle_find(&b, ".", &f));
	assert_false(bundle_find(&b, "link", &f));
	free(copy);
}

static void test_find_returns_the_first_of_duplicate_names(void **state)
{
	static struct archive a;
	struct bundle b;
	struct bundle_file f;
	uint8_t *copy;

	a.len = 0;
	add_dir(&a, "kernel");
	add_file(&a, "./kernel", "first");
	add_file(&a, "kernel", "second");
	add_trailer(&a);
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);
	assert_true(bundle_find(&b, "kernel", &f));
	assert_int_equal(f.size, 5);
	assert_memory_equal(f.data, "first", 5);
	free(copy);
}

static void test_a_file_of_size_zero_is_found(void **state)
{
	static struct archive a;
	struct bundle b;
	struct bundle_file f;
	uint8_t *copy;

	build_sample(&a);
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);
	assert_true(bundle_find(&b, "empty", &f));
	assert_int_equal(f.size, 0);
	assert_non_null(f.data);
	free(copy);
}

static void test_the_last_entry_before_the_trailer_is_found(void **state)
{
	static struct archive a;
	struct bundle b;
	struct bundle_file f;
	uint8_t *copy;

	/* Five bytes of data: the trailer follows three bytes of padding. */
	a.len = 0;
	add_file(&a, "first", "1");
	add_file(&a, "last", "12345");
	add_trailer(&a);
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);
	assert_true(bundle_find(&b, "last", &f));
	assert_int_equal(f.size, 5);
	assert_memory_equal(f.data, "12345", 5);
	free(copy);
}

static void test_every_name_and_data_length_pads_correctly(void **state)
{
	static struct archive a;
	static const char data[] = "0123456789abcdef";
	char name[16];
	struct bundle b;
	struct bundle_file f;
	uint8_t *copy;

	/* Names of 1..8 bytes and data of 0..7 bytes hit every padding remainder. */
	a.len = 0;
	for (unsigned i = 0; i < 8; i++) {
		memset(name, 'n', i + 1);
		name[i + 1] = '\0';
		add_entry(&a, name, MODE_FILE, data, i);
	}
	add_trailer(&a);
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);
	for (unsigned i = 0; i < 8; i++) {
		memset(name, 'n', i + 1);
		name[i + 1] = '\0';
		assert_true(bundle_find(&b, name, &f));
		assert_int_equal(f.size, i);
		assert_memory_equal(f.data, data, i);
	}
	free(copy);
}

static void test_an_archive_of_only_the_trailer_is_empty(void **state)
{
	static struct archive a;
	struct bundle b;
	struct bundle_file f;
	size_t cursor = 0;
	uint8_t *copy;

	a.len = 0;
	add_trailer(&a);
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);
	assert_int_equal(bundle_next(&b, &cursor, &f), BUNDLE_END);
	assert_int_equal(cursor, 0);
	assert_false(bundle_find(&b, "TRAILER!!!", &f));
	free(copy);
}

static void test_bytes_after_the_trailer_are_ignored(void **state)
{
	static struct archive a;
	static const uint8_t block_padding[400];
	unsigned entries;

	/* cpio pads the archive to a 512-byte block; anything there is not read. */
	build_sample(&a);
	put_bytes(&a, block_padding, sizeof(block_padding));
	put_bytes(&a, "garbage", 7);
	assert_int_equal(open_and_walk(&a, a.len, &entries), BUNDLE_END);
	assert_int_equal(entries, 7);
}

static void test_lowercase_hex_is_accepted(void **state)
{
	static struct archive a;
	struct bundle b;
	struct bundle_file f;
	uint8_t *copy;

	a.len = 0;
	add_file(&a, "f", "0123456789ab");
	add_trailer(&a);
	/* filesize 0x0000000C written as "0000000c". */
	a.bytes[field_offset(0, FIELD_FILESIZE) + FIELD_LEN - 1] = 'c';
	/* mode 0x81A4 written as "000081a4". */
	a.bytes[field_offset(0, 1) + 6] = 'a';
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);
	assert_true(bundle_find(&b, "f", &f));
	assert_int_equal(f.size, 12);
	assert_int_equal(f.mode, MODE_FILE);
	free(copy);
}

/* ------------------------------------------------------------ malformed archives */

static void test_bad_magic_is_refused(void **state)
{
	static const char *const magics[] = {
		"070702",   /* newc with checksums: not what the contract reads */
		"070707",   /* old portable ASCII cpio */
		"07070X",
		"\0\0\0\0\0\0",
	};
	static struct archive a;
	struct bundle b;
	uint8_t *copy;

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		build_sample(&a);
		memcpy(a.bytes, magics[i], MAGIC_LEN);
		copy = exact_copy(&a, a.len);
		assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_BAD_MAGIC);
		/* A refused archive cannot be walked by mistake. */
		assert_int_equal(walk(&b, NULL), BUNDLE_TRUNCATED);
		free(copy);
	}
}

static void test_bad_magic_in_a_later_entry_stops_iteration(void **state)
{
	static struct archive a;
	size_t second;
	unsigned entries;

	a.len = 0;
	add_file(&a, "one", "1");
	second = a.len;
	add_file(&a, "two", "2");
	add_trailer(&a);
	a.bytes[second + 5] = '2';
	assert_int_equal(open_and_walk(&a, a.len, &entries), BUNDLE_BAD_MAGIC);
	assert_int_equal(entries, 1);
}

static void test_short_archives_are_truncated_or_bad_magic(void **state)
{
	static struct archive a;

	a.len = 0;
	assert_int_equal(open_and_walk(&a, 0, NULL), BUNDLE_TRUNCATED);
	put_bytes(&a, "0707", 4);
	assert_int_equal(open_and_walk(&a, 4, NULL), BUNDLE_TRUNCATED);
	a.len = 0;
	put_bytes(&a, "PK", 2);
	assert_int_equal(open_and_walk(&a, 2, NULL), BUNDLE_BAD_MAGIC);
}

static void test_null_data_is_refused(void **state)
{
	struct bundle b;

	assert_int_equal(bundle_open(&b, NULL, 0), BUNDLE_TRUNCATED);
	assert_int_equal(bundle_open(&b, NULL, 4096), BUNDLE_TRUNCATED);
	assert_int_equal(walk(&b, NULL), BUNDLE_TRUNCATED);
}

static void test_a_non_hex_digit_in_any_field_is_refused(void **state)
{
	static const char bad_digits[] = { 'g', 'G', ' ', '-', '+', 'x', '\0', '\n' };
	static struct archive a;

	for (unsigned field = 0; field < FIELD_COUNT; field++) {
		for (size_t d = 0; d < sizeof(bad_digits); d++) {
			build_sample(&a);
			a.bytes[field_offset(0, field) + (field + d) % FIELD_LEN] = bad_digits[d];
			assert_int_equal(open_and_walk(&a, a.len, NULL), BUNDLE_BAD_HEADER);
		}
	}
}

static void test_a_namesize_of_zero_is_refused(void **state)
{
	static struct archive a;

	a.len = 0;
	put_header(&a, MODE_FILE, 0, 0);
	put_bytes(&a, "xx", 2);
	add_trailer(&a);
	assert_int_equal(open_and_walk(&a, a.len, NULL), BUNDLE_BAD_HEADER);
}

static void test_a_name_without_its_nul_is_refused(void **state)
{
	static struct archive a;

	/* namesize 4 covers "name" but not the NUL that follows it. */
	a.len = 0;
	put_header(&a, MODE_FILE, 0, 4);
	put_bytes(&a, "name", 5);
	pad_to_4(&a);
	add_trailer(&a);
	assert_int_equal(open_and_walk(&a, a.len, NULL), BUNDLE_BAD_HEADER);
}

static void test_a_name_with_an_early_nul_is_refused(void **state)
{
	static struct archive a;

	/* "ab\0cd\0": strlen would say 2 where namesize says 5. */
	a.len = 0;
	put_header(&a, MODE_FILE, 0, 6);
	put_bytes(&a, "ab\0cd", 6);
	pad_to_4(&a);
	add_trailer(&a);
	assert_int_equal(open_and_walk(&a, a.len, NULL), BUNDLE_BAD_HEADER);
}

static void test_an_early_nul_in_a_later_entry_stops_find(void **state)
{
	static struct archive a;
	struct bundle b;
	struct bundle_file f;
	size_t second;
	uint8_t *copy;

	a.len = 0;
	add_file(&a, "one", "1");
	second = a.len;
	add_file(&a, "two", "2");
	add_trailer(&a);
	a.bytes[second + HEADER_LEN + 1] = '\0';
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);
	assert_true(bundle_find(&b, "one", &f));
	assert_false(bundle_find(&b, "two", &f));
	assert_false(bundle_find(&b, "t", &f));
	free(copy);
}

static void test_a_filesize_past_the_end_is_truncated(void **state)
{
	static const uint32_t sizes[] = { 128, 129, 4096, 0x7fffffff, 0xfffffff0, 0xffffffff };
	static struct archive a;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		a.len = 0;
		add_file(&a, "f", "data");
		add_trailer(&a);
		/*
		 * 128 bytes follow the start of this file's data, trailer
		 * included: 128 swallows the trailer, larger sizes overrun.
		 */
		set_field(&a, 0, FIELD_FILESIZE, sizes[i]);
		assert_int_equal(open_and_walk(&a, a.len, NULL), BUNDLE_TRUNCATED);
	}
}

static void test_a_namesize_past_the_end_is_truncated(void **state)
{
	static const uint32_t sizes[] = { 200, 0x7fffffff, 0xfffffff0, 0xffffffff };
	static struct archive a;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		a.len = 0;
		add_file(&a, "f", "data");
		add_trailer(&a);
		set_field(&a, 0, FIELD_NAMESIZE, sizes[i]);
		assert_int_equal(open_and_walk(&a, a.len, NULL), BUNDLE_TRUNCATED);
	}
}

static void test_a_truncated_header_is_truncated(void **state)
{
	static struct archive a;

	a.len = 0;
	add_file(&a, "f", "data");
	add_trailer(&a);
	assert_int_equal(open_and_walk(&a, 50, NULL), BUNDLE_TRUNCATED);
	assert_int_equal(open_and_walk(&a, HEADER_LEN - 1, NULL), BUNDLE_TRUNCATED);
	assert_int_equal(open_and_walk(&a, HEADER_LEN, NULL), BUNDLE_TRUNCATED);
}

static void test_a_missing_trailer_ends_iteration_truncated(void **state)
{
	static struct archive a;
	unsigned entries;

	a.len = 0;
	add_dir(&a, "d");
	add_file(&a, "d/f", "data");
	assert_int_equal(open_and_walk(&a, a.len, &entries), BUNDLE_TRUNCATED);
	assert_int_equal(entries, 2);
}

static void test_missing_padding_before_the_end_is_truncated(void **state)
{
	static struct archive a;

	struct bundle b;
	uint8_t *copy;

	/*
	 * The data ends two bytes short of its padding: the entry itself is
	 * refused, not just the header that should follow it.
	 */
	a.len = 0;
	add_file(&a, "f", "12");
	copy = exact_copy(&a, a.len - 2);
	assert_int_equal(bundle_open(&b, copy, a.len - 2), BUNDLE_TRUNCATED);
	free(copy);
}

static void test_a_cursor_past_the_end_is_truncated(void **state)
{
	static struct archive a;
	struct bundle b;
	struct bundle_file f;
	size_t cursor;
	uint8_t *copy;

	build_sample(&a);
	copy = exact_copy(&a, a.len);
	assert_int_equal(bundle_open(&b, copy, a.len), BUNDLE_OK);
	cursor = a.len;
	assert_int_equal(bundle_next(&b, &cursor, &f), BUNDLE_TRUNCATED);
	assert_int_equal(cursor, a.len);
	cursor = a.len + 1;
	assert_int_equal(bundle_next(&b, &cursor, &f), BUNDLE_TRUNCATED);
	cursor = SIZE_MAX;
	assert_int_equal(bundle_next(&b, &cursor, &f), BUNDLE_TRUNCATED);
	free(copy);
}

static void test_every_prefix_of_an_archive_is_truncated(void **state)
{
	static struct archive a;

	build_sample(&a);
	for (size_t len = 0; len < a.len; len++)
		assert_int_equal(open_and_walk(&a, len, NULL), BUNDLE_TRUNCATED);
	assert_int_equal(open_and_walk(&a, a.len, NULL), BUNDLE_END);
}

static void test_corrupting_any_byte_never_reads_out_of_bounds(void **state)
{
	static const uint8_t values[] = { 0x00, '0', '7', 'f', 'F', 0xff, '/', '.' };
	static struct archive a, pristine;
	struct bundle b;
	struct bundle_file f;
	uint8_t *copy;

	build_sample(&pristine);
	for (size_t at = 0; at < pristine.len; at++) {
		for (size_t v = 0; v < sizeof(values); v++) {
			a = pristine;
			a.bytes[at] = values[v];
			copy = exact_copy(&a, a.len);
			if (bundle_open(&b, copy, a.len) == BUNDLE_OK) {
				(void)walk(&b, NULL);
				(void)bundle_find(&b, "boot/Image", &f);
			}
			free(copy);
		}
	}
}

static void test_status_strings_are_distinct(void **state)
{
	static const enum bundle_status all[] = {
		BUNDLE_OK, BUNDLE_END, BUNDLE_BAD_MAGIC, BUNDLE_BAD_HEADER, BUNDLE_TRUNCATED,
	};
	const size_t count = sizeof(all) / sizeof(all[0]);

	for (size_t i = 0; i < count; i++) {
		assert_non_null(bundle_status_str(all[i]));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(bundle_status_str(all[i]), bundle_status_str(all[j]));
	}
	assert_non_null(bundle_status_str((enum bundle_status)99));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iterates_every_entry_in_order_including_directories),
		cmocka_unit_test(test_file_contents_point_into_the_archive),
		cmocka_unit_test(test_find_ignores_a_leading_dot_slash_on_either_side),
		cmocka_unit_test(test_find_requires_an_exact_path),
		cmocka_unit_test(test_find_returns_regular_files_only),
		cmocka_unit_test(test_find_returns_the_first_of_duplicate_names),
		cmocka_unit_test(test_a_file_of_size_zero_is_found),
		cmocka_unit_test(test_the_last_entry_before_the_trailer_is_found),
		cmocka_unit_test(test_every_name_and_data_length_pads_correctly),
		cmocka_unit_test(test_an_archive_of_only_the_trailer_is_empty),
		cmocka_unit_test(test_bytes_after_the_trailer_are_ignored),
		cmocka_unit_test(test_lowercase_hex_is_accepted),
		cmocka_unit_test(test_bad_magic_is_refused),
		cmocka_unit_test(test_bad_magic_in_a_later_entry_stops_iteration),
		cmocka_unit_test(test_short_archives_are_truncated_or_bad_magic),
		cmocka_unit_test(test_null_data_is_refused),
		cmocka_unit_test(test_a_non_hex_digit_in_any_field_is_refused),
		cmocka_unit_test(test_a_namesize_of_zero_is_refused),
		cmocka_unit_test(test_a_name_without_its_nul_is_refused),
		cmocka_unit_test(test_a_name_with_an_early_nul_is_refused),
		cmocka_unit_test(test_an_early_nul_in_a_later_entry_stops_find),
		cmocka_unit_test(test_a_filesize_past_the_end_is_truncated),
		cmocka_unit_test(test_a_namesize_past_the_end_is_truncated),
		cmocka_unit_test(test_a_truncated_header_is_truncated),
		cmocka_unit_test(test_a_missing_trailer_ends_iteration_truncated),
		cmocka_unit_test(test_missing_padding_before_the_end_is_truncated),
		cmocka_unit_test(test_a_cursor_past_the_end_is_truncated),
		cmocka_unit_test(test_every_prefix_of_an_archive_is_truncated),
		cmocka_unit_test(test_corrupting_any_byte_never_reads_out_of_bounds),
		cmocka_unit_test(test_status_strings_are_distinct),
	};

	return cmocka_run_group_tests_name("bundle", tests, NULL, NULL);
}
