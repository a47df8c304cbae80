/* Host drivers, bound to host DT nodes by compatible string. */
#ifndef MANTLE_DRIVER_H
#define MANTLE_DRIVER_H

enum driver_class {
	DRIVER_IRQCHIP,    /* probed first: everything else needs interrupts */
	DRIVER_TIMER,
	DRIVER_CONSOLE,
	DRIVER_CLASS_COUNT,
};

struct driver {
	const char *name;
	enum driver_class cls;
	const char *const *compatible;   /* NULL-terminated */
	/* 0 on success; the node stays unclaimed otherwise. */
	int (*probe)(const void *fdt, int node);
};

#define DRIVER_REGISTER(drv) \
	static const struct driver *const driver_ptr_##drv \
	__attribute__((section(".driver_table"), used)) = &drv

/*
 * Probe every enabled node matching a driver of class cls. For the
 * console, only the node /chosen/stdout-path names is probed when present.
 * Returns the number of devices bound.
 */
int driver_probe_class(const void *fdt, enum driver_class cls);

#endif
