/*
 * The command loop: prompt "fw> ", polled input with echo and backspace,
 * one command a line (see help_text).
 */
#include <stdio.h>
#include <string.h>
#include "attack.h"
#include "chan.h"
#include "checksum.h"
#include "console.h"
#include "cpu.h"
#include "crash.h"
#include "dsl.h"
#include "dtb.h"
#include "fault.h"
#include "psci.h"
#include "shell.h"
#include "rtcirq.h"
#include "uart.h"
#include "wdt.h"

#define LINE_MAX_LEN 128
#define MAX_ARGS     4

static const char help_text[] =
	"commands:\n"
	"  help               this text\n"
	"  run [SUITE]        run every suite but the on-request ones, or one suite\n"
	"  run attack [CLASS] the attack suite, or one class of it: try every way out (attack.h)\n"
	"  checksum start|status  checksum loop over 4 MiB of RAM on vCPU 1 / its counts\n"
	"  read ADDR          32-bit load (hex address): the value or the fault\n"
	"  write ADDR VALUE   32-bit store (hex): done or the fault\n"
	"  hello              greet with the guest's name\n"
	"  rtcirq ADDR INTID  a PL031 at ADDR (hex) raises INTID (decimal) twice\n"
	"  chan send TEXT     TEXT into channel 0's shared memory, then ring the peer\n"
	"  chan recv          wait 5 s for channel 0's doorbell, print the peer's message\n"
	"  off                PSCI SYSTEM_OFF\n"
	"  reset              PSCI SYSTEM_RESET\n"
	"  crash [vbar|stack|loop|wfi]  wreck this guest (see crash.c); vbar by default\n"
	"  wdt start MS|kick|feed MS|stop|status|lockcheck  the SP805 watchdog\n"
	"  spin               busy loop forever\n";

static int parse_hex(const char *s, uint64_t *out)
{
	uint64_t val = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s)
		return -1;
	for (; *s; s++) {
		unsigned int digit;

		if (*s >= '0' && *s <= '9')
			digit = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			digit = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			digit = *s - 'A' + 10;
		else
			return -1;
		if (val >> 60)
			return -1;	/* overflow */
		val = val << 4 | digit;
	}
	*out = val;
	return 0;
}

static void print_fault(uint64_t addr, uint64_t esr)
{
	struct fault_info info = fault_last();
	char what[80];

	printf("0x%llx: fault: %s, FAR 0x%llx\n", (unsigned long long)addr,
	       fault_describe(esr, what, sizeof(what)), (unsigned long long)info.far);
}

static void cmd_read(int argc, char **argv)
{
	uint64_t addr, esr;
	uint32_t val;

	if (argc != 2 || parse_hex(argv[1], &addr)) {
		printf("usage: read ADDR\n");
		return;
	}
	esr = fault_read32(addr, &val);
	if (fault_last().count)
		print_fault(addr, esr);
	else
		printf("0x%llx: 0x%08x\n", (unsigned long long)addr, (unsigned int)val);
}

static void cmd_write(int argc, char **argv)
{
	uint64_t addr, val, esr;

	if (argc != 3 || parse_hex(argv[1], &addr) || parse_hex(argv[2], &val) ||
	    val > 0xffffffffULL) {
		printf("usage: write ADDR VALUE (32-bit)\n");
		return;
	}
	esr = fault_write32(addr, (uint32_t)val);
	if (fault_last().count)
		print_fault(addr, esr);
	else
		printf("0x%llx: wrote 0x%08x\n", (unsigned long long)addr, (unsigned int)val);
}

static void cmd_system(uint32_t fid, const char *name)
{
	int32_t ret;

	printf("fw: %s\n", name);
	ret = psci_call(fid, 0, 0, 0);
	printf("fw: %s returned %d\n", name, (int)ret);
}

static void cmd_spin(void)
{
	printf("fw: spinning\n");
	console_flush();
	for (;;)
		__asm__ volatile("" : : : "memory");
}

