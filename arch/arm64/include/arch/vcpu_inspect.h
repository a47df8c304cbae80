/*
 * What crash detection reads of a guest vCPU: its EL1 exception registers,
 * its timers and its virtual GIC CPU interface, from the CPU's registers
 * when they hold the vCPU's state, else from where Mantle saved it.
 */
#ifndef ARCH_VCPU_INSPECT_H
#define ARCH_VCPU_INSPECT_H
#include <stdint.h>
#include <stdbool.h>
#include <mantle/crash_watch.h>

struct vcpu;

void arch_vcpu_exc_state(struct vcpu *v, struct crash_exc_state *st);
/* The PPIs (as a bit mask of INTIDs) of v's timers that are enabled and not masked. */
uint32_t arch_vcpu_armed_timer_ppis(struct vcpu *v);
/* v's virtual CPU interface signals interrupts at all: a group enabled and a priority mask above 0. */
bool arch_vcpu_cpuif_open(struct vcpu *v);

#endif
