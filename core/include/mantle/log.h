/* Console output for the whole hypervisor. */
#ifndef MANTLE_LOG_H
#define MANTLE_LOG_H
#include <stdarg.h>
#include <stddef.h>

/* printf to the console, one call at a time across CPUs. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vkprintf(const char *fmt, va_list ap);

/* Raw bytes to the console under its lock (echo of typed input, a guest's output). */
void log_write(const char *s, size_t len);

/* Write out this CPU's partial printf line (before a prompt, say). */
void log_flush(void);

/* Boot-log lines: "[   1.234567] message", with the CPU when it is not 0. */
void log_msg(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define pr_info(...)  log_msg("", __VA_ARGS__)
#define pr_warn(...)  log_msg("warning: ", __VA_ARGS__)
#define pr_err(...)   log_msg("error: ", __VA_ARGS__)

/*
 * For fatal paths (exception dumps): take the console even if this CPU or a
 * wedged one holds it, after a bounded wait.
 */
void log_emergency_enter(void);
void log_emergency_exit(void);

void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

#endif
