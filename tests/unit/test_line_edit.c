/* Unit tests for the shell's terminal line editor (core/shell/line_edit.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <mantle/line_edit.h>

#define LEFT   "\x1b[D"
#define RIGHT  "\x1b[C"
#define UP     "\x1b[A"
#define DOWN   "\x1b[B"
#define DEL    "\x1b[3~"
#define BS     "\x7f"
#define CTRL_A "\x01"
#define CTRL_C "\x03"
#define CTRL_E "\x05"

/* Everything the editor echoed since the last reset, NUL-terminated. */
static char echo[16384];
static size_t echo_len;
static struct line_edit le;

static void capture(const char *s, size_t len, void *ctx)
{
	assert_ptr_equal(ctx, &echo);
	assert_true(len > 0);
	assert_true(echo_len + len < sizeof(echo));
	memcpy(echo + echo_len, s, len);
	echo_len += len;
	echo[echo_len] = '\0';
}

static void echo_reset(void)
{
	echo_len = 0;
	echo[0] = '\0';
}

/* Feed every byte of s; return the result of the last one. */
static enum line_edit_result feed(const char *s)
{
	enum line_edit_result r = LINE_EDIT_MORE;

	for (; *s; s++)
		r = line_edit_feed(&le, *s);
	return r;
}

/* Feed s, which must not complete a line, and check exactly what was echoed. */
static void feed_expect_echo(const char *s, const char *expected)
{
	echo_reset();
	assert_int_equal(feed(s), LINE_EDIT_MORE);
	assert_string_equal(echo, expected);
}

/* Type a whole line and Enter; check the editor hands out `line`. */
static void enter_line(const char *typed, const char *line)
{
	assert_int_equal(feed(typed), LINE_EDIT_MORE);
	assert_int_equal(feed("\r"), LINE_EDIT_DONE);
	assert_string_equal(line_edit_line(&le), line);
}

static int setup(void **state)
{
	line_edit_init(&le, capture, &echo);
	echo_reset();
	return 0;
}

/* ------------------------------------------------------------ typing and Enter */

static void test_typed_characters_are_echoed(void **state)
{
	feed_expect_echo("ls -l", "ls -l");
}

static void test_cr_ends_the_line(void **state)
{
	assert_int_equal(feed("help"), LINE_EDIT_MORE);
	echo_reset();
	assert_int_equal(feed("\r"), LINE_EDIT_DONE);
	assert_string_equal(echo, "\r\n");
	assert_string_equal(line_edit_line(&le), "help");
}

static void test_lf_alone_ends_the_line(void **state)
{
	assert_int_equal(feed("help\n"), LINE_EDIT_DONE);
	assert_string_equal(line_edit_line(&le), "help");
}

static void test_crlf_is_a_single_enter(void **state)
{
	assert_int_equal(feed("a\r"), LINE_EDIT_DONE);
	echo_reset();
	assert_int_equal(line_edit_feed(&le, '\n'), LINE_EDIT_MORE);
	assert_string_equal(echo, "");
	enter_line("b", "b");
}

static void test_two_crs_are_two_enters(void **state)
{
	assert_int_equal(feed("a\r"), LINE_EDIT_DONE);
	assert_int_equal(feed("\r"), LINE_EDIT_DONE);
	assert_string_equal(line_edit_line(&le), "");
}

static void test_two_lfs_are_two_enters(void **state)
{
	assert_int_equal(feed("a\n"), LINE_EDIT_DONE);
	assert_int_equal(feed("\n"), LINE_EDIT_DONE);
	assert_string_equal(line_edit_line(&le), "");
}

static void test_next_line_starts_empty_after_enter(void **state)
{
	enter_line("first", "first");
	enter_line("x", "x");
	enter_line("", "");
}

static void test_control_and_non_ascii_bytes_are_ignored(void **state)
{
	feed_expect_echo("a\x02\x07\x0b\x80\xc3\xa9\xff" "b", "ab");
	enter_line("", "ab");
}

/* ------------------------------------------------------------ cursor movement */

