/* WFE/WFI. WFI needs an interrupt to wake it: it is tested with the vGIC. */
#include "cpu.h"
#include "dsl.h"

#define WFE_ROUNDS 100

/*
 * With the event register cleared first, every WFE may wait: it returns
 * because it is trapped and the vCPU rescheduled (or, natively, because an
 * event or spurious wake-up came).
 */
TEST(wfx, wfe_returns)
{
	volatile unsigned int rounds = 0;
	uint64_t before = read_sysreg(cntvct_el0), after;

	for (unsigned int i = 0; i < WFE_ROUNDS; i++) {
		__asm__ volatile("sevl\n wfe\n wfe" : : : "memory");	/* clear, then wait */
		rounds++;
	}
	isb();
	after = read_sysreg(cntvct_el0);
	EXPECT_EQ(rounds, WFE_ROUNDS);
	EXPECT_TRUE(after > before);	/* and time went on meanwhile */
}
