#include <string.h>
#include <stdio.h>
#include <mantle/line_edit.h>

/* ESC_CSI_3: "ESC [ 3" seen; ESC_CSI_SKIP: inside a sequence we ignore, until its final byte. */
enum { ESC_NONE, ESC_SEEN, ESC_CSI, ESC_CSI_3, ESC_CSI_SKIP };

/* Parameter and intermediate bytes of a CSI sequence; anything else ends it. */
static int csi_continues(char c)
{
	return c >= 0x20 && c <= 0x3f;
}

static void emit(struct line_edit *le, const char *s, size_t n)
{
	if (n)
		le->out(s, n, le->ctx);
}

static void emit_str(struct line_edit *le, const char *s)
{
	emit(le, s, strlen(s));
}

static void cursor_left(struct line_edit *le, size_t n)
{
	char seq[16];
	if (!n)
		return;
	snprintf(seq, sizeof(seq), "\x1b[%uD", (unsigned)n);
	emit_str(le, seq);
}

/* Redraw from the cursor to the end, erase `extra` stale cells, put the cursor back. */
static void redraw_tail(struct line_edit *le, size_t extra)
{
	size_t tail = le->len - le->cur;
	emit(le, le->buf + le->cur, tail);
	for (size_t i = 0; i < extra; i++)
		emit(le, " ", 1);
	cursor_left(le, tail + extra);
}

/* Replace the whole line with s, as shown on the terminal. */
static void replace_line(struct line_edit *le, const char *s)
{
	size_t old_len = le->len, n = strlen(s);

	if (n >= LINE_EDIT_MAX)
		n = LINE_EDIT_MAX - 1;
	cursor_left(le, le->cur);
	memcpy(le->buf, s, n);
	le->buf[n] = '\0';
	le->len = le->cur = n;
	emit(le, le->buf, n);
	if (old_len > n) {
		for (size_t i = n; i < old_len; i++)
			emit(le, " ", 1);
		cursor_left(le, old_len - n);
	}
}

void line_edit_init(struct line_edit *le, line_edit_out_fn out, void *ctx)
{
	memset(le, 0, sizeof(*le));
	le->out = out;
	le->ctx = ctx;
}

const char *line_edit_history(const struct line_edit *le, unsigned k)
{
	if (k == 0 || k > le->hist_count)
		return NULL;
	return le->hist[(le->hist_next + LINE_EDIT_HISTORY - k) % LINE_EDIT_HISTORY];
}

static void history_add(struct line_edit *le)
{
	const char *newest = line_edit_history(le, 1);

	if (!le->len || (newest && !strcmp(newest, le->buf)))
		return;
	memcpy(le->hist[le->hist_next], le->buf, le->len + 1);
	le->hist_next = (le->hist_next + 1) % LINE_EDIT_HISTORY;
	if (le->hist_count < LINE_EDIT_HISTORY)
		le->hist_count++;
}

static void history_move(struct line_edit *le, int dir)
{
	int target = le->hist_browse + dir;

	if (target < 0 || target > (int)le->hist_count)
		return;
	if (le->hist_browse == 0)
		memcpy(le->saved, le->buf, le->len + 1);
	le->hist_browse = target;
	replace_line(le, target ? line_edit_history(le, target) : le->saved);
}

static void insert_char(struct line_edit *le, char c)
{
	if (le->len >= LINE_EDIT_MAX - 1) {
		emit(le, "\a", 1);
		return;
	}
	memmove(le->buf + le->cur + 1, le->buf + le->cur, le->len - le->cur + 1);
	le->buf[le->cur] = c;
	le->len++;
	emit(le, &c, 1);
	le->cur++;
	if (le->cur < le->len)
		redraw_tail(le, 0);
}

static void backspace(struct line_edit *le)
{
	if (!le->cur)
		return;
	memmove(le->buf + le->cur - 1, le->buf + le->cur, le->len - le->cur + 1);
	le->cur--;
	le->len--;
	emit(le, "\b", 1);
	redraw_tail(le, 1);
}

static void delete_at_cursor(struct line_edit *le)
{
	if (le->cur >= le->len)
		return;
	memmove(le->buf + le->cur, le->buf + le->cur + 1, le->len - le->cur);
	le->len--;
	redraw_tail(le, 1);
}

static enum line_edit_result handle_csi(struct line_edit *le, char c)
{
	le->esc = ESC_NONE;
	switch (c) {
	case 'A': history_move(le, +1); break;
	case 'B': history_move(le, -1); break;
	case 'C':
		if (le->cur < le->len) {
			emit_str(le, "\x1b[C");
			le->cur++;
		}
		break;
	case 'D':
		if (le->cur) {
			emit_str(le, "\x1b[D");
			le->cur--;
		}
		break;
	case 'H': cursor_left(le, le->cur); le->cur = 0; break;
	case 'F': emit(le, le->buf + le->cur, le->len - le->cur); le->cur = le->len; break;
	case '3': le->esc = ESC_CSI_3; break;      /* ESC [ 3 ~ : delete */
	default:                                    /* unknown sequences are dropped */
		if (csi_continues(c))
			le->esc = ESC_CSI_SKIP;
		break;
	}
	return LINE_EDIT_MORE;
}

enum line_edit_result line_edit_feed(struct line_edit *le, char c)
{
	char prev = le->last;

	le->last = c;
	/*
	 * After Enter, buf still holds the line handed out (valid until this
	 * feed); an empty line must read as one, or the stale bytes past len
	 * leak back through the memmoves and the history browser.
	 */
	if (!le->len)
		le->buf[0] = '\0';
	if (le->esc == ESC_SEEN) {
		le->esc = (c == '[' || c == 'O') ? ESC_CSI : ESC_NONE;
		return LINE_EDIT_MORE;
	}
	if (le->esc == ESC_CSI)
		return handle_csi(le, c);
	if (le->esc == ESC_CSI_3) {
		le->esc = csi_continues(c) ? ESC_CSI_SKIP : ESC_NONE;
		if (c == '~')
			delete_at_cursor(le);
		return LINE_EDIT_MORE;
	}
	if (le->esc == ESC_CSI_SKIP) {
		if (!csi_continues(c))
			le->esc = ESC_NONE;
		return LINE_EDIT_MORE;
	}

	switch (c) {
	case '\x1b':
		le->esc = ESC_SEEN;
		return LINE_EDIT_MORE;
	case '\n':
		if (prev == '\r')
			return LINE_EDIT_MORE;   /* second half of CR LF */
		/* fall through */
	case '\r':
		emit(le, "\r\n", 2);
		le->buf[le->len] = '\0';
		history_add(le);
		/* Hand the line out, then start a fresh one on the next feed. */
		le->hist_browse = 0;
		le->cur = 0;
		le->len = 0;
		return LINE_EDIT_DONE;
	case 0x03:                           /* Ctrl-C */
		emit(le, "^C\r\n", 4);
		le->buf[0] = '\0';
		le->len = le->cur = 0;
		le->hist_browse = 0;
		return LINE_EDIT_CANCEL;
	case 0x7f:
	case '\b':
		backspace(le);
		return LINE_EDIT_MORE;
	case 0x01: cursor_left(le, le->cur); le->cur = 0; return LINE_EDIT_MORE;   /* Ctrl-A */
	case 0x05: emit(le, le->buf + le->cur, le->len - le->cur); le->cur = le->len; return LINE_EDIT_MORE; /* Ctrl-E */
	default:
		if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
			insert_char(le, c);
		return LINE_EDIT_MORE;
	}
}

const char *line_edit_line(const struct line_edit *le)
{
	return le->buf;
}
