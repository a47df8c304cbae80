/* Mantle's own hypercalls (docs/guest-abi.md), over HVC #0. */
#include <stdio.h>
#include <string.h>
#include "dsl.h"
#include "dtb.h"
#include "psci.h"

static int64_t hypercall(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t *esr)
{
	uint64_t ret;

	*esr = smccc_call_caught(CONDUIT_HVC, fid, a1, a2, 0, &ret);
	return (int64_t)ret;
}

TEST(hvc, version)
{
	uint64_t esr;
	int64_t version = hypercall(MANTLE_HC_VERSION, 0, 0, &esr);

	EXPECT_NO_FAULT(esr);
	EXPECT_GE(version, 0);
	if (!dsl_failed())
		printf("fw: Mantle hypercall ABI %lld.%lld\n", (long long)(version >> 16),
		       (long long)(version & 0xffff));
}

TEST(hvc, console_write)
{
	static const char msg[] = "fw: console write through MANTLE_HC_CONSOLE_WRITE\r\n";
	uint64_t esr;

	EXPECT_EQ(hypercall(MANTLE_HC_CONSOLE_WRITE, (uintptr_t)msg, strlen(msg), &esr),
		  strlen(msg));
	EXPECT_NO_FAULT(esr);
}

TEST(hvc, console_write_outside_ram)
{
	uint64_t end = platform.ram_end, esr;

	ASSERT_NE(end, 0);	/* /memory was found */
	/* wholly above RAM, straddling its end, below it */
	EXPECT_EQ(hypercall(MANTLE_HC_CONSOLE_WRITE, end, 16, &esr), PSCI_INVALID_PARAMETERS);
	EXPECT_NO_FAULT(esr);
	EXPECT_EQ(hypercall(MANTLE_HC_CONSOLE_WRITE, end - 8, 16, &esr), PSCI_INVALID_PARAMETERS);
	EXPECT_EQ(hypercall(MANTLE_HC_CONSOLE_WRITE, platform.ram_base - 16, 16, &esr),
		  PSCI_INVALID_PARAMETERS);
}
