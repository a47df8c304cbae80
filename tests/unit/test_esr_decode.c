/*
 * Unit tests for the data abort syndrome decoder (arch/arm64/esr_decode.c).
 * Syndromes are encoded here as the CPU reports them for each load/store
 * form, so the tests check the decoder against the Arm ARM layout rather
 * than against its own constants.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <arch/esr.h>

#define EC_SHIFT      26
#define IL            (1ull << 25)
#define ISV           (1ull << 24)
#define SAS(n)        ((uint64_t)(n) << 22)
#define SSE           (1ull << 21)
#define SRT(n)        ((uint64_t)(n) << 16)
#define SF            (1ull << 15)
#define AR            (1ull << 14)
#define CM            (1ull << 8)
#define S1PTW         (1ull << 7)
#define WNR           (1ull << 6)

#define FSC_ADDR_SIZE_L0      0x00
#define FSC_TRANSLATION_L0    0x04
#define FSC_TRANSLATION_L3    0x07
#define FSC_ACCESS_FLAG_L1    0x09
#define FSC_PERMISSION_L1     0x0d
#define FSC_PERMISSION_L3     0x0f
#define FSC_SYNC_EXTERNAL     0x10
#define FSC_TRANSLATION_LM1   0x2b
#define FSC_ALIGNMENT         0x21

static uint64_t with_ec(unsigned ec, uint64_t iss)
{
	return ((uint64_t)ec << EC_SHIFT) | IL | iss;
}

/* A stage-2 translation fault with a valid syndrome, as an MMIO access reports it. */
static uint64_t dabt(uint64_t syndrome)
{
	return with_ec(ESR_EC_DABT_LOW, ISV | syndrome | FSC_TRANSLATION_L3);
}

/* The syndrome bits each load/store form sets (besides SRT and AR). */
struct access_form {
	const char *mnemonic;
	uint64_t bits;
	bool write;
	unsigned size;
	bool sign_extend;
	bool reg64;
};

static const struct access_form forms[] = {
	{ "ldrb w",  SAS(0),            false, 1, false, false },
	{ "ldrsb w", SAS(0) | SSE,      false, 1, true,  false },
	{ "ldrsb x", SAS(0) | SSE | SF, false, 1, true,  true  },
	{ "ldrh w",  SAS(1),            false, 2, false, false },
	{ "ldrsh w", SAS(1) | SSE,      false, 2, true,  false },
	{ "ldrsh x", SAS(1) | SSE | SF, false, 2, true,  true  },
	{ "ldr w",   SAS(2),            false, 4, false, false },
	{ "ldrsw x", SAS(2) | SSE | SF, false, 4, true,  true  },
	{ "ldr x",   SAS(3) | SF,       false, 8, false, true  },
	{ "strb w",  SAS(0) | WNR,      true,  1, false, false },
	{ "strh w",  SAS(1) | WNR,      true,  2, false, false },
	{ "str w",   SAS(2) | WNR,      true,  4, false, false },
	{ "str x",   SAS(3) | SF | WNR, true,  8, false, true  },
};

static struct mmio_access decode_ok(uint64_t esr)
{
	struct mmio_access acc;

	memset(&acc, 0xa5, sizeof(acc));
	assert_int_equal(esr_decode_mmio(esr, &acc), MMIO_DECODE_OK);
	return acc;
}

/* Decoding fails with want, and leaves acc alone. */
static void assert_decode_fails(uint64_t esr, enum mmio_decode_status want)
{
	struct mmio_access acc, untouched;

	memset(&acc, 0x5a, sizeof(acc));
	untouched = acc;
	assert_int_equal(esr_decode_mmio(esr, &acc), want);
	assert_memory_equal(&acc, &untouched, sizeof(acc));
}

static struct mmio_access access_of(const char *mnemonic)
{
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		if (strcmp(forms[i].mnemonic, mnemonic) == 0)
			return decode_ok(dabt(forms[i].bits));
	}
	fail_msg("no access form %s", mnemonic);
	return (struct mmio_access){ 0 };
}

/* ------------------------------------------------------------ decoding */

