#include <string.h>
#include <stdio.h>
#include <arch/spinlock.h>
#include <mantle/vcpu.h>
#include <mantle/sched.h>
#include <mantle/heap.h>
#include <mantle/percpu.h>
#include <arch/vcpu_regs.h>

const char *const vcpu_exit_reason_name[VCPU_EXIT_REASONS] = {
	[VCPU_EXIT_IRQ] = "irq", [VCPU_EXIT_WFI] = "wfi", [VCPU_EXIT_WFE] = "wfe",
	[VCPU_EXIT_HVC] = "hvc", [VCPU_EXIT_SMC] = "smc", [VCPU_EXIT_SYSREG] = "sysreg",
	[VCPU_EXIT_MMIO] = "mmio", [VCPU_EXIT_IABT] = "iabt", [VCPU_EXIT_FP] = "fp",
	[VCPU_EXIT_OTHER] = "other",
};

const char *guest_name_of(struct guest *g);

static struct list_node all_vcpus = LIST_HEAD_INIT(all_vcpus);
static spinlock_t vcpus_lock = SPINLOCK_INIT;
static irqflags_t vcpus_lock_flags;
static unsigned next_id;

void vcpu_list_lock(void) { vcpus_lock_flags = spin_lock_irqsave(&vcpus_lock); }
void vcpu_list_unlock(void) { spin_unlock_irqrestore(&vcpus_lock, vcpus_lock_flags); }
struct list_node *vcpu_list(void) { return &all_vcpus; }

void vcpu_list_add(struct vcpu *v)
{
	vcpu_list_lock();
	v->id = next_id++;
	list_add_tail(&all_vcpus, &v->all_node);
	vcpu_list_unlock();
}

const char *vcpu_state_name(enum vcpu_state s)
{
	switch (s) {
	case VCPU_READY: return "ready";
	case VCPU_RUNNING: return "running";
	case VCPU_BLOCKED: return "blocked";
	case VCPU_DEAD: return "dead";
	}
	return "?";
}

/* Allocate and prepare a vCPU; not yet visible nor schedulable. */
static struct vcpu *vcpu_alloc(const char *name, unsigned cpu, unsigned prio,
			       uint64_t slice_ns, void (*entry)(void *), void *arg)
{
	struct vcpu *v;

	if (cpu >= CONFIG_MAX_CPUS || !pcpus[cpu].online || pcpus[cpu].halted || !entry ||
	    prio > SCHED_PRIO_MAX || prio == SCHED_PRIO_IDLE || !slice_ns)
		return NULL;
	v = heap_zalloc(sizeof(*v));
	if (!v)
		return NULL;
	v->stack_size = CONFIG_THREAD_STACK_SIZE;
	v->stack = heap_alloc(v->stack_size);
	if (!v->stack) {
		heap_free(v);
		return NULL;
	}
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->cpu = cpu;
	v->prio = prio;
	v->slice_ns = slice_ns;
	v->entry = entry;
	v->arg = arg;
	list_init(&v->rq_node);
	arch_context_init(&v->ctx, (char *)v->stack + v->stack_size, entry, arg);
	return v;
}

struct vcpu *vcpu_create_orphan(const char *name, unsigned cpu, unsigned prio,
				uint64_t slice_ns, void (*entry)(void *), void *arg)
{
	struct vcpu *v = vcpu_alloc(name, cpu, prio, slice_ns, entry, arg);

	if (!v)
		return NULL;
	vcpu_list_add(v);
	sched_add(v);
	return v;
}

bool vcpu_start_detached(const char *name, unsigned cpu, unsigned prio,
			 uint64_t slice_ns, void (*entry)(void *), void *arg)
{
	struct vcpu *v = vcpu_alloc(name, cpu, prio, slice_ns, entry, arg);

	if (!v)
		return false;
	/* Before it can run: it may be gone the moment it is scheduled. */
	v->detached = true;
	vcpu_list_add(v);
	sched_add(v);
	return true;
}

struct vcpu *vcpu_create_guest(struct guest *g, unsigned index, unsigned cpu, unsigned prio,
			       uint64_t slice_ns, void (*entry)(void *))
{
	char name[32];
	struct vcpu *v;

	snprintf(name, sizeof(name), "%s/%u", guest_name_of(g), index);
	v = vcpu_alloc(name, cpu, prio, slice_ns, entry, NULL);
	if (!v)
		return NULL;
	v->arch = heap_zalloc(sizeof(*v->arch));
	if (!v->arch) {
		heap_free(v->stack);
		heap_free(v);
		return NULL;
	}
	v->guest = g;
	v->index = index;
	v->arg = v;
	arch_context_init(&v->ctx, (char *)v->stack + v->stack_size, entry, v);
	/* Parked until guestd wakes it: the first wake-up enqueues it. */
	v->state = VCPU_BLOCKED;
	vcpu_list_add(v);
	return v;
}

uint64_t vcpu_exits(const struct vcpu *v)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < VCPU_EXIT_REASONS; i++)
		n += v->exit_stats.by_reason[i].count;
	return n;
}

bool vcpu_exited(const struct vcpu *v)
{
	/*
	 * Not state == DEAD alone, nor "not its CPU's current": the dying thread
	 * still runs on its stack, and saves its registers into v, until the
	 * switch away from it is over.
	 */
	return __atomic_load_n(&v->gone, __ATOMIC_ACQUIRE);
}

void vcpu_switched_away(struct vcpu *v)
{
	if (v->detached)
		vcpu_free(v);
	else
		__atomic_store_n(&v->gone, true, __ATOMIC_RELEASE);
}

void vcpu_free(struct vcpu *v)
{
	vcpu_list_lock();
	list_del(&v->all_node);
	vcpu_list_unlock();
	heap_free(v->arch);
	heap_free(v->stack);
	heap_free(v);
}
