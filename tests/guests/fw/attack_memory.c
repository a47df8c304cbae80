/*
 * Attack class "memory": loads, stores and instruction fetches at
 * guest-physical addresses the guest was not given. Every one must abort
 * in the guest (the attack guest's on-abort policy is "inject"): a data
 * abort with FAR = the address used, or an instruction abort.
 *
 * Where: the first GiB (devices) every 2 MiB and at QEMU virt's own device
 * addresses, which a confused stage 2 could expose; above RAM every 16 MiB
 * up to 4 GiB (other guests' RAM and Mantle's, in host terms, lie about
 * there); every GiB up to the end of Mantle's 39-bit IPA space; powers of
 * two up to 2^48; and both sides of every edge the DTB gives. Also: what
 * this guest's own RAM holds where the host's image and DTB sit in host
 * memory (it must be this guest's RAM, nothing of the host's), and whether
 * any of its RAM held something before the guest wrote it (stale data of an
 * earlier owner).
 */
#include <string.h>
#include "attack.h"
#include "cpu.h"
#include "dtb.h"
#include "fault.h"

#define GIB          (1ULL << 30)
#define MIB          (1ULL << 20)
#define PAGE         4096ULL
#define IPA_BITS_S2  39		/* Mantle's stage-2 input size (S2_MAX_IPA_BITS) */
#define IPA_TOP      (1ULL << 48)	/* the most the window can reach */
#define HOST_RAM     0x40000000ULL	/* QEMU virt's RAM, where Mantle is loaded */
#define HOST_IMAGE   0x40200000ULL	/* Mantle's link address: RAM base + text offset */
#define SCRIBBLE     0xa5
#define STORE_VALUE  0x5afec0deU

#define FDT_MAGIC_LE 0xedfe0dd0U	/* 0xd00dfeed, big-endian in memory */
#define IMAGE_MAGIC  0x644d5241U	/* "ARM\x64" at offset 56 of an arm64 Image */

/* QEMU virt's own devices (hw/arm/virt.c's memory map): none may show through. */
static const uint64_t host_devices[] = {
	0x00000000, 0x04000000,			/* flash */
	0x08000000, 0x08010000, 0x08020000,	/* GIC distributor, CPU interface, v2m */
	0x08030000, 0x08040000,			/* GICH (Mantle's vGIC control), GICV */
	0x08080000, 0x080a0000,			/* ITS, redistributors */
	0x09000000, 0x09010000, 0x09020000,	/* UART, RTC, fw_cfg */
	0x09030000, 0x09040000, 0x09050000,	/* GPIO, secure UART, SMMU */
	0x0a000000, 0x0a003c00, 0x0a003e00,	/* virtio-mmio transports: first, last two */
	0x0c000000, 0x10000000, 0x3eff0000,	/* platform bus, PCIe MMIO and I/O */
	0x3f000000,				/* PCIe ECAM */
};

struct memory_run {
	struct attack_class *c;
	unsigned int probes, exec_probes;
};

static void write64(void *arg)
{
	uint64_t *a = arg;

	*(volatile uint64_t *)(uintptr_t)a[0] = a[1];
}

static uint64_t fault_write64(uintptr_t addr, uint64_t val)
{
	uint64_t a[2] = { addr, val };

	return expect_fault(write64, a);
}

/* An abort was expected for an access at va; anything but a data abort there is worth a note. */
static void check_data_abort(struct memory_run *r, uint64_t esr, uintptr_t va, uint64_t ipa,
			     const char *what)
{
	struct fault_info info = fault_last();

	if (ESR_EC(esr) != EC_DABT_SAME_EL)
		attack_note(r->c, "%s at IPA 0x%llx: exception EC 0x%02x (ESR 0x%llx), not a data abort",
			    what, (unsigned long long)ipa, (unsigned int)ESR_EC(esr),
			    (unsigned long long)esr);
	else if (!(esr & ESR_ABT_FNV) && info.far != va)
		attack_note(r->c, "%s at IPA 0x%llx: FAR 0x%llx, not the address used 0x%llx", what,
			    (unsigned long long)ipa, (unsigned long long)info.far,
			    (unsigned long long)va);
}

