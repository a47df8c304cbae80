/*
 * Attack class "psci": PSCI with bad arguments. CPU_ON of vCPUs that do
 * not exist must give INVALID_PARAMETERS, of one that is on ALREADY_ON,
 * with an entry point outside RAM INVALID_ADDRESS (or INVALID_PARAMETERS);
 * AFFINITY_INFO of garbage INVALID_PARAMETERS; CPU_SUSPEND with junk power
 * states must come back (a standby woken by the virtual timer) with
 * SUCCESS or INVALID_PARAMETERS; the PSCI functions Mantle lacks
 * (SYSTEM_RESET2, MEM_PROTECT, SYSTEM_SUSPEND, ...) NOT_SUPPORTED, whatever
 * their arguments. Anything that succeeds where it must not is an escape.
 */
#include <stdio.h>
#include "attack.h"
#include "cpu.h"
#include "dtb.h"
#include "fault.h"
#include "gic.h"
#include "psci.h"
#include "smp.h"

#define PSCI_INVALID_ADDRESS  (-9)
#define PSCI_CPU_SUSPEND      0xc4000001u
#define RANDOM_MPIDRS         500
#define SUSPENDS              16
#define SUSPEND_WAKE_MS       2
#define SUSPEND_LIMIT_MS      1000

/* PSCI functions Mantle does not implement, 32- and 64-bit. */
static const uint32_t missing[] = {
	0x84000005, 0xc4000005,			/* MIGRATE */
	0x8400000b,				/* CPU_FREEZE */
	0x8400000c, 0xc400000c,			/* CPU_DEFAULT_SUSPEND */
	0x8400000d, 0xc400000d,			/* NODE_HW_STATE */
	0x8400000e, 0xc400000e,			/* SYSTEM_SUSPEND */
	0x8400000f,				/* PSCI_SET_SUSPEND_MODE */
	0x84000010, 0xc4000010,			/* PSCI_STAT_RESIDENCY */
	0x84000011, 0xc4000011,			/* PSCI_STAT_COUNT */
	0x84000012, 0xc4000012,			/* SYSTEM_RESET2 */
	0x84000013,				/* MEM_PROTECT */
	0x84000014, 0xc4000014,			/* MEM_PROTECT_CHECK_RANGE */
};

/* A PSCI call on the DTB's conduit under the fault catcher; 1 if it took an exception. */
static int call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3, int32_t *ret)
{
	uint64_t x0, esr = smccc_call_caught(psci_conduit(), fid, a1, a2, a3, &x0);

	*ret = (int32_t)x0;
	return esr != 0 || fault_last().count;
}

/* The result must be one of want[0..n): an error code is blocked, anything else an escape. */
static void expect(struct attack_class *c, const char *what, uint32_t fid, uint64_t a1, uint64_t a2,
		   uint64_t a3, const int32_t *want, unsigned int n)
{
	int32_t ret;

	if (call(fid, a1, a2, a3, &ret)) {
		attack_count(c, attack_outcome_of(fault_last().esr));
		attack_note(c, "%s(0x%llx, 0x%llx, 0x%llx) took an exception", what, (unsigned long long)a1,
			    (unsigned long long)a2, (unsigned long long)a3);
		return;
	}
	for (unsigned int i = 0; i < n; i++)
		if (ret == want[i]) {
			attack_count(c, ret < 0 ? AO_ERROR : AO_HANDLED);
			return;
		}
	if (ret >= 0)
		attack_escape(c, "%s(0x%llx, 0x%llx, 0x%llx) returned %d", what, (unsigned long long)a1,
			      (unsigned long long)a2, (unsigned long long)a3, (int)ret);
	else {
		attack_count(c, AO_ERROR);
		attack_note(c, "%s(0x%llx, 0x%llx, 0x%llx) returned %d, not the error expected", what,
			    (unsigned long long)a1, (unsigned long long)a2, (unsigned long long)a3, (int)ret);
	}
}

static int listed(uint64_t mpidr)
{
	for (unsigned int i = 0; i < smp_ncpus(); i++)
		if (smp_mpidr(i) == (mpidr & MPIDR_AFF_MASK))
			return 1;
	return 0;
}

static void missing_functions(struct attack_class *c)
{
	static const int32_t not_supported[] = { PSCI_NOT_SUPPORTED };

	for (unsigned int i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		expect(c, "PSCI_FEATURES", PSCI_FEATURES, missing[i], 0, 0, not_supported, 1);
		for (unsigned int k = 0; k < 8; k++) {
			uint64_t a1 = k ? attack_rand(c) : 0, a2 = k ? attack_rand(c) : 0;

			/* The entry points of the suspend-like calls: this firmware's own, or junk. */
			if (k == 1)
				a1 = (uintptr_t)secondary_entry;
			expect(c, "unimplemented PSCI function", missing[i], a1, a2, attack_rand(c),
			       not_supported, 1);
		}
	}
}

/* MPIDRs no vCPU has: Aff0 past the last, other affinity levels, junk. */
static uint64_t absent_mpidr(struct attack_class *c, unsigned int i)
{
	static const uint64_t fixed[] = { 0x100, 0x10000, 0x100000000ULL, 0xff00ffffffULL, 0xff, 0xfe,
					  0x80000100ULL, 0x0101 };
	uint64_t v;

	if (i < sizeof(fixed) / sizeof(fixed[0]))
		v = fixed[i];
	else if (i < 8 + 8)
		v = smp_ncpus() + (i - 8);		/* just past the last vCPU */
	else
		v = attack_rand(c) & MPIDR_AFF_MASK;
	return listed(v) ? 0xff00ff00ffULL : v;
}

