/* PSCI calls to firmware (or QEMU), through the conduit the host DTB names. */
#ifndef ARCH_PSCI_H
#define ARCH_PSCI_H
#include <stdint.h>
#include <stdbool.h>

#define PSCI_VERSION            0x84000000u
#define PSCI_CPU_ON             0xC4000003u
#define PSCI_SYSTEM_OFF         0x84000008u
#define PSCI_SYSTEM_RESET       0x84000009u

#define PSCI_SUCCESS            0
#define PSCI_ALREADY_ON         (-4)

enum psci_conduit { PSCI_CONDUIT_NONE, PSCI_CONDUIT_SMC, PSCI_CONDUIT_HVC };

/* Reads /psci from the host DTB; false when there is none. */
bool psci_init(const void *fdt);
enum psci_conduit psci_conduit(void);
uint32_t psci_version(void);
int psci_cpu_on(uint64_t mpidr, uint64_t entry_pa, uint64_t context);
void psci_system_off(void);
void psci_system_reset(void);

#endif
