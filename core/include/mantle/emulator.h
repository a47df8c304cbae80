/* Emulated guest devices: MMIO register models bound to a guest by compatible. */
#ifndef MANTLE_EMULATOR_H
#define MANTLE_EMULATOR_H
#include <stdint.h>
#include <stdbool.h>

struct guest;
struct guest_dev_config;
struct emu_device;

struct emu_ops {
	/* offset is from the device's base; size 1, 2, 4 or 8. 0, or -1 to make the access abort. */
	int (*read)(struct emu_device *d, uint64_t offset, unsigned size, uint64_t *val);
	int (*write)(struct emu_device *d, uint64_t offset, unsigned size, uint64_t val);
	void (*reset)(struct emu_device *d);
	void (*destroy)(struct emu_device *d);
	/* One line of state for `vdev list`. Optional. */
	void (*describe)(struct emu_device *d, char *buf, unsigned long len);
};

struct emu_device {
	char name[32];
	const char *compatible;
	uint64_t ipa, size;
	uint32_t irq;
	const struct emu_ops *ops;
	void *priv;
	struct guest *guest;
	uint64_t reads, writes;
};

struct emulator {
	const char *compatible;
	/* Fill d->ops and d->priv. 0 on success, else -1 with a message in err. */
	int (*create)(struct guest *g, struct emu_device *d, const struct guest_dev_config *cfg,
		      char *err, unsigned long errlen);
};

#define EMULATOR_REGISTER(emu) \
	static const struct emulator *const emulator_ptr_##emu \
	__attribute__((section(".emulator_table"), used)) = &emu

const struct emulator *emulator_find(const char *compatible);

#endif
