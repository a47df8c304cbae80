/* Whose FP/SIMD registers the CPU holds while a vCPU's run loop turns (fpsimd_owner.c). */
#ifndef ARCH_FPSIMD_OWNER_H
#define ARCH_FPSIMD_OWNER_H
#include <stdint.h>
#include <arch/sysreg.h>

struct vcpu;

/* CPTR_EL2: FP/SIMD free for everyone; trapped (a guest's first use, or Mantle's while a guest's are live). */
#define CPTR_EL2_FREE (CPTR_EL2_RES1 | CPTR_TZ)
#define CPTR_EL2_TRAP_FP (CPTR_EL2_RES1 | CPTR_TZ | CPTR_TFP)

/* Put v's FP/SIMD values in the registers (v->arch->fp_in_regs), saving whoever's were live. IRQs masked. */
void fpsimd_guest_load(struct vcpu *v);
/* Leaving v's run loop: its values saved if still live, FP/SIMD free for Mantle again. */
void fpsimd_guest_put(struct vcpu *v);

#endif
