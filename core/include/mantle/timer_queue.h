/* A deadline-ordered queue of timer events (one per CPU). Pure logic. */
#ifndef MANTLE_TIMER_QUEUE_H
#define MANTLE_TIMER_QUEUE_H
#include <stdint.h>
#include <stdbool.h>
#include <libs/list.h>

struct timer_event;
typedef void (*timer_event_fn)(struct timer_event *ev, void *arg);

struct timer_event {
	struct list_node node;
	uint64_t deadline_ns;
	timer_event_fn fn;
	void *arg;
	const char *name;
	int cpu;              /* queue it is armed on, -1 when idle */
};

struct timer_queue {
	struct list_node events;
	unsigned count;
};

void timer_queue_init(struct timer_queue *q);
/* Events with equal deadlines fire in the order they were added. */
void timer_queue_add(struct timer_queue *q, struct timer_event *ev);
void timer_queue_remove(struct timer_queue *q, struct timer_event *ev);
struct timer_event *timer_queue_first(const struct timer_queue *q);
/* Remove and return the earliest event if its deadline is <= now, else NULL. */
struct timer_event *timer_queue_pop_expired(struct timer_queue *q, uint64_t now_ns);

#endif
