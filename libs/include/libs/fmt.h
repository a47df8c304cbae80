/* Human-readable formatting helpers for the shell and the boot log. */
#ifndef LIBS_FMT_H
#define LIBS_FMT_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* "512 B", "4 KiB", "1.5 MiB", "2 GiB": at most one decimal, exact when whole. */
char *fmt_size(char *buf, size_t len, uint64_t bytes);
/* Nanoseconds as seconds with microsecond precision: "12.345678". */
char *fmt_seconds(char *buf, size_t len, uint64_t ns);

/*
 * Strict unsigned decimal: the whole string must be digits and the value at
 * most max. libc's strtoul is off limits: it sets errno, which picolibc keeps
 * in thread-local storage reached through the guest's TPIDR_EL0.
 */
bool parse_decimal(const char *s, uint64_t max, uint64_t *out);

/* Decimal, or hexadecimal with a 0x prefix; same strictness as parse_decimal. */
bool parse_number(const char *s, uint64_t max, uint64_t *out);

#endif
