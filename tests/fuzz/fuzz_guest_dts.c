/*
 * Fuzzes the guest description parser (core/guest_config.c) with raw bytes
 * as the blob: a bundle can hold anything under a .dtb name, so whatever
 * the bytes, the parser must answer with a config or with one printable
 * line of error, and never read outside the blob.
 *
 * libFuzzer hands over a heap copy of exactly the input's size, so ASan
 * sees any read past the blob made by the parser itself. libfdt is the
 * system's uninstrumented library: its own reads are checked only where they
 * go through the C library (memcmp, strlen, ...).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <mantle/guest_config.h>
#include "fuzz.h"

#define HOST_CPUS 4

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/* What a successful parse promises (mantle/guest_config.h), checked field by field. */
static void check_config(const struct guest_config *cfg)
{
	FUZZ_CHECK(terminated(cfg->name, sizeof(cfg->name)) && cfg->name[0]);
	FUZZ_CHECK(cfg->nr_vcpus >= 1 && cfg->nr_vcpus <= GUEST_MAX_VCPUS);
	for (unsigned i = 0; i < cfg->nr_vcpus; i++) {
		FUZZ_CHECK(cfg->vcpus[i].pcpu < HOST_CPUS);
		FUZZ_CHECK(cfg->vcpus[i].prio >= 1 && cfg->vcpus[i].prio < CONFIG_SCHED_PRIORITIES);
		FUZZ_CHECK(cfg->vcpus[i].slice_ns > 0);
	}
	FUZZ_CHECK(cfg->nr_mem >= 1 && cfg->nr_mem <= GUEST_MAX_MEM);
	for (unsigned i = 0; i < cfg->nr_mem; i++) {
		const struct guest_mem_config *m = &cfg->mem[i];

		FUZZ_CHECK(terminated(m->name, sizeof(m->name)) && terminated(m->image, sizeof(m->image)));
		FUZZ_CHECK(m->size > 0 && m->size % 4096 == 0 && m->ipa % 4096 == 0);
		FUZZ_CHECK(m->ipa + (m->size - 1) >= m->ipa);
	}
	FUZZ_CHECK(cfg->nr_devs <= GUEST_MAX_DEVICES);
	for (unsigned i = 0; i < cfg->nr_devs; i++) {
		const struct guest_dev_config *d = &cfg->devs[i];

		FUZZ_CHECK(terminated(d->name, sizeof(d->name)) && d->name[0]);
		FUZZ_CHECK(terminated(d->compatible, sizeof(d->compatible)));
		FUZZ_CHECK(terminated(d->guest_compatible, sizeof(d->guest_compatible)));
		FUZZ_CHECK(terminated(d->blk_backend, sizeof(d->blk_backend)));
		FUZZ_CHECK(terminated(d->blk_ramdisk, sizeof(d->blk_ramdisk)));
		FUZZ_CHECK(terminated(d->net_switch, sizeof(d->net_switch)));
		FUZZ_CHECK(terminated(d->chan_name, sizeof(d->chan_name)));
		FUZZ_CHECK(terminated(d->chan_peer, sizeof(d->chan_peer)));
		FUZZ_CHECK(d->size > 0 && d->size % 4096 == 0 && d->ipa % 4096 == 0);
		FUZZ_CHECK(d->irq == 0 || (d->irq >= 32 && d->irq <= 1019));
		FUZZ_CHECK(d->passthrough == (d->kind == GUEST_DEV_PASSTHROUGH));
		if (d->has_mac)
			FUZZ_CHECK(!(d->mac[0] & 1));
		if (d->blk_has_range)
			FUZZ_CHECK(d->blk_count > 0 && d->blk_start <= UINT64_MAX - d->blk_count);
		for (unsigned j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(d->name, cfg->devs[j].name) != 0);
	}
	FUZZ_CHECK(terminated(cfg->kernel, sizeof(cfg->kernel)) && cfg->kernel[0]);
	FUZZ_CHECK(terminated(cfg->initrd, sizeof(cfg->initrd)));
	FUZZ_CHECK(terminated(cfg->dtb, sizeof(cfg->dtb)));
	FUZZ_CHECK(terminated(cfg->bootargs, sizeof(cfg->bootargs)));
}

/* An error is one NUL-terminated line of printable characters inside the buffer. */
static void check_error(const char *err, size_t errlen)
{
	const char *end = memchr(err, '\0', errlen);

	FUZZ_CHECK(end != NULL);
	for (const char *c = err; c < end; c++)
		FUZZ_CHECK((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct guest_config cfg;
	/* Exactly sized on the heap, so a message written one byte too far is caught. */
	const size_t errlen = 160, short_errlen = 9;
	char *err = malloc(errlen), *short_err = malloc(short_errlen);
	int rc, rc2;

	FUZZ_CHECK(err && short_err);
	rc = guest_config_parse(data, size, "fuzz.dtb", HOST_CPUS, &cfg, err, errlen);
	if (rc == 0) {
		check_config(&cfg);
	} else {
		FUZZ_CHECK(rc == -1 && err[0] != '\0');
		check_error(err, errlen);
	}
	/* A message cut short by a small buffer is still terminated, and the verdict is the same. */
	rc2 = guest_config_parse(data, size, "fuzz.dtb", HOST_CPUS, &cfg, short_err, short_errlen);
	FUZZ_CHECK(rc2 == rc);
	if (rc)
		check_error(short_err, short_errlen);
	free(err);
	free(short_err);
	return 0;
}
