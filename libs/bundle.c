/*
 * newc cpio reader. Every length in a header is attacker-controlled, so
 * bounds are checked by comparing against the bytes that remain after an
 * offset (size - offset), never by adding to an offset first: that sum
 * could wrap and pass the check.
 */
#include <string.h>
#include <libs/bundle.h>

#define NEWC_MAGIC          "070701"
#define NEWC_MAGIC_LEN      6
#define NEWC_FIELD_LEN      8
#define NEWC_HEADER_LEN     110
#define NEWC_ALIGN          4
#define NEWC_TRAILER        "TRAILER!!!"

#define CPIO_MODE_TYPE      0170000u
#define CPIO_MODE_REGULAR   0100000u

/* Header fields in archive order, after the magic. */
enum newc_field {
	NEWC_INO,
	NEWC_MODE,
	NEWC_UID,
	NEWC_GID,
	NEWC_NLINK,
	NEWC_MTIME,
	NEWC_FILESIZE,
	NEWC_DEVMAJOR,
	NEWC_DEVMINOR,
	NEWC_RDEVMAJOR,
	NEWC_RDEVMINOR,
	NEWC_NAMESIZE,
	NEWC_CHECK,
	NEWC_FIELD_COUNT,
};

static int hex_digit_value(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Eight hex digits always fit in 32 bits, so no overflow check is needed. */
static bool parse_hex_field(const uint8_t *text, uint32_t *out)
{
	uint32_t value = 0;

	for (unsigned i = 0; i < NEWC_FIELD_LEN; i++) {
		int digit = hex_digit_value(text[i]);

		if (digit < 0)
			return false;
		value = (value << 4) | (uint32_t)digit;
	}
	*out = value;
	return true;
}

/*
 * Padding is relative to the start of the archive, as cpio writes it.
 * Returns false when the padded offset would pass the end of the archive.
 */
static bool align_within(size_t offset, size_t size, size_t *aligned)
{
	size_t pad = (NEWC_ALIGN - (offset % NEWC_ALIGN)) % NEWC_ALIGN;

	if (offset > size || pad > size - offset)
		return false;
	*aligned = offset + pad;
	return true;
}

static bool name_is_trailer(const struct bundle_file *f)
{
	return f->name_len == sizeof(NEWC_TRAILER) - 1 &&
	       memcmp(f->name, NEWC_TRAILER, f->name_len) == 0;
}

/*
 * Parses the entry at offset: fills f and the offset of the next header.
 * Nothing is written on failure.
 */
static enum bundle_status parse_entry(const struct bundle *b, size_t offset,
				      struct bundle_file *f, size_t *next)
{
	const uint8_t *header, *name;
	uint32_t fields[NEWC_FIELD_COUNT];
	size_t name_offset, data_offset, data_end, next_offset;
	uint32_t namesize, filesize;

	if (!b->data || offset > b->size)
		return BUNDLE_TRUNCATED;
	header = b->data + offset;

	/* A short archive whose bytes already disagree with the magic is not cpio at all. */
	if (b->size - offset < NEWC_MAGIC_LEN) {
		if (memcmp(header, NEWC_MAGIC, b->size - offset) != 0)
			return BUNDLE_BAD_MAGIC;
		return BUNDLE_TRUNCATED;
	}
	if (memcmp(header, NEWC_MAGIC, NEWC_MAGIC_LEN) != 0)
		return BUNDLE_BAD_MAGIC;
	if (b->size - offset < NEWC_HEADER_LEN)
		return BUNDLE_TRUNCATED;

	for (unsigned i = 0; i < NEWC_FIELD_COUNT; i++) {
		if (!parse_hex_field(header + NEWC_MAGIC_LEN + i * NEWC_FIELD_LEN, &fields[i]))
			return BUNDLE_BAD_HEADER;
	}
	namesize = fields[NEWC_NAMESIZE];
	filesize = fields[NEWC_FILESIZE];

	/* namesize counts the NUL, so an entry always has at least that byte. */
	if (namesize == 0)
		return BUNDLE_BAD_HEADER;
	name_offset = offset + NEWC_HEADER_LEN;
	if (namesize > b->size - name_offset)
		return BUNDLE_TRUNCATED;
	name = b->data + name_offset;
	/* The only NUL must be the last byte, or name_len would disagree with strlen. */
	if (memchr(name, '\0', namesize) != name + namesize - 1)
		return BUNDLE_BAD_HEADER;

	if (!align_within(name_offset + namesize, b->size, &data_offset))
		return BUNDLE_TRUNCATED;
	if (filesize > b->size - data_offset)
		return BUNDLE_TRUNCATED;
	data_end = data_offset + filesize;
	if (!align_within(data_end, b->size, &next_offset))
		return BUNDLE_TRUNCATED;

	f->name = (const char *)name;
	f->name_len = namesize - 1;
	f->data = b->data + data_offset;
	f->size = filesize;
	f->mode = fields[NEWC_MODE];
	*next = next_offset;
	return BUNDLE_OK;
}

enum bundle_status bundle_open(struct bundle *b, const void *data, size_t size)
{
	struct bundle probe = { .data = data, .size = size };
	struct bundle_file first;
	size_t next;
	enum bundle_status status;

	status = parse_entry(&probe, 0, &first, &next);
	if (status != BUNDLE_OK) {
		/* An unusable bundle must not be iterable by accident. */
		b->data = NULL;
		b->size = 0;
		return status;
	}
	*b = probe;
	return BUNDLE_OK;
}

/*
 * Each entry is at least a header plus one name byte, so the cursor grows
 * by at least that much per call: iteration ends after size / 111 entries
 * whatever the archive says. The cursor does not move on an error or at the
 * trailer, so repeated calls keep returning the same status.
 */
enum bundle_status bundle_next(const struct bundle *b, size_t *cursor, struct bundle_file *f)
{
	struct bundle_file entry;
	size_t next;
	enum bundle_status status;

	status = parse_entry(b, *cursor, &entry, &next);
	if (status != BUNDLE_OK)
		return status;
	if (name_is_trailer(&entry))
		return BUNDLE_END;
	*f = entry;
	*cursor = next;
	return BUNDLE_OK;
}

static const char *skip_dot_slash(const char *path, size_t *len)
{
	if (*len >= 2 && path[0] == '.' && path[1] == '/') {
		*len -= 2;
		return path + 2;
	}
	return path;
}

/* The first matching regular file wins; a bad entry before it ends the search. */
bool bundle_find(const struct bundle *b, const char *path, struct bundle_file *f)
{
	struct bundle_file entry;
	size_t cursor = 0, want_len;
	const char *want;

	if (!path)
		return false;
	want_len = strlen(path);
	want = skip_dot_slash(path, &want_len);

	while (bundle_next(b, &cursor, &entry) == BUNDLE_OK) {
		size_t have_len = entry.name_len;
		const char *have = skip_dot_slash(entry.name, &have_len);

		if ((entry.mode & CPIO_MODE_TYPE) != CPIO_MODE_REGULAR)
			continue;
		if (have_len == want_len && memcmp(have, want, want_len) == 0) {
			*f = entry;
			return true;
		}
	}
	return false;
}

const char *bundle_status_str(enum bundle_status s)
{
	switch (s) {
	case BUNDLE_OK:
		return "ok";
	case BUNDLE_END:
		return "end of archive";
	case BUNDLE_BAD_MAGIC:
		return "not a newc cpio archive (bad magic)";
	case BUNDLE_BAD_HEADER:
		return "malformed cpio header";
	case BUNDLE_TRUNCATED:
		return "cpio archive truncated";
	}
	return "unknown bundle status";
}