/* What follows the first n words of line (and the blanks after them). */
static const char *after_words(const char *line, unsigned int n)
{
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	for (unsigned int i = 0; i < n; i++) {
		while (*p && *p != ' ' && *p != '\t')
			p++;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return p;
}

/* raw: the whole line as typed, for a text with blanks in it. */
static void cmd_chan(int argc, char **argv, const char *raw)
{
	if (argc >= 2 && strcmp(argv[1], "send") == 0)
		chan_send(after_words(raw, 2));
	else if (argc == 2 && strcmp(argv[1], "recv") == 0)
		chan_recv(CHAN_RECV_MS);
	else
		printf("usage: chan send TEXT | chan recv\n");
}

static void execute(int argc, char **argv, const char *raw)
{
	const char *cmd = argv[0];

	if (strcmp(cmd, "help") == 0) {
		printf("%s", help_text);
		dsl_list_suites();
	} else if (strcmp(cmd, "run") == 0 && argc >= 2 && argc <= 3 && strcmp(argv[1], "attack") == 0) {
		attack_run(argc == 3 ? argv[2] : NULL);
	} else if (strcmp(cmd, "checksum") == 0) {
		checksum_command(argc, argv);
	} else if (strcmp(cmd, "run") == 0 && argc <= 2) {
		dsl_run(argc == 2 ? argv[1] : NULL);
	} else if (strcmp(cmd, "read") == 0) {
		cmd_read(argc, argv);
	} else if (strcmp(cmd, "write") == 0) {
		cmd_write(argc, argv);
	} else if (strcmp(cmd, "rtcirq") == 0) {
		uint64_t addr, intid = 0;
		const char *p = argc == 3 ? argv[2] : "";
		if (argc != 3 || parse_hex(argv[1], &addr) || !*p) {
			printf("usage: rtcirq ADDR INTID\n");
			return;
		}
		for (; *p >= '0' && *p <= '9'; p++)
			intid = intid * 10 + (uint64_t)(*p - '0');
		if (*p || intid < 32 || intid > 1019)
			printf("usage: rtcirq ADDR INTID (an SPI: 32..1019)\n");
		else
			rtc_irq_test(addr, (unsigned int)intid);
	} else if (strcmp(cmd, "chan") == 0) {
		cmd_chan(argc, argv, raw);
	} else if (strcmp(cmd, "hello") == 0) {
		printf("fw: hello from %s\n", platform.model);
	} else if (strcmp(cmd, "off") == 0) {
		cmd_system(PSCI_SYSTEM_OFF, "SYSTEM_OFF");
	} else if (strcmp(cmd, "reset") == 0) {
		cmd_system(PSCI_SYSTEM_RESET, "SYSTEM_RESET");
	} else if (strcmp(cmd, "crash") == 0) {
		crash_command(argc, argv);
	} else if (strcmp(cmd, "wdt") == 0) {
		wdt_command(argc, argv);
	} else if (strcmp(cmd, "spin") == 0) {
		cmd_spin();
	} else {
		printf("fw: unknown command '%s' (try help)\n", cmd);
	}
}

static int split(char *line, char **argv)
{
	int argc = 0;

	for (char *p = strtok(line, " \t"); p && argc < MAX_ARGS; p = strtok(NULL, " \t"))
		argv[argc++] = p;
	return argc;
}

/* Reads one line with echo; CR, LF and CR LF all end it. */
static void read_line(char *line, unsigned int size)
{
	static int last_was_cr;
	unsigned int len = 0;

	for (;;) {
		int c = uart_getc();

		if (c < 0)
			continue;
		if (c == '\n' && last_was_cr) {
			last_was_cr = 0;
			continue;
		}
		last_was_cr = c == '\r';
		if (c == '\r' || c == '\n') {
			printf("\n");
			line[len] = '\0';
			return;
		}
		if ((c == 0x7f || c == '\b') && len) {
			len--;
			printf("\b \b");
		} else if (c >= ' ' && c < 0x7f && len < size - 1) {
			line[len++] = (char)c;
			putchar(c);
		}
		console_flush();
	}
}

void shell_run(void)
{
	char line[LINE_MAX_LEN], raw[LINE_MAX_LEN];
	char *argv[MAX_ARGS];

	for (;;) {
		int argc;

		printf("fw> ");
		console_flush();
		read_line(line, sizeof(line));
		memcpy(raw, line, strlen(line) + 1);	/* split cuts line up */
		argc = split(line, argv);
		if (argc)
			execute(argc, argv, raw);
	}
}
