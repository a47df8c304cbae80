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
#define GUEST_BOOT_DELAY_MS_MAX 3600000U   /* one hour: more is a mistake, not a plan */

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

#define GUEST_SWITCH_NAME_MAX 16
#define GUEST_BACKEND_NAME_MAX 48
#define GUEST_CHANNEL_NAME_MAX 32

enum guest_dev_kind {
	GUEST_DEV_EMULATED,       /* an emulator's compatible (guest_known_devices) */
	GUEST_DEV_PASSTHROUGH,    /* "mantle,passthrough": a host device */
	GUEST_DEV_CHANNEL,        /* "mantle,channel": shared memory and a doorbell with a peer guest */
};

struct guest_dev_config {
	char name[GUEST_NODE_NAME_MAX];      /* node name less its unit address: "uart0"; unique */
	char compatible[32];                 /* an emulator's compatible, or "mantle,passthrough"/"mantle,channel" */
	enum guest_dev_kind kind;
	uint64_t ipa, size;                  /* guest-physical MMIO window (channel: the shared memory) */
	uint32_t irq;                        /* guest INTID (SPI: 32 + n), 0 = none */
	bool irq_edge;                       /* the interrupts flags said edge (1), not level (4) */
	bool passthrough;                    /* kind == GUEST_DEV_PASSTHROUGH */
	uint64_t host_pa;                    /* passthrough: host MMIO base (same size) */
	uint32_t host_irq;                   /* passthrough: host INTID, 0 = none */
	char guest_compatible[32];           /* passthrough: the compatible the guest's generated DTB gives it ("" = no node) */
	bool dma;                            /* passthrough: the device does DMA (guest DTB gets dma-ranges) */

	/* "mantle,virtio-blk": exactly one of backend and ramdisk. */
	char blk_backend[GUEST_BACKEND_NAME_MAX];   /* a host block backend by name ("disk0") */
	char blk_ramdisk[GUEST_PATH_MAX];    /* bundle file: a private RAM disk holding a copy of it */
	bool blk_has_range;                  /* backend only: sector-range given */
	uint64_t blk_start, blk_count;       /* the range, in 512-byte sectors; count > 0 */
	bool read_only;

	/* "mantle,virtio-net" */
	char net_switch[GUEST_SWITCH_NAME_MAX];     /* switch name, required */
	bool has_mac;
	uint8_t mac[6];                      /* unicast; default: derived from guest and device names */

	/* "mantle,channel" */
	char chan_name[GUEST_CHANNEL_NAME_MAX];     /* the channel both ends name */
	char chan_peer[GUEST_NAME_MAX];      /* the other guest */
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
	/* Start order at boot (docs/guest-dts.md): lower first, then the guests without one. */
	bool has_boot_order;
	uint32_t boot_order;
	uint32_t boot_delay_ms;              /* earliest start, counted from when guests begin booting */
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
