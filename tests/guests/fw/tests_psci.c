/* PSCI 1.1 and SMCCC discovery as a guest sees them. */
#include "cpu.h"
#include "dsl.h"
#include "fault.h"
#include "psci.h"
#include "smp.h"

#define PSCI_1_1          0x10001
#define SMCCC_1_1         0x10001
#define MIGRATE_NOT_NEEDED 2	/* MIGRATE_INFO_TYPE: no Trusted OS to migrate */
#define UNKNOWN_PSCI_FID  0x8400001fu	/* in the PSCI range, unassigned */
#define UNKNOWN_FID32     0x82000042u	/* SiP service, fast SMC32: nobody's */
#define UNKNOWN_FID64     0xc2000042u	/* SiP service, fast SMC64 */

TEST(psci, version)
{
	EXPECT_EQ(psci_call(PSCI_VERSION, 0, 0, 0), PSCI_1_1);
}

TEST(psci, features)
{
	EXPECT_EQ(psci_call(PSCI_FEATURES, PSCI_VERSION, 0, 0), PSCI_SUCCESS);
	EXPECT_GE(psci_call(PSCI_FEATURES, PSCI_CPU_ON, 0, 0), PSCI_SUCCESS);
	EXPECT_EQ(psci_call(PSCI_FEATURES, UNKNOWN_PSCI_FID, 0, 0), PSCI_NOT_SUPPORTED);
	EXPECT_EQ(psci_call(PSCI_FEATURES, UNKNOWN_FID32, 0, 0), PSCI_NOT_SUPPORTED);
}

/* Linux finds SMCCC 1.1 through PSCI_FEATURES(SMCCC_VERSION), then SMCCC_VERSION. */
TEST(psci, smccc_version)
{
	EXPECT_EQ(psci_call(PSCI_FEATURES, SMCCC_VERSION, 0, 0), PSCI_SUCCESS);
	EXPECT_GE(psci_call(SMCCC_VERSION, 0, 0, 0), SMCCC_1_1);
}

TEST(psci, migrate_info_type)
{
	EXPECT_EQ(psci_call(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0), MIGRATE_NOT_NEEDED);
}

static void check_unknown_fid(enum conduit conduit)
{
	static const uint32_t fids[] = { UNKNOWN_FID32, UNKNOWN_FID64 };

	for (unsigned int i = 0; i < sizeof(fids) / sizeof(fids[0]); i++) {
		uint64_t ret, esr = smccc_call_caught(conduit, fids[i], 0, 0, 0, &ret);

		EXPECT_NO_FAULT(esr);	/* no exception: the call returned */
		EXPECT_EQ((int32_t)ret, PSCI_NOT_SUPPORTED);
	}
}

TEST(psci, unknown_fid_hvc)
{
	check_unknown_fid(CONDUIT_HVC);
}

TEST(psci, unknown_fid_smc)
{
	check_unknown_fid(CONDUIT_SMC);
}

static int mpidr_listed(uint64_t mpidr)
{
	for (unsigned int i = 0; i < smp_ncpus(); i++)
		if (smp_mpidr(i) == mpidr)
			return 1;
	return 0;
}

/* The first MPIDR above every listed one (Aff0 + 1 of the highest) that is not listed. */
static uint64_t mpidr_after_listed(void)
{
	uint64_t max = 0;

	for (unsigned int i = 0; i < smp_ncpus(); i++)
		if (smp_mpidr(i) > max)
			max = smp_mpidr(i);
	while (mpidr_listed(++max))
		;
	return max;
}

/*
 * Starts every secondary of /cpus, checks they all ran, lets them CPU_OFF;
 * and the vCPU after the last listed one does not exist.
 */
TEST(psci, cpu_on)
{
	unsigned int n = smp_ncpus(), before = smp_checkins();

	for (unsigned int i = 1; i < n; i++)
		EXPECT_EQ(smp_start(i), PSCI_SUCCESS);
	for (unsigned int i = 1; i < n; i++)
		EXPECT_TRUE(smp_wait_up(i, SMP_TIMEOUT_MS));
	EXPECT_EQ(smp_checkins() - before, n - 1);
	for (unsigned int i = 1; i < n; i++)
		smp_release(i);
	for (unsigned int i = 1; i < n; i++)
		EXPECT_EQ(smp_wait_affinity(i, PSCI_AFFINITY_OFF, SMP_TIMEOUT_MS),
			  PSCI_AFFINITY_OFF);
	EXPECT_EQ(psci_cpu_on(mpidr_after_listed(), (uintptr_t)secondary_entry, 1),
		  PSCI_INVALID_PARAMETERS);
}

TEST(psci, affinity_info)
{
	unsigned int n = smp_ncpus();

	EXPECT_EQ(psci_affinity_info(cpu_mpidr()), PSCI_AFFINITY_ON);
	for (unsigned int i = 1; i < n; i++) {
		EXPECT_EQ(psci_affinity_info(smp_mpidr(i)), PSCI_AFFINITY_OFF);
		ASSERT_EQ(smp_start(i), PSCI_SUCCESS);
		EXPECT_TRUE(smp_wait_up(i, SMP_TIMEOUT_MS));
		/* Parked until released: it cannot be anything but ON now. */
		EXPECT_EQ(psci_affinity_info(smp_mpidr(i)), PSCI_AFFINITY_ON);
		smp_release(i);
		EXPECT_EQ(smp_wait_affinity(i, PSCI_AFFINITY_OFF, SMP_TIMEOUT_MS),
			  PSCI_AFFINITY_OFF);
	}
}

TEST(psci, cpu_on_already_on)
{
	unsigned int n = smp_ncpus();

	/* The boot vCPU is on; secondary_entry parks it if this wrongly succeeds. */
	EXPECT_EQ(psci_cpu_on(cpu_mpidr(), (uintptr_t)secondary_entry, 0), PSCI_ALREADY_ON);
	if (n < 2)
		return;
	ASSERT_EQ(smp_start(1), PSCI_SUCCESS);
	EXPECT_TRUE(smp_wait_up(1, SMP_TIMEOUT_MS));
	EXPECT_EQ(psci_cpu_on(smp_mpidr(1), (uintptr_t)secondary_entry, 1), PSCI_ALREADY_ON);
	smp_release(1);
	EXPECT_EQ(smp_wait_affinity(1, PSCI_AFFINITY_OFF, SMP_TIMEOUT_MS), PSCI_AFFINITY_OFF);
}

TEST(psci, cpu_on_invalid_mpidr)
{
	uint64_t bogus = 0xfe;	/* Aff0 = 254 */

	while (mpidr_listed(bogus))
		bogus += 0x100;	/* next Aff1 */
	EXPECT_EQ(psci_cpu_on(bogus, (uintptr_t)secondary_entry, 1), PSCI_INVALID_PARAMETERS);
	EXPECT_EQ(psci_affinity_info(bogus), PSCI_INVALID_PARAMETERS);
}
