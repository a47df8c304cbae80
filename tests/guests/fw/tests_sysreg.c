/* System registers: what Mantle hides and what it refuses. */
#include <stddef.h>
#include "dsl.h"
#include "fault.h"

static uint64_t sysreg_val;

static void read_pfr0(void *arg)
{
	(void)arg;
	__asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(sysreg_val));
}

static void read_zfr0(void *arg)
{
	(void)arg;
	__asm__ volatile("mrs %0, s3_0_c0_c4_4" : "=r"(sysreg_val));	/* ID_AA64ZFR0_EL1 */
}

/* An IMPLEMENTATION DEFINED encoding (op0 3, CRn 15) no CPU model of QEMU has. */
static void read_impdef(void *arg)
{
	(void)arg;
	__asm__ volatile("mrs %0, s3_0_c15_c0_0" : "=r"(sysreg_val));
}

static void write_impdef(void *arg)
{
	(void)arg;
	__asm__ volatile("msr s3_0_c15_c0_0, xzr");
}

/*
 * LORID_EL1 (FEAT_LOR). Mantle does not switch the LOR registers between
 * guests, so it traps them (HCR_EL2.TLOR) and refuses; where the CPU lacks
 * FEAT_LOR the access is UNDEFINED locally. Either way: UNDEFINED.
 */
static void read_lorid(void *arg)
{
	(void)arg;
	__asm__ volatile("mrs %0, s3_0_c10_c4_7" : "=r"(sysreg_val));
}

static void read_mmfr1(void *arg)
{
	(void)arg;
	__asm__ volatile("mrs %0, id_aa64mmfr1_el1" : "=r"(sysreg_val));
}

TEST(sysreg, lor_hidden_and_undefined)
{
	uint64_t esr;

	sysreg_val = ~0ULL;
	EXPECT_NO_FAULT(expect_fault(read_mmfr1, NULL));
	EXPECT_EQ((sysreg_val >> 16) & 0xf, 0);	/* ID_AA64MMFR1_EL1.LO */
	esr = expect_fault(read_lorid, NULL);
	EXPECT_EQ(fault_last().count, 1);
	EXPECT_EQ(ESR_EC(esr), EC_UNKNOWN);
}

TEST(sysreg, sve_hidden)
{
	sysreg_val = ~0ULL;
	EXPECT_NO_FAULT(expect_fault(read_pfr0, NULL));
	EXPECT_EQ((sysreg_val >> 32) & 0xf, 0);	/* ID_AA64PFR0_EL1.SVE */
	sysreg_val = ~0ULL;
	EXPECT_NO_FAULT(expect_fault(read_zfr0, NULL));
	EXPECT_EQ(sysreg_val, 0);		/* no SVE: ID_AA64ZFR0_EL1 reads 0 */
}

/* The guest gets an UNDEFINED exception: it neither hangs nor is killed. */
TEST(sysreg, impdef_read_undefined)
{
	uint64_t esr = expect_fault(read_impdef, NULL);

	EXPECT_EQ(fault_last().count, 1);
	EXPECT_EQ(ESR_EC(esr), EC_UNKNOWN);
}

TEST(sysreg, impdef_write_undefined)
{
	uint64_t esr = expect_fault(write_impdef, NULL);

	EXPECT_EQ(fault_last().count, 1);
	EXPECT_EQ(ESR_EC(esr), EC_UNKNOWN);
}