/* One unowned address: a load (of a size the random stream picks), a store, maybe a fetch. */
static void probe(struct memory_run *r, uint64_t ipa, int exec)
{
	struct attack_class *c = r->c;
	unsigned int size = 1u << (attack_rand(c) % 4);	/* 1, 2, 4 or 8 bytes */
	uintptr_t va;
	uint64_t esr, val = 0;

	ipa &= ~(uint64_t)(size - 1);			/* Device memory wants alignment */
	if (ipa >= IPA_TOP || attack_owned(ipa, size))
		return;
	va = attack_window(ipa, ipa < GIB ? WINDOW_DEVICE : WINDOW_NORMAL);
	r->probes++;
	switch (size) {
	case 1: { uint8_t v; esr = fault_read8(va, &v); val = v; break; }
	case 2: { uint16_t v; esr = fault_read16(va, &v); val = v; break; }
	case 4: { uint32_t v; esr = fault_read32(va, &v); val = v; break; }
	default: esr = fault_read64(va, &val); break;
	}
	if (!fault_last().count) {
		attack_escape(c, "%u-byte read at IPA 0x%llx (not this guest's) returned 0x%llx, no abort",
			      size, (unsigned long long)ipa, (unsigned long long)val);
		return;		/* something is there: do not write over it */
	}
	check_data_abort(r, esr, va, ipa, "read");
	attack_count_access(c, esr, AO_ESCAPE);

	esr = size == 8 ? fault_write64(va, STORE_VALUE) :
	      size == 1 ? fault_write8(va, (uint8_t)STORE_VALUE) : fault_write32(va & ~3UL, STORE_VALUE);
	if (!fault_last().count) {
		attack_escape(c, "write at IPA 0x%llx (not this guest's) was not refused",
			      (unsigned long long)ipa);
		return;
	}
	check_data_abort(r, esr, size == 8 || size == 1 ? va : va & ~3UL, ipa, "write");
	if (ESR_EC(esr) == EC_DABT_SAME_EL && !(esr & ESR_DABT_WNR))
		attack_note(c, "write at IPA 0x%llx: abort without WnR (ESR 0x%llx)",
			    (unsigned long long)ipa, (unsigned long long)esr);
	attack_count_access(c, esr, AO_ESCAPE);

	if (!exec)
		return;
	r->exec_probes++;
	va = attack_window(ipa & ~3ULL, WINDOW_EXEC);
	esr = fault_exec(va);
	if (!fault_last().count) {
		attack_escape(c, "instruction fetch at IPA 0x%llx (not this guest's) ran and returned",
			      (unsigned long long)ipa);
		return;
	}
	if (ESR_EC(esr) != EC_IABT_SAME_EL)
		attack_note(c, "fetch at IPA 0x%llx: exception EC 0x%02x, not an instruction abort",
			    (unsigned long long)ipa, (unsigned int)ESR_EC(esr));
	attack_count_access(c, esr, AO_ESCAPE);
}

/* Both sides of one edge of a region the guest has: the bytes just outside it. */
static void probe_edges(struct memory_run *r, uint64_t base, uint64_t size)
{
	if (!size)
		return;
	if (base >= PAGE) {
		probe(r, base - 4, 1);
		probe(r, base - PAGE, 0);
	}
	probe(r, base + size, 1);
	probe(r, base + size + PAGE - 4, 0);
	probe(r, base + size + 2 * MIB, 0);
}

static void sweep(struct memory_run *r)
{
	struct attack_class *c = r->c;
	const struct platform *p = &platform;

	/* The first GiB: devices. Every 2 MiB, at a random page of it, and QEMU's own devices. */
	for (uint64_t a = 0; a < GIB; a += 2 * MIB)
		probe(r, a + (attack_rand(c) % (2 * MIB / PAGE)) * PAGE + (attack_rand(c) & 0xffc),
		      (a / (2 * MIB)) % 16 == 0);
	for (unsigned int i = 0; i < sizeof(host_devices) / sizeof(host_devices[0]); i++) {
		probe(r, host_devices[i], 1);
		probe(r, host_devices[i] + 0x10, 0);
	}
	/* The edges of everything this guest has. */
	probe_edges(r, p->ram_base, p->ram_end - p->ram_base);
	probe_edges(r, p->uart, 0x1000);
	probe_edges(r, p->gicd, p->gicd_size);
	probe_edges(r, p->gicc, p->gicc_size);
	for (unsigned int i = 0; i < p->gicr_regions; i++)
		probe_edges(r, p->gicr[i], p->gicr_size[i]);
	for (unsigned int i = 0; i < p->nr_virtio; i++)
		probe_edges(r, p->virtio[i].base, p->virtio[i].size);
	for (unsigned int i = 0; i < p->nr_channels; i++)
		probe_edges(r, p->channel[i].base, p->channel[i].size);
	/* Host RAM beyond this guest's: other guests, Mantle's heap and page tables. */
	for (uint64_t a = p->ram_end; a < 4 * GIB; a += 16 * MIB)
		probe(r, a + (attack_rand(c) % (16 * MIB / PAGE)) * PAGE, (a / (16 * MIB)) % 8 == 0);
	/* Every GiB up to the end of the stage-2 input range, then beyond it. */
	for (uint64_t a = 4 * GIB; a < (1ULL << IPA_BITS_S2); a += GIB)
		probe(r, a + (attack_rand(c) % (GIB / PAGE)) * PAGE, (a / GIB) % 64 == 0);
	probe(r, (1ULL << IPA_BITS_S2) - 4, 1);
	for (unsigned int bit = IPA_BITS_S2; bit < 48; bit++) {
		probe(r, 1ULL << bit, 1);
		probe(r, (1ULL << bit) + (attack_rand(c) % ((1ULL << bit) / PAGE)) * PAGE, 0);
		probe(r, (2ULL << bit) - 4, 0);
	}
}

