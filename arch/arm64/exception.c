/* Exceptions Mantle does not handle: dump everything, stop this CPU, leave the others running. */
#include <stdio.h>
#include <arch/regs.h>
#include <arch/cpu.h>
#include <arch/sysreg.h>
#include <mantle/log.h>
#include <mantle/percpu.h>
#include <mantle/vcpu.h>

static const char *const vector_names[16] = {
	"sync (EL2, SP_EL0)", "IRQ (EL2, SP_EL0)", "FIQ (EL2, SP_EL0)", "SError (EL2, SP_EL0)",
	"sync (EL2)", "IRQ (EL2)", "FIQ (EL2)", "SError (EL2)",
	"sync (lower EL, AArch64)", "IRQ (lower EL, AArch64)", "FIQ (lower EL, AArch64)",
	"SError (lower EL, AArch64)",
	"sync (lower EL, AArch32)", "IRQ (lower EL, AArch32)", "FIQ (lower EL, AArch32)",
	"SError (lower EL, AArch32)",
};

static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00: return "unknown reason";
	case 0x01: return "WFI/WFE";
	case 0x07: return "FP/SIMD access";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC (AArch64)";
	case 0x16: return "HVC (AArch64)";
	case 0x17: return "SMC (AArch64)";
	case 0x18: return "system register access";
	case 0x19: return "SVE access";
	case 0x20: return "instruction abort, lower EL";
	case 0x21: return "instruction abort, same EL";
	case 0x22: return "PC alignment fault";
	case 0x24: return "data abort, lower EL";
	case 0x25: return "data abort, same EL";
	case 0x26: return "SP alignment fault";
	case 0x2f: return "SError";
	case 0x3c: return "BRK";
	default: return "other";
	}
}

void exception_unexpected(struct arch_regs *regs, unsigned kind);
void exception_unexpected(struct arch_regs *regs, unsigned kind)
{
	struct pcpu *pc = arch_percpu_get();
	unsigned ec = (regs->esr >> ESR_EC_SHIFT) & ESR_EC_MASK;

	log_emergency_enter();
	printf("\n*** unexpected exception on CPU %u: %s\n", pc ? pc->id : 0, vector_names[kind & 15]);
	if (pc && pc->current)
		printf("*** running vCPU: %s\n", pc->current->name);
	printf("ESR_EL2 %#018llx  EC %#04x (%s)  IL %u  ISS %#09llx\n",
	       (unsigned long long)regs->esr, ec, ec_name(ec), (unsigned)(regs->esr >> 25) & 1,
	       (unsigned long long)(regs->esr & 0x1ffffff));
	printf("FAR_EL2 %#018llx  ELR_EL2 %#018llx  SPSR_EL2 %#018llx\n",
	       (unsigned long long)regs->far, (unsigned long long)regs->elr,
	       (unsigned long long)regs->spsr);
	for (int i = 0; i < 31; i += 2) {
		if (i == 30)
			printf("x30 %#018llx  sp  %#018llx\n", (unsigned long long)regs->x[30],
			       (unsigned long long)regs->sp);
		else
			printf("x%-2d %#018llx  x%-2d %#018llx\n", i, (unsigned long long)regs->x[i],
			       i + 1, (unsigned long long)regs->x[i + 1]);
	}
	printf("*** CPU %u halted\n", pc ? pc->id : 0);
	if (pc)
		pc->halted = true;
	log_emergency_exit();
	arch_cpu_halt();
}
