/*
 * Calls a guest makes with HVC or SMC (SMC Calling Convention): PSCI 1.1,
 * the SMCCC version queries, and Mantle's own hypercalls. Anything else
 * returns NOT_SUPPORTED, as the convention requires.
 */
#include <stdio.h>
#include <string.h>
#include <arch/vcpu_arch.h>
#include <arch/vcpu_regs.h>
#include <mantle/guest.h>
#include <mantle/vcpu.h>
#include <mantle/sched.h>
#include <mantle/vserial.h>
#include <mantle/log.h>
#include <mantle/channel.h>
#include <mantle/smccc.h>

#define MANTLE_HC_VERSION_VALUE 0x00010001u   /* 1.1: channels */
#define CONSOLE_WRITE_MAX       4096

#define RET_SUCCESS             0
#define RET_NOT_SUPPORTED       ((uint64_t)-1)
#define RET_INVALID_PARAMETERS  ((uint64_t)-2)
#define RET_ALREADY_ON          ((uint64_t)-4)
#define RET_INVALID_ADDRESS     ((uint64_t)-9)

#define AFFINITY_ON             0
#define AFFINITY_OFF            1
#define MIGRATE_NONE            2

void guest_system_off(struct vcpu *v);
void guest_system_reset(struct vcpu *v);

static bool psci_implemented(uint32_t fid)
{
	switch (fid) {
	case PSCI_VERSION: case PSCI_CPU_SUSPEND_32: case PSCI_CPU_SUSPEND_64: case PSCI_CPU_OFF:
	case PSCI_CPU_ON_32: case PSCI_CPU_ON_64: case PSCI_AFFINITY_INFO_32: case PSCI_AFFINITY_INFO_64:
	case PSCI_MIGRATE_INFO_TYPE: case PSCI_SYSTEM_OFF: case PSCI_SYSTEM_RESET: case PSCI_FEATURES:
	case SMCCC_VERSION:
		return true;
	}
	return false;
}

/* The vCPU whose MPIDR affinity is mpidr (Aff0 = index), or NULL. */
static struct vcpu *vcpu_by_mpidr(struct guest *g, uint64_t mpidr)
{
	uint64_t index = mpidr & 0xff;

	if ((mpidr & 0xff00ffff00ULL) || index >= g->nr_vcpus)
		return NULL;
	return g->vcpus[index];
}

static uint64_t cpu_on(struct vcpu *caller, uint64_t mpidr, uint64_t entry, uint64_t context)
{
	struct guest *g = caller->guest;
	struct vcpu *t = vcpu_by_mpidr(g, mpidr);
	irqflags_t f;

	if (!t || (entry & 3))
		return RET_INVALID_PARAMETERS;
	/* Started there, the vCPU would only fault (and be taken for crashed): say so now. */
	if (!guest_ipa_to_host(g, entry, 4))
		return RET_INVALID_ADDRESS;
	f = spin_lock_irqsave(&g->lock);
	if (t->power == VCPU_POWER_ON) {
		spin_unlock_irqrestore(&g->lock, f);
		return RET_ALREADY_ON;
	}
	/* Off: its thread is parked and does not touch these registers. */
	for (unsigned i = 0; i < 31; i++)
		t->arch->regs.x[i] = 0;
	t->arch->regs.x[0] = context;
	t->arch->regs.pc = entry;
	t->arch->regs.pstate = PSTATE_EL1H_MASKED;
	/* A fresh EL1 (MMU off): forget any older state still live in its CPU's registers. */
	memset(&t->arch->sys, 0, sizeof(t->arch->sys));
	t->arch->sys.sctlr = SCTLR_EL1_RESET;
	arch_vcpu_unload(t);
	t->power = VCPU_POWER_ON;
	spin_unlock_irqrestore(&g->lock, f);
	sched_wake(t);
	return RET_SUCCESS;
}

