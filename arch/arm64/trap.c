/* Why a guest vCPU exited, and what Mantle does about it. */
#include <stdio.h>
#include <arch/sysreg.h>
#include <arch/irqflags.h>
#include <arch/esr.h>
#include <arch/vcpu_arch.h>
#include <mantle/vcpu.h>
#include <mantle/guest.h>
#include <mantle/sched.h>
#include <mantle/vcpu_exit.h>
#include <vgic/vgic_emu.h>

#include "vcpu_entry.h"

bool ptimer_sysreg(struct vcpu *v, unsigned enc, bool read, uint64_t *val);

#define ESR_IL          (1UL << 25)
#define FSC_SYNC_EXT    0x10
#define ESR_WNR         (1UL << 6)

static inline uint64_t reg_read(struct arch_vcpu *a, unsigned r)
{
	return r == 31 ? 0 : a->regs.x[r];
}

static inline void reg_write(struct arch_vcpu *a, unsigned r, uint64_t val)
{
	if (r != 31)
		a->regs.x[r] = val;
}

/* Deliver a synchronous exception to the guest's EL1, as the hardware would. */
static void inject(struct vcpu *v, uint64_t esr, uint64_t far, bool has_far)
{
	struct arch_vcpu *a = v->arch;
	uint64_t mode = a->regs.pstate & 0x1f, offset;
	irqflags_t f = arch_irq_save();

	if (mode & 0x10)
		offset = 0x600;                    /* from AArch32 */
	else if ((mode & 0xc) == 0)
		offset = 0x400;                    /* from EL0 */
	else
		offset = (mode & 1) ? 0x200 : 0x0; /* EL1h or EL1t */

	/* The EL1 registers must be this vCPU's: a preemption since the exit may have swapped them. */
	arch_vcpu_load_el1(v);
	write_sysreg(elr_el1, a->regs.pc);
	write_sysreg(spsr_el1, a->regs.pstate);
	write_sysreg(esr_el1, esr);
	if (has_far)
		write_sysreg(far_el1, far);
	a->regs.pc = read_sysreg(vbar_el1) + offset;
	a->regs.pstate = PSTATE_EL1H_MASKED;
	arch_irq_restore(f);
}

static bool from_el1(const struct vcpu *v)
{
	return (v->arch->regs.pstate & 0xc) == 0x4;
}

void arch_inject_undef(struct vcpu *v)
{
	inject(v, ((uint64_t)ESR_EC_UNKNOWN << 26) | ESR_IL, 0, false);
}

void arch_inject_dabt(struct vcpu *v, uint64_t far, bool write)
{
	uint64_t ec = from_el1(v) ? 0x25 : 0x24;
	inject(v, (ec << 26) | ESR_IL | (write ? ESR_WNR : 0) | FSC_SYNC_EXT, far, true);
}

void arch_inject_pabt(struct vcpu *v, uint64_t far)
{
	uint64_t ec = from_el1(v) ? 0x21 : 0x20;
	inject(v, (ec << 26) | ESR_IL | FSC_SYNC_EXT, far, true);
}

/* ---- system registers ---------------------------------------------------- */