static void test_insert_in_middle_redraws_the_tail(void **state)
{
	feed_expect_echo("ac", "ac");
	feed_expect_echo(LEFT, "\x1b[D");
	/* b, then the tail "c" again, then back over it. */
	feed_expect_echo("b", "bc\x1b[1D");
	enter_line("", "abc");
}

static void test_insert_at_start_redraws_the_whole_line(void **state)
{
	feed("bcd");
	feed_expect_echo(CTRL_A, "\x1b[3D");
	feed_expect_echo("a", "abcd\x1b[3D");
	enter_line("", "abcd");
}

static void test_left_at_start_and_right_at_end_do_nothing(void **state)
{
	feed_expect_echo(LEFT, "");
	feed("ab");
	feed_expect_echo(RIGHT, "");
	feed_expect_echo(LEFT LEFT LEFT, "\x1b[D\x1b[D");
	enter_line("", "ab");
}

static void test_right_moves_back_towards_the_end(void **state)
{
	feed("abc");
	feed_expect_echo(LEFT LEFT RIGHT, "\x1b[D\x1b[D\x1b[C");
	feed_expect_echo("X", "Xc\x1b[1D");
	enter_line("", "abXc");
}

static void test_ss3_arrow_keys_work_like_csi_ones(void **state)
{
	feed("ac");
	feed_expect_echo("\x1bOD", "\x1b[D");
	feed("b");
	enter_line("", "abc");
}

static void test_ctrl_a_and_ctrl_e_jump_to_start_and_end(void **state)
{
	feed("abc");
	feed_expect_echo(CTRL_A, "\x1b[3D");
	feed_expect_echo(CTRL_A, "");
	feed_expect_echo(CTRL_E, "abc");
	feed_expect_echo("d", "d");
	enter_line("", "abcd");
}

static void test_home_and_end_keys_jump_to_start_and_end(void **state)
{
	feed("abc");
	feed_expect_echo("\x1b[H", "\x1b[3D");
	feed_expect_echo("\x1b[F", "abc");
	feed_expect_echo("\x1bOH", "\x1b[3D");
	feed_expect_echo("\x1bOF", "abc");
}

/* ------------------------------------------------------------ deleting */

static void test_backspace_at_end_erases_last_char(void **state)
{
	feed("ab");
	/* Back one, blank the cell, back again. */
	feed_expect_echo(BS, "\b \x1b[1D");
	enter_line("", "a");
}

static void test_ctrl_h_is_backspace_too(void **state)
{
	feed("ab");
	feed_expect_echo("\b", "\b \x1b[1D");
	enter_line("", "a");
}

static void test_backspace_in_middle_shifts_the_tail_left(void **state)
{
	feed("abc" LEFT LEFT);
	feed_expect_echo(BS, "\bbc \x1b[3D");
	feed_expect_echo("X", "Xbc\x1b[2D");
	enter_line("", "Xbc");
}

static void test_backspace_at_start_does_nothing(void **state)
{
	feed_expect_echo(BS, "");
	feed("ab" CTRL_A);
	feed_expect_echo(BS, "");
	enter_line("", "ab");
}

static void test_delete_key_removes_char_under_cursor(void **state)
{
	feed("abc" LEFT LEFT);
	feed_expect_echo(DEL, "c \x1b[2D");
	enter_line("", "ac");
}

static void test_delete_at_end_does_nothing(void **state)
{
	feed("abc");
	feed_expect_echo(DEL, "");
	enter_line("", "abc");
}

static void test_unknown_escape_sequences_are_dropped(void **state)
{
	feed("ab");
	feed_expect_echo("\x1b[Z", "");              /* shift-tab */
	feed_expect_echo("\x1b[2~", "");             /* insert */
	feed_expect_echo("\x1b[5~\x1b[6~", "");      /* page up, page down */
	feed_expect_echo("\x1b[1;5C", "");           /* ctrl-right */
	feed_expect_echo("\x1b[3;5~", "");           /* ctrl-delete */
	feed_expect_echo("\x1bx", "");               /* alt-x */
	enter_line("c", "abc");
}

