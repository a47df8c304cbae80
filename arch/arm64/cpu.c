#include <stdio.h>
#include <arch/cpu.h>
#include <arch/irqflags.h>

struct part { uint32_t implementer, part; const char *name; };

static const struct part parts[] = {
	{ 0x41, 0xd03, "Cortex-A53" }, { 0x41, 0xd04, "Cortex-A35" },
	{ 0x41, 0xd05, "Cortex-A55" }, { 0x41, 0xd07, "Cortex-A57" },
	{ 0x41, 0xd08, "Cortex-A72" }, { 0x41, 0xd09, "Cortex-A73" },
	{ 0x41, 0xd0a, "Cortex-A75" }, { 0x41, 0xd0b, "Cortex-A76" },
	{ 0x41, 0xd0c, "Neoverse-N1" }, { 0x41, 0xd0d, "Cortex-A77" },
	{ 0x41, 0xd40, "Neoverse-V1" }, { 0x41, 0xd41, "Cortex-A78" },
	{ 0x41, 0xd46, "Cortex-A510" }, { 0x41, 0xd47, "Cortex-A710" },
	{ 0x41, 0xd49, "Neoverse-N2" }, { 0x41, 0xd4f, "Neoverse-V2" },
	{ 0x00, 0x051, "QEMU max" },
};

const char *arch_cpu_model(char *buf, unsigned len)
{
	uint64_t midr = read_sysreg(midr_el1);
	uint32_t impl = (midr >> 24) & 0xff, part = (midr >> 4) & 0xfff;
	uint32_t variant = (midr >> 20) & 0xf, rev = midr & 0xf;
	const char *name = NULL;

	for (unsigned i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (parts[i].implementer == impl && parts[i].part == part)
			name = parts[i].name;
	if (name)
		snprintf(buf, len, "%s r%up%u (MIDR %#010llx)", name, variant, rev,
			 (unsigned long long)midr);
	else
		snprintf(buf, len, "implementer %#04x part %#05x r%up%u (MIDR %#010llx)", impl, part,
			 variant, rev, (unsigned long long)midr);
	return buf;
}

void arch_cpu_halt(void)
{
	arch_irq_disable();
	for (;;)
		wfi();
}

void arch_dcache_clean_range(uintptr_t start, uint64_t size)
{
	uint64_t line = 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
	uintptr_t end = start + size;

	for (uintptr_t p = start & ~(line - 1); p < end; p += line)
		__asm__ volatile("dc cvac, %0" : : "r"(p) : "memory");
	dsb(sy);
}

void arch_icache_invalidate_all(void)
{
	__asm__ volatile("ic ialluis" ::: "memory");
	dsb(ish);
	isb();
}
