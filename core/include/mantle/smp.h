/* Starting the secondary CPUs. */
#ifndef MANTLE_SMP_H
#define MANTLE_SMP_H
/* Start every CPU of the DTB through PSCI and wait (bounded) for each. */
void smp_boot_secondaries(void);
#endif
