/*
 * Fuzzes the shell's input path with the bytes typed at the console: the
 * line editor (core/shell/line_edit.c) with its escape sequences and
 * history, then for each entered line the tokenizer, the command lookup and
 * dispatch (core/shell/shell_parse.c) against a small command table.
 *
 * The editor's echo is played on a model terminal (one row, a cursor), which
 * must always show exactly the line being edited with the cursor where the
 * editor thinks it is: a wrong redraw is a visible bug even without a crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <mantle/line_edit.h>
#include <mantle/shell.h>
#include "fuzz.h"

#define TERM_COLS (LINE_EDIT_MAX + 8)

/* ---- the model terminal ---- */

static struct {
	char row[TERM_COLS];
	size_t col;
	size_t written;           /* columns ever written on this row: the rest are blank */
	int esc;                  /* 0, 1 after ESC, 2 inside ESC [ */
	unsigned param;
} term;

static void term_newline(void)
{
	memset(term.row, ' ', sizeof(term.row));
	term.col = 0;
	term.written = 0;
}

static void term_csi(char final)
{
	unsigned n = term.param ? term.param : 1;

	if (final == 'D') {
		FUZZ_CHECK(n <= term.col);          /* never left of where the line starts */
		term.col -= n;
	} else if (final == 'C') {
		term.col += n;
	} else {
		FUZZ_CHECK(!"the editor sent an escape sequence the terminal model does not know");
	}
}

static void term_out(const char *s, size_t len, void *ctx)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (term.esc == 1) {
			FUZZ_CHECK(c == '[');
			term.esc = 2;
			term.param = 0;
		} else if (term.esc == 2) {
			if (c >= '0' && c <= '9') {
				term.param = term.param * 10 + (unsigned)(c - '0');
				FUZZ_CHECK(term.param < 100000);
			} else {
				term.esc = 0;
				term_csi(c);
			}
		} else if (c == '\x1b') {
			term.esc = 1;
		} else if (c == '\r') {
			term.col = 0;
		} else if (c == '\n') {
			term_newline();
		} else if (c == '\b') {
			FUZZ_CHECK(term.col > 0);
			term.col--;
		} else if (c == '\a') {
			/* the bell: nothing on screen */
		} else {
			FUZZ_CHECK((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f);
			FUZZ_CHECK(term.col < TERM_COLS);
			term.row[term.col++] = c;
			if (term.col > term.written)
				term.written = term.col;
		}
	}
}

/* ---- the command table ---- */

static int calls;

static int cmd_fn(int argc, char **argv)
{
	FUZZ_CHECK(argc >= 1 && argv[0] != NULL);
	calls++;
	return 0;
}

static const struct shell_cmd cmd_help = { "help", NULL, "", "help", cmd_fn };
static const struct shell_cmd cmd_guest_list = { "guest", "list", "", "list", cmd_fn };
static const struct shell_cmd cmd_guest_create = { "guest", "create", "FILE", "create", cmd_fn };
static const struct shell_cmd cmd_vserial_bind = { "vserial", "bind", "PORT", "bind", cmd_fn };
static const struct shell_cmd cmd_echo = { "echo", NULL, "WORDS", "echo", cmd_fn };
static const struct shell_cmd *const table[] = {
	&cmd_help, &cmd_guest_list, &cmd_guest_create, &cmd_vserial_bind, &cmd_echo,
};
#define TABLE_LEN (sizeof(table) / sizeof(table[0]))

/* Tokenize and look up a heap copy of exactly the line's size, as ASan wants it. */
static void parse_line(const char *line)
{
	size_t len = strlen(line);
	char *copy = malloc(len + 1), *err = malloc(24);
	char **argv = malloc((SHELL_MAX_ARGS + 1) * sizeof(*argv));
	const char *terr;
	const struct shell_cmd *cmd;
	int argc, consumed = 0;

	FUZZ_CHECK(copy && err && argv);
	memcpy(copy, line, len + 1);
	argc = shell_tokenize(copy, argv, SHELL_MAX_ARGS, &terr);
	if (argc < 0) {
		FUZZ_CHECK(argc == -1 && terr != NULL);
		goto out;
	}
	FUZZ_CHECK(terr == NULL && argc <= SHELL_MAX_ARGS);
	for (int i = 0; i < argc; i++) {
		/* Words are rewritten in place, inside the line. */
		FUZZ_CHECK(argv[i] >= copy && argv[i] < copy + len + 1);
		FUZZ_CHECK(strlen(argv[i]) <= len - (size_t)(argv[i] - copy));
		if (i)
			FUZZ_CHECK(argv[i] > argv[i - 1]);
	}
	cmd = shell_lookup(table, TABLE_LEN, argc, argv, &consumed, err, 24);
	if (cmd) {
		FUZZ_CHECK(consumed == (cmd->sub ? 2 : 1) && consumed <= argc);
		FUZZ_CHECK(strcmp(cmd->name, argv[0]) == 0 && (!cmd->sub || strcmp(cmd->sub, argv[1]) == 0));
	} else {
		FUZZ_CHECK(memchr(err, '\0', 24) != NULL && err[0]);
	}
	/* The whole dispatch, as the shell runs it (its messages go to the closed stdout). */
	memcpy(copy, line, len + 1);
	calls = 0;
	if (shell_execute(table, TABLE_LEN, copy) == 0 && argc > 0)
		FUZZ_CHECK(calls == 1);
out:
	free(copy);
	free(err);
	free(argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct line_edit le;

	term_newline();
	term.esc = 0;
	line_edit_init(&le, term_out, NULL);
	for (size_t i = 0; i < size; i++) {
		enum line_edit_result r = line_edit_feed(&le, (char)data[i]);
		const char *line = line_edit_line(&le);

		FUZZ_CHECK(le.cur <= le.len && le.len < LINE_EDIT_MAX && le.hist_count <= LINE_EDIT_HISTORY);
		if (r == LINE_EDIT_DONE) {
			FUZZ_CHECK(strlen(line) < LINE_EDIT_MAX);
			parse_line(line);
		} else {
			FUZZ_CHECK(strlen(line) == le.len);
		}
		/* What the terminal shows is the line, with the cursor at the editor's cursor. */
		FUZZ_CHECK(term.esc == 0 && term.col == le.cur);
		FUZZ_CHECK(memcmp(term.row, le.buf, le.len) == 0);
		for (size_t c = le.len; c < term.written; c++)
			FUZZ_CHECK(term.row[c] == ' ');
	}
	for (unsigned k = 1; k <= le.hist_count; k++)
		FUZZ_CHECK(strlen(line_edit_history(&le, k)) < LINE_EDIT_MAX);
	return 0;
}
