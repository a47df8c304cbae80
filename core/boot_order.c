/* The start plan of the guests of boot.list (see boot_order.h). */
#include <mantle/boot_order.h>

static bool starts_before(const struct boot_order_key *a, const struct boot_order_key *b)
{
	if (a->ordered != b->ordered)
		return a->ordered;
	return a->ordered && a->order < b->order;
}

void boot_order_plan(const struct boot_order_key *keys, unsigned n, unsigned *seq, uint32_t *at_ms)
{
	/* Insertion sort: stable, and boot.list is short. */
	for (unsigned i = 0; i < n; i++) {
		unsigned j = i;

		while (j > 0 && starts_before(&keys[i], &keys[seq[j - 1]])) {
			seq[j] = seq[j - 1];
			j--;
		}
		seq[j] = i;
	}
	for (unsigned i = 0; i < n; i++) {
		uint32_t delay = keys[seq[i]].delay_ms;

		at_ms[i] = i > 0 && at_ms[i - 1] > delay ? at_ms[i - 1] : delay;
	}
}
