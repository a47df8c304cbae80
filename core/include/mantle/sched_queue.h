/*
 * A run queue: one FIFO per priority level and a bitmap of the non-empty
 * levels, so picking the next vCPU is a count-leading-zeros. Higher number,
 * higher priority. Pure logic; core/sched.c adds the locking and the CPUs.
 */
#ifndef MANTLE_SCHED_QUEUE_H
#define MANTLE_SCHED_QUEUE_H
#include <stdint.h>
#include <libs/list.h>

#define SCHED_PRIO_LEVELS CONFIG_SCHED_PRIORITIES
_Static_assert(SCHED_PRIO_LEVELS <= 32, "priority bitmap is 32 bits");

struct sched_queue {
	struct list_node level[SCHED_PRIO_LEVELS];
	uint32_t nonempty;
	unsigned count;
};

void sched_queue_init(struct sched_queue *q);
void sched_queue_add_tail(struct sched_queue *q, struct list_node *node, unsigned prio);
void sched_queue_add_head(struct sched_queue *q, struct list_node *node, unsigned prio);
void sched_queue_remove(struct sched_queue *q, struct list_node *node, unsigned prio);
/* Highest non-empty priority, or -1 when empty. */
int sched_queue_top_prio(const struct sched_queue *q);
/* Remove and return the oldest node of the highest priority, or NULL. */
struct list_node *sched_queue_pop(struct sched_queue *q);
unsigned sched_queue_count_at(const struct sched_queue *q, unsigned prio);

#endif
