/*
 * The console: picolibc's stdout on the PL011. Output is buffered per CPU
 * and written a whole line at a time under a lock, so lines printed by
 * several CPUs never interleave. fflush(stdout) writes a partial line.
 */
#ifndef FW_CONSOLE_H
#define FW_CONSOLE_H

void console_flush(void);
/* Prints "fw: PANIC: <message>" and stops this CPU. */
void fw_panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
