/*
 * Terminal line editor for the management shell: insert anywhere, backspace,
 * left/right, up/down through history. It knows nothing of the prompt or the
 * UART: bytes go in through line_edit_feed(), echo comes out through `out`.
 */
#ifndef MANTLE_LINE_EDIT_H
#define MANTLE_LINE_EDIT_H
#include <stddef.h>

#define LINE_EDIT_MAX     CONFIG_SHELL_LINE_MAX
#define LINE_EDIT_HISTORY CONFIG_SHELL_HISTORY

typedef void (*line_edit_out_fn)(const char *s, size_t len, void *ctx);

enum line_edit_result {
	LINE_EDIT_MORE,      /* keep feeding */
	LINE_EDIT_DONE,      /* a line was entered: read it with line_edit_line() */
	LINE_EDIT_CANCEL,    /* Ctrl-C: the line was discarded */
};

struct line_edit {
	char buf[LINE_EDIT_MAX];
	size_t len, cur;
	int esc;                          /* escape-sequence parser state */
	char hist[LINE_EDIT_HISTORY][LINE_EDIT_MAX];
	unsigned hist_count;              /* entries stored (<= LINE_EDIT_HISTORY) */
	unsigned hist_next;               /* slot the next entry goes to */
	int hist_browse;                  /* 0 = editing; k = k-th newest entry shown */
	char saved[LINE_EDIT_MAX];        /* the line being edited before browsing */
	line_edit_out_fn out;
	void *ctx;
	char last;                        /* previous byte, to fold CR LF into one Enter */
};

void line_edit_init(struct line_edit *le, line_edit_out_fn out, void *ctx);
enum line_edit_result line_edit_feed(struct line_edit *le, char c);
/* The entered line (valid until the next feed). */
const char *line_edit_line(const struct line_edit *le);
/* History entry k (1 = newest), or NULL. */
const char *line_edit_history(const struct line_edit *le, unsigned k);

#endif