static void bad_targets(struct attack_class *c)
{
	static const int32_t invalid[] = { PSCI_INVALID_PARAMETERS };
	static const int32_t on_off[] = { PSCI_AFFINITY_ON, PSCI_AFFINITY_OFF, PSCI_INVALID_PARAMETERS };

	for (unsigned int i = 0; i < RANDOM_MPIDRS; i++) {
		uint64_t mpidr = absent_mpidr(c, i);

		expect(c, "CPU_ON", PSCI_CPU_ON, mpidr, (uintptr_t)secondary_entry, 1, invalid, 1);
		expect(c, "AFFINITY_INFO", PSCI_AFFINITY_INFO, mpidr, 0, 0, invalid, 1);
		/* A real vCPU at an affinity level that is not 0: refused, or answered. */
		expect(c, "AFFINITY_INFO", PSCI_AFFINITY_INFO, smp_mpidr(i % smp_ncpus()),
		       1 + attack_rand(c) % 0xff, 0, on_off, 3);
	}
}

static void already_on(struct attack_class *c)
{
	static const int32_t already[] = { PSCI_ALREADY_ON, PSCI_INVALID_PARAMETERS, PSCI_INVALID_ADDRESS };

	expect(c, "CPU_ON (itself)", PSCI_CPU_ON, cpu_mpidr(), (uintptr_t)secondary_entry, 0, already, 1);
	if (smp_ncpus() < 2)
		return;
	if (smp_start(1) != PSCI_SUCCESS || !smp_wait_up(1, SMP_TIMEOUT_MS)) {
		attack_note(c, "vCPU 1 could not be started");
		return;
	}
	for (unsigned int i = 0; i < 16; i++)
		/* With a junk entry point too: which error comes first is the implementation's choice. */
		expect(c, "CPU_ON (a vCPU that is on)", PSCI_CPU_ON, smp_mpidr(1),
		       i & 1 ? (uintptr_t)secondary_entry : attack_rand(c), 1, already, i & 1 ? 1 : 3);
	smp_release(1);
	if (smp_wait_affinity(1, PSCI_AFFINITY_OFF, SMP_TIMEOUT_MS) != PSCI_AFFINITY_OFF)
		attack_note(c, "vCPU 1 did not turn off again");
}

/*
 * CPU_SUSPEND with junk: whatever Mantle makes of it, the virtual timer
 * (its interrupt enabled, IRQs masked at PSTATE) wakes this vCPU.
 */
static void bad_suspends(struct attack_class *c)
{
	static const int32_t ok[] = {
		PSCI_SUCCESS, PSCI_INVALID_PARAMETERS, PSCI_INVALID_ADDRESS, PSCI_DENIED,
	};
	unsigned int vtimer = platform.timer_intid[TIMER_VIRT];

	if (gic_init() || gic_cpu_init()) {
		attack_note(c, "no GIC: CPU_SUSPEND left out (nothing would wake it)");
		return;
	}
	gic_enable(vtimer);
	for (unsigned int i = 0; i < SUSPENDS; i++) {
		uint64_t state = i == 0 ? ~0ULL : i == 1 ? 1u << 16 : i == 2 ? 3u << 24 : attack_rand(c);
		uint64_t entry = i & 1 ? attack_rand(c) : 0, start;

		write_sysreg(cntv_tval_el0, read_sysreg(cntfrq_el0) / 1000 * SUSPEND_WAKE_MS);
		write_sysreg(cntv_ctl_el0, 1);		/* enabled, not masked */
		isb();
		start = time_ms();
		expect(c, "CPU_SUSPEND", PSCI_CPU_SUSPEND, state, entry, attack_rand(c), ok, 4);
		if (time_ms() - start > SUSPEND_LIMIT_MS)
			attack_note(c, "CPU_SUSPEND(0x%llx) took %llu ms to come back", (unsigned long long)state,
				    (unsigned long long)(time_ms() - start));
		write_sysreg(cntv_ctl_el0, 0);
		isb();
	}
	gic_disable(vtimer);
	gic_clear_pending(vtimer);
}

/* Last: an entry point wrongly taken leaves vCPU 1 faulting for good. */
static void bad_entries(struct attack_class *c)
{
	static const int32_t refused[] = { PSCI_INVALID_ADDRESS, PSCI_INVALID_PARAMETERS };
	const uint64_t entries[] = {
		0, 4, platform.ram_end, platform.ram_end + 0x1000, platform.ram_base - 4, platform.uart,
		platform.gicd, 1ULL << 39, (1ULL << 48) - 4, ~3ULL, platform.ram_base + 2,
		(uintptr_t)secondary_entry + 1, (uintptr_t)secondary_entry | (1ULL << 63),
	};

	if (smp_ncpus() < 2)
		return;
	for (unsigned int i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		int32_t state;

		if (call(PSCI_AFFINITY_INFO, smp_mpidr(1), 0, 0, &state) || state != PSCI_AFFINITY_OFF) {
			attack_note(c, "vCPU 1 is not off (%d): the bad entry points stop here", (int)state);
			return;
		}
		expect(c, "CPU_ON (entry outside RAM)", PSCI_CPU_ON, smp_mpidr(1), entries[i], 1, refused, 2);
	}
}

void attack_psci(struct attack_class *c)
{
	missing_functions(c);
	bad_targets(c);
	already_on(c);
	bad_suspends(c);
	bad_entries(c);
}
