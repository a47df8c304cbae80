#include <stddef.h>
#include <arch/cpu.h>
#include <mantle/timer.h>
#include <mantle/percpu.h>

#define NSEC_PER_SEC 1000000000ULL

static const struct clockevent *clockevent;
/* The event whose callback each CPU is running, so that a stop can wait for it (timer_lock). */
static struct timer_event *running[CONFIG_MAX_CPUS];
static uint64_t freq_hz;
uint64_t boot_entry_ticks;

void timer_register_clockevent(const struct clockevent *ce)
{
	clockevent = ce;
}

/* CNTFRQ is set by firmware before we run, so it can be read from the first log line on. */
uint64_t timer_freq_hz(void)
{
	if (!freq_hz)
		freq_hz = arch_counter_freq();
	return freq_hz;
}

uint64_t timer_ticks_to_ns(uint64_t ticks)
{
	uint64_t freq_hz = timer_freq_hz();

	if (!freq_hz)
		return 0;
	return ticks / freq_hz * NSEC_PER_SEC + ticks % freq_hz * NSEC_PER_SEC / freq_hz;
}

uint64_t timer_ns_to_ticks(uint64_t ns)
{
	uint64_t freq_hz = timer_freq_hz();

	return ns / NSEC_PER_SEC * freq_hz + ns % NSEC_PER_SEC * freq_hz / NSEC_PER_SEC;
}

uint64_t timer_now_ns(void)
{
	return timer_ticks_to_ns(arch_counter_read());
}

/* Program the hardware for the earliest event. Call with timer_lock held. */
static void reprogram(struct pcpu *pc)
{
	struct timer_event *first = timer_queue_first(&pc->timers);

	if (clockevent)
		clockevent->program(first ? timer_ns_to_ticks(first->deadline_ns) + 1 : UINT64_MAX);
}

void timer_cpu_init(void)
{
	struct pcpu *pc = this_pcpu();

	spin_init(&pc->timer_lock);
	timer_queue_init(&pc->timers);
	if (clockevent && clockevent->cpu_init)
		clockevent->cpu_init();
}

void timer_event_init(struct timer_event *ev, const char *name, timer_event_fn fn, void *arg)
{
	list_init(&ev->node);
	ev->deadline_ns = 0;
	ev->fn = fn;
	ev->arg = arg;
	ev->name = name;
	ev->cpu = -1;
}

void timer_event_start_at(struct timer_event *ev, uint64_t deadline_ns)
{
	struct pcpu *pc = this_pcpu();
	irqflags_t f = spin_lock_irqsave(&pc->timer_lock);

	timer_queue_remove(&pc->timers, ev);
	ev->deadline_ns = deadline_ns;
	ev->cpu = (int)pc->id;
	timer_queue_add(&pc->timers, ev);
	if (timer_queue_first(&pc->timers) == ev)
		reprogram(pc);
	spin_unlock_irqrestore(&pc->timer_lock, f);
}

void timer_event_start_in(struct timer_event *ev, uint64_t delay_ns)
{
	timer_event_start_at(ev, timer_now_ns() + delay_ns);
}

void timer_event_stop(struct timer_event *ev)
{
	struct pcpu *pc;
	irqflags_t f;

	if (ev->cpu < 0)
		return;
	pc = &pcpus[ev->cpu];
	f = spin_lock_irqsave(&pc->timer_lock);
	timer_queue_remove(&pc->timers, ev);
	ev->cpu = -1;
	/* Another CPU's comparator may fire once for nothing; that is harmless. */
	if (pc == this_pcpu())
		reprogram(pc);
	spin_unlock_irqrestore(&pc->timer_lock, f);
}

void timer_event_stop_sync(struct timer_event *ev)
{
	timer_event_stop(ev);
	for (unsigned c = 0; c < CONFIG_MAX_CPUS; c++) {
		/* A CPU stopped by a fatal exception never finishes: it cannot be waited for. */
		while (!pcpus[c].halted) {
			irqflags_t f = spin_lock_irqsave(&pcpus[c].timer_lock);
			bool busy = running[c] == ev;

			spin_unlock_irqrestore(&pcpus[c].timer_lock, f);
			if (!busy)
				break;
		}
	}
}

void timer_expire(void)
{
	struct pcpu *pc = this_pcpu();
	struct timer_event *ev;
	irqflags_t f = spin_lock_irqsave(&pc->timer_lock);

	while ((ev = timer_queue_pop_expired(&pc->timers, timer_now_ns()))) {
		ev->cpu = -1;
		running[pc->id] = ev;
		/* The callback may re-arm this or other events. */
		spin_unlock_irqrestore(&pc->timer_lock, f);
		ev->fn(ev, ev->arg);
		f = spin_lock_irqsave(&pc->timer_lock);
		running[pc->id] = NULL;
	}
	reprogram(pc);
	spin_unlock_irqrestore(&pc->timer_lock, f);
}
