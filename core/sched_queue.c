#include <stddef.h>
#include <mantle/sched_queue.h>

void sched_queue_init(struct sched_queue *q)
{
	for (unsigned i = 0; i < SCHED_PRIO_LEVELS; i++)
		list_init(&q->level[i]);
	q->nonempty = 0;
	q->count = 0;
}

static unsigned clamp_prio(unsigned prio)
{
	return prio < SCHED_PRIO_LEVELS ? prio : SCHED_PRIO_LEVELS - 1;
}

void sched_queue_add_tail(struct sched_queue *q, struct list_node *node, unsigned prio)
{
	prio = clamp_prio(prio);
	list_add_tail(&q->level[prio], node);
	q->nonempty |= 1u << prio;
	q->count++;
}

void sched_queue_add_head(struct sched_queue *q, struct list_node *node, unsigned prio)
{
	prio = clamp_prio(prio);
	list_add_head(&q->level[prio], node);
	q->nonempty |= 1u << prio;
	q->count++;
}

void sched_queue_remove(struct sched_queue *q, struct list_node *node, unsigned prio)
{
	prio = clamp_prio(prio);
	if (!list_linked(node))
		return;
	list_del(node);
	if (list_empty(&q->level[prio]))
		q->nonempty &= ~(1u << prio);
	q->count--;
}

int sched_queue_top_prio(const struct sched_queue *q)
{
	return q->nonempty ? 31 - __builtin_clz(q->nonempty) : -1;
}

struct list_node *sched_queue_pop(struct sched_queue *q)
{
	int prio = sched_queue_top_prio(q);
	struct list_node *node;

	if (prio < 0)
		return NULL;
	node = list_first(&q->level[prio]);
	sched_queue_remove(q, node, prio);
	return node;
}

unsigned sched_queue_count_at(const struct sched_queue *q, unsigned prio)
{
	struct list_node *pos;
	unsigned n = 0;

	if (prio >= SCHED_PRIO_LEVELS)
		return 0;
	list_for_each(pos, &q->level[prio])
		n++;
	return n;
}
