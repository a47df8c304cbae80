/* Unit tests for the shell tokenizer, command lookup and dispatch (core/shell/shell_parse.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <mantle/shell.h>

/* ------------------------------------------------------------ tokenizer */

static char line[512];
static char *argv_[SHELL_MAX_ARGS + 4];
static const char *err;

/* Tokenize a copy of s, as the shell does with its line buffer. */
static int tokenize(const char *s, int max_args)
{
	snprintf(line, sizeof(line), "%s", s);
	err = "not touched";
	return shell_tokenize(line, argv_, max_args, &err);
}

static void test_tokenize_splits_on_blanks(void **state)
{
	assert_int_equal(tokenize("  host\tinfo   -v  ", 8), 3);
	assert_null(err);
	assert_string_equal(argv_[0], "host");
	assert_string_equal(argv_[1], "info");
	assert_string_equal(argv_[2], "-v");
}

static void test_tokenize_of_blank_line_gives_no_words(void **state)
{
	assert_int_equal(tokenize("", 8), 0);
	assert_null(err);
	assert_int_equal(tokenize(" \t  ", 8), 0);
	assert_null(err);
}

static void test_tokenize_double_quotes_group_words(void **state)
{
	assert_int_equal(tokenize("echo \"hello  world\" x", 8), 3);
	assert_string_equal(argv_[1], "hello  world");
	assert_string_equal(argv_[2], "x");
}

static void test_tokenize_single_quotes_group_words(void **state)
{
	assert_int_equal(tokenize("echo 'a \"b\" c'", 8), 2);
	assert_string_equal(argv_[1], "a \"b\" c");
}

static void test_tokenize_quotes_join_with_surrounding_text(void **state)
{
	assert_int_equal(tokenize("a'b c'd\"e f\"g", 8), 1);
	assert_string_equal(argv_[0], "ab cde fg");
}

static void test_tokenize_empty_quotes_give_empty_word(void **state)
{
	assert_int_equal(tokenize("set name '' \"\"", 8), 4);
	assert_string_equal(argv_[2], "");
	assert_string_equal(argv_[3], "");
}

static void test_tokenize_backslash_escapes_blank_and_quote(void **state)
{
	assert_int_equal(tokenize("a\\ b \\\"c \\\\", 8), 3);
	assert_string_equal(argv_[0], "a b");
	assert_string_equal(argv_[1], "\"c");
	assert_string_equal(argv_[2], "\\");
}

static void test_tokenize_backslash_escapes_inside_double_quotes(void **state)
{
	assert_int_equal(tokenize("\"say \\\"hi\\\"\"", 8), 1);
	assert_string_equal(argv_[0], "say \"hi\"");
}

static void test_tokenize_backslash_is_literal_inside_single_quotes(void **state)
{
	assert_int_equal(tokenize("'a\\b' 'c\\'", 8), 2);
	assert_string_equal(argv_[0], "a\\b");
	assert_string_equal(argv_[1], "c\\");
}

static void test_tokenize_keeps_trailing_backslash(void **state)
{
	assert_int_equal(tokenize("path\\", 8), 1);
	assert_string_equal(argv_[0], "path\\");
}

static void test_tokenize_rejects_unterminated_double_quote(void **state)
{
	assert_int_equal(tokenize("echo \"abc", 8), -1);
	assert_string_equal(err, "unterminated quote");
}

static void test_tokenize_rejects_unterminated_single_quote(void **state)
{
	assert_int_equal(tokenize("echo 'abc def", 8), -1);
	assert_string_equal(err, "unterminated quote");
}

static void test_tokenize_escaped_quote_does_not_close_quote(void **state)
{
	assert_int_equal(tokenize("\"abc\\\"", 8), -1);
	assert_string_equal(err, "unterminated quote");
}

static void test_tokenize_accepts_exactly_max_args(void **state)
{
	assert_int_equal(tokenize("a b c   ", 3), 3);
	assert_null(err);
	assert_string_equal(argv_[2], "c");
}

static void test_tokenize_rejects_too_many_arguments(void **state)
{
	assert_int_equal(tokenize("a b c d", 3), -1);
	assert_string_equal(err, "too many arguments");
}

static void test_tokenize_with_no_room_rejects_any_word(void **state)
{
	assert_int_equal(tokenize("a", 0), -1);
	assert_string_equal(err, "too many arguments");
	assert_int_equal(tokenize("   ", 0), 0);
}

/* ------------------------------------------------------------ lookup */

static int calls;
static int last_argc;
static char last_argv[4][32];

