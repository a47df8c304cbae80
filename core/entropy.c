/* Randomness for guests and Mantle: RNDR, else a seeded ChaCha20 generator. */
#include <string.h>
#include <libfdt.h>
#include <arch/cpu.h>
#include <arch/rng.h>
#include <arch/spinlock.h>
#include <libs/chacha20.h>
#include <mantle/entropy.h>
#include <mantle/log.h>

#define RNDR_RETRIES 16

static struct chacha20_rng generator;
static spinlock_t generator_lock = SPINLOCK_INIT;
static bool use_rndr;
static const char *source = "ChaCha20, not seeded";

void entropy_init(const void *host_fdt)
{
	int chosen = fdt_path_offset(host_fdt, "/chosen");
	uint64_t counter = arch_counter_read();
	bool seeded = false;

	if (chosen >= 0) {
		static const char *const props[] = { "rng-seed", "kaslr-seed" };
		for (unsigned i = 0; i < 2; i++) {
			int len;
			const void *seed = fdt_getprop(host_fdt, chosen, props[i], &len);
			if (seed && len > 0) {
				chacha20_rng_seed(&generator, seed, (size_t)len);
				seeded = true;
			}
		}
	}
	chacha20_rng_seed(&generator, &counter, sizeof(counter));
	use_rndr = arch_has_rndr();
	if (use_rndr) {
		uint64_t v;
		if (arch_rndr(&v))
			chacha20_rng_seed(&generator, &v, sizeof(v));
		source = "RNDR";
	} else {
		source = seeded ? "ChaCha20 seeded from /chosen" : "ChaCha20 seeded from boot timing only";
	}
	pr_info("entropy: %s", source);
}

const char *entropy_source(void)
{
	return source;
}

static bool fill_rndr(uint8_t *p, size_t len)
{
	while (len) {
		uint64_t v;
		unsigned tries = 0;
		size_t n = len < 8 ? len : 8;

		while (!arch_rndr(&v))
			if (++tries >= RNDR_RETRIES)
				return false;
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
	return true;
}

void entropy_fill(void *buf, size_t len)
{
	irqflags_t f;

	if (use_rndr && fill_rndr(buf, len))
		return;
	f = spin_lock_irqsave(&generator_lock);
	chacha20_rng_fill(&generator, buf, len);
	spin_unlock_irqrestore(&generator_lock, f);
}