/* ------------------------------------------------------------ Ctrl-C */

static void test_ctrl_c_discards_the_line(void **state)
{
	feed("abc");
	echo_reset();
	assert_int_equal(feed(CTRL_C), LINE_EDIT_CANCEL);
	assert_string_equal(echo, "^C\r\n");
	assert_null(line_edit_history(&le, 1));
	enter_line("x", "x");
}

static void test_ctrl_c_while_browsing_history_returns_to_editing(void **state)
{
	enter_line("old", "old");
	feed(UP);
	assert_int_equal(feed(CTRL_C), LINE_EDIT_CANCEL);
	feed_expect_echo(DOWN, "");
	enter_line("new", "new");
}

/* ------------------------------------------------------------ history */

static void test_up_recalls_the_newest_line(void **state)
{
	enter_line("one", "one");
	enter_line("two", "two");
	feed_expect_echo(UP, "two");
	enter_line("", "two");
}

static void test_up_and_down_redraw_exactly(void **state)
{
	enter_line("ls", "ls");
	enter_line("help", "help");
	feed_expect_echo(UP, "help");
	/* Back over "help", write "ls", blank the two stale cells, step back. */
	feed_expect_echo(UP, "\x1b[4Dls  \x1b[2D");
	feed_expect_echo(DOWN, "\x1b[2Dhelp");
	/* Down past the newest entry restores the (empty) line being edited. */
	feed_expect_echo(DOWN, "\x1b[4D    \x1b[4D");
	enter_line("", "");
}

static void test_up_past_oldest_entry_stays_put(void **state)
{
	enter_line("only", "only");
	feed_expect_echo(UP, "only");
	feed_expect_echo(UP, "");
	enter_line("", "only");
}

static void test_up_and_down_with_empty_history_do_nothing(void **state)
{
	feed("ab");
	feed_expect_echo(UP, "");
	feed_expect_echo(DOWN, "");
	enter_line("", "ab");
}

static void test_down_restores_the_partly_typed_line(void **state)
{
	enter_line("status", "status");
	feed("he");
	feed_expect_echo(UP, "\x1b[2Dstatus");
	feed_expect_echo(DOWN, "\x1b[6Dhe    \x1b[4D");
	enter_line("lp", "help");
}

static void test_line_typed_after_longer_one_survives_browsing(void **state)
{
	/* The buffer still holds "abcdef" from the previous line. */
	enter_line("abcdef", "abcdef");
	feed("x");
	feed(UP);
	feed_expect_echo(DOWN, "\x1b[6Dx     \x1b[5D");
	enter_line("", "x");
}

static void test_recalled_line_can_be_edited_before_enter(void **state)
{
	enter_line("help", "help");
	feed(UP BS);
	enter_line("", "hel");
	assert_string_equal(line_edit_history(&le, 1), "hel");
	assert_string_equal(line_edit_history(&le, 2), "help");
}

static void test_enter_while_browsing_restarts_from_newest(void **state)
{
	enter_line("a", "a");
	enter_line("b", "b");
	enter_line("c", "c");
	feed(UP UP);
	enter_line("", "b");
	feed_expect_echo(UP, "b");
	feed_expect_echo(UP, "\x1b[1Dc");
}

static void test_empty_lines_are_not_recorded(void **state)
{
	enter_line("a", "a");
	enter_line("", "");
	enter_line("", "");
	assert_string_equal(line_edit_history(&le, 1), "a");
	assert_null(line_edit_history(&le, 2));
}

static void test_consecutive_duplicates_are_recorded_once(void **state)
{
	enter_line("a", "a");
	enter_line("a", "a");
	enter_line("b", "b");
	enter_line("a", "a");
	assert_string_equal(line_edit_history(&le, 1), "a");
	assert_string_equal(line_edit_history(&le, 2), "b");
	assert_string_equal(line_edit_history(&le, 3), "a");
	assert_null(line_edit_history(&le, 4));
	assert_null(line_edit_history(&le, 0));
}

