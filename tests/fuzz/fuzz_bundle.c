/*
 * Fuzzes the newc cpio reader (libs/bundle.c) with raw bytes as the
 * archive, which the boot loader hands over as the guest bundle. Every
 * entry it yields must lie inside the archive, iteration must end, and a
 * path lookup must agree with what iteration showed.
 */
#include <stdint.h>
#include <string.h>
#include <libs/bundle.h>
#include "fuzz.h"

#define CPIO_MODE_TYPE    0170000u
#define CPIO_MODE_REGULAR 0100000u
#define NEWC_MIN_ENTRY    111      /* a header and the name's NUL */

static bool inside(const uint8_t *base, size_t size, const void *p, size_t len)
{
	const uint8_t *b = p;

	return b >= base && (size_t)(b - base) <= size && len <= size - (size_t)(b - base);
}

static void check_entry(const uint8_t *data, size_t size, const struct bundle_file *f)
{
	FUZZ_CHECK(inside(data, size, f->name, f->name_len + 1));
	FUZZ_CHECK(f->name[f->name_len] == '\0' && strlen(f->name) == f->name_len);
	FUZZ_CHECK(inside(data, size, f->data, f->size));
}

/* The first regular file named path, found by walking the archive as bundle_find promises to. */
static bool walk_find(const struct bundle *b, const char *path, struct bundle_file *out)
{
	struct bundle_file f;
	size_t cursor = 0, want_len = strlen(path);

	if (want_len >= 2 && path[0] == '.' && path[1] == '/') {
		path += 2;
		want_len -= 2;
	}
	while (bundle_next(b, &cursor, &f) == BUNDLE_OK) {
		const char *name = f.name;
		size_t len = f.name_len;

		if (len >= 2 && name[0] == '.' && name[1] == '/') {
			name += 2;
			len -= 2;
		}
		if ((f.mode & CPIO_MODE_TYPE) == CPIO_MODE_REGULAR && len == want_len &&
		    memcmp(name, path, len) == 0) {
			*out = f;
			return true;
		}
	}
	return false;
}

static void check_find(const struct bundle *b, const char *path)
{
	struct bundle_file got, want;
	bool found = bundle_find(b, path, &got);

	FUZZ_CHECK(found == walk_find(b, path, &want));
	if (found)
		FUZZ_CHECK(got.data == want.data && got.size == want.size && got.name == want.name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bundle b;
	struct bundle_file f, first = { 0 };
	enum bundle_status st;
	size_t cursor = 0, prev, entries = 0;
	char name[64];

	st = bundle_open(&b, data, size);
	FUZZ_CHECK(bundle_status_str(st) != NULL);
	if (st != BUNDLE_OK) {
		/* An archive that failed to open is empty, not half-usable. */
		FUZZ_CHECK(b.data == NULL && b.size == 0);
		FUZZ_CHECK(bundle_next(&b, &cursor, &f) == BUNDLE_TRUNCATED);
		FUZZ_CHECK(!bundle_find(&b, "boot.list", &f));
		return 0;
	}

	/* Each entry moves the cursor on by at least a header: the walk ends by itself. */
	for (;;) {
		prev = cursor;
		st = bundle_next(&b, &cursor, &f);
		if (st != BUNDLE_OK)
			break;
		check_entry(data, size, &f);
		FUZZ_CHECK(cursor >= prev + NEWC_MIN_ENTRY && cursor <= size);
		if (entries++ == 0)
			first = f;
		FUZZ_CHECK(entries <= size / NEWC_MIN_ENTRY);
	}
	FUZZ_CHECK(cursor == prev);
	/* The cursor stays at an error or the trailer: asking again gives the same answer. */
	FUZZ_CHECK(bundle_next(&b, &cursor, &f) == st && cursor == prev);

	check_find(&b, "boot.list");
	check_find(&b, "./fw.bin");
	check_find(&b, "");
	if (entries && first.name_len < sizeof(name)) {
		memcpy(name, first.name, first.name_len + 1);
		check_find(&b, name);
	}
	return 0;
}
