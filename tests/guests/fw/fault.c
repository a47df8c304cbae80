/*
 * EL1 exception handling: IRQs to the GIC driver once it is set up on the
 * CPU (gic.c), the fault catcher (fault.h), and a register dump and panic
 * for anything else. Built -mgeneral-regs-only: it interrupts code whose
 * FP/SIMD registers are live (vectors.S saves them, but this file need not
 * rely on it).
 */
#include <stdio.h>
#include "console.h"
#include "cpu.h"
#include "fault.h"
#include "gic.h"

struct exc_frame {
	uint64_t x[31];
	uint64_t elr, spsr, esr, far, pad;
};

enum { TYPE_SYNC, TYPE_IRQ, TYPE_FIQ, TYPE_SERROR };

static const char *const kind_names[16] = {
	"sync, EL1t", "IRQ, EL1t", "FIQ, EL1t", "SError, EL1t",
	"sync, EL1h", "IRQ, EL1h", "FIQ, EL1h", "SError, EL1h",
	"sync, EL0 AArch64", "IRQ, EL0 AArch64", "FIQ, EL0 AArch64", "SError, EL0 AArch64",
	"sync, EL0 AArch32", "IRQ, EL0 AArch32", "FIQ, EL0 AArch32", "SError, EL0 AArch32",
};

static const char *ec_name(unsigned int ec)
{
	switch (ec) {
	case EC_UNKNOWN:      return "unknown/UNDEFINED";
	case 0x01:            return "WFI/WFE";
	case 0x07:            return "FP/SIMD access";
	case 0x15:            return "SVC";
	case 0x16:            return "HVC";
	case 0x17:            return "SMC";
	case 0x18:            return "MSR/MRS/system instruction";
	case 0x20:            return "instruction abort, lower EL";
	case EC_IABT_SAME_EL: return "instruction abort, same EL";
	case 0x22:            return "PC alignment";
	case 0x24:            return "data abort, lower EL";
	case EC_DABT_SAME_EL: return "data abort, same EL";
	case 0x26:            return "SP alignment";
	case EC_SERROR:       return "SError";
	case 0x3c:            return "BRK";
	default:              return "?";
	}
}

const char *fault_describe(uint64_t esr, char *buf, unsigned int size)
{
	snprintf(buf, size, "EC 0x%02x (%s), ESR 0x%08llx", (unsigned int)ESR_EC(esr),
		 ec_name(ESR_EC(esr)), (unsigned long long)esr);
	return buf;
}

static void dump_and_panic(const struct exc_frame *f, unsigned int kind)
{
	char what[80];

	printf("\nfw: unexpected exception (%s) on cpu %u: %s\n", kind_names[kind & 15],
	       this_cpu() ? this_cpu()->id : 0, fault_describe(f->esr, what, sizeof(what)));
	printf("fw:   ELR 0x%016llx FAR 0x%016llx SPSR 0x%08llx\n",
	       (unsigned long long)f->elr, (unsigned long long)f->far,
	       (unsigned long long)f->spsr);
	for (int i = 0; i < 31; i += 2) {
		if (i == 30)
			printf("fw:   x30 0x%016llx\n", (unsigned long long)f->x[30]);
		else
			printf("fw:   x%-2d 0x%016llx x%-2d 0x%016llx\n", i,
			       (unsigned long long)f->x[i], i + 1,
			       (unsigned long long)f->x[i + 1]);
	}
	fw_panic("stopped");
}

