/*
 * Data abort syndrome decoding (Arm ARM, ESR_EL2: ISS encoding for an
 * exception from a Data Abort). The syndrome drives which guest register
 * is read or written, so combinations no instruction can produce are
 * refused rather than guessed at.
 */
#include <arch/esr.h>

#define ESR_ISS_ISV         (1ull << 24)
#define ESR_ISS_SAS_SHIFT   22
#define ESR_ISS_SAS_MASK    0x3ull
#define ESR_ISS_SSE         (1ull << 21)
#define ESR_ISS_SRT_SHIFT   16
#define ESR_ISS_SRT_MASK    0x1full
#define ESR_ISS_SF          (1ull << 15)
#define ESR_ISS_AR          (1ull << 14)
#define ESR_ISS_CM          (1ull << 8)
#define ESR_ISS_S1PTW       (1ull << 7)
#define ESR_ISS_WNR         (1ull << 6)
#define ESR_ISS_FSC_MASK    0x3full

/* 0b0001LL: translation fault at lookup level LL. */
#define FSC_TRANSLATION_MASK 0x3cull
#define FSC_TRANSLATION      0x04ull

#define SAS_DOUBLEWORD       3

/* The fault status code and S1PTW are only meaningful for aborts. */
static bool esr_is_lower_el_abort(uint64_t esr)
{
	return ESR_EC(esr) == ESR_EC_DABT_LOW || ESR_EC(esr) == ESR_EC_IABT_LOW;
}

enum mmio_decode_status esr_decode_mmio(uint64_t esr, struct mmio_access *acc)
{
	unsigned sas;
	bool write, sign_extend, reg64;

	if (ESR_EC(esr) != ESR_EC_DABT_LOW)
		return MMIO_DECODE_NOT_DABT;
	if (!(esr & ESR_ISS_ISV))
		return MMIO_DECODE_NO_SYNDROME;

	sas = (esr >> ESR_ISS_SAS_SHIFT) & ESR_ISS_SAS_MASK;
	write = esr & ESR_ISS_WNR;
	sign_extend = esr & ESR_ISS_SSE;
	reg64 = esr & ESR_ISS_SF;

	/*
	 * The architecture reports ISV = 0 for aborts on a stage-1 table
	 * walk and for cache maintenance: neither is a single-register
	 * load or store, so a valid syndrome alongside them is corrupt.
	 */
	if (esr & (ESR_ISS_S1PTW | ESR_ISS_CM))
		return MMIO_DECODE_BAD;
	/* SSE is defined for loads only; stores report it as 0. */
	if (sign_extend && write)
		return MMIO_DECODE_BAD;
	/* No load sign-extends a doubleword: there is nothing wider to extend into. */
	if (sign_extend && sas == SAS_DOUBLEWORD)
		return MMIO_DECODE_BAD;
	/* A W register cannot hold or supply eight bytes. */
	if (!reg64 && sas == SAS_DOUBLEWORD)
		return MMIO_DECODE_BAD;

	acc->write = write;
	acc->size = 1u << sas;
	acc->reg = (esr >> ESR_ISS_SRT_SHIFT) & ESR_ISS_SRT_MASK;
	acc->sign_extend = sign_extend;
	acc->reg64 = reg64;
	acc->acquire_release = esr & ESR_ISS_AR;
	return MMIO_DECODE_OK;
}

/* All ones in the low size bytes; sizes of 8 or more keep every bit. */
static uint64_t size_mask(unsigned size)
{
	if (size >= 8)
		return ~0ull;
	return (1ull << (size * 8)) - 1;
}

uint64_t mmio_load_result(const struct mmio_access *acc, uint64_t data)
{
	uint64_t mask = size_mask(acc->size);
	/* The device model may hand back more bytes than were asked for. */
	uint64_t value = data & mask;

	if (acc->sign_extend && acc->size > 0 && acc->size < 8) {
		uint64_t sign_bit = 1ull << (acc->size * 8 - 1);

		if (value & sign_bit)
			value |= ~mask;
	}
	/* Writing a W register zeroes the upper half of the X register. */
	if (!acc->reg64)
		value &= 0xffffffffull;
	return value;
}

uint64_t mmio_store_value(const struct mmio_access *acc, uint64_t reg_value)
{
	return reg_value & size_mask(acc->size);
}

bool esr_is_translation_fault(uint64_t esr)
{
	if (!esr_is_lower_el_abort(esr))
		return false;
	return (esr & FSC_TRANSLATION_MASK) == FSC_TRANSLATION;
}

bool esr_s1ptw(uint64_t esr)
{
	return esr_is_lower_el_abort(esr) && (esr & ESR_ISS_S1PTW);
}
