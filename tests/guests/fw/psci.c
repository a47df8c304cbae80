/* SMCCC conduits. SMCCC 1.1+ lets callees clobber x0-x17 at most. */
#include "fault.h"
#include "psci.h"

static enum conduit conduit = CONDUIT_HVC;

void psci_set_conduit(enum conduit c)
{
	conduit = c;
}

enum conduit psci_conduit(void)
{
	return conduit;
}

#define SMCCC_CLOBBERS "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", \
	"x14", "x15", "x16", "x17", "memory"

uint64_t smccc_hvc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : SMCCC_CLOBBERS);
	return x0;
}

uint64_t smccc_smc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fid;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : SMCCC_CLOBBERS);
	return x0;
}

uint64_t smccc_call(enum conduit c, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return c == CONDUIT_SMC ? smccc_smc(fid, a1, a2, a3) : smccc_hvc(fid, a1, a2, a3);
}

int32_t psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return (int32_t)smccc_call(conduit, fid, a1, a2, a3);
}

struct caught_call {
	enum conduit conduit;
	uint32_t fid;
	uint64_t args[3];
	uint64_t ret;
};

static void do_call(void *arg)
{
	struct caught_call *c = arg;

	c->ret = smccc_call(c->conduit, c->fid, c->args[0], c->args[1], c->args[2]);
}

uint64_t smccc_call_caught(enum conduit c, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3,
			   uint64_t *ret)
{
	struct caught_call call = { c, fid, { a1, a2, a3 }, 0 };
	uint64_t esr = expect_fault(do_call, &call);

	*ret = call.ret;
	return esr;
}
