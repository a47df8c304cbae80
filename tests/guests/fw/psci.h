/* SMC Calling Convention calls: PSCI and Mantle's hypercalls. */
#ifndef FW_PSCI_H
#define FW_PSCI_H

#include <stdint.h>
#include "dtb.h"

#define SMCCC_VERSION           0x80000000u
#define PSCI_VERSION            0x84000000u
#define PSCI_CPU_OFF            0x84000002u
#define PSCI_CPU_ON             0xc4000003u
#define PSCI_AFFINITY_INFO      0xc4000004u
#define PSCI_MIGRATE_INFO_TYPE  0x84000006u
#define PSCI_SYSTEM_OFF         0x84000008u
#define PSCI_SYSTEM_RESET       0x84000009u
#define PSCI_FEATURES           0x8400000au

#define MANTLE_HC_VERSION       0xc6000000u
#define MANTLE_HC_CONSOLE_WRITE 0xc6000001u
#define MANTLE_HC_CHANNEL_NOTIFY 0xc6000002u	/* x1: the channel's mantle,index */

/* MANTLE_HC_CHANNEL_NOTIFY results besides 0. */
#define MANTLE_CHANNEL_NONE     (-2)	/* no channel with that index */
#define MANTLE_CHANNEL_NO_PEER  (-3)	/* the peer guest does not exist now */

#define PSCI_SUCCESS            0
#define PSCI_NOT_SUPPORTED      (-1)
#define PSCI_INVALID_PARAMETERS (-2)
#define PSCI_DENIED             (-3)
#define PSCI_ALREADY_ON         (-4)

#define PSCI_AFFINITY_ON         0
#define PSCI_AFFINITY_OFF        1
#define PSCI_AFFINITY_ON_PENDING 2

/* The conduit for psci_call: the DTB's /psci method (HVC until set). */
void psci_set_conduit(enum conduit conduit);
enum conduit psci_conduit(void);

/* A call through HVC #0 or SMC #0: x0 = fid, x1-x3 = args; returns x0. */
uint64_t smccc_hvc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
uint64_t smccc_smc(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
uint64_t smccc_call(enum conduit conduit, uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

/*
 * smccc_call under the fault catcher: returns the ESR of the exception the
 * call took (it should take none: 0), the call's x0 in *ret.
 */
uint64_t smccc_call_caught(enum conduit conduit, uint32_t fid, uint64_t a1, uint64_t a2,
			   uint64_t a3, uint64_t *ret);

/* PSCI over the DTB's conduit. PSCI results are 32-bit signed (in w0). */
int32_t psci_call(uint32_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

static inline int32_t psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context)
{
	return psci_call(PSCI_CPU_ON, mpidr, entry, context);
}

static inline int32_t psci_affinity_info(uint64_t mpidr)
{
	return psci_call(PSCI_AFFINITY_INFO, mpidr, 0, 0);
}

#endif
