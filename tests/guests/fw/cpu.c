/*
 * Per-CPU set-up: TPIDR_EL1 -> struct cpu_local, TPIDR_EL0 -> a thread-local
 * storage block (picolibc keeps errno there; the compiler uses the AArch64
 * local-exec model: a variable lives at TPIDR_EL0 + 16-byte TCB, rounded up
 * to the TLS alignment, + its offset in the .tdata/.tbss template).
 */
#include <string.h>
#include "cpu.h"
#include "console.h"

#define TLS_BLOCK_SIZE 256
#define TLS_TCB_SIZE   16

struct cpu_local cpu_local[FW_MAX_CPUS];

static unsigned char tls_blocks[FW_MAX_CPUS][TLS_BLOCK_SIZE] __attribute__((aligned(64)));

/* fw.lds */
extern char __tdata_start[], __tdata_end[], __tbss_start[], __tbss_end[];
extern char __tls_align[];

static void tls_init(unsigned int id)
{
	uintptr_t align = (uintptr_t)__tls_align;
	uintptr_t tcb = (TLS_TCB_SIZE + align - 1) & ~(align - 1);
	size_t data = __tdata_end - __tdata_start;
	size_t bss_off = __tbss_start - __tdata_start, bss = __tbss_end - __tbss_start;
	unsigned char *block = tls_blocks[id];

	if (align > 64 || tcb + bss_off + bss > TLS_BLOCK_SIZE)
		fw_panic("TLS template too big (%zu bytes, align %zu)", bss_off + bss,
			 (size_t)align);
	memcpy(block + tcb, __tdata_start, data);
	memset(block + tcb + bss_off, 0, bss);
	write_sysreg(tpidr_el0, block);
}

void cpu_init(unsigned int id)
{
	struct cpu_local *c = &cpu_local[id];

	memset(c, 0, sizeof(*c));
	c->id = id;
	write_sysreg(tpidr_el1, c);
	tls_init(id);
}
