/* The CPU's random number instruction (FEAT_RNG: RNDR), where it has one. */
#ifndef ARCH_RNG_H
#define ARCH_RNG_H
#include <stdbool.h>
#include <stdint.h>
#include <arch/sysreg.h>

static inline bool arch_has_rndr(void)
{
	return ((read_sysreg(id_aa64isar0_el1) >> 60) & 0xf) >= 1;
}

/* One 64-bit random value; false when the generator had none to give this time. */
static inline bool arch_rndr(uint64_t *val)
{
	uint64_t v, ok;

	/* RNDR is s3_3_c2_c4_0; NZCV.Z set means failure. */
	__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne" : "=r"(v), "=r"(ok) :: "cc");
	*val = v;
	return ok != 0;
}

#endif
