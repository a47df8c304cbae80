#include <stddef.h>
#include <mantle/timer_queue.h>

void timer_queue_init(struct timer_queue *q)
{
	list_init(&q->events);
	q->count = 0;
}

void timer_queue_add(struct timer_queue *q, struct timer_event *ev)
{
	struct list_node *pos;

	/* Scan from the back: new deadlines are usually the latest. */
	for (pos = q->events.prev; pos != &q->events; pos = pos->prev) {
		if (list_entry(pos, struct timer_event, node)->deadline_ns <= ev->deadline_ns)
			break;
	}
	list_insert_between(&ev->node, pos, pos->next);
	q->count++;
}

void timer_queue_remove(struct timer_queue *q, struct timer_event *ev)
{
	if (!list_linked(&ev->node))
		return;
	list_del(&ev->node);
	q->count--;
}

struct timer_event *timer_queue_first(const struct timer_queue *q)
{
	struct list_node *n = list_first(&q->events);
	return n ? list_entry(n, struct timer_event, node) : NULL;
}

struct timer_event *timer_queue_pop_expired(struct timer_queue *q, uint64_t now_ns)
{
	struct timer_event *ev = timer_queue_first(q);

	if (!ev || ev->deadline_ns > now_ns)
		return NULL;
	timer_queue_remove(q, ev);
	return ev;
}