/* Called by vectors.S with the saved frame; may change f->elr. */
void fw_exception(struct exc_frame *f, unsigned int kind);
void fw_exception(struct exc_frame *f, unsigned int kind)
{
	struct cpu_local *c = this_cpu();
	unsigned int type = kind & 3;

	/* An IRQ at EL1 (SP_EL0 or SP_EL1): the GIC's, if this CPU has one set up. */
	if (type == TYPE_IRQ && kind < 8 && c && gic_handle_irq())
		return;
	if (!c || !c->catching || (type != TYPE_SYNC && type != TYPE_SERROR))
		dump_and_panic(f, kind);

	if (c->faults++ == 0) {
		c->esr = f->esr;
		c->far = f->far;
		c->elr = f->elr;
	}
	if (type == TYPE_SERROR)
		return;		/* asynchronous: nothing to skip */
	switch (ESR_EC(f->esr)) {
	case 0x20:
	case EC_IABT_SAME_EL:
	case 0x22:
		f->elr = f->x[30];	/* a BLR to a bad address: return to the caller */
		break;
	default:
		f->elr += 4;
		break;
	}
}

uint64_t expect_fault(void (*fn)(void *), void *arg)
{
	struct cpu_local *c = this_cpu();

	c->faults = 0;
	c->esr = c->far = c->elr = 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	c->catching = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	fn(arg);
	/* Let a pending SError (an asynchronous external abort) in while armed. */
	__asm__ volatile("dsb sy\n isb\n msr daifclr, #4\n isb\n msr daifset, #4" : : : "memory");
	c->catching = 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	return c->faults ? c->esr : 0;
}

struct fault_info fault_last(void)
{
	struct cpu_local *c = this_cpu();
	struct fault_info info = { c->faults, c->esr, c->far, c->elr };

	return info;
}

struct access {
	uintptr_t addr;
	uint64_t val;
};

static void do_read8(void *arg)
{
	struct access *a = arg;
	a->val = *(volatile uint8_t *)a->addr;
}

static void do_read16(void *arg)
{
	struct access *a = arg;
	a->val = *(volatile uint16_t *)a->addr;
}

static void do_read32(void *arg)
{
	struct access *a = arg;
	a->val = *(volatile uint32_t *)a->addr;
}

static void do_read64(void *arg)
{
	struct access *a = arg;
	a->val = *(volatile uint64_t *)a->addr;
}

static void do_write8(void *arg)
{
	struct access *a = arg;
	*(volatile uint8_t *)a->addr = (uint8_t)a->val;
}

static void do_write32(void *arg)
{
	struct access *a = arg;
	*(volatile uint32_t *)a->addr = (uint32_t)a->val;
}

static void do_exec(void *arg)
{
	struct access *a = arg;
	((void (*)(void))a->addr)();
}

static uint64_t run_access(void (*fn)(void *), struct access *a)
{
	uint64_t esr = expect_fault(fn, a);

	if (fault_last().count)
		a->val = 0;
	return esr;
}

uint64_t fault_read8(uintptr_t addr, uint8_t *val)
{
	struct access a = { addr, 0 };
	uint64_t esr = run_access(do_read8, &a);

	*val = (uint8_t)a.val;
	return esr;
}

uint64_t fault_read16(uintptr_t addr, uint16_t *val)
{
	struct access a = { addr, 0 };
	uint64_t esr = run_access(do_read16, &a);

	*val = (uint16_t)a.val;
	return esr;
}

uint64_t fault_read32(uintptr_t addr, uint32_t *val)
{
	struct access a = { addr, 0 };
	uint64_t esr = run_access(do_read32, &a);

	*val = (uint32_t)a.val;
	return esr;
}

uint64_t fault_read64(uintptr_t addr, uint64_t *val)
{
	struct access a = { addr, 0 };
	uint64_t esr = run_access(do_read64, &a);

	*val = a.val;
	return esr;
}

uint64_t fault_write8(uintptr_t addr, uint8_t val)
{
	struct access a = { addr, val };

	return run_access(do_write8, &a);
}

uint64_t fault_write32(uintptr_t addr, uint32_t val)
{
	struct access a = { addr, val };

	return run_access(do_write32, &a);
}

uint64_t fault_exec(uintptr_t addr)
{
	struct access a = { addr, 0 };

	return run_access(do_exec, &a);
}
