/* The attack suite's runner and bookkeeping (see attack.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "attack.h"
#include "console.h"
#include "cpu.h"
#include "dtb.h"
#include "fault.h"
#include "psci.h"

/* Escapes and notes printed per class; the rest are only counted. */
#define PRINT_MAX     24
#define UART_SIZE     0x1000	/* the DTB gives the PL011's base only */

static unsigned int printed;	/* lines of the running class */

void attack_count(struct attack_class *c, enum attack_outcome o)
{
	c->count[o]++;
}

static void report(struct attack_class *c, const char *kind, const char *fmt, va_list ap)
{
	if (printed++ >= PRINT_MAX) {
		if (printed == PRINT_MAX + 1)
			printf("%s %s: (further lines of this class suppressed)\n", kind, c->name);
		return;
	}
	printf("%s %s: ", kind, c->name);
	vprintf(fmt, ap);
	printf("\n");
}

void attack_escape(struct attack_class *c, const char *fmt, ...)
{
	va_list ap;

	c->count[AO_ESCAPE]++;
	va_start(ap, fmt);
	report(c, "ESCAPE", fmt, ap);
	va_end(ap);
}

void attack_note(struct attack_class *c, const char *fmt, ...)
{
	va_list ap;

	c->anomalies++;
	va_start(ap, fmt);
	report(c, "NOTE", fmt, ap);
	va_end(ap);
}

enum attack_outcome attack_outcome_of(uint64_t esr)
{
	switch (ESR_EC(esr)) {
	case EC_UNKNOWN:
		return AO_UNDEF;
	case 0x20: case EC_IABT_SAME_EL: case 0x22:	/* instruction aborts, PC alignment */
	case 0x24: case EC_DABT_SAME_EL: case 0x26:	/* data aborts, SP alignment */
	case EC_SERROR:
		return AO_ABORT;
	default:
		return AO_FAULT;
	}
}

void attack_count_access(struct attack_class *c, uint64_t esr, enum attack_outcome if_none)
{
	attack_count(c, fault_last().count ? attack_outcome_of(esr) : if_none);
}

uint64_t attack_rand(struct attack_class *c)
{
	uint64_t x = c->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	c->rng = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static int overlaps(uint64_t addr, uint64_t size, uint64_t base, uint64_t len)
{
	return len && addr < base + len && base < addr + size;
}

int attack_owned(uint64_t addr, uint64_t size)
{
	const struct platform *p = &platform;

	if (overlaps(addr, size, p->ram_base, p->ram_end - p->ram_base) ||
	    overlaps(addr, size, p->uart, UART_SIZE) ||
	    overlaps(addr, size, p->gicd, p->gicd_size) ||
	    overlaps(addr, size, p->gicc, p->gicc_size))
		return 1;
	for (unsigned int i = 0; i < p->gicr_regions; i++)
		if (overlaps(addr, size, p->gicr[i], p->gicr_size[i]))
			return 1;
	for (unsigned int i = 0; i < p->nr_virtio; i++)
		if (overlaps(addr, size, p->virtio[i].base, p->virtio[i].size))
			return 1;
	for (unsigned int i = 0; i < p->nr_channels; i++)
		if (overlaps(addr, size, p->channel[i].base, p->channel[i].size))
			return 1;
	return 0;
}

static struct attack_class classes[] = {
	{ .name = "memory", .run = attack_memory },
	{ .name = "mmio", .run = attack_mmio },
	{ .name = "sysreg", .run = attack_sysreg },
	{ .name = "calls", .run = attack_calls },
	{ .name = "psci", .run = attack_psci },
	{ .name = "irq", .run = attack_irq },
	{ .name = "virtio", .run = attack_virtio },
};

uint64_t attack_host_ms(void)
{
	uint64_t per_ms = read_sysreg(cntfrq_el0) / 1000;

	isb();
	return read_sysreg(cntpct_el0) / (per_ms ? per_ms : 1);
}

/* Mantle still answers a hypercall: checked after every class. */
static int hypervisor_answers(void)
{
	uint64_t ret, esr = smccc_call_caught(CONDUIT_HVC, MANTLE_HC_VERSION, 0, 0, 0, &ret);

	return esr == 0 && (int64_t)ret > 0;
}

uint64_t attack_run(const char *only)
{
	uint64_t attempts = 0, escapes = 0;
	unsigned int notes = 0, ran = 0;

	printf("fw: attack: %u classes, on %s\n", (unsigned int)(sizeof(classes) / sizeof(classes[0])),
	       platform.model);
	for (unsigned int i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		struct attack_class *c = &classes[i];
		uint64_t start = time_ms(), host_start = attack_host_ms(), total = 0;

		if (only && strcmp(only, c->name) != 0)
			continue;
		ran++;
		for (unsigned int k = 0; k < AO_KINDS; k++)
			c->count[k] = 0;
		c->anomalies = 0;
		c->rng = 0x9e3779b97f4a7c15ULL ^ ((uint64_t)(i + 1) << 32);
		printed = 0;
		printf("fw: attack: %s ...\n", c->name);
		console_flush();
		c->run(c);
		if (!hypervisor_answers())
			attack_escape(c, "Mantle no longer answers MANTLE_HC_VERSION after this class");
		for (unsigned int k = 0; k < AO_KINDS; k++)
			total += c->count[k];
		printf("ATTACK %s: %llu attempts, %llu blocked, %llu escaped (aborts %llu, undefined %llu, "
		       "other exceptions %llu, error codes %llu, handled by the model %llu; %u notes) in %llu ms "
		       "(host time %llu..%llu ms)\n",
		       c->name, (unsigned long long)total,
		       (unsigned long long)(total - c->count[AO_ESCAPE]),
		       (unsigned long long)c->count[AO_ESCAPE], (unsigned long long)c->count[AO_ABORT],
		       (unsigned long long)c->count[AO_UNDEF], (unsigned long long)c->count[AO_FAULT],
		       (unsigned long long)c->count[AO_ERROR], (unsigned long long)c->count[AO_HANDLED],
		       c->anomalies, (unsigned long long)(time_ms() - start), (unsigned long long)host_start,
		       (unsigned long long)attack_host_ms());
		attempts += total;
		escapes += c->count[AO_ESCAPE];
		notes += c->anomalies;
	}
	if (!ran) {
		printf("fw: attack: no class named '%s' (", only);
		for (unsigned int i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
			printf("%s%s", i ? " " : "", classes[i].name);
		printf(")\n");
	}
	printf("ATTACK SUMMARY: %llu attempts, %llu escaped, %u notes\n", (unsigned long long)attempts,
	       (unsigned long long)escapes, notes);
	return escapes;
}