#define ID_READ(crm, op2) \
	case SYSREG_ENC(3, 0, 0, crm, op2): return read_sysreg(s3_0_c0_c##crm##_##op2)
#define ID_ROW(crm) \
	ID_READ(crm, 0); ID_READ(crm, 1); ID_READ(crm, 2); ID_READ(crm, 3); \
	ID_READ(crm, 4); ID_READ(crm, 5); ID_READ(crm, 6); ID_READ(crm, 7)

static uint64_t id_reg_raw(unsigned enc)
{
	switch (enc) {
	ID_ROW(1); ID_ROW(2); ID_ROW(3); ID_ROW(4); ID_ROW(5); ID_ROW(6); ID_ROW(7);
	default: return 0;
	}
}

static inline uint64_t clear_field(uint64_t v, unsigned shift)
{
	return v & ~(0xFULL << shift);
}

/* Features Mantle does not context-switch or virtualize are hidden. */
static uint64_t id_reg_sanitized(unsigned enc)
{
	uint64_t v = id_reg_raw(enc);

	switch (enc) {
	case SYSREG_ENC(3, 0, 0, 4, 0):           /* ID_AA64PFR0_EL1 */
		v = clear_field(v, 28);        /* RAS */
		v = clear_field(v, 32);        /* SVE */
		v = clear_field(v, 36);        /* SEL2 */
		v = clear_field(v, 40);        /* MPAM */
		v = clear_field(v, 44);        /* AMU */
		break;
	case SYSREG_ENC(3, 0, 0, 4, 1):           /* ID_AA64PFR1_EL1 */
		v = clear_field(v, 8);         /* MTE */
		v = clear_field(v, 12);        /* RAS_frac */
		v = clear_field(v, 16);        /* MPAM_frac */
		v = clear_field(v, 24);        /* SME */
		break;
	case SYSREG_ENC(3, 0, 0, 4, 4):           /* ID_AA64ZFR0_EL1 */
	case SYSREG_ENC(3, 0, 0, 4, 5):           /* ID_AA64SMFR0_EL1 */
		v = 0;
		break;
	case SYSREG_ENC(3, 0, 0, 5, 0):           /* ID_AA64DFR0_EL1 */
		v = clear_field(v, 4);         /* TraceVer */
		v = clear_field(v, 32);        /* PMSVer (SPE) */
		v = clear_field(v, 40);        /* TraceFilt */
		v = clear_field(v, 44);        /* TraceBuffer */
		v = clear_field(v, 52);        /* BRBE */
		break;
	case SYSREG_ENC(3, 0, 0, 7, 1):           /* ID_AA64MMFR1_EL1 */
		v = clear_field(v, 16);        /* LO: LOR registers are trapped, not switched */
		break;
	case SYSREG_ENC(3, 0, 0, 6, 1):           /* ID_AA64ISAR1_EL1: pointer authentication */
		v = clear_field(v, 4);
		v = clear_field(v, 8);
		v = clear_field(v, 24);
		v = clear_field(v, 28);
		break;
	case SYSREG_ENC(3, 0, 0, 6, 2):           /* ID_AA64ISAR2_EL1: pointer authentication (QARMA3) */
		v = clear_field(v, 8);
		v = clear_field(v, 12);
		break;
	}
	return v;
}

uint64_t arch_guest_id_reg(unsigned op0, unsigned op1, unsigned crn, unsigned crm, unsigned op2)
{
	return id_reg_sanitized(SYSREG_ENC(op0, op1, crn, crm, op2));
}

/* MDSCR_EL1 traps with the debug registers (MDCR_EL2.TDA) but is switched: the guest's own. */
static uint64_t mdscr_access(struct vcpu *v, bool read, uint64_t val)
{
	irqflags_t f = arch_irq_save();

	arch_vcpu_load_el1(v);
	if (read)
		val = read_sysreg(mdscr_el1);
	else
		write_sysreg(mdscr_el1, val);
	arch_irq_restore(f);
	return val;
}

/* Out of line, like emulate_mmio: the hypercall path keeps a small frame. */
static __attribute__((noinline)) void handle_sysreg(struct vcpu *v, uint64_t esr)
{
	struct arch_vcpu *a = v->arch;
	unsigned op0 = (esr >> 20) & 3, op2 = (esr >> 17) & 7, op1 = (esr >> 14) & 7;
	unsigned crn = (esr >> 10) & 0xf, rt = (esr >> 5) & 0x1f, crm = (esr >> 1) & 0xf;
	bool read = esr & 1;
	unsigned enc = SYSREG_ENC(op0, op1, crn, crm, op2);

	uint64_t val = read ? 0 : reg_read(a, rt);

	if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1 && crm <= 7 && read) {
		reg_write(a, rt, id_reg_sanitized(enc));
	} else if (ptimer_sysreg(v, enc, read, &val)) {
		if (read)
			reg_write(a, rt, val);
	} else if (!read && (enc == SYSREG_ENC(3, 0, 12, 11, 5) || enc == SYSREG_ENC(3, 1, 12, 11, 6) ||
			     enc == SYSREG_ENC(3, 2, 12, 11, 7)) && v->guest->vgic) {
		/* ICC_SGI1R/ASGI1R/SGI0R_EL1: a virtual IPI through the vGICv3. */
		guest_vgic_sgi1r(v->guest, v->index, reg_read(a, rt));
	} else if (enc == SYSREG_ENC(3, 0, 1, 0, 1)) {
		/* ACTLR_EL1: its bits are implementation defined; guests get RAZ/WI. */
		if (read)
			reg_write(a, rt, 0);
	} else if (enc == SYSREG_ENC(2, 0, 0, 2, 2)) {
		val = mdscr_access(v, read, val);
		if (read)
			reg_write(a, rt, val);
	} else if (op0 == 2) {
		/* The debug registers (MDCR_EL2.TDA/TDOSA/TDRA) are the host CPU's, not switched: RAZ/WI. */
		if (read)
			reg_write(a, rt, 0);
	} else {
		guest_log_unhandled(v, "%s of system register op0=%u op1=%u CRn=%u CRm=%u op2=%u at pc %#llx: UNDEFINED",
				    read ? "read" : "write", op0, op1, crn, crm, op2,
				    (unsigned long long)a->regs.pc);
		arch_inject_undef(v);
		return;
	}
	a->regs.pc += 4;
}

