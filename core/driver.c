#include <libfdt.h>
#include <mantle/driver.h>
#include <mantle/devtree.h>
#include <mantle/log.h>

extern const struct driver *const __driver_table_start[], *const __driver_table_end[];

static const struct driver *match(const void *fdt, int node, enum driver_class cls)
{
	for (const struct driver *const *d = __driver_table_start; d < __driver_table_end; d++) {
		if ((*d)->cls != cls)
			continue;
		for (const char *const *c = (*d)->compatible; *c; c++)
			if (fdt_node_check_compatible(fdt, node, *c) == 0)
				return *d;
	}
	return NULL;
}

static int probe_node(const void *fdt, int node, enum driver_class cls)
{
	const struct driver *drv = match(fdt, node, cls);
	int ret;

	if (!drv || !dt_node_enabled(fdt, node))
		return 0;
	ret = drv->probe(fdt, node);
	if (ret == DRIVER_NO_DEVICE)
		return 0;
	if (ret) {
		pr_err("%s: probe of %s failed (%d)", drv->name, fdt_get_name(fdt, node, NULL), ret);
		return 0;
	}
	return 1;
}

int driver_probe_class(const void *fdt, enum driver_class cls)
{
	int bound = 0;

	if (cls == DRIVER_CONSOLE) {
		int node = dt_stdout_node(fdt);
		if (node >= 0 && probe_node(fdt, node, cls))
			return 1;
	}
	for (int node = fdt_next_node(fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(fdt, node, NULL)) {
		bound += probe_node(fdt, node, cls);
		/* One interrupt controller, one clock, one console. */
		if (bound && cls != DRIVER_DEVICE)
			break;
	}
	return bound;
}
