/* Hypervisor time and timer events (per CPU, one-shot, tickless). */
#ifndef MANTLE_TIMER_H
#define MANTLE_TIMER_H
#include <stdint.h>
#include <mantle/timer_queue.h>

/* The clock-event device (the EL2 physical timer): program the next deadline. */
struct clockevent {
	const char *name;
	void (*program)(uint64_t deadline_ticks);
	void (*cpu_init)(void);
};

void timer_register_clockevent(const struct clockevent *ce);
/* Called on each CPU once interrupts are up. */
void timer_cpu_init(void);
/* Called from the clock-event interrupt: run what has expired. */
void timer_expire(void);

uint64_t timer_now_ns(void);
uint64_t timer_freq_hz(void);
uint64_t timer_ns_to_ticks(uint64_t ns);
uint64_t timer_ticks_to_ns(uint64_t ticks);

void timer_event_init(struct timer_event *ev, const char *name, timer_event_fn fn, void *arg);
/* Arm on the calling CPU; rearming moves it. */
void timer_event_start_at(struct timer_event *ev, uint64_t deadline_ns);
void timer_event_start_in(struct timer_event *ev, uint64_t delay_ns);
void timer_event_stop(struct timer_event *ev);
/*
 * Stop, then wait until no CPU runs its callback: afterwards the event's
 * memory may go, if nothing can arm it again (thread context, not from the
 * callback itself).
 */
void timer_event_stop_sync(struct timer_event *ev);

/* Time the boot CPU entered Mantle (counter value at the first instruction). */
extern uint64_t boot_entry_ticks;

#endif
