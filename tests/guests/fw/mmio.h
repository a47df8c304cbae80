/* Device register access for the firmware. */
#ifndef FW_MMIO_H
#define FW_MMIO_H
#include <stdint.h>

/*
 * MMIO: one plain LDR/STR each, no writeback and no pairs, which the
 * compiler might make of volatile pointer accesses in a loop: a hypervisor
 * emulating the GIC can only decode an access whose syndrome describes it
 * (ESR_EL2.ISV), and loads/stores with writeback or pairs have none.
 */
static inline uint32_t rd32(uintptr_t addr)
{
	uint32_t val;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(val) : "r"(addr) : "memory");
	return val;
}

static inline void wr32(uintptr_t addr, uint32_t val)
{
	__asm__ volatile("str %w0, [%1]" : : "rZ"(val), "r"(addr) : "memory");
}

static inline uint64_t rd64(uintptr_t addr)
{
	uint64_t val;

	__asm__ volatile("ldr %0, [%1]" : "=r"(val) : "r"(addr) : "memory");
	return val;
}

static inline void wr64(uintptr_t addr, uint64_t val)
{
	__asm__ volatile("str %x0, [%1]" : : "rZ"(val), "r"(addr) : "memory");
}

#endif
