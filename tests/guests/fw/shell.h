/* The command loop on the UART, after the boot-time test run. */
#ifndef FW_SHELL_H
#define FW_SHELL_H

void shell_run(void) __attribute__((noreturn));

#endif
