/* Host drivers, bound to host DT nodes by compatible string. */
#ifndef MANTLE_DRIVER_H
#define MANTLE_DRIVER_H

enum driver_class {
	DRIVER_IRQCHIP,    /* probed first: everything else needs interrupts */
	DRIVER_TIMER,
	DRIVER_CONSOLE,
	DRIVER_DEVICE,     /* everything else (disks, NICs): all matching nodes, once threads run */
	DRIVER_CLASS_COUNT,
};

struct driver {
	const char *name;
	enum driver_class cls;
	const char *const *compatible;   /* NULL-terminated */
	/* 0 on success; DRIVER_NO_DEVICE: nothing for this driver there (silently); else an error. */
	int (*probe)(const void *fdt, int node);
};

#define DRIVER_NO_DEVICE 1

#define DRIVER_REGISTER(drv) \
	static const struct driver *const driver_ptr_##drv \
	__attribute__((section(".driver_table"), used)) = &drv

/*
 * Probe every enabled node matching a driver of class cls. For the
 * console, only the node /chosen/stdout-path names is probed when present.
 * Interrupt controller, timer and console bind one device; DRIVER_DEVICE all.
 * Returns the number of devices bound.
 */
int driver_probe_class(const void *fdt, enum driver_class cls);

#endif
