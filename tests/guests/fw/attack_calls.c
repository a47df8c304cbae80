/*
 * Attack class "calls": HVC and SMC with function IDs Mantle does not
 * implement (random ones, and neighbours of the ones it does), random
 * arguments, non-zero immediates and junk in the upper half of x0: each
 * must come back with NOT_SUPPORTED (-1), never hang, crash or do
 * something. Then Mantle's own calls and the SMCCC/PSCI queries with
 * hostile arguments: MANTLE_HC_CONSOLE_WRITE of ranges outside RAM (edges,
 * wrap-arounds, huge lengths) must give INVALID_PARAMETERS (-2),
 * MANTLE_HC_CHANNEL_NOTIFY of channels that do not exist -2, and a storm of
 * doorbells to the real peer 0 each time.
 */
#include "attack.h"
#include "dtb.h"
#include "fault.h"
#include "psci.h"

#define RANDOM_CALLS       3000	/* per conduit */
#define NEIGHBOUR_CALLS    1000
#define HOSTILE_ARG_CALLS  1000
#define DOORBELL_STORM     2000
#define CONSOLE_WRITE_MAX  4096
#define SMCCC_ARCH_FEATURES 0x80000001u

/* What Mantle implements (guest_smccc.c, docs/guest-abi.md): left out of the random calls. */
static int implemented(uint32_t fid)
{
	switch (fid) {
	case SMCCC_VERSION: case SMCCC_ARCH_FEATURES:
	case 0x84000000: case 0x84000001: case 0xc4000001: case 0x84000002: case 0x84000003:
	case 0xc4000003: case 0x84000004: case 0xc4000004: case 0x84000006: case 0x84000008:
	case 0x84000009: case 0x8400000a:
	case MANTLE_HC_VERSION: case MANTLE_HC_CONSOLE_WRITE: case MANTLE_HC_CHANNEL_NOTIFY:
		return 1;
	}
	return 0;
}

/* A call through an odd door: x0 all 64 bits, a non-zero immediate. Returns x0. */
#define CLOBBERS "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", \
	"x16", "x17", "memory"
#define DOOR(name, insn) \
	static void name(void *arg) \
	{ \
		uint64_t *a = arg; \
		register uint64_t x0 __asm__("x0") = a[0]; \
		register uint64_t x1 __asm__("x1") = a[1]; \
		register uint64_t x2 __asm__("x2") = a[2]; \
		register uint64_t x3 __asm__("x3") = a[3]; \
		__asm__ volatile(insn : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : CLOBBERS); \
		a[0] = x0; \
	}
DOOR(door_hvc0, "hvc #0")
DOOR(door_hvc1, "hvc #1")
DOOR(door_hvcffff, "hvc #0xffff")
DOOR(door_smc0, "smc #0")
DOOR(door_smc1, "smc #1")
DOOR(door_smcffff, "smc #0xffff")

static void (*const doors[])(void *) = {
	door_hvc0, door_hvc1, door_hvcffff, door_smc0, door_smc1, door_smcffff,
};
static const char *const door_names[] = {
	"hvc #0", "hvc #1", "hvc #0xffff", "smc #0", "smc #1", "smc #0xffff",
};

/* One call through door d: the ESR if it took an exception (0: none), x0 in *ret. */
static uint64_t call(unsigned int d, uint64_t x0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t *ret)
{
	uint64_t a[4] = { x0, a1, a2, a3 };
	uint64_t esr = expect_fault(doors[d], a);

	*ret = a[0];
	return fault_last().count ? (esr ? esr : 1) : 0;
}

/* An unimplemented function: NOT_SUPPORTED, or an escape. */
static void expect_not_supported(struct attack_class *c, unsigned int d, uint64_t x0)
{
	uint64_t ret, esr = call(d, x0, attack_rand(c), attack_rand(c), attack_rand(c), &ret);

	if (esr)
		attack_count(c, attack_outcome_of(esr == 1 ? 0 : esr));
	else if ((int32_t)ret == PSCI_NOT_SUPPORTED)
		attack_count(c, AO_ERROR);
	else
		attack_escape(c, "%s with unimplemented function 0x%llx returned 0x%llx, not NOT_SUPPORTED",
			      door_names[d], (unsigned long long)x0, (unsigned long long)ret);
}

static void unknown_functions(struct attack_class *c)
{
	for (unsigned int d = 0; d < sizeof(doors) / sizeof(doors[0]); d++) {
		unsigned int n = d == 0 || d == 3 ? RANDOM_CALLS : RANDOM_CALLS / 10;

		for (unsigned int i = 0; i < n; i++) {
			uint64_t x0 = attack_rand(c);

			if (implemented((uint32_t)x0))
				continue;
			/* Half of them with the upper half of x0 clear, as SMCCC callers leave it. */
			expect_not_supported(c, d, i & 1 ? x0 : (uint32_t)x0);
		}
	}
	/* The neighbours of what is implemented: PSCI, Mantle's range, SMCCC's arch range. */
	for (unsigned int i = 0; i < NEIGHBOUR_CALLS; i++) {
		static const uint32_t bases[] = { 0x84000000, 0xc4000000, 0xc6000000, 0x86000000, 0x80000000,
						  0x80008000, 0xc5000000, 0xbf000000, 0xff000000 };
		uint32_t fid = bases[attack_rand(c) % 9] | (uint32_t)(attack_rand(c) % 64);

		if (!implemented(fid))
			expect_not_supported(c, (unsigned int)(attack_rand(c) % 2) * 3, fid);
	}
}

