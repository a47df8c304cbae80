#include <stdio.h>
#include <string.h>
#include <mantle/shell.h>

int shell_tokenize(char *line, char **argv, int max_args, const char **err)
{
	char *rd = line, *wr = line;
	int argc = 0;

	*err = NULL;
	for (;;) {
		char quote = 0;

		while (*rd == ' ' || *rd == '\t')
			rd++;
		if (!*rd)
			break;
		if (argc >= max_args) {
			*err = "too many arguments";
			return -1;
		}
		argv[argc++] = wr;
		/* Copy one word, dropping quotes and escapes; wr never passes rd. */
		while (*rd && (quote || (*rd != ' ' && *rd != '\t'))) {
			if (quote && *rd == quote) {
				quote = 0;
				rd++;
			} else if (!quote && (*rd == '\'' || *rd == '"')) {
				quote = *rd++;
			} else if (*rd == '\\' && quote != '\'' && rd[1]) {
				rd++;
				*wr++ = *rd++;
			} else {
				*wr++ = *rd++;
			}
		}
		if (quote) {
			*err = "unterminated quote";
			return -1;
		}
		if (*rd)
			rd++;
		*wr++ = '\0';
	}
	return argc;
}

const struct shell_cmd *shell_lookup(const struct shell_cmd *const *table, size_t n,
				     int argc, char **argv, int *consumed,
				     char *err, size_t errlen)
{
	const struct shell_cmd *plain = NULL;
	size_t subs = 0;
	char names[128] = "";

	if (argc < 1) {
		snprintf(err, errlen, "empty command");
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const struct shell_cmd *c = table[i];
		if (strcmp(c->name, argv[0]))
			continue;
		if (!c->sub) {
			plain = c;
			continue;
		}
		subs++;
		if (argc >= 2 && !strcmp(c->sub, argv[1])) {
			*consumed = 2;
			return c;
		}
		if (strlen(names) + strlen(c->sub) + 2 < sizeof(names)) {
			if (names[0])
				strcat(names, "|");
			strcat(names, c->sub);
		}
	}
	if (plain) {
		*consumed = 1;
		return plain;
	}
	if (!subs)
		snprintf(err, errlen, "unknown command '%s' (type 'help')", argv[0]);
	else if (argc < 2)
		snprintf(err, errlen, "%s: missing subcommand (%s)", argv[0], names);
	else
		snprintf(err, errlen, "%s: unknown subcommand '%s' (%s)", argv[0], argv[1], names);
	return NULL;
}

int shell_execute(const struct shell_cmd *const *table, size_t n, char *line)
{
	char *argv[SHELL_MAX_ARGS];
	char err[160];
	const char *terr;
	const struct shell_cmd *cmd;
	int argc, consumed = 0;

	argc = shell_tokenize(line, argv, SHELL_MAX_ARGS, &terr);
	if (argc < 0) {
		printf("error: %s\n", terr);
		return -1;
	}
	if (argc == 0)
		return 0;
	cmd = shell_lookup(table, n, argc, argv, &consumed, err, sizeof(err));
	if (!cmd) {
		printf("error: %s\n", err);
		return -1;
	}
	return cmd->fn(argc - consumed + 1, argv + consumed - 1);
}
