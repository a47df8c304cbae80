/* Poisoned guest RAM for the virtio harnesses (see guest_ram.h). */
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>
#include "guest_ram.h"
#include "fuzz.h"

static uint8_t *ram;

static struct {
	bool armed;
	uint64_t off, val;
	unsigned bytes;
} race;

/*
 * Byte by byte through a volatile pointer, so that the compiler makes no
 * memcpy of it (ASan's memcpy would check the poison this skips).
 */
__attribute__((no_sanitize("address")))
void guest_ram_write(uint64_t off, uint64_t val, unsigned bytes)
{
	volatile uint8_t *p = ram;

	if (off > GUEST_RAM_SIZE || bytes > GUEST_RAM_SIZE - off)
		return;
	for (unsigned i = 0; i < bytes; i++)
		p[off + i] = (uint8_t)(val >> (8 * i));
}

__attribute__((no_sanitize("address")))
uint64_t guest_ram_read(uint64_t off, unsigned bytes)
{
	volatile uint8_t *p = ram;
	uint64_t val = 0;

	if (off > GUEST_RAM_SIZE || bytes > GUEST_RAM_SIZE - off)
		return 0;
	for (unsigned i = 0; i < bytes; i++)
		val |= (uint64_t)p[off + i] << (8 * i);
	return val;
}

void guest_ram_init(const uint8_t *image, size_t len)
{
	ram = aligned_alloc(4096, GUEST_RAM_SIZE);
	FUZZ_CHECK(ram);
	if (len > GUEST_RAM_SIZE)
		len = GUEST_RAM_SIZE;
	memcpy(ram, image, len);
	memset(ram + len, 0, GUEST_RAM_SIZE - len);
	race.armed = false;
	ASAN_POISON_MEMORY_REGION(ram, GUEST_RAM_SIZE);
}

void guest_ram_free(void)
{
	ASAN_UNPOISON_MEMORY_REGION(ram, GUEST_RAM_SIZE);
	free(ram);
	ram = NULL;
}

void guest_ram_forget_maps(void)
{
	ASAN_POISON_MEMORY_REGION(ram, GUEST_RAM_SIZE);
}

void guest_ram_arm_race(uint64_t off, uint64_t val, unsigned bytes)
{
	race.armed = true;
	race.off = off;
	race.val = val;
	race.bytes = bytes;
}

bool guest_ram_contains(const void *p, uint64_t len)
{
	uintptr_t a = (uintptr_t)p, base = (uintptr_t)ram;

	return a >= base && a - base <= GUEST_RAM_SIZE && len <= GUEST_RAM_SIZE - (a - base);
}

static void *map(void *ctx, uint64_t gpa, uint64_t len)
{
	uint64_t off;

	/* The device must hand over ranges that do not wrap (it checks before asking). */
	FUZZ_CHECK(gpa <= UINT64_MAX - len);
	if (race.armed) {
		race.armed = false;
		guest_ram_write(race.off, race.val, race.bytes);
	}
	if (gpa < GUEST_RAM_BASE)
		return NULL;
	off = gpa - GUEST_RAM_BASE;
	if (off > GUEST_RAM_SIZE || len > GUEST_RAM_SIZE - off)
		return NULL;
	ASAN_UNPOISON_MEMORY_REGION(ram + off, len);
	return ram + off;
}

const struct vq_memview guest_ram_view = { .map = map, .ctx = NULL };