/* A call whose result must be exactly want. */
static void expect_result(struct attack_class *c, uint32_t fid, uint64_t a1, uint64_t a2, int64_t want,
			  const char *what)
{
	uint64_t ret, esr = smccc_call_caught(CONDUIT_HVC, fid, a1, a2, attack_rand(c), &ret);

	if (esr)
		attack_escape(c, "%s(0x%llx, 0x%llx) took an exception (ESR 0x%llx)", what,
			      (unsigned long long)a1, (unsigned long long)a2, (unsigned long long)esr);
	else if ((int64_t)ret != want && (int32_t)ret != want)
		attack_escape(c, "%s(0x%llx, 0x%llx) returned %lld, not %lld", what, (unsigned long long)a1,
			      (unsigned long long)a2, (long long)ret, (long long)want);
	else
		attack_count(c, want < 0 ? AO_ERROR : AO_HANDLED);
}

/* What MANTLE_HC_CONSOLE_WRITE must answer for [addr, addr + len). */
static int64_t console_write_result(uint64_t addr, uint64_t len)
{
	uint64_t span = len ? len : 1;

	if (len > CONSOLE_WRITE_MAX || addr < platform.ram_base || addr > platform.ram_end ||
	    span > platform.ram_end - addr)
		return PSCI_INVALID_PARAMETERS;
	return (int64_t)len;
}

static void console_write(struct attack_class *c)
{
	const uint64_t base = platform.ram_base, end = platform.ram_end;
	const uint64_t cases[][2] = {
		{ end, 16 }, { end - 8, 16 }, { end - 1, 2 }, { base - 16, 16 }, { base - 1, 2 },
		{ ~0ULL - 7, 16 }, { ~0ULL, 1 }, { ~0ULL, 0 }, { 0, 0 }, { 0, 16 }, { base, ~0ULL },
		{ base, CONSOLE_WRITE_MAX + 1 }, { base + 16, ~0ULL - 15 }, { end - 4096, 1ULL << 63 },
		{ platform.uart, 4 }, { platform.gicd, 4 }, { 1ULL << 39, 16 }, { 1ULL << 63, 16 },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_result(c, MANTLE_HC_CONSOLE_WRITE, cases[i][0], cases[i][1],
			      console_write_result(cases[i][0], cases[i][1]), "MANTLE_HC_CONSOLE_WRITE");
	for (unsigned int i = 0; i < HOSTILE_ARG_CALLS; i++) {
		uint64_t addr = attack_rand(c), len = attack_rand(c) >> (attack_rand(c) % 64);

		if (console_write_result(addr, len) >= 0)
			continue;	/* would print this guest's RAM: not an attack */
		expect_result(c, MANTLE_HC_CONSOLE_WRITE, addr, len, PSCI_INVALID_PARAMETERS,
			      "MANTLE_HC_CONSOLE_WRITE");
	}
}

static void channel_notify(struct attack_class *c)
{
	const uint64_t cases[] = { 1, 2, 3, 4, 16, 255, 0xffffffffULL, 1ULL << 32, (1ULL << 32) + 1,
				   1ULL << 63, ~0ULL };

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cases[i] >= platform.nr_channels)
			expect_result(c, MANTLE_HC_CHANNEL_NOTIFY, cases[i], 0, MANTLE_CHANNEL_NONE,
				      "MANTLE_HC_CHANNEL_NOTIFY");
	for (unsigned int i = 0; i < HOSTILE_ARG_CALLS; i++) {
		uint64_t index = attack_rand(c);

		if (index >= platform.nr_channels)
			expect_result(c, MANTLE_HC_CHANNEL_NOTIFY, index, attack_rand(c), MANTLE_CHANNEL_NONE,
				      "MANTLE_HC_CHANNEL_NOTIFY");
	}
	/* The real channel, rung as fast as it goes: the peer's doorbell just stays latched. */
	if (platform.nr_channels)
		for (unsigned int i = 0; i < DOORBELL_STORM; i++)
			expect_result(c, MANTLE_HC_CHANNEL_NOTIFY, 0, attack_rand(c), 0,
				      "MANTLE_HC_CHANNEL_NOTIFY (storm)");
}

/* Queries with junk arguments still answer what they answer. */
static void queries(struct attack_class *c)
{
	for (unsigned int i = 0; i < HOSTILE_ARG_CALLS / 4; i++) {
		uint32_t fid = (uint32_t)attack_rand(c);

		expect_result(c, MANTLE_HC_VERSION, attack_rand(c), attack_rand(c), 0x10001,
			      "MANTLE_HC_VERSION");
		expect_result(c, SMCCC_VERSION, attack_rand(c), attack_rand(c), 0x10001, "SMCCC_VERSION");
		expect_result(c, PSCI_VERSION, attack_rand(c), attack_rand(c), 0x10001, "PSCI_VERSION");
		expect_result(c, SMCCC_ARCH_FEATURES, attack_rand(c), attack_rand(c), PSCI_NOT_SUPPORTED,
			      "SMCCC_ARCH_FEATURES");
		expect_result(c, PSCI_FEATURES, fid, attack_rand(c),
			      implemented(fid) && (fid >> 24) != 0xc6 && fid != SMCCC_ARCH_FEATURES ?
			      PSCI_SUCCESS : PSCI_NOT_SUPPORTED, "PSCI_FEATURES");
	}
}

void attack_calls(struct attack_class *c)
{
	unknown_functions(c);
	console_write(c);
	channel_notify(c);
	queries(c);
}
