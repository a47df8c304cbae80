/* The register frame saved on every exception taken to EL2. */
#ifndef ARCH_REGS_H
#define ARCH_REGS_H

#define REGS_X(n)       ((n) * 8)
#define REGS_SP         (31 * 8)
#define REGS_ELR        (32 * 8)
#define REGS_SPSR       (33 * 8)
#define REGS_ESR        (34 * 8)
#define REGS_FAR        (35 * 8)
#define REGS_SIZE       (36 * 8)

#ifndef __ASSEMBLY__
#include <stdint.h>
struct arch_regs {
	uint64_t x[31];
	uint64_t sp;
	uint64_t elr;
	uint64_t spsr;
	uint64_t esr;
	uint64_t far;
};
_Static_assert(sizeof(struct arch_regs) == REGS_SIZE, "frame layout");
_Static_assert(REGS_SIZE % 16 == 0, "stack alignment");
#endif
#endif