/* ---- aborts ---------------------------------------------------------------- */

static uint64_t fault_ipa(const struct arch_vcpu *a)
{
	return ((a->regs.hpfar >> 4) << 12) | (a->regs.far & 0xfff);
}

/*
 * The emulated device a data abort is for, or NULL. Only translation faults
 * name an IPA we might emulate (a ROM write is a permission fault).
 */
static inline __attribute__((always_inline)) struct emu_device *dabt_mmio_device(struct vcpu *v, uint64_t esr, uint64_t ipa)
{
	if (esr_s1ptw(esr) || !esr_is_translation_fault(esr))
		return NULL;
	return guest_mmio_device(v, ipa);
}

/*
 * An access to d (dabt_mmio_device's): decode it from the syndrome and hand
 * it to the device. No stack protector: it holds no array, only the two
 * words whose addresses the decoder and the device model take.
 */
static __attribute__((noinline, no_stack_protector)) void emulate_mmio(struct vcpu *v, struct emu_device *d, uint64_t esr, uint64_t ipa)
{
	struct arch_vcpu *a = v->arch;
	struct mmio_access acc;
	uint64_t data = 0;

	if (esr_decode_mmio(esr, &acc) != MMIO_DECODE_OK) {
		guest_log_unhandled(v, "MMIO at %#llx by an instruction the syndrome does not describe: abort",
				    (unsigned long long)ipa);
		arch_inject_dabt(v, a->regs.far, (esr & ESR_WNR) != 0);
		return;
	}
	if (acc.write)
		data = mmio_store_value(&acc, reg_read(a, acc.reg));
	if (guest_mmio_access(d, ipa, acc.write, acc.size, &data)) {
		arch_inject_dabt(v, a->regs.far, acc.write);
		return;
	}
	if (!acc.write)
		reg_write(a, acc.reg, mmio_load_result(&acc, data));
	a->regs.pc += 4;
}

static void handle_dabt(struct vcpu *v, uint64_t esr)
{
	struct arch_vcpu *a = v->arch;
	uint64_t ipa = fault_ipa(a);
	struct emu_device *d = dabt_mmio_device(v, esr, ipa);

	if (!d) {
		guest_unhandled_abort(v, ipa, a->regs.far, (esr & ESR_WNR) != 0, false);
		return;
	}
	emulate_mmio(v, d, esr, ipa);
}

static void handle_iabt(struct vcpu *v)
{
	struct arch_vcpu *a = v->arch;
	uint64_t ipa = fault_ipa(a);

	guest_unhandled_abort(v, ipa, a->regs.far, false, true);
}

/* ---- calls ----------------------------------------------------------------- */

/* The call in x0..x3, its result to x0. */
static inline void smccc_call(struct vcpu *v, bool smc)
{
	struct arch_vcpu *a = v->arch;

	/* SMC returns to the SMC itself (ELR points at it); HVC to the next instruction. */
	if (smc)
		a->regs.pc += 4;
	a->regs.x[0] = guest_smccc_call(v, a->regs.x);
}

static void handle_smccc(struct vcpu *v, bool smc)
{
	smccc_call(v, smc);
	guest_smccc_finish(v);
}

/* ---- quick exits: handled on the spot, the guest re-entered from guest_entry.S ---- */

/* The handler may read the vGIC model: what the guest did with the list registers goes in first. */
static inline void lrs_to_model(struct vcpu *v)
{
	if (v->arch->vgic.loaded && v->arch->vgic.nr)
		vgic_hw_exit(v);
}

int arch_exit_fast(struct vcpu *v);