static void test_history_keeps_only_the_newest_entries(void **state)
{
	char cmd[32];

	for (int i = 0; i < LINE_EDIT_HISTORY + 3; i++) {
		snprintf(cmd, sizeof(cmd), "cmd%d", i);
		enter_line(cmd, cmd);
	}
	for (int k = 1; k <= LINE_EDIT_HISTORY; k++) {
		snprintf(cmd, sizeof(cmd), "cmd%d", LINE_EDIT_HISTORY + 3 - k);
		assert_string_equal(line_edit_history(&le, k), cmd);
	}
	assert_null(line_edit_history(&le, LINE_EDIT_HISTORY + 1));
	/* Browsing stops at the oldest surviving entry. */
	for (int k = 0; k < LINE_EDIT_HISTORY + 5; k++)
		feed(UP);
	enter_line("", "cmd3");
}

/* ------------------------------------------------------------ length limit */

static void test_full_line_rings_the_bell(void **state)
{
	char line[LINE_EDIT_MAX];

	memset(line, 'x', LINE_EDIT_MAX - 1);
	line[LINE_EDIT_MAX - 1] = '\0';
	feed(line);
	feed_expect_echo("y", "\a");
	feed_expect_echo(LEFT "y", "\x1b[D\a");
	enter_line("", line);
	assert_int_equal(strlen(line_edit_line(&le)), LINE_EDIT_MAX - 1);
}

static void test_full_line_accepts_input_again_after_backspace(void **state)
{
	char line[LINE_EDIT_MAX];

	memset(line, 'x', LINE_EDIT_MAX - 1);
	line[LINE_EDIT_MAX - 1] = '\0';
	feed(line);
	feed(BS);
	feed_expect_echo("y", "y");
	line[LINE_EDIT_MAX - 2] = 'y';
	enter_line("", line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup(fn, setup)
		T(test_typed_characters_are_echoed),
		T(test_cr_ends_the_line),
		T(test_lf_alone_ends_the_line),
		T(test_crlf_is_a_single_enter),
		T(test_two_crs_are_two_enters),
		T(test_two_lfs_are_two_enters),
		T(test_next_line_starts_empty_after_enter),
		T(test_control_and_non_ascii_bytes_are_ignored),
		T(test_insert_in_middle_redraws_the_tail),
		T(test_insert_at_start_redraws_the_whole_line),
		T(test_left_at_start_and_right_at_end_do_nothing),
		T(test_right_moves_back_towards_the_end),
		T(test_ss3_arrow_keys_work_like_csi_ones),
		T(test_ctrl_a_and_ctrl_e_jump_to_start_and_end),
		T(test_home_and_end_keys_jump_to_start_and_end),
		T(test_backspace_at_end_erases_last_char),
		T(test_ctrl_h_is_backspace_too),
		T(test_backspace_in_middle_shifts_the_tail_left),
		T(test_backspace_at_start_does_nothing),
		T(test_delete_key_removes_char_under_cursor),
		T(test_delete_at_end_does_nothing),
		T(test_unknown_escape_sequences_are_dropped),
		T(test_ctrl_c_discards_the_line),
		T(test_ctrl_c_while_browsing_history_returns_to_editing),
		T(test_up_recalls_the_newest_line),
		T(test_up_and_down_redraw_exactly),
		T(test_up_past_oldest_entry_stays_put),
		T(test_up_and_down_with_empty_history_do_nothing),
		T(test_down_restores_the_partly_typed_line),
		T(test_line_typed_after_longer_one_survives_browsing),
		T(test_recalled_line_can_be_edited_before_enter),
		T(test_enter_while_browsing_restarts_from_newest),
		T(test_empty_lines_are_not_recorded),
		T(test_consecutive_duplicates_are_recorded_once),
		T(test_history_keeps_only_the_newest_entries),
		T(test_full_line_rings_the_bell),
		T(test_full_line_accepts_input_again_after_backspace),
#undef T
	};

	return cmocka_run_group_tests_name("line_edit", tests, NULL, NULL);
}
