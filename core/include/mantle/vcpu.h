/*
 * A vCPU is the unit the scheduler runs. An orphan vCPU is a hypervisor
 * thread with no guest (the shell, device backends, the per-CPU idle
 * loop); a guest vCPU (later) is the same object with a guest attached,
 * whose thread body enters and leaves the guest.
 */
#ifndef MANTLE_VCPU_H
#define MANTLE_VCPU_H
#include <stdint.h>
#include <stdbool.h>
#include <libs/list.h>
#include <arch/context.h>
#include <mantle/timer_queue.h>
#include <mantle/crash_watch.h>

enum vcpu_state {
	VCPU_READY,      /* on its CPU's run queue */
	VCPU_RUNNING,
	VCPU_BLOCKED,    /* waiting for a wake-up */
	VCPU_DEAD,       /* returned from its entry; not scheduled again */
};

struct guest;
struct arch_vcpu;
struct emu_device;

/* Why a guest vCPU left the guest, as counted for `guest stats`. */
enum vcpu_exit_reason {
	VCPU_EXIT_IRQ,          /* a host interrupt (timer, IPI, device) */
	VCPU_EXIT_WFI,
	VCPU_EXIT_WFE,
	VCPU_EXIT_HVC,
	VCPU_EXIT_SMC,
	VCPU_EXIT_SYSREG,       /* a trapped system register */
	VCPU_EXIT_MMIO,         /* a data abort: emulated device or stage-2 fault */
	VCPU_EXIT_IABT,
	VCPU_EXIT_FP,           /* first FP/SIMD use */
	VCPU_EXIT_OTHER,
	VCPU_EXIT_REASONS
};

extern const char *const vcpu_exit_reason_name[VCPU_EXIT_REASONS];

/* Side by side, so that counting an exit is one load and one store of a pair. */
struct vcpu_exit_count {
	uint64_t count;
	uint64_t ticks;         /* host counter ticks spent handling them */
};

struct vcpu_exit_stats {
	struct vcpu_exit_count by_reason[VCPU_EXIT_REASONS];
};

struct vcpu {
	struct arch_context ctx;
	char name[32];
	unsigned id;
	struct guest *guest;           /* NULL for an orphan vCPU */
	unsigned cpu;                  /* the pCPU it runs on (pinned) */
	unsigned prio;                 /* higher runs first */
	uint64_t slice_ns;
	volatile enum vcpu_state state;
	volatile bool wake_pending;    /* a wake-up that arrived while it was not blocked */
	struct list_node rq_node;
	struct list_node all_node;
	void *stack;
	uint64_t stack_size;
	void (*entry)(void *);
	void *arg;
	bool detached;                 /* nobody keeps it: freed as soon as its thread has exited */
	volatile bool gone;            /* dead, and its CPU has switched off its stack for good */
	/* guest vCPUs only */
	struct arch_vcpu *arch;
	unsigned index;                /* number within its guest */
	volatile int power;            /* enum vcpu_power */
	volatile bool in_wfi;
	bool off_requested;            /* PSCI CPU_OFF seen, applied when the exit is done */
	struct vcpu_exit_stats exit_stats;
	struct crash_watch crash_watch;  /* the exception-loop detector's view of it */
	/* The device its last emulated MMIO access went to: loops poll one device (guest_mmio_device). */
	struct emu_device *mmio_last;
	struct timer_event timer_wake;   /* follows the vtimer while the vCPU's state is off the CPU */
	struct timer_event ptimer_event; /* deadline of the emulated EL1 physical timer */
	/* accounting */
	uint64_t runtime_ns;
	uint64_t run_start_ns;
	uint64_t nr_runs;
};

static inline bool vcpu_is_orphan(const struct vcpu *v) { return v->guest == NULL; }

/* Create a started orphan vCPU pinned to cpu. NULL on bad arguments or no memory. */
struct vcpu *vcpu_create_orphan(const char *name, unsigned cpu, unsigned prio,
				uint64_t slice_ns, void (*entry)(void *), void *arg);

/*
 * A started orphan nobody keeps (a one-off job): the scheduler frees it
 * once entry returns, so no pointer to it is handed out. false as above.
 */
bool vcpu_start_detached(const char *name, unsigned cpu, unsigned prio,
			 uint64_t slice_ns, void (*entry)(void *), void *arg);

/* A guest vCPU, created blocked: its thread runs entry(arg) once woken. */
struct vcpu *vcpu_create_guest(struct guest *g, unsigned index, unsigned cpu, unsigned prio,
			       uint64_t slice_ns, void (*entry)(void *));
/* Its thread has returned and its CPU has switched away from it: it may be freed. */
bool vcpu_exited(const struct vcpu *v);
/* Free a vCPU whose thread is dead and off its CPU. */
void vcpu_free(struct vcpu *v);
/* The scheduler, on v's CPU, once it no longer runs on v's stack: v may now be freed. */
void vcpu_switched_away(struct vcpu *v);

/* Make v visible to vcpu_list() (idle vCPUs; orphans are added on creation). */
void vcpu_list_add(struct vcpu *v);

/* Iterate all vCPUs (under vcpu_list_lock()). */
void vcpu_list_lock(void);
void vcpu_list_unlock(void);
struct list_node *vcpu_list(void);

const char *vcpu_state_name(enum vcpu_state s);

/* One exit of why, handled in ticks of the host counter. */
static inline void vcpu_count_exit(struct vcpu *v, enum vcpu_exit_reason why, uint64_t ticks)
{
	struct vcpu_exit_count *c = &v->exit_stats.by_reason[why];

	c->count++;
	c->ticks += ticks;
}

/* Exits so far, of every kind. */
uint64_t vcpu_exits(const struct vcpu *v);

#endif
