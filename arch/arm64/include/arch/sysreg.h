/* System register access and the bit definitions Mantle uses at EL2. */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#ifdef __ASSEMBLY__
#define UL(x) x
#else
#define UL(x) x##UL
#include <stdint.h>

#define read_sysreg(reg) ({ \
	uint64_t __val; \
	__asm__ volatile("mrs %0, " #reg : "=r"(__val)); \
	__val; })

#define write_sysreg(reg, val) do { \
	uint64_t __val = (uint64_t)(val); \
	__asm__ volatile("msr " #reg ", %0" : : "r"(__val)); \
	} while (0)

#define isb()       __asm__ volatile("isb" ::: "memory")
#define dsb(opt)    __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt)    __asm__ volatile("dmb " #opt ::: "memory")
#define wfi()       __asm__ volatile("wfi" ::: "memory")
#define wfe()       __asm__ volatile("wfe" ::: "memory")
#define sev()       __asm__ volatile("sev" ::: "memory")
#endif

/* SCTLR_EL2 (HCR_EL2.E2H == 0) */
#define SCTLR_EL2_RES1      UL(0x30C50830)
#define SCTLR_M             (UL(1) << 0)
#define SCTLR_A             (UL(1) << 1)
#define SCTLR_C             (UL(1) << 2)
#define SCTLR_SA            (UL(1) << 3)
#define SCTLR_I             (UL(1) << 12)

/* HCR_EL2 */
#define HCR_VM              (UL(1) << 0)
#define HCR_FMO             (UL(1) << 3)
#define HCR_IMO             (UL(1) << 4)
#define HCR_AMO             (UL(1) << 5)
#define HCR_RW              (UL(1) << 31)

/* CPTR_EL2: bits 13:12, 9 and 7:0 are RES1; TZ traps SVE, TFP would trap FP. */
#define CPTR_EL2_RES1       UL(0x000032FF)
#define CPTR_TZ             (UL(1) << 8)
#define CPTR_TFP            (UL(1) << 10)

/* TCR_EL2 (E2H == 0) */
#define TCR_EL2_RES1        ((UL(1) << 31) | (UL(1) << 23))
#define TCR_T0SZ(bits)      ((UL(64) - (bits)) << 0)
#define TCR_IRGN0_WBWA      (UL(1) << 8)
#define TCR_ORGN0_WBWA      (UL(1) << 10)
#define TCR_SH0_INNER       (UL(3) << 12)
#define TCR_TG0_4K          (UL(0) << 14)
#define TCR_PS_SHIFT        16

/* MAIR attribute indices used in the hypervisor's own tables. */
#define MT_DEVICE_nGnRE     0
#define MT_NORMAL           1
#define MT_NORMAL_NC        2
#define MAIR_VALUE          ((UL(0x04) << (8 * MT_DEVICE_nGnRE)) | \
                             (UL(0xFF) << (8 * MT_NORMAL)) | \
                             (UL(0x44) << (8 * MT_NORMAL_NC)))

/* ESR_EL2 */
#define ESR_EC_SHIFT        26
#define ESR_EC_MASK         UL(0x3F)

/* CNT{P,V,HP}_CTL: the generic timer's control bits. */
#define CNT_CTL_ENABLE      (UL(1) << 0)
#define CNT_CTL_IMASK       (UL(1) << 1)
#define CNT_CTL_ISTATUS     (UL(1) << 2)

/* A system register as ESR_EL2's ISS for a trapped MSR/MRS names it, packed into one number. */
#define SYSREG_ENC(op0, op1, crn, crm, op2) \
	(((op0) << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))

/* DAIF bits as seen by msr daifset/daifclr */
#define DAIF_IRQ_BIT        (UL(1) << 7)

#endif
