/* The boot CPU's C entry: platform discovery, banner, all tests, then the shell. */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>
#include "bench.h"
#include "console.h"
#include "cpu.h"
#include "dsl.h"
#include "dtb.h"
#include "fault.h"
#include "psci.h"
#include "shell.h"
#include "smp.h"
#include "uart.h"

/* x0 at entry may be anything if the loader passed no DTB: probe it safely. */
static int looks_like_dtb(const void *fdt)
{
	uint32_t magic;

	if (!fdt || ((uintptr_t)fdt & 7))
		return 0;
	return fault_read32((uintptr_t)fdt, &magic) == 0 && fdt32_to_cpu(magic) == FDT_MAGIC;
}

void fw_main(const void *fdt);
void fw_main(const void *fdt)
{
	int err;

	cpu_init(0);
	err = dtb_parse(looks_like_dtb(fdt) ? fdt : NULL);
	uart_init(platform.uart);
	psci_set_conduit(platform.conduit);
	smp_init(&platform);
	if (err)
		printf("fw: no usable DTB at %p (%s): using defaults\n", fdt, fdt_strerror(err));
	printf("fw: %s up, %u vCPUs, RAM 0x%llx..0x%llx\n", platform.model, smp_ncpus(),
	       (unsigned long long)platform.ram_base, (unsigned long long)platform.ram_end);
	if (strstr(platform.bootargs, "bench"))
		bench_main();
	/* "noselftest": straight to the shell, for guests whose policies the suites would trip. */
	if (!strstr(platform.bootargs, "noselftest"))
		dsl_run(NULL);
	shell_run();
}
