/*
 * A guest as its DTS file describes it, parsed and checked before anything
 * is allocated. docs/guest-dts.md documents the source format.
 */
#ifndef MANTLE_GUEST_CONFIG_H
#define MANTLE_GUEST_CONFIG_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define GUEST_NAME_MAX      32
#define GUEST_MAX_VCPUS     8
#define GUEST_MAX_MEM       8
#define GUEST_MAX_DEVICES   16
#define GUEST_PATH_MAX      64
#define GUEST_BOOTARGS_MAX  256
#define GUEST_NODE_NAME_MAX 32

enum guest_policy { GUEST_POLICY_HALT, GUEST_POLICY_RESTART };
/* What a stage-2 fault outside every region does: inject an abort into the guest, or stop it. */
enum guest_abort_policy { GUEST_ABORT_INJECT, GUEST_ABORT_STOP };
enum guest_mem_type { GUEST_MEM_RAM, GUEST_MEM_ROM };

struct guest_vcpu_config {
	unsigned pcpu;            /* host CPU it is pinned to */
	unsigned prio;            /* scheduler priority, 1..CONFIG_SCHED_PRIORITIES-1 */
	uint64_t slice_ns;        /* time slice */
};

struct guest_mem_config {
	char name[GUEST_NODE_NAME_MAX];      /* node name less its unit address: "memory" */
	enum guest_mem_type type;
	uint64_t ipa, size;       /* page aligned, size > 0 */
	char image[GUEST_PATH_MAX];   /* ROM: bundle path of its contents ("" = zeroes) */
};

struct guest_dev_config {
	char name[GUEST_NODE_NAME_MAX];      /* node name less its unit address: "uart0"; unique */
	char compatible[32];                 /* an emulator's compatible, or "mantle,passthrough" */
	uint64_t ipa, size;                  /* guest-physical MMIO window */
	uint32_t irq;                        /* guest INTID (SPI: 32 + n), 0 = none */
	bool passthrough;
	uint64_t host_pa;                    /* passthrough: host MMIO base (same size) */
	uint32_t host_irq;                   /* passthrough: host INTID, 0 = none */
};

struct guest_config {
	char name[GUEST_NAME_MAX];
	unsigned nr_vcpus;
	struct guest_vcpu_config vcpus[GUEST_MAX_VCPUS];   /* indexed by vCPU id */
	unsigned nr_mem;
	struct guest_mem_config mem[GUEST_MAX_MEM];
	unsigned nr_devs;
	struct guest_dev_config devs[GUEST_MAX_DEVICES];

	char kernel[GUEST_PATH_MAX];         /* bundle path, required */
	char initrd[GUEST_PATH_MAX];         /* "" = none */
	char dtb[GUEST_PATH_MAX];            /* "" = Mantle generates one */
	char bootargs[GUEST_BOOTARGS_MAX];
	bool has_entry;
	uint64_t entry;                      /* IPA; default: where the kernel image is loaded */

	enum guest_policy on_stop;           /* guest's PSCI SYSTEM_OFF */
	enum guest_policy on_crash;
	enum guest_abort_policy on_abort;
	bool autostart;
};

/* Compatibles an emulated device may have (the emulators Mantle has), NULL-terminated. */
extern const char *const guest_known_devices[];

/*
 * Parse and validate one guest description. file names the source in
 * messages. On error returns -1 with a one-line message in err, of the form
 * "FILE: /NODE/PATH: what is wrong"; cfg is then unspecified.
 */
int guest_config_parse(const void *fdt, size_t fdt_size, const char *file,
		       unsigned nr_host_cpus, struct guest_config *cfg,
		       char *err, size_t errlen);

#endif