static int record(int argc, char **argv)
{
	calls++;
	last_argc = argc;
	for (int i = 0; i < argc && i < 4; i++)
		snprintf(last_argv[i], sizeof(last_argv[i]), "%s", argv[i]);
	return 7;
}

static const struct shell_cmd cmd_help = { "help", NULL, "", "list commands", record };
static const struct shell_cmd cmd_host_info = { "host", "info", "", "host facts", record };
static const struct shell_cmd cmd_host_irq = { "host", "irq", "[n]", "interrupts", record };
static const struct shell_cmd cmd_vm_list = { "vm", "list", "", "guests", record };
static const struct shell_cmd *const table[] = {
	&cmd_help, &cmd_host_info, &cmd_vm_list, &cmd_host_irq,
};
#define NCMDS (sizeof(table) / sizeof(table[0]))

static char msg[160];
static int consumed;

static const struct shell_cmd *lookup(const char *s)
{
	int argc = tokenize(s, 8);

	assert_true(argc >= 0);
	consumed = -1;
	snprintf(msg, sizeof(msg), "untouched");
	return shell_lookup(table, NCMDS, argc, argv_, &consumed, msg, sizeof(msg));
}

static int lookup_setup(void **state)
{
	calls = 0;
	last_argc = -1;
	memset(last_argv, 0, sizeof(last_argv));
	return 0;
}

static void test_lookup_finds_plain_command(void **state)
{
	assert_ptr_equal(lookup("help"), &cmd_help);
	assert_int_equal(consumed, 1);
}

static void test_lookup_plain_command_leaves_extra_words_as_arguments(void **state)
{
	assert_ptr_equal(lookup("help host"), &cmd_help);
	assert_int_equal(consumed, 1);
}

static void test_lookup_finds_subcommand(void **state)
{
	assert_ptr_equal(lookup("host irq 5"), &cmd_host_irq);
	assert_int_equal(consumed, 2);
	assert_ptr_equal(lookup("host info"), &cmd_host_info);
	assert_int_equal(consumed, 2);
}

static void test_lookup_reports_unknown_command(void **state)
{
	assert_null(lookup("x"));
	assert_string_equal(msg, "unknown command 'x' (type 'help')");
	assert_int_equal(consumed, -1);
}

static void test_lookup_reports_missing_subcommand(void **state)
{
	assert_null(lookup("host"));
	assert_string_equal(msg, "host: missing subcommand (info|irq)");
}

static void test_lookup_reports_unknown_subcommand(void **state)
{
	assert_null(lookup("host y"));
	assert_string_equal(msg, "host: unknown subcommand 'y' (info|irq)");
}

static void test_lookup_subcommands_are_per_command(void **state)
{
	assert_null(lookup("vm info"));
	assert_string_equal(msg, "vm: unknown subcommand 'info' (list)");
}

static void test_lookup_of_no_words_is_an_error(void **state)
{
	assert_null(shell_lookup(table, NCMDS, 0, argv_, &consumed, msg, sizeof(msg)));
	assert_string_equal(msg, "empty command");
}

static void test_lookup_in_empty_table_finds_nothing(void **state)
{
	assert_int_equal(tokenize("help", 8), 1);
	assert_null(shell_lookup(table, 0, 1, argv_, &consumed, msg, sizeof(msg)));
	assert_string_equal(msg, "unknown command 'help' (type 'help')");
}

static void test_lookup_error_is_truncated_to_the_buffer(void **state)
{
	char small[8];

	assert_int_equal(tokenize("nosuchcommand", 8), 1);
	memset(small, 'z', sizeof(small));
	assert_null(shell_lookup(table, NCMDS, 1, argv_, &consumed, small, sizeof(small)));
	assert_string_equal(small, "unknown");
}

static void test_lookup_is_case_sensitive(void **state)
{
	assert_null(lookup("HELP"));
	assert_string_equal(msg, "unknown command 'HELP' (type 'help')");
}

/* ------------------------------------------------------------ execute */

static char out[1024];

/* Run shell_execute on a copy of s with stdout captured into `out`. */
static int execute(const char *s)
{
	FILE *tmp = tmpfile();
	int saved, ret;
	size_t n;

	assert_non_null(tmp);
	snprintf(line, sizeof(line), "%s", s);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fileno(tmp), STDOUT_FILENO) >= 0);
	ret = shell_execute(table, NCMDS, line);
	fflush(stdout);
	assert_true(dup2(saved, STDOUT_FILENO) >= 0);
	close(saved);
	rewind(tmp);
	n = fread(out, 1, sizeof(out) - 1, tmp);
	out[n] = '\0';
	fclose(tmp);
	return ret;
}

