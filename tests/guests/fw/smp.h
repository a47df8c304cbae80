/*
 * Secondary vCPUs. Logical number 0 is the boot vCPU; the other cpu nodes of
 * the DTB are 1.. in tree order. A started secondary counts itself in,
 * prints "cpu N up", runs the function it was started with (if any), waits
 * to be released, then calls PSCI CPU_OFF.
 */
#ifndef FW_SMP_H
#define FW_SMP_H

#include <stdint.h>
#include "dtb.h"

#define SMP_TIMEOUT_MS 5000

void smp_init(const struct platform *p);
unsigned int smp_ncpus(void);
uint64_t smp_mpidr(unsigned int id);

/* PSCI CPU_ON of secondary id at secondary_entry; returns the PSCI result. */
int32_t smp_start(unsigned int id);
/* The same, and the secondary runs fn(arg) (IRQs masked) once it is up. */
int32_t smp_start_fn(unsigned int id, void (*fn)(void *), void *arg);
/* Whether secondary id checked in within timeout_ms. */
int smp_wait_up(unsigned int id, unsigned int timeout_ms);
/* Lets secondary id go on to CPU_OFF. */
void smp_release(unsigned int id);
/* Polls AFFINITY_INFO of id until it reads want or timeout_ms pass; returns the last value. */
int32_t smp_wait_affinity(unsigned int id, int32_t want, unsigned int timeout_ms);
/* How many times secondaries have checked in since boot. */
unsigned int smp_checkins(void);

#endif
