/*
 * Fuzzes the data abort syndrome decoder (arch/arm64/esr_decode.c) the way
 * the trap handler uses it (arch/arm64/trap.c, handle_dabt): a syndrome,
 * the guest's 31 registers and the value a device returns. The syndrome
 * picks which register is read or written, so whatever it says the decoded
 * access must name a real register and a real size, and the values moved
 * must be exactly what the access describes. (FAR and HPFAR play no part
 * here: handle_dabt only takes the fault address from them.)
 *
 * Input: ESR, device data (8 bytes each), then x0..x30.
 */
#include <stdint.h>
#include <arch/esr.h>
#include "fuzz.h"

#define NR_REGS 31          /* x0..x30; Rt = 31 is xzr/wzr */

struct fake_vcpu {
	uint64_t x[NR_REGS];
};

static uint64_t reg_read(const struct fake_vcpu *v, unsigned reg)
{
	FUZZ_CHECK(reg <= NR_REGS);
	return reg < NR_REGS ? v->x[reg] : 0;
}

static void reg_write(struct fake_vcpu *v, unsigned reg, uint64_t val)
{
	FUZZ_CHECK(reg <= NR_REGS);
	if (reg < NR_REGS)
		v->x[reg] = val;
}

static uint64_t low_bytes(uint64_t v, unsigned size)
{
	return size >= 8 ? v : v & ((1ull << (8 * size)) - 1);
}

static void check_load(const struct mmio_access *acc, uint64_t data)
{
	uint64_t r = mmio_load_result(acc, data);
	uint64_t bytes = low_bytes(data, acc->size);

	/* The bytes read land in the low bits whatever the extension. */
	FUZZ_CHECK(low_bytes(r, acc->size) == bytes);
	if (!acc->reg64)
		FUZZ_CHECK(r >> 32 == 0);
	if (!acc->sign_extend) {
		FUZZ_CHECK(r == bytes);
	} else if (acc->size < 8) {
		/* Every bit above the loaded ones copies its top bit, up to the register's width. */
		uint64_t top = (bytes >> (8 * acc->size - 1)) & 1;
		uint64_t width_mask = acc->reg64 ? ~0ull : 0xffffffffull;
		uint64_t upper = (width_mask & ~low_bytes(~0ull, acc->size));

		FUZZ_CHECK((r & upper) == (top ? upper : 0));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = fuzz_input(data, size);
	uint64_t esr = fuzz_u64(&in);
	struct fake_vcpu v, before;
	struct mmio_access acc;
	enum mmio_decode_status st;
	uint64_t dev_data;

	dev_data = fuzz_u64(&in);
	for (unsigned i = 0; i < NR_REGS; i++)
		v.x[i] = fuzz_u64(&in);
	before = v;

	/* Only an abort has a fault status code and an S1PTW bit. */
	if (esr_s1ptw(esr) || esr_is_translation_fault(esr))
		FUZZ_CHECK(ESR_EC(esr) == ESR_EC_DABT_LOW || ESR_EC(esr) == ESR_EC_IABT_LOW);

	st = esr_decode_mmio(esr, &acc);
	FUZZ_CHECK(st == MMIO_DECODE_OK || st == MMIO_DECODE_NOT_DABT || st == MMIO_DECODE_NO_SYNDROME ||
		   st == MMIO_DECODE_BAD);
	if (ESR_EC(esr) != ESR_EC_DABT_LOW)
		FUZZ_CHECK(st == MMIO_DECODE_NOT_DABT);
	if (st != MMIO_DECODE_OK)
		return 0;

	FUZZ_CHECK(acc.size == 1 || acc.size == 2 || acc.size == 4 || acc.size == 8);
	FUZZ_CHECK(acc.reg <= NR_REGS);
	FUZZ_CHECK(!(acc.sign_extend && acc.write));
	FUZZ_CHECK(!(acc.size == 8 && (acc.sign_extend || !acc.reg64)));

	if (acc.write) {
		uint64_t stored = mmio_store_value(&acc, reg_read(&v, acc.reg));

		FUZZ_CHECK(stored == low_bytes(reg_read(&v, acc.reg), acc.size));
	} else {
		check_load(&acc, dev_data);
		reg_write(&v, acc.reg, mmio_load_result(&acc, dev_data));
	}
	/* Only the named register changes, and only on a load. */
	for (unsigned i = 0; i < NR_REGS; i++)
		if (acc.write || i != acc.reg)
			FUZZ_CHECK(v.x[i] == before.x[i]);
	return 0;
}