static uint64_t console_write(struct vcpu *v, uint64_t ipa, uint64_t len)
{
	const char *s;

	if (len > CONSOLE_WRITE_MAX || !(s = guest_ipa_to_host(v->guest, ipa, len ? len : 1)))
		return RET_INVALID_PARAMETERS;
	if (v->guest->console)
		for (uint64_t i = 0; i < len; i++)
			vserial_write(v->guest->console, s[i]);
	return len;
}

static __attribute__((noinline)) uint64_t psci_call(struct vcpu *v, uint32_t fid, const uint64_t args[4])
{
	struct vcpu *t;

	switch (fid) {
	case PSCI_VERSION:
		return 0x10001;                 /* PSCI 1.1 */
	case PSCI_FEATURES:
		return psci_implemented((uint32_t)args[1]) ? RET_SUCCESS : RET_NOT_SUPPORTED;
	case PSCI_CPU_ON_32:
	case PSCI_CPU_ON_64:
		return cpu_on(v, args[1], args[2], args[3]);
	case PSCI_CPU_OFF:
		/* Applied by guest_smccc_finish, once the exit has stopped writing this vCPU's registers. */
		v->off_requested = true;
		return RET_SUCCESS;
	case PSCI_CPU_SUSPEND_32:
	case PSCI_CPU_SUSPEND_64:
		/* Every power state is treated as standby: resume after a wake-up event. */
		guest_vcpu_wfi(v);
		return RET_SUCCESS;
	case PSCI_AFFINITY_INFO_32:
	case PSCI_AFFINITY_INFO_64:
		if (args[2] != 0 || !(t = vcpu_by_mpidr(v->guest, args[1])))
			return RET_INVALID_PARAMETERS;
		return t->power == VCPU_POWER_ON ? AFFINITY_ON : AFFINITY_OFF;
	case PSCI_MIGRATE_INFO_TYPE:
		return MIGRATE_NONE;
	case PSCI_SYSTEM_OFF:
		guest_system_off(v);
		return RET_SUCCESS;
	case PSCI_SYSTEM_RESET:
		guest_system_reset(v);
		return RET_SUCCESS;
	default:
		return RET_NOT_SUPPORTED;
	}
}

/* Out of line, as psci_call: the dispatcher below stays a frameless tail call. */
static __attribute__((noinline)) uint64_t mantle_call(struct vcpu *v, uint32_t fid, const uint64_t args[4])
{
	switch (fid) {
	case MANTLE_HC_VERSION:
		return MANTLE_HC_VERSION_VALUE;
	case MANTLE_HC_CONSOLE_WRITE:
		return console_write(v, args[1], args[2]);
	case MANTLE_HC_CHANNEL_NOTIFY:
		return (uint64_t)(int64_t)channel_ring(v->guest, args[1]);
	default:
		return RET_NOT_SUPPORTED;
	}
}

uint64_t guest_smccc_call(struct vcpu *v, const uint64_t args[4])
{
	uint32_t fid = (uint32_t)args[0];

	/* By owning entity first (the SMCCC's bits 31:24), as the convention lays calls out. */
	switch (fid >> 24) {
	case SMCCC_VERSION >> 24:
		return fid == SMCCC_VERSION ? 0x10001 : RET_NOT_SUPPORTED;    /* SMCCC 1.1 */
	case PSCI_VERSION >> 24:
	case PSCI_CPU_ON_64 >> 24:
		return psci_call(v, fid, args);
	case MANTLE_HC_VERSION >> 24:
		return mantle_call(v, fid, args);
	default:
		return RET_NOT_SUPPORTED;
	}
}

void guest_smccc_finish(struct vcpu *v)
{
	irqflags_t f;

	if (!v->off_requested)
		return;
	v->off_requested = false;
	/*
	 * From here on CPU_ON from a sibling may rewrite the registers: this
	 * thread only parks (the vCPU loop sees the power state) and does not
	 * touch them again.
	 */
	f = spin_lock_irqsave(&v->guest->lock);
	v->power = VCPU_POWER_OFF;
	spin_unlock_irqrestore(&v->guest->lock, f);
}
