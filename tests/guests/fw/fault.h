/*
 * The fault catcher. While armed on a CPU, a synchronous exception (or an
 * SError) taken at EL1 is recorded instead of being fatal, and execution
 * continues after the faulting instruction; for an instruction abort, at
 * the return address in x30 (the fault is taken by branching with BLR).
 */
#ifndef FW_FAULT_H
#define FW_FAULT_H

#include <stdint.h>

#define ESR_EC(esr)       (((esr) >> 26) & 0x3f)
#define EC_UNKNOWN        0x00	/* UNDEFINED instruction */
#define EC_IABT_SAME_EL   0x21
#define EC_DABT_SAME_EL   0x25
#define EC_SERROR         0x2f
#define ESR_DABT_WNR      (1u << 6)
#define ESR_ABT_FNV       (1u << 10)	/* FAR not valid */

/*
 * Runs fn(arg) with the catcher armed and returns the ESR_EL1 of the first
 * exception it took, 0 if none; fault_last() tells more.
 */
uint64_t expect_fault(void (*fn)(void *), void *arg);

struct fault_info {
	unsigned int count;	/* exceptions taken during the last expect_fault */
	uint64_t esr, far, elr;	/* of the first */
};
struct fault_info fault_last(void);

/* Single accesses and a branch under the catcher; each returns the ESR or 0. */
uint64_t fault_read8(uintptr_t addr, uint8_t *val);
uint64_t fault_read16(uintptr_t addr, uint16_t *val);
uint64_t fault_read32(uintptr_t addr, uint32_t *val);
uint64_t fault_read64(uintptr_t addr, uint64_t *val);
uint64_t fault_write8(uintptr_t addr, uint8_t val);
uint64_t fault_write32(uintptr_t addr, uint32_t val);
uint64_t fault_exec(uintptr_t addr);

/* "EC 0x25 (data abort, same EL), ESR 0x..., FAR 0x..." into buf. */
const char *fault_describe(uint64_t esr, char *buf, unsigned int size);

#endif
