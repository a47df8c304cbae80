/* Running a guest vCPU: the arch side of a guest vCPU thread's loop. */
#ifndef ARCH_VCPU_ARCH_H
#define ARCH_VCPU_ARCH_H
#include <stdint.h>
#include <stdbool.h>
#include <arch/vcpu_regs.h>
#include <arch/stage2.h>

struct vcpu;
enum vcpu_exit_reason;

/* Once per CPU: VTCR_EL2 for the IPA size every guest uses. */
void arch_virt_cpu_init(void);
/* IPA bits guests get (what the CPU supports, at most S2_MAX_IPA_BITS). */
unsigned arch_guest_ipa_bits(void);

/* Reset to the architectural state a vCPU starts in (EL1h, MMU off, interrupts masked). */
void arch_vcpu_reset(struct arch_vcpu *a, unsigned index, uint16_t vmid, const struct stage2 *s2);
/*
 * Enter the guest until an exit needs more than a quick handler (see
 * arch_exit_fast in trap.c) or the scheduler or guest state says stop; returns
 * that exit's EXIT_*, for arch_vcpu_handle_exit, or ARCH_EXIT_HANDLED when
 * it was handled already. Call with interrupts enabled (thread context).
 */
#define ARCH_EXIT_HANDLED (-1)
int arch_vcpu_run(struct vcpu *v);
/* Make this CPU's EL1 registers v's (saving whoever's they were). IRQs masked. */
void arch_vcpu_load_el1(struct vcpu *v);
/* A guest's view of an ID register (op0=3, op1=0, CRn=0): hidden features cleared. */
uint64_t arch_guest_id_reg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2);
/* Handle the exit arch_vcpu_run returned; returns its class, for the statistics. */
enum vcpu_exit_reason arch_vcpu_handle_exit(struct vcpu *v, int exit);
/* Forget any state of v held in this CPU's registers (v is going away). */
void arch_vcpu_unload(struct vcpu *v);
/* Invalidate every stage-2 TLB entry of a VMID (before the VMID is reused). */
void arch_flush_vmid(uint16_t vmid, const struct stage2 *s2);

/* Exceptions Mantle makes the guest take. */
void arch_inject_undef(struct vcpu *v);
void arch_inject_dabt(struct vcpu *v, uint64_t far, bool write);
void arch_inject_pabt(struct vcpu *v, uint64_t far);

#endif