static void test_every_form_decodes_with_every_register(void **state)
{
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		for (unsigned rt = 0; rt <= 31; rt++) {
			struct mmio_access acc = decode_ok(dabt(forms[i].bits | SRT(rt)));

			assert_int_equal(acc.write, forms[i].write);
			assert_int_equal(acc.size, forms[i].size);
			assert_int_equal(acc.reg, rt);
			assert_int_equal(acc.sign_extend, forms[i].sign_extend);
			assert_int_equal(acc.reg64, forms[i].reg64);
			assert_false(acc.acquire_release);
		}
	}
}

static void test_acquire_release_is_reported(void **state)
{
	/* ldar w3 and stlr x30 */
	struct mmio_access ldar = decode_ok(dabt(SAS(2) | SRT(3) | AR));
	struct mmio_access stlr = decode_ok(dabt(SAS(3) | SF | SRT(30) | AR | WNR));

	assert_true(ldar.acquire_release);
	assert_false(ldar.write);
	assert_int_equal(ldar.reg, 3);
	assert_true(stlr.acquire_release);
	assert_true(stlr.write);
	assert_int_equal(stlr.size, 8);
	assert_int_equal(stlr.reg, 30);
}

static void test_fault_status_does_not_change_the_access(void **state)
{
	/* A permission fault on a read-only MMIO page is emulated the same way. */
	uint64_t esr = with_ec(ESR_EC_DABT_LOW, ISV | SAS(2) | SRT(7) | WNR | FSC_PERMISSION_L3);
	struct mmio_access acc = decode_ok(esr);

	assert_true(acc.write);
	assert_int_equal(acc.size, 4);
	assert_int_equal(acc.reg, 7);
}

static void test_a_syndrome_without_isv_cannot_be_emulated(void **state)
{
	/* ldp, ldr with writeback, ...: the CPU says nothing about the registers. */
	uint64_t no_isv = with_ec(ESR_EC_DABT_LOW, SAS(3) | SF | SRT(5) | FSC_TRANSLATION_L3);

	assert_decode_fails(no_isv, MMIO_DECODE_NO_SYNDROME);
	assert_decode_fails(with_ec(ESR_EC_DABT_LOW, FSC_TRANSLATION_L0), MMIO_DECODE_NO_SYNDROME);
	assert_decode_fails(with_ec(ESR_EC_DABT_LOW, S1PTW | WNR | FSC_TRANSLATION_L3),
			    MMIO_DECODE_NO_SYNDROME);
}

static void test_other_exception_classes_are_not_data_aborts(void **state)
{
	static const unsigned classes[] = {
		ESR_EC_UNKNOWN, ESR_EC_WFX, ESR_EC_FP, ESR_EC_HVC64, ESR_EC_SMC64,
		ESR_EC_SYS64, ESR_EC_SVE, ESR_EC_IABT_LOW,
		0x25,  /* data abort from EL2 itself: not a guest access */
		0x3f,
	};
	/* Even with a syndrome that would decode under EC 0x24. */
	uint64_t iss = ISV | SAS(2) | SRT(1) | FSC_TRANSLATION_L3;

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		assert_decode_fails(with_ec(classes[i], iss), MMIO_DECODE_NOT_DABT);
}

static void test_inconsistent_syndromes_are_refused(void **state)
{
	/* No load sign-extends eight bytes. */
	assert_decode_fails(dabt(SAS(3) | SSE | SF), MMIO_DECODE_BAD);
	/* A W register cannot take eight bytes, loaded or stored. */
	assert_decode_fails(dabt(SAS(3)), MMIO_DECODE_BAD);
	assert_decode_fails(dabt(SAS(3) | WNR), MMIO_DECODE_BAD);
	assert_decode_fails(dabt(SAS(3) | SSE), MMIO_DECODE_BAD);
	/* Stores never sign-extend. */
	assert_decode_fails(dabt(SAS(0) | SSE | WNR), MMIO_DECODE_BAD);
	assert_decode_fails(dabt(SAS(1) | SSE | SF | WNR), MMIO_DECODE_BAD);
	/* Table walks and cache maintenance never come with a valid syndrome. */
	assert_decode_fails(dabt(SAS(2) | S1PTW), MMIO_DECODE_BAD);
	assert_decode_fails(dabt(SAS(2) | CM | WNR), MMIO_DECODE_BAD);
}

