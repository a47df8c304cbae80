/* What the firmware reads from the device tree it was booted with. */
#ifndef FW_DTB_H
#define FW_DTB_H

#include <stdint.h>

enum conduit { CONDUIT_HVC, CONDUIT_SMC };

struct platform {
	const char *model;	/* /model, else the first /compatible, else "unknown" */
	uintptr_t uart;		/* /chosen stdout-path, else the first arm,pl011 node */
	uint64_t ram_base, ram_end; /* the /memory range holding the firmware */
	enum conduit conduit;	/* /psci method */
	unsigned int ncpus;	/* cpu nodes under /cpus, at most FW_MAX_CPUS */
	uint64_t mpidr[8];	/* their reg values, in tree order */
};

/* What dtb_parse found: read-only for everyone else. */
extern struct platform platform;

/*
 * Fills platform from the DTB (fdt may be NULL), with defaults for what is
 * missing; returns 0, or a libfdt error.
 */
int dtb_parse(const void *fdt);

#endif
