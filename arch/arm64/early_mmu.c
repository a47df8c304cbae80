/*
 * The boot CPU's first map, made with the MMU off: the image with proper
 * permissions and the host DTB. RAM and devices are added once the DTB has
 * been parsed with the MMU (and caches) on.
 */
#include <stdint.h>
#include <arch/sysreg.h>
#include <arch/image.h>
#include <arch/el2_pagetable.h>

#define FDT_MAGIC 0xd00dfeedU

void early_mmu_build(uint64_t dtb);
void boot_hang(void) __attribute__((noreturn));

void early_mmu_build(uint64_t dtb)
{
	const volatile uint32_t *hdr = (const volatile uint32_t *)dtb;
	uint64_t start = (uint64_t)_start;
	uint64_t text = (uint64_t)_text_end, ro = (uint64_t)_rodata_end;
	uint64_t end = (uint64_t)_end;

	if (el2_map_range(start, text - start, EL2_PROT_TEXT) ||
	    el2_map_range(text, ro - text, EL2_PROT_RO) ||
	    el2_map_range(ro, end - ro, EL2_PROT_RW))
		boot_hang();

	/* No DTB, no console to say so: stop here. */
	if ((dtb & 3) || __builtin_bswap32(hdr[0]) != FDT_MAGIC)
		boot_hang();
	if (el2_map_range(dtb, __builtin_bswap32(hdr[1]), EL2_PROT_RO))
		boot_hang();
}