static void test_bits_outside_the_syndrome_are_ignored(void **state)
{
	/* IL clear and upper bits (ISS2) set do not change the decoding. */
	uint64_t esr = dabt(SAS(1) | SRT(9)) & ~IL;
	struct mmio_access acc = decode_ok(esr | (0x1full << 32));

	assert_int_equal(acc.size, 2);
	assert_int_equal(acc.reg, 9);
}

/* ------------------------------------------------------------ load results */

static void test_zero_extending_loads_drop_the_bytes_not_asked_for(void **state)
{
	/* Every byte has its top bit set, so a wrong sign extension shows. */
	const uint64_t bus = 0x88f7e6d5c4b3a291ull;
	struct mmio_access ldrb = access_of("ldrb w");
	struct mmio_access ldrh = access_of("ldrh w");
	struct mmio_access ldr_w = access_of("ldr w");
	struct mmio_access ldr_x = access_of("ldr x");

	assert_int_equal(mmio_load_result(&ldrb, bus), 0x91);
	assert_int_equal(mmio_load_result(&ldrh, bus), 0xa291);
	assert_int_equal(mmio_load_result(&ldr_w, bus), 0xc4b3a291ull);
	assert_int_equal(mmio_load_result(&ldr_x, bus), bus);
}

static void test_sign_extending_loads_into_w_registers_stop_at_32_bits(void **state)
{
	struct mmio_access ldrsb = access_of("ldrsb w");
	struct mmio_access ldrsh = access_of("ldrsh w");

	assert_int_equal(mmio_load_result(&ldrsb, 0x80), 0xffffff80ull);
	assert_int_equal(mmio_load_result(&ldrsb, 0xff), 0xffffffffull);
	assert_int_equal(mmio_load_result(&ldrsb, 0x7f), 0x7f);
	assert_int_equal(mmio_load_result(&ldrsb, 0x1234567f), 0x7f);
	assert_int_equal(mmio_load_result(&ldrsh, 0x8000), 0xffff8000ull);
	assert_int_equal(mmio_load_result(&ldrsh, 0xabcd9001ull), 0xffff9001ull);
	assert_int_equal(mmio_load_result(&ldrsh, 0x7fff), 0x7fff);
}

static void test_sign_extending_loads_into_x_registers_fill_64_bits(void **state)
{
	struct mmio_access ldrsb = access_of("ldrsb x");
	struct mmio_access ldrsh = access_of("ldrsh x");
	struct mmio_access ldrsw = access_of("ldrsw x");

	assert_int_equal(mmio_load_result(&ldrsb, 0x80), 0xffffffffffffff80ull);
	assert_int_equal(mmio_load_result(&ldrsb, 0x7f), 0x7f);
	assert_int_equal(mmio_load_result(&ldrsh, 0x8001), 0xffffffffffff8001ull);
	assert_int_equal(mmio_load_result(&ldrsh, 0xffff0001ull), 0x1);
	assert_int_equal(mmio_load_result(&ldrsw, 0x80000000ull), 0xffffffff80000000ull);
	assert_int_equal(mmio_load_result(&ldrsw, 0xdeadbeef7fffffffull), 0x7fffffffull);
}

/* ------------------------------------------------------------ store values */

static void test_stores_write_only_the_low_bytes_of_the_register(void **state)
{
	const uint64_t reg = 0x1122334455667788ull;
	struct mmio_access strb = access_of("strb w");
	struct mmio_access strh = access_of("strh w");
	struct mmio_access str_w = access_of("str w");
	struct mmio_access str_x = access_of("str x");

	assert_int_equal(mmio_store_value(&strb, reg), 0x88);
	assert_int_equal(mmio_store_value(&strh, reg), 0x7788);
	assert_int_equal(mmio_store_value(&str_w, reg), 0x55667788ull);
	assert_int_equal(mmio_store_value(&str_x, reg), reg);
}

/* ------------------------------------------------------------ fault classification */

