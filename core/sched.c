#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <arch/irqflags.h>
#include <mantle/sched.h>
#include <mantle/percpu.h>
#include <mantle/timer.h>
#include <mantle/irq.h>
#include <mantle/log.h>

static struct vcpu idle_vcpus[CONFIG_MAX_CPUS];
/* A vCPU that died on this CPU, handed over (vcpu_switched_away) once the switch off it is done. */
static struct vcpu *dying[CONFIG_MAX_CPUS];

/* Runs on the vCPU switched to, first thing: the previous one's stack is free now. */
static void finish_switch(void)
{
	unsigned cpu = this_cpu_id();
	struct vcpu *dead = dying[cpu];

	if (dead) {
		dying[cpu] = NULL;
		vcpu_switched_away(dead);
	}
}

struct vcpu *sched_current(void)
{
	return this_pcpu()->current;
}

/* Ask pc to reschedule: directly when it is us, by SGI otherwise. */
static void kick(struct pcpu *pc)
{
	if (pc == this_pcpu())
		pc->need_resched = true;
	else
		irq_send_sgi(pc->id, IRQ_SGI_RESCHED);
}

static void slice_expired(struct timer_event *ev, void *arg)
{
	struct pcpu *pc = arg;
	struct vcpu *cur = pc->current;

	spin_lock(&pc->rq_lock);
	/* Only yield the CPU to an equal or higher priority; otherwise keep going. */
	if (sched_queue_top_prio(&pc->rq) >= (int)cur->prio)
		pc->need_resched = true;
	else if (cur != pc->idle)
		timer_event_start_in(&pc->slice_event, cur->slice_ns);
	spin_unlock(&pc->rq_lock);
}

void sched_cpu_init(void)
{
	struct pcpu *pc = this_pcpu();
	struct vcpu *idle = &idle_vcpus[pc->id];

	spin_init(&pc->rq_lock);
	sched_queue_init(&pc->rq);
	memset(idle, 0, sizeof(*idle));
	snprintf(idle->name, sizeof(idle->name), "idle/%u", pc->id);
	idle->cpu = pc->id;
	idle->prio = SCHED_PRIO_IDLE;
	idle->state = VCPU_RUNNING;
	list_init(&idle->rq_node);
	idle->run_start_ns = timer_now_ns();
	vcpu_list_add(idle);
	pc->idle = idle;
	pc->current = idle;
	timer_event_init(&pc->slice_event, "sched slice", slice_expired, pc);
}

/* Pick the next vCPU and switch to it. rq_lock held, IRQs masked; drops the lock. */
static void switch_locked(struct pcpu *pc, bool to_tail)
{
	struct vcpu *prev = pc->current, *next;
	struct list_node *n;
	uint64_t now = timer_now_ns();

	pc->need_resched = false;
	if (prev->state == VCPU_RUNNING && prev != pc->idle) {
		int top = sched_queue_top_prio(&pc->rq);
		/* Nothing better is waiting: keep running without a switch. */
		if (top < (int)prev->prio || (top == (int)prev->prio && !to_tail)) {
			spin_unlock(&pc->rq_lock);
			return;
		}
		prev->state = VCPU_READY;
		if (to_tail)
			sched_queue_add_tail(&pc->rq, &prev->rq_node, prev->prio);
		else
			sched_queue_add_head(&pc->rq, &prev->rq_node, prev->prio);
	} else if (prev == pc->idle) {
		prev->state = VCPU_READY;
	}

	n = sched_queue_pop(&pc->rq);
	next = n ? list_entry(n, struct vcpu, rq_node) : pc->idle;
	next->state = VCPU_RUNNING;
	if (next == prev) {
		spin_unlock(&pc->rq_lock);
		return;
	}
	prev->runtime_ns += now - prev->run_start_ns;
	next->run_start_ns = now;
	next->nr_runs++;
	pc->current = next;
	pc->nr_switches++;
	spin_unlock(&pc->rq_lock);

	if (next != pc->idle)
		timer_event_start_in(&pc->slice_event, next->slice_ns);
	else
		timer_event_stop(&pc->slice_event);
	arch_context_switch(&prev->ctx, &next->ctx);
	finish_switch();
}

static void reschedule(bool to_tail)
{
	struct pcpu *pc;
	irqflags_t f = arch_irq_save();

	pc = this_pcpu();
	spin_lock(&pc->rq_lock);
	switch_locked(pc, to_tail);
	arch_irq_restore(f);
}

void schedule(void) { reschedule(true); }
void sched_yield(void) { reschedule(true); }

void sched_irq_exit(void)
{
	struct pcpu *pc = this_pcpu();

	if (pc->need_resched)
		reschedule(true);
}

void sched_preempt_point(void)
{
	irqflags_t f = arch_irq_save();

	sched_irq_exit();
	arch_irq_restore(f);
}

void sched_add(struct vcpu *v)
{
	struct pcpu *pc = &pcpus[v->cpu];
	irqflags_t f = spin_lock_irqsave(&pc->rq_lock);

	v->state = VCPU_READY;
	sched_queue_add_tail(&pc->rq, &v->rq_node, v->prio);
	if (v->prio > pc->current->prio || pc->current == pc->idle)
		kick(pc);
	spin_unlock_irqrestore(&pc->rq_lock, f);
}

void sched_wake(struct vcpu *v)
{
	struct pcpu *pc = &pcpus[v->cpu];
	irqflags_t f = spin_lock_irqsave(&pc->rq_lock);

	if (v->state == VCPU_BLOCKED) {
		v->state = VCPU_READY;
		sched_queue_add_tail(&pc->rq, &v->rq_node, v->prio);
		if (v->prio > pc->current->prio || pc->current == pc->idle)
			kick(pc);
	} else if (v->state != VCPU_DEAD) {
		v->wake_pending = true;
	}
	spin_unlock_irqrestore(&pc->rq_lock, f);
}

void sched_block(void)
{
	irqflags_t f = arch_irq_save();
	struct pcpu *pc = this_pcpu();
	struct vcpu *cur = pc->current;

	spin_lock(&pc->rq_lock);
	if (cur->wake_pending) {
		cur->wake_pending = false;
		spin_unlock(&pc->rq_lock);
	} else {
		cur->state = VCPU_BLOCKED;
		switch_locked(pc, true);
	}
	arch_irq_restore(f);
}

void sched_thread_start(void)
{
	finish_switch();
	arch_irq_enable();
}

void sched_thread_exit(void)
{
	struct pcpu *pc;

	arch_irq_disable();
	pc = this_pcpu();
	spin_lock(&pc->rq_lock);
	pc->current->state = VCPU_DEAD;
	dying[pc->id] = pc->current;
	switch_locked(pc, true);
	panic("dead vCPU was scheduled again");
}

void sched_idle_loop(void)
{
	struct pcpu *pc = this_pcpu();

	for (;;) {
		arch_irq_disable();
		if (pc->need_resched || pc->rq.count)
			reschedule(true);
		else
			arch_wait_for_interrupt();   /* wakes on a pending IRQ even while masked */
		arch_irq_enable();
	}
}

static void sleep_done(struct timer_event *ev, void *arg)
{
	sched_wake(arg);
}

void sched_sleep_ns(uint64_t ns)
{
	struct timer_event ev;
	struct vcpu *self = sched_current();
	uint64_t until = timer_now_ns() + ns;

	timer_event_init(&ev, "sleep", sleep_done, self);
	/* Other wake-ups may end a block early: sleep again until the time is up. */
	while (timer_now_ns() < until) {
		timer_event_start_at(&ev, until);
		sched_block();
	}
	timer_event_stop(&ev);
}
