/*
 * A guest: its description, memory, stage-2 tables, vCPUs, emulated devices
 * and console. Guest vCPUs are scheduler vCPUs whose thread runs
 * guest_vcpu_main(); lifecycle changes (start, pause, reset, destroy) are
 * carried out by the "guestd" orphan vCPU so that no vCPU ever has to wait
 * for itself.
 */
#ifndef MANTLE_GUEST_H
#define MANTLE_GUEST_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <libs/list.h>
#include <arch/spinlock.h>
#include <arch/stage2.h>
#include <mantle/guest_config.h>
#include <mantle/emulator.h>
#include <mantle/crash_watch.h>
#include <mantle/vcpu.h>

struct vcpu;
struct vserial;
struct guest_vgic;

enum guest_state {
	GUEST_STOPPED,      /* created or halted: vCPUs parked */
	GUEST_RUNNING,
	GUEST_PAUSED,
	GUEST_DESTROYING,
};

enum vcpu_power { VCPU_POWER_OFF, VCPU_POWER_ON };

struct guest_mem {
	char name[GUEST_NODE_NAME_MAX];
	enum guest_mem_type type;
	uint64_t ipa, size, pa;          /* pa: host memory backing it (contiguous) */
};

struct guest {
	char name[GUEST_NAME_MAX];
	unsigned id;
	uint16_t vmid;
	struct guest_config cfg;
	char source[GUEST_PATH_MAX];     /* bundle path of the description */
	struct stage2 s2;
	unsigned nr_mem;
	struct guest_mem mem[GUEST_MAX_MEM];
	unsigned nr_devs;
	struct emu_device devs[GUEST_MAX_DEVICES];
	uint8_t devs_by_ipa[GUEST_MAX_DEVICES];   /* indices into devs, by IPA: MMIO exits bisect */
	unsigned nr_vcpus;
	struct vcpu *vcpus[GUEST_MAX_VCPUS];
	volatile enum guest_state state;
	const char *stop_reason;
	unsigned restarts;
	unsigned crashes;
	char last_crash[160];            /* "vcpu0: watchdog": who crashed last, and why */
	const char *volatile crash_pending;   /* raised off the vCPUs (guest_crash_async) */
	unsigned unhandled_logged;       /* rate limit for guest_log_unhandled */
	uint64_t entry_ipa, dtb_ipa, initrd_ipa, initrd_size;
 	struct vserial *console;
	struct guest_vgic *vgic;
	uint64_t cntvoff;                /* counter value at creation: its virtual time starts at 0 */
	spinlock_t lock;                 /* PSCI power state of the vCPUs */
	struct list_node node;
};

/* ---- lifecycle (any thread; carried out by guestd, waited for) ---- */
/* Start guestd, which first creates the guests boot.list in the bundle names. */
void guests_init(void);
/* Create (stopped) from a description blob; NULL with a one-line err on failure. */
struct guest *guest_create(const void *desc, size_t size, const char *source,
			   char *err, size_t errlen);
int guest_start(struct guest *g);
int guest_pause(struct guest *g);
int guest_resume(struct guest *g);
int guest_reset(struct guest *g);
int guest_destroy(struct guest *g);

struct guest *guest_find(const char *name);
void guests_lock(void);
void guests_unlock(void);
struct list_node *guests_list(void);
const char *guest_state_name(enum guest_state s);
/* Host address of [ipa, ipa+len) if it lies in one RAM/ROM region, else NULL. */
void *guest_ipa_to_host(struct guest *g, uint64_t ipa, uint64_t len);
/* The same for RAM only: what a device may read and write (never ROM). */
void *guest_ram_to_host(struct guest *g, uint64_t ipa, uint64_t len);
/* Largest block size (in pages) the IPA allows, so a region's backing can be aligned to match. */
size_t guest_region_align_pages(uint64_t ipa, uint64_t size);

/* ---- called from the arch exit handlers on the vCPU's own thread ---- */
/* x: the caller's x0..x3 (function ID and arguments). Returns what goes in x0. */
uint64_t guest_smccc_call(struct vcpu *v, const uint64_t x[4]);
/* After the call's result is in the vCPU's registers: apply a CPU_OFF. */
void guest_smccc_finish(struct vcpu *v);
/* The emulated device of v's guest whose window holds ipa, or NULL (a lookup by address). */
struct emu_device *guest_mmio_device_lookup(struct vcpu *v, uint64_t ipa);
/*
 * The same, first trying the device of v's last access: devices never
 * overlap and live as long as the guest's vCPUs, and polling loops hit one
 * device. Inline: every MMIO exit asks.
 */
static inline struct emu_device *guest_mmio_device(struct vcpu *v, uint64_t ipa)
{
	struct emu_device *d = v->mmio_last;

	if (d && ipa - d->ipa < d->size)
		return d;
	return guest_mmio_device_lookup(v, ipa);
}
/* An access to d (guest_mmio_device's): 0, or -1 when it refused it (the guest gets an abort). */
int guest_mmio_access(struct emu_device *d, uint64_t ipa, bool write, unsigned size, uint64_t *data);
/* An access no region or device covers: per the guest's on-abort policy. */
void guest_unhandled_abort(struct vcpu *v, uint64_t ipa, uint64_t va, bool write, bool insn);
void guest_vcpu_wfi(struct vcpu *v);
/* Make v notice something new: wake it if parked, interrupt it if it is in the guest. */
void guest_vcpu_kick(struct vcpu *v);
/* v's guest crashed: log it and apply on-crash. The first crash of a run counts, later ones are dropped. */
void guest_crashed(struct vcpu *v, const char *why);
/*
 * The same from any context, a device's timer say: the first of its vCPUs
 * to run carries it out. why must outlive the call (a string constant).
 */
void guest_crash_async(struct guest *g, const char *why);

/* ---- crash detection (guest_crash.c), on the vCPU's own thread ---- */
/* Every exit, before it is handled: irq says an interrupt caused it. May crash the guest. */
void guest_watch_exit(struct vcpu *v, bool irq);
/* An unhandled abort about to be injected: true if it made the guest crash instead. */
bool guest_watch_abort(struct vcpu *v, uint64_t ipa, bool insn);
void guest_watch_injected(struct vcpu *v);
/* WFI with nothing pending: why nothing can ever wake v, or NULL if something can. */
const char *guest_wfi_hopeless(struct vcpu *v);
void guest_log_unhandled(struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A device just added at g->devs[i] (the last one) joins the index MMIO lookups use. */
void guest_index_device(struct guest *g, unsigned i);

#endif