static void test_execute_passes_subcommand_as_argv0(void **state)
{
	assert_int_equal(execute("host irq 5 'a b'"), 7);
	assert_int_equal(calls, 1);
	assert_int_equal(last_argc, 3);
	assert_string_equal(last_argv[0], "irq");
	assert_string_equal(last_argv[1], "5");
	assert_string_equal(last_argv[2], "a b");
	assert_string_equal(out, "");
}

static void test_execute_passes_plain_command_as_argv0(void **state)
{
	assert_int_equal(execute("help x"), 7);
	assert_int_equal(last_argc, 2);
	assert_string_equal(last_argv[0], "help");
	assert_string_equal(last_argv[1], "x");
}

static void test_execute_of_blank_line_does_nothing(void **state)
{
	assert_int_equal(execute("   "), 0);
	assert_int_equal(calls, 0);
	assert_string_equal(out, "");
}

static void test_execute_prints_lookup_error(void **state)
{
	assert_int_equal(execute("x"), -1);
	assert_int_equal(calls, 0);
	assert_string_equal(out, "error: unknown command 'x' (type 'help')\n");
	assert_int_equal(execute("host"), -1);
	assert_string_equal(out, "error: host: missing subcommand (info|irq)\n");
	assert_int_equal(execute("host y"), -1);
	assert_string_equal(out, "error: host: unknown subcommand 'y' (info|irq)\n");
}

static void test_execute_prints_tokenizer_error(void **state)
{
	assert_int_equal(execute("host info \"oops"), -1);
	assert_int_equal(calls, 0);
	assert_string_equal(out, "error: unterminated quote\n");
}

static void test_execute_rejects_more_than_max_args(void **state)
{
	char many[8 + 2 * (SHELL_MAX_ARGS + 1)] = "help";

	for (int i = 1; i < SHELL_MAX_ARGS; i++)
		strcat(many, " a");
	assert_int_equal(execute(many), 7);
	assert_int_equal(last_argc, SHELL_MAX_ARGS);
	strcat(many, " a");
	assert_int_equal(execute(many), -1);
	assert_int_equal(calls, 1);
	assert_string_equal(out, "error: too many arguments\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokenize_splits_on_blanks),
		cmocka_unit_test(test_tokenize_of_blank_line_gives_no_words),
		cmocka_unit_test(test_tokenize_double_quotes_group_words),
		cmocka_unit_test(test_tokenize_single_quotes_group_words),
		cmocka_unit_test(test_tokenize_quotes_join_with_surrounding_text),
		cmocka_unit_test(test_tokenize_empty_quotes_give_empty_word),
		cmocka_unit_test(test_tokenize_backslash_escapes_blank_and_quote),
		cmocka_unit_test(test_tokenize_backslash_escapes_inside_double_quotes),
		cmocka_unit_test(test_tokenize_backslash_is_literal_inside_single_quotes),
		cmocka_unit_test(test_tokenize_keeps_trailing_backslash),
		cmocka_unit_test(test_tokenize_rejects_unterminated_double_quote),
		cmocka_unit_test(test_tokenize_rejects_unterminated_single_quote),
		cmocka_unit_test(test_tokenize_escaped_quote_does_not_close_quote),
		cmocka_unit_test(test_tokenize_accepts_exactly_max_args),
		cmocka_unit_test(test_tokenize_rejects_too_many_arguments),
		cmocka_unit_test(test_tokenize_with_no_room_rejects_any_word),
#define T(fn) cmocka_unit_test_setup(fn, lookup_setup)
		T(test_lookup_finds_plain_command),
		T(test_lookup_plain_command_leaves_extra_words_as_arguments),
		T(test_lookup_finds_subcommand),
		T(test_lookup_reports_unknown_command),
		T(test_lookup_reports_missing_subcommand),
		T(test_lookup_reports_unknown_subcommand),
		T(test_lookup_subcommands_are_per_command),
		T(test_lookup_of_no_words_is_an_error),
		T(test_lookup_in_empty_table_finds_nothing),
		T(test_lookup_error_is_truncated_to_the_buffer),
		T(test_lookup_is_case_sensitive),
		T(test_execute_passes_subcommand_as_argv0),
		T(test_execute_passes_plain_command_as_argv0),
		T(test_execute_of_blank_line_does_nothing),
		T(test_execute_prints_lookup_error),
		T(test_execute_prints_tokenizer_error),
		T(test_execute_rejects_more_than_max_args),
#undef T
	};

	return cmocka_run_group_tests_name("shell_parse", tests, NULL, NULL);
}
