/* A guest vCPU's architectural state, as Mantle saves it. */
#ifndef ARCH_VCPU_REGS_H
#define ARCH_VCPU_REGS_H

/* Offsets used by guest_entry.S. */
#define GREGS_X(n)      ((n) * 8)
#define GREGS_PC        (31 * 8)
#define GREGS_PSTATE    (32 * 8)
#define GREGS_ESR       (33 * 8)
#define GREGS_FAR       (34 * 8)
#define GREGS_HPFAR     (35 * 8)

#define EXIT_SYNC       0
#define EXIT_IRQ        1
#define EXIT_SERROR     2
/* arch_exit_fast's answers besides EXIT_SYNC (not a quick exit: handle it in full). */
#define EXIT_SYNC_DONE  3   /* handled; leave the run loop all the same */
#define EXIT_REENTER    4   /* handled; straight back into the guest */

#ifndef __ASSEMBLY__
#include <stdint.h>
#include <stdbool.h>
#include <vgic/vgic.h>

struct guest_gprs {
	uint64_t x[31];
	uint64_t pc;          /* ELR_EL2 */
	uint64_t pstate;      /* SPSR_EL2 */
	uint64_t esr, far, hpfar;   /* of the last exit */
};

/* The guest's view of the CPU's PMUv3, switched with the rest of its EL1 state. */
#define GUEST_PMU_COUNTERS 31
struct guest_pmu {
	uint64_t pmcr, selr, userenr, cnten, inten, ovs, ccntr, ccfiltr;
	uint64_t evcntr[GUEST_PMU_COUNTERS], evtyper[GUEST_PMU_COUNTERS];
};

/* EL1 state that only changes hands when another guest vCPU runs on the CPU. */
struct guest_sysregs {
	uint64_t sctlr, ttbr0, ttbr1, tcr, mair, amair, vbar, contextidr;
	uint64_t tpidr_el0, tpidrro_el0, tpidr_el1, sp_el0, sp_el1, elr_el1, spsr_el1;
	uint64_t esr_el1, far_el1, afsr0, afsr1, par, cpacr, cntkctl, csselr, actlr;
	uint64_t mdscr;
	uint64_t tpidr2, vdisr;          /* with SME / RAS only: EL1 reaches them, no trap exists */
	struct guest_pmu pmu;            /* with a PMUv3 only */
	uint64_t cntv_ctl, cntv_cval;    /* the guest's virtual timer (CNTVOFF comes with the vGIC work) */
};

struct guest_fpregs {
	__uint128_t q[32];
	uint64_t fpsr, fpcr;
};

/* The vCPU's virtual CPU interface state and the list registers the last entry used. */
struct arch_vgic_state {
	uint64_t vmcr, apr;
	uint64_t apr0;            /* GICv3: Group 0 active priorities (ICH_AP0R0_EL2) */
	unsigned nr;
	bool loaded;              /* the list registers hold this state (inside arch_vcpu_run) */
	/* Is the last flush out of date while the list registers are empty? (vgic_hw_enter) */
	const uint32_t *model_notes;   /* the model's count of changes for this vCPU... */
	uint32_t notes;                /* ...and what it was at that flush */
	bool resample_vtimer;          /* the host vtimer interrupt was left silenced */
	struct vgic_lr lrs[VGIC_MAX_LRS];
};

struct arch_vcpu {
	struct guest_gprs regs;
	struct guest_sysregs sys;
	struct guest_fpregs fp;
	bool fp_used;             /* the guest touched FP/SIMD since reset */
	bool fp_in_regs;          /* its FP/SIMD values are in its CPU's registers, not in fp */
	uint64_t hcr, vmpidr, vttbr;
	uint64_t cntvoff;
	uint64_t cntp_ctl, cntp_cval;    /* the emulated EL1 physical timer */
	struct arch_vgic_state vgic;
};

#define PSTATE_EL1H_MASKED 0x3C5ULL   /* EL1h, D, A, I, F masked: reset and exception entry */
#define SCTLR_EL1_RESET    0x30D00800ULL /* RES1 bits only: MMU and caches off */
#endif
#endif