/* A doubleword that starts in RAM and ends past it: the second half must abort the whole access. */
static void straddle(struct memory_run *r)
{
	uint64_t end = platform.ram_end, esr, val = 0;

	if (attack_owned(end, 4))
		return;
	esr = fault_read64(end - 4, &val);
	if (!fault_last().count)
		attack_escape(r->c, "8-byte read straddling RAM's end (0x%llx) returned 0x%llx",
			      (unsigned long long)end, (unsigned long long)val);
	else
		attack_count_access(r->c, esr, AO_ESCAPE);
	esr = fault_write64(end - 4, 0);
	if (!fault_last().count)
		attack_escape(r->c, "8-byte write straddling RAM's end (0x%llx) was not refused",
			      (unsigned long long)end);
	else
		attack_count_access(r->c, esr, AO_ESCAPE);
}

/*
 * Where Mantle's image (and QEMU's DTB) sit in host memory, this guest has
 * its own RAM: it must hold nothing of theirs, and writing it must change
 * only this guest (that Mantle is still up afterwards shows it).
 */
static void host_image_alias(struct memory_run *r)
{
	static const uint64_t where[] = { HOST_RAM, HOST_IMAGE };
	uintptr_t img_start = (uintptr_t)_image_start, img_end = (uintptr_t)_image_end;

	for (unsigned int i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		uint64_t a = where[i];
		volatile uint32_t *w = (volatile uint32_t *)(uintptr_t)a;

		if (a < platform.ram_base || a + PAGE > platform.ram_end ||
		    (a + PAGE > img_start && a < img_end))
			continue;
		if (w[0] == FDT_MAGIC_LE)
			attack_escape(r->c, "IPA 0x%llx holds a DTB this guest did not put there",
				      (unsigned long long)a);
		else if (w[56 / 4] == IMAGE_MAGIC)
			attack_escape(r->c, "IPA 0x%llx holds an arm64 Image (Mantle's?)",
				      (unsigned long long)a);
		else
			attack_count(r->c, AO_HANDLED);
		memset((void *)(uintptr_t)a, SCRIBBLE, PAGE);
		for (unsigned int k = 0; k < PAGE / 4; k++)
			if (w[k] != 0x01010101U * SCRIBBLE) {
				attack_escape(r->c, "own RAM at IPA 0x%llx does not keep what was written",
					      (unsigned long long)(a + 4 * k));
				break;
			}
		memset((void *)(uintptr_t)a, 0, PAGE);
		attack_count(r->c, AO_HANDLED);
	}
}

/*
 * RAM above the image must read zero, but for the DTB Mantle put at its top:
 * anything else is what an earlier owner of that memory left.
 */
static void stale_data(struct memory_run *r)
{
	uint64_t start = ((uintptr_t)_image_end + PAGE - 1) & ~(PAGE - 1), dirty = 0;
	uint64_t end = platform.ram_end;

	for (uint64_t a = start; a < end; a += PAGE) {
		const volatile uint64_t *p = (const volatile uint64_t *)(uintptr_t)a;
		uint64_t any = 0;

		for (unsigned int k = 0; k < PAGE / 8; k++)
			any |= p[k];
		if (!any)
			continue;
		for (unsigned int k = 0; k < PAGE / 8; k++) {
			const volatile uint32_t *w = (const volatile uint32_t *)&p[k];

			if (!p[k])
				continue;
			if (w[0] == FDT_MAGIC_LE) {
				/* The DTB: skip its totalsize (big-endian, at 4), from this word on. */
				uint32_t be = w[1], size = __builtin_bswap32(be);
				uint64_t skip_to = (a + 8 * k + size + PAGE - 1) & ~(PAGE - 1);

				if (size >= 8 && size <= 1 * MIB && skip_to <= end) {
					a = skip_to - PAGE;
					break;
				}
			}
			dirty++;
			attack_escape(r->c, "IPA 0x%llx held 0x%016llx before this guest wrote it",
				      (unsigned long long)(a + 8 * k), (unsigned long long)p[k]);
			break;
		}
	}
	if (!dirty)
		attack_count(r->c, AO_HANDLED);	/* one check; each dirty page is an escape of its own */
}

void attack_memory(struct attack_class *c)
{
	struct memory_run r = { c, 0, 0 };

	stale_data(&r);
	host_image_alias(&r);
	sweep(&r);
	straddle(&r);
	attack_window_close();
}
