/*
 * printf plumbing: picolibc's tinystdio writes through our stdout FILE to the
 * console. One lock serialises whole printf calls so lines from different
 * CPUs do not interleave mid-line.
 */
#include <stdio.h>
#include <stdarg.h>
#include <arch/spinlock.h>
#include <arch/cpu.h>
#include <mantle/log.h>
#include <mantle/console.h>
#include <mantle/percpu.h>
#include <mantle/timer.h>

static spinlock_t log_lock = SPINLOCK_INIT;
static volatile int log_owner = -1;     /* CPU holding log_lock, for emergencies */

static int my_cpu(void)
{
	return arch_percpu_get() ? (int)this_cpu_id() : 0;
}

/*
 * Plain printf (the shell's commands) is collected per CPU and written a
 * whole line at a time under log_lock, so it never splits another CPU's
 * line. Inside kprintf or an exception dump this CPU already owns the
 * console and writes straight through.
 */
struct line_buf {
	char buf[160];
	unsigned len;
};
static struct line_buf line_bufs[CONFIG_MAX_CPUS];

static void flush_locked(struct line_buf *lb)
{
	for (unsigned i = 0; i < lb->len; i++)
		console_putc(lb->buf[i]);
	lb->len = 0;
}

static int stdout_put(char c, FILE *f)
{
	irqflags_t flags = arch_irq_save();
	int cpu = my_cpu();
	struct line_buf *lb = &line_bufs[cpu];

	(void)f;
	if (log_owner == cpu) {
		flush_locked(lb);
		console_putc(c);
	} else {
		lb->buf[lb->len++] = c;
		if (c == '\n' || lb->len == sizeof(lb->buf)) {
			spin_lock(&log_lock);
			flush_locked(lb);
			spin_unlock(&log_lock);
		}
	}
	arch_irq_restore(flags);
	return (unsigned char)c;
}

static FILE console_file = FDEV_SETUP_STREAM(stdout_put, NULL, NULL, _FDEV_SETUP_WRITE);
/* Referenced from picolibc only: kept visible for a link-time-optimized build. */
FILE *const stdout __attribute__((used, externally_visible)) = &console_file;
FILE *const stderr __attribute__((used, externally_visible)) = &console_file;

void log_write(const char *s, size_t len)
{
	irqflags_t flags = arch_irq_save();
	int cpu = my_cpu();
	bool nested = log_owner == cpu;

	if (!nested)
		spin_lock(&log_lock);
	flush_locked(&line_bufs[cpu]);
	for (size_t i = 0; i < len; i++)
		console_putc(s[i]);
	if (!nested)
		spin_unlock(&log_lock);
	arch_irq_restore(flags);
}

void log_flush(void)
{
	irqflags_t flags = arch_irq_save();
	struct line_buf *lb = &line_bufs[my_cpu()];

	if (lb->len) {
		spin_lock(&log_lock);
		flush_locked(lb);
		spin_unlock(&log_lock);
	}
	arch_irq_restore(flags);
}

int vkprintf(const char *fmt, va_list ap)
{
	irqflags_t f = arch_irq_save();
	int cpu = my_cpu(), n;

	/* An exception dump on this CPU already owns the console. */
	if (log_owner == cpu) {
		n = vfprintf(stdout, fmt, ap);
		arch_irq_restore(f);
		return n;
	}
	spin_lock(&log_lock);
	log_owner = cpu;
	n = vfprintf(stdout, fmt, ap);
	log_owner = -1;
	spin_unlock(&log_lock);
	arch_irq_restore(f);
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vkprintf(fmt, ap);
	va_end(ap);
	return n;
}

void log_msg(const char *level, const char *fmt, ...)
{
	char stamp[48];
	uint64_t ns = timer_now_ns();
	va_list ap;
	irqflags_t f = arch_irq_save();
	int cpu = my_cpu();
	bool nested = log_owner == cpu;

	if (!nested) {
		spin_lock(&log_lock);
		log_owner = cpu;
	}
	snprintf(stamp, sizeof(stamp), "[%5llu.%06llu] ", (unsigned long long)(ns / 1000000000ULL),
		 (unsigned long long)(ns / 1000ULL % 1000000ULL));
	fputs(stamp, stdout);
	if (cpu)
		fprintf(stdout, "cpu%d: ", cpu);
	fputs(level, stdout);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	if (!nested) {
		log_owner = -1;
		spin_unlock(&log_lock);
	}
	arch_irq_restore(f);
}

void log_emergency_enter(void)
{
	int cpu = my_cpu();

	arch_irq_disable();
	if (log_owner == cpu)
		return;
	/* Bounded wait: a CPU that died holding the lock must not silence us. */
	for (unsigned long i = 0; i < 10000000UL; i++) {
		if (spin_trylock(&log_lock)) {
			log_owner = cpu;
			return;
		}
	}
	log_owner = cpu;
}

void log_emergency_exit(void)
{
	if (log_owner == my_cpu()) {
		log_owner = -1;
		spin_unlock(&log_lock);
	}
}

void panic(const char *fmt, ...)
{
	va_list ap;

	log_emergency_enter();
	fputs("\nPANIC: ", stdout);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	arch_cpu_halt();
}
