#include <string.h>
#include <libfdt.h>
#include <arch/psci.h>

static enum psci_conduit conduit;

/* SMCCC: arguments in x0-x3, result in x0; x4-x17 may be clobbered. */
#define PSCI_CALL(insn) \
	register uint64_t r0 __asm__("x0") = fn; \
	register uint64_t r1 __asm__("x1") = a1; \
	register uint64_t r2 __asm__("x2") = a2; \
	register uint64_t r3 __asm__("x3") = a3; \
	__asm__ volatile(insn " #0" : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3) : : \
		"x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", \
		"x14", "x15", "x16", "x17", "memory"); \
	return r0

static uint64_t call_smc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3) { PSCI_CALL("smc"); }
static uint64_t call_hvc(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3) { PSCI_CALL("hvc"); }

static int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	switch (conduit) {
	case PSCI_CONDUIT_SMC: return (int64_t)call_smc(fn, a1, a2, a3);
	case PSCI_CONDUIT_HVC: return (int64_t)call_hvc(fn, a1, a2, a3);
	default: return -1;    /* NOT_SUPPORTED */
	}
}

bool psci_init(const void *fdt)
{
	static const char *const compat[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" };
	int node = -1;
	const char *method;

	for (unsigned i = 0; i < 3 && node < 0; i++)
		node = fdt_node_offset_by_compatible(fdt, -1, compat[i]);
	if (node < 0)
		return false;
	method = fdt_getprop(fdt, node, "method", NULL);
	if (method && !strcmp(method, "smc"))
		conduit = PSCI_CONDUIT_SMC;
	else if (method && !strcmp(method, "hvc"))
		conduit = PSCI_CONDUIT_HVC;
	return conduit != PSCI_CONDUIT_NONE;
}

enum psci_conduit psci_conduit(void) { return conduit; }

uint32_t psci_version(void)
{
	int64_t v = psci_call(PSCI_VERSION, 0, 0, 0);
	return v < 0 ? 0 : (uint32_t)v;
}

int psci_cpu_on(uint64_t mpidr, uint64_t entry_pa, uint64_t context)
{
	return (int)psci_call(PSCI_CPU_ON, mpidr, entry_pa, context);
}

void psci_system_off(void) { psci_call(PSCI_SYSTEM_OFF, 0, 0, 0); }
void psci_system_reset(void) { psci_call(PSCI_SYSTEM_RESET, 0, 0, 0); }
