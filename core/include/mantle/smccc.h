/* Function IDs of the calls guests make with HVC or SMC (guest_smccc.c handles them). */
#ifndef MANTLE_SMCCC_H
#define MANTLE_SMCCC_H

#define SMCCC_VERSION           0x80000000u
#define SMCCC_ARCH_FEATURES     0x80000001u

#define PSCI_VERSION            0x84000000u
#define PSCI_CPU_SUSPEND_32     0x84000001u
#define PSCI_CPU_SUSPEND_64     0xC4000001u
#define PSCI_CPU_OFF            0x84000002u
#define PSCI_CPU_ON_32          0x84000003u
#define PSCI_CPU_ON_64          0xC4000003u
#define PSCI_AFFINITY_INFO_32   0x84000004u
#define PSCI_AFFINITY_INFO_64   0xC4000004u
#define PSCI_MIGRATE_INFO_TYPE  0x84000006u
#define PSCI_SYSTEM_OFF         0x84000008u
#define PSCI_SYSTEM_RESET       0x84000009u
#define PSCI_FEATURES           0x8400000Au

#define MANTLE_HC_VERSION       0xC6000000u
#define MANTLE_HC_CONSOLE_WRITE 0xC6000001u
#define MANTLE_HC_CHANNEL_NOTIFY 0xC6000002u

#endif