/*
 * Called by guest_entry.S on every synchronous exit, on the vCPU thread's
 * stack with interrupts masked. A quick exit (hypercalls answered on the
 * spot, system registers, emulated MMIO, the first FP/SIMD use: none
 * blocks) is handled here and the guest re-entered from guest_entry.S
 * (EXIT_REENTER), or, when the scheduler or the guest's state says stop,
 * arch_vcpu_run returns (EXIT_SYNC_DONE). Anything else changes nothing
 * and goes the full way (EXIT_SYNC).
 */
int arch_exit_fast(struct vcpu *v)
{
	struct arch_vcpu *a = v->arch;
	uint64_t esr = a->regs.esr, t0;
	enum vcpu_exit_reason why;

	trap_fp_after_exit(a);
	/* For the statistics only: no ISB to order the read. */
	t0 = read_sysreg(cntpct_el0);
	switch (ESR_EC(esr)) {
	case ESR_EC_HVC64:
	case ESR_EC_SMC64:
		/*
		 * A quick call: guest_smccc_finish has nothing to apply (only
		 * CPU_OFF, a slow call, asks), and none reads this vCPU's vGIC
		 * state, so the list registers stay as they are.
		 */
		if (!guest_smccc_is_quick((uint32_t)a->regs.x[0]))
			return EXIT_SYNC;
		why = ESR_EC(esr) == ESR_EC_SMC64 ? VCPU_EXIT_SMC : VCPU_EXIT_HVC;
		smccc_call(v, why == VCPU_EXIT_SMC);
		break;
	case ESR_EC_SYS64:
		why = VCPU_EXIT_SYSREG;
		lrs_to_model(v);
		handle_sysreg(v, esr);
		break;
	case ESR_EC_DABT_LOW: {
		uint64_t ipa = fault_ipa(a);
		struct emu_device *d = dabt_mmio_device(v, esr, ipa);

		/* Emulated MMIO; an access nothing claims goes by the guest's on-abort policy. */
		if (!d)
			return EXIT_SYNC;
		why = VCPU_EXIT_MMIO;
		lrs_to_model(v);
		emulate_mmio(v, d, esr, ipa);
		break;
	}
	case ESR_EC_FP:
		why = VCPU_EXIT_FP;
		a->fp_used = true;              /* loaded by prepare_entry */
		break;
	default:
		return EXIT_SYNC;
	}
	guest_watch_trap(v);
	vcpu_count_exit(v, why, read_sysreg(cntpct_el0) - t0);
	if (!guest_vcpu_may_reenter(v))
		return EXIT_SYNC_DONE;
	prepare_entry(v);
	return EXIT_REENTER;
}

enum vcpu_exit_reason arch_vcpu_handle_exit(struct vcpu *v, int exit)
{
	struct arch_vcpu *a = v->arch;
	uint64_t esr = a->regs.esr;

	guest_watch_exit(v, exit == EXIT_IRQ);
	if (exit == EXIT_IRQ)
		return VCPU_EXIT_IRQ;   /* taken at EL2 as soon as interrupts were unmasked */
	if (exit == EXIT_SERROR) {
		guest_crashed(v, "SError");
		return VCPU_EXIT_OTHER;
	}
	switch (ESR_EC(esr)) {
	case ESR_EC_WFX:
		a->regs.pc += 4;
		if (esr & 1) {
			sched_yield();          /* WFE: let the lock holder run */
			return VCPU_EXIT_WFE;
		}
		guest_vcpu_wfi(v);
		return VCPU_EXIT_WFI;
	case ESR_EC_HVC64:
		handle_smccc(v, false);
		return VCPU_EXIT_HVC;
	case ESR_EC_SMC64:
		handle_smccc(v, true);
		return VCPU_EXIT_SMC;
	/* System registers and the first FP/SIMD use are always quick (arch_exit_fast): never here. */
	case ESR_EC_DABT_LOW:
		handle_dabt(v, esr);
		return VCPU_EXIT_MMIO;
	case ESR_EC_IABT_LOW:
		handle_iabt(v);
		return VCPU_EXIT_IABT;
	case ESR_EC_SVE:
	default:
		guest_log_unhandled(v, "exception class %#llx (ESR %#llx) at pc %#llx: UNDEFINED",
				    (unsigned long long)ESR_EC(esr), (unsigned long long)esr,
				    (unsigned long long)a->regs.pc);
		arch_inject_undef(v);
		return VCPU_EXIT_OTHER;
	}
}
