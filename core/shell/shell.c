/* The management shell: an orphan vCPU on CPU 0 reading the host console. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mantle/heap.h>
#include <arch/cpu.h>
#include <mantle/shell.h>
#include <mantle/line_edit.h>
#include <mantle/console.h>
#include <mantle/sched.h>
#include <mantle/timer.h>
#include <mantle/log.h>
#include <libs/fmt.h>

extern const struct shell_cmd *const __shell_cmd_table_start[], *const __shell_cmd_table_end[];

/* The linker section's order is whatever the compiler emitted; users get alphabetical. */
static const struct shell_cmd **sorted_cmds;
static size_t nr_cmds;

static int cmd_compare(const void *a, const void *b)
{
	const struct shell_cmd *x = *(const struct shell_cmd *const *)a;
	const struct shell_cmd *y = *(const struct shell_cmd *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->sub ? x->sub : "", y->sub ? y->sub : "");
}

static void sort_commands(void)
{
	nr_cmds = (size_t)(__shell_cmd_table_end - __shell_cmd_table_start);
	sorted_cmds = heap_alloc(nr_cmds * sizeof(*sorted_cmds));
	if (!sorted_cmds)
		panic("no memory for the shell's command table");
	memcpy(sorted_cmds, __shell_cmd_table_start, nr_cmds * sizeof(*sorted_cmds));
	qsort(sorted_cmds, nr_cmds, sizeof(*sorted_cmds), cmd_compare);
}

const struct shell_cmd *const *shell_commands(size_t *n)
{
	*n = nr_cmds;
	return sorted_cmds;
}

static struct line_edit editor;

static void echo(const char *s, size_t len, void *ctx)
{
	(void)ctx;
	/* Under the console lock, so an echo never lands inside another CPU's log line. */
	log_write(s, len);
}

static void shell_main(void *arg)
{
	char line[LINE_EDIT_MAX], secs[32];
	size_t ncmds;
	const struct shell_cmd *const *cmds = shell_commands(&ncmds);

	(void)arg;
	line_edit_init(&editor, echo, NULL);
	pr_info("ready: %s s from entry to prompt",
		fmt_seconds(secs, sizeof(secs), timer_ticks_to_ns(arch_counter_read() - boot_entry_ticks)));
	for (;;) {
		enum line_edit_result r;

		log_flush();
		kprintf("%s", SHELL_PROMPT);
		do {
			r = line_edit_feed(&editor, (char)console_getc());
		} while (r == LINE_EDIT_MORE);
		if (r != LINE_EDIT_DONE)
			continue;
		snprintf(line, sizeof(line), "%s", line_edit_line(&editor));
		shell_execute(cmds, ncmds, line);
	}
}

void shell_start(void)
{
	sort_commands();
	if (!vcpu_create_orphan("shell", 0, SCHED_PRIO_DEFAULT + 1,
				(uint64_t)CONFIG_SCHED_DEFAULT_SLICE_US * 1000, shell_main, NULL))
		panic("cannot start the shell");
}
