/*
 * Decoding the syndrome (ESR_EL2) of a data abort taken from a guest, so an
 * MMIO access can be emulated. Pure logic: host-tested.
 */
#ifndef ARCH_ESR_H
#define ARCH_ESR_H
#include <stdint.h>
#include <stdbool.h>

#define ESR_EC(esr)          (((esr) >> 26) & 0x3f)
#define ESR_EC_UNKNOWN       0x00
#define ESR_EC_WFX           0x01
#define ESR_EC_FP            0x07
#define ESR_EC_HVC64         0x16
#define ESR_EC_SMC64         0x17
#define ESR_EC_SYS64         0x18
#define ESR_EC_SVE           0x19
#define ESR_EC_IABT_LOW      0x20
#define ESR_EC_DABT_LOW      0x24

struct mmio_access {
	bool write;
	unsigned size;        /* bytes: 1, 2, 4 or 8 */
	unsigned reg;         /* Rt: 0..30, 31 = xzr/wzr */
	bool sign_extend;     /* loads: SSE */
	bool reg64;           /* SF: Rt is X (64-bit), else W */
	bool acquire_release; /* AR */
};

enum mmio_decode_status {
	MMIO_DECODE_OK,
	MMIO_DECODE_NOT_DABT,      /* EC is not a data abort from a lower EL */
	MMIO_DECODE_NO_SYNDROME,   /* ISV = 0: the instruction cannot be emulated from ESR */
	MMIO_DECODE_BAD,           /* inconsistent syndrome (e.g. SSE on a 64-bit load) */
};

/*
 * acc is written only on MMIO_DECODE_OK. MMIO_DECODE_BAD covers syndromes
 * no instruction produces: SSE on a store or a doubleword, SAS = 3 with a
 * W register, and ISV = 1 with S1PTW or CM (the architecture gives those
 * ISV = 0).
 */
enum mmio_decode_status esr_decode_mmio(uint64_t esr, struct mmio_access *acc);

/*
 * The value a load writes to the register: the data read (size bytes, in
 * the low bits) sign- or zero-extended per acc, and truncated to 32 bits
 * (upper bits zero) when the register is a W register.
 */
uint64_t mmio_load_result(const struct mmio_access *acc, uint64_t data);
/* The bytes a store writes: the register's low size*8 bits. */
uint64_t mmio_store_value(const struct mmio_access *acc, uint64_t reg_value);

/*
 * Was the abort on a stage-2 translation fault (not permission, etc.)? DFSC/IFSC levels 0-3.
 * False unless EC is a data or instruction abort from a lower EL: for other
 * classes the low ISS bits are not a fault status code.
 */
bool esr_is_translation_fault(uint64_t esr);
/* S1PTW: the fault happened on a stage-1 table walk. False unless EC is a lower-EL abort. */
bool esr_s1ptw(uint64_t esr);

#endif