static void test_translation_faults_at_every_level_are_recognised(void **state)
{
	for (unsigned fsc = FSC_TRANSLATION_L0; fsc <= FSC_TRANSLATION_L3; fsc++) {
		assert_true(esr_is_translation_fault(with_ec(ESR_EC_DABT_LOW, fsc)));
		assert_true(esr_is_translation_fault(with_ec(ESR_EC_DABT_LOW, ISV | SAS(3) | SF | WNR | fsc)));
		assert_true(esr_is_translation_fault(with_ec(ESR_EC_IABT_LOW, fsc)));
	}
}

static void test_other_fault_codes_are_not_translation_faults(void **state)
{
	static const unsigned others[] = {
		FSC_ADDR_SIZE_L0, 0x03, FSC_ACCESS_FLAG_L1, 0x0b, FSC_PERMISSION_L1,
		FSC_PERMISSION_L3, FSC_SYNC_EXTERNAL, FSC_ALIGNMENT, 0x14, 0x17, 0x30, 0x3f,
		/* Level -1 (FEAT_LPA2) is outside the levels 0-3 the contract names. */
		FSC_TRANSLATION_LM1,
	};

	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		assert_false(esr_is_translation_fault(with_ec(ESR_EC_DABT_LOW, others[i])));
		assert_false(esr_is_translation_fault(with_ec(ESR_EC_IABT_LOW, others[i])));
	}
}

static void test_translation_fault_needs_an_abort_class(void **state)
{
	/* The low ISS bits of an HVC are its immediate, not a fault status. */
	assert_false(esr_is_translation_fault(with_ec(ESR_EC_HVC64, FSC_TRANSLATION_L3)));
	assert_false(esr_is_translation_fault(with_ec(ESR_EC_SYS64, FSC_TRANSLATION_L0)));
	assert_false(esr_is_translation_fault(with_ec(0x25, FSC_TRANSLATION_L3)));
}

static void test_s1ptw_is_reported_for_aborts_only(void **state)
{
	assert_true(esr_s1ptw(with_ec(ESR_EC_DABT_LOW, S1PTW | FSC_TRANSLATION_L3)));
	assert_true(esr_s1ptw(with_ec(ESR_EC_DABT_LOW, S1PTW | WNR | FSC_PERMISSION_L3)));
	assert_true(esr_s1ptw(with_ec(ESR_EC_IABT_LOW, S1PTW | FSC_TRANSLATION_L0)));
	assert_false(esr_s1ptw(with_ec(ESR_EC_DABT_LOW, FSC_TRANSLATION_L3)));
	assert_false(esr_s1ptw(dabt(SAS(3) | SF | SRT(31))));
	assert_false(esr_s1ptw(with_ec(ESR_EC_HVC64, S1PTW)));
	/* On a stage-1 walk the fault is still a translation fault. */
	assert_true(esr_is_translation_fault(with_ec(ESR_EC_DABT_LOW, S1PTW | FSC_TRANSLATION_L3)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_form_decodes_with_every_register),
		cmocka_unit_test(test_acquire_release_is_reported),
		cmocka_unit_test(test_fault_status_does_not_change_the_access),
		cmocka_unit_test(test_a_syndrome_without_isv_cannot_be_emulated),
		cmocka_unit_test(test_other_exception_classes_are_not_data_aborts),
		cmocka_unit_test(test_inconsistent_syndromes_are_refused),
		cmocka_unit_test(test_bits_outside_the_syndrome_are_ignored),
		cmocka_unit_test(test_zero_extending_loads_drop_the_bytes_not_asked_for),
		cmocka_unit_test(test_sign_extending_loads_into_w_registers_stop_at_32_bits),
		cmocka_unit_test(test_sign_extending_loads_into_x_registers_fill_64_bits),
		cmocka_unit_test(test_stores_write_only_the_low_bytes_of_the_register),
		cmocka_unit_test(test_translation_faults_at_every_level_are_recognised),
		cmocka_unit_test(test_other_fault_codes_are_not_translation_faults),
		cmocka_unit_test(test_translation_fault_needs_an_abort_class),
		cmocka_unit_test(test_s1ptw_is_reported_for_aborts_only),
	};

	return cmocka_run_group_tests_name("esr_decode", tests, NULL, NULL);
}
