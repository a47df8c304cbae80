/*
 * Reader for the guest bundle: a standard "newc" cpio archive (magic
 * 070701), as `cpio -o -H newc` writes it. The archive comes from outside
 * Mantle, so every header field is checked against the archive's bounds.
 */
#ifndef LIBS_BUNDLE_H
#define LIBS_BUNDLE_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct bundle {
	const uint8_t *data;
	size_t size;
};

struct bundle_file {
	const char *name;         /* NUL-terminated, inside the archive, no leading "./" stripped */
	size_t name_len;
	const void *data;
	size_t size;
	uint32_t mode;            /* cpio mode: file type and permissions */
};

enum bundle_status {
	BUNDLE_OK = 0,
	BUNDLE_END,               /* TRAILER!!! reached */
	BUNDLE_BAD_MAGIC,
	BUNDLE_BAD_HEADER,        /* non-hex field, name without NUL, ... */
	BUNDLE_TRUNCATED,         /* a field runs past the end of the archive */
};

/*
 * Checks the first header; BUNDLE_OK when it looks like a newc archive (an
 * archive holding only the trailer is valid and empty). On failure b is
 * left empty, so iterating it yields BUNDLE_TRUNCATED.
 */
enum bundle_status bundle_open(struct bundle *b, const void *data, size_t size);
/*
 * Iterate: *cursor starts at 0. Fills f with the next entry (directories
 * included) and advances the cursor. BUNDLE_END after the trailer.
 * f and *cursor are written only on BUNDLE_OK: at the trailer or on an
 * error the cursor stays put, so calling again returns the same status.
 */
enum bundle_status bundle_next(const struct bundle *b, size_t *cursor, struct bundle_file *f);
/*
 * Find a regular file by path; one leading "./" on either side is ignored.
 * The first match wins; a malformed entry before it ends the search (false).
 */
bool bundle_find(const struct bundle *b, const char *path, struct bundle_file *f);
const char *bundle_status_str(enum bundle_status s);

#endif
