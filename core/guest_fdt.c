/*
 * The DTB Mantle writes for a guest that brings none: what a standard arm64
 * kernel expects of a virt-like machine, built with libfdt's sequential
 * writer. (Interrupt controller and timer nodes join with the vGIC.)
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <mantle/guest.h>
#include <mantle/guest_loader.h>
#include <vgic/vgic_emu.h>
#include <sp805_wdt.h>

#define PHANDLE_APB_PCLK 1
#define PHANDLE_GIC      2
#define PHANDLE_WDOG_CLK 3

#define TRY(x) do { if ((x) < 0) return -1; } while (0)

static int prop_reg(void *fdt, uint64_t addr, uint64_t size)
{
	fdt64_t cells[2] = { cpu_to_fdt64(addr), cpu_to_fdt64(size) };
	return fdt_property(fdt, "reg", cells, sizeof(cells));
}

static int add_cpus(void *fdt, const struct guest *g)
{
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	/* From the description: the DTB is built before the vCPUs exist. */
	for (unsigned i = 0; i < g->cfg.nr_vcpus; i++) {
		char name[16];
		snprintf(name, sizeof(name), "cpu@%u", i);
		TRY(fdt_begin_node(fdt, name));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "arm,armv8"));
		TRY(fdt_property_u32(fdt, "reg", i));
		TRY(fdt_property_string(fdt, "enable-method", "psci"));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int add_pl011(void *fdt, const struct emu_device *d)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	static const char clock_names[] = "uartclk\0apb_pclk";
	fdt32_t clocks[2] = { cpu_to_fdt32(PHANDLE_APB_PCLK), cpu_to_fdt32(PHANDLE_APB_PCLK) };
	char name[40];

	snprintf(name, sizeof(name), "pl011@%llx", (unsigned long long)d->ipa);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(prop_reg(fdt, d->ipa, d->size));
	if (d->irq >= 32) {
		fdt32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(d->irq - 32), cpu_to_fdt32(4) };
		TRY(fdt_property(fdt, "interrupts", irq, sizeof(irq)));
	}
	TRY(fdt_property(fdt, "clocks", clocks, sizeof(clocks)));
	TRY(fdt_property(fdt, "clock-names", clock_names, sizeof(clock_names)));
	return fdt_end_node(fdt);
}

static int add_gic(void *fdt, const struct guest *g)
{
	unsigned version = guest_vgic_version(g);
	char name[40];
	fdt64_t reg[4];

	snprintf(name, sizeof(name), "intc@%llx", (unsigned long long)VGIC_DIST_IPA);
	TRY(fdt_begin_node(fdt, name));
	if (version == 3) {
		TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
		reg[2] = cpu_to_fdt64(VGIC_REDIST_IPA);
		reg[3] = cpu_to_fdt64((uint64_t)g->cfg.nr_vcpus * VGIC_REDIST_STRIDE);
		TRY(fdt_property_u32(fdt, "#redistributor-regions", 1));
	} else {
		TRY(fdt_property_string(fdt, "compatible", "arm,cortex-a15-gic"));
		reg[2] = cpu_to_fdt64(VGIC_CPU_IPA);
		reg[3] = cpu_to_fdt64(VGIC_CPU_SIZE);
	}
	reg[0] = cpu_to_fdt64(VGIC_DIST_IPA);
	reg[1] = cpu_to_fdt64(VGIC_DIST_SIZE);
	TRY(fdt_property(fdt, "reg", reg, sizeof(reg)));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#address-cells", 0));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_GIC));
	return fdt_end_node(fdt);
}

/* Secure and non-secure physical, virtual, hypervisor: PPIs 13, 14, 11, 10, level-high. */
static int add_timer(void *fdt, const struct guest *g)
{
	static const uint32_t ppis[4] = { 13, 14, 11, 10 };
	/* GICv2 PPI flags carry the CPU mask. */
	uint32_t flags = 4 | (guest_vgic_version(g) == 2 ? ((1u << g->cfg.nr_vcpus) - 1) << 8 : 0);
	fdt32_t cells[12];

	for (unsigned i = 0; i < 4; i++) {
		cells[i * 3] = cpu_to_fdt32(1);
		cells[i * 3 + 1] = cpu_to_fdt32(ppis[i]);
		cells[i * 3 + 2] = cpu_to_fdt32(flags);
	}
	TRY(fdt_begin_node(fdt, "timer"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-timer"));
	TRY(fdt_property(fdt, "interrupts", cells, sizeof(cells)));
	TRY(fdt_property(fdt, "always-on", NULL, 0));
	return fdt_end_node(fdt);
}

static int prop_spi(void *fdt, uint32_t intid, bool edge)
{
	fdt32_t irq[3] = { cpu_to_fdt32(0), cpu_to_fdt32(intid - 32), cpu_to_fdt32(edge ? 1 : 4) };
	return fdt_property(fdt, "interrupts", irq, sizeof(irq));
}

static bool is_virtio(const char *compatible)
{
	return !strncmp(compatible, "mantle,virtio-", 14);
}

/* Mantle's virtio devices: the standard virtio-mmio binding. */
static int add_virtio(void *fdt, const struct guest_dev_config *dc)
{
	char name[48];

	snprintf(name, sizeof(name), "virtio_mmio@%llx", (unsigned long long)dc->ipa);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
	TRY(prop_reg(fdt, dc->ipa, dc->size));
	TRY(prop_spi(fdt, dc->irq, dc->irq_edge));
	TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
	return fdt_end_node(fdt);
}

static int add_channel(void *fdt, const struct guest_dev_config *dc, unsigned index)
{
	char name[48];

	snprintf(name, sizeof(name), "channel@%llx", (unsigned long long)dc->ipa);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "compatible", "mantle,channel"));
	TRY(prop_reg(fdt, dc->ipa, dc->size));
	TRY(prop_spi(fdt, dc->irq, true));
	TRY(fdt_property_string(fdt, "mantle,channel", dc->chan_name));
	TRY(fdt_property_string(fdt, "mantle,peer", dc->chan_peer));
	TRY(fdt_property_u32(fdt, "mantle,index", index));
	return fdt_end_node(fdt);
}

static int add_passthrough_node(void *fdt, const struct guest_dev_config *dc)
{
	char name[48];

	snprintf(name, sizeof(name), "%s@%llx", dc->name, (unsigned long long)dc->ipa);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "compatible", dc->guest_compatible));
	TRY(prop_reg(fdt, dc->ipa, dc->size));
	if (dc->irq)
		TRY(prop_spi(fdt, dc->irq, dc->irq_edge));
	if (dc->dma)
		TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
	return fdt_end_node(fdt);
}

/*
 * A device that does DMA sees host physical addresses, not the guest's: the
 * bus it sits on translates guest RAM to where it really is (dma-ranges), so
 * the guest's DMA API hands the device the right addresses.
 */
static int add_dma_bus(void *fdt, const struct guest *g)
{
	fdt64_t ranges[GUEST_MAX_MEM * 3];
	unsigned n = 0;

	TRY(fdt_begin_node(fdt, "dma-bus"));
	TRY(fdt_property_string(fdt, "compatible", "simple-bus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property(fdt, "ranges", NULL, 0));
	for (unsigned i = 0; i < g->nr_mem; i++) {
		if (g->mem[i].type != GUEST_MEM_RAM)
			continue;
		ranges[n++] = cpu_to_fdt64(g->mem[i].pa);
		ranges[n++] = cpu_to_fdt64(g->mem[i].ipa);
		ranges[n++] = cpu_to_fdt64(g->mem[i].size);
	}
	TRY(fdt_property(fdt, "dma-ranges", ranges, n * sizeof(ranges[0])));
	TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
	for (unsigned i = 0; i < g->cfg.nr_devs; i++) {
		const struct guest_dev_config *dc = &g->cfg.devs[i];
		if (dc->kind == GUEST_DEV_PASSTHROUGH && dc->guest_compatible[0] && dc->dma)
			TRY(add_passthrough_node(fdt, dc));
	}
	return fdt_end_node(fdt);
}

static bool is_sp805(const struct guest_dev_config *dc)
{
	return dc->kind == GUEST_DEV_EMULATED && !strcmp(dc->compatible, SP805_WDT_COMPATIBLE);
}

/* Linux's sp805_wdt driver takes the counter's rate from the first clock; the AMBA bus wants apb_pclk. */
static int add_sp805(void *fdt, const struct guest_dev_config *dc)
{
	static const char compat[] = "arm,sp805\0arm,primecell";
	static const char clock_names[] = "wdog_clk\0apb_pclk";
	fdt32_t clocks[2] = { cpu_to_fdt32(PHANDLE_WDOG_CLK), cpu_to_fdt32(PHANDLE_APB_PCLK) };
	char name[48];

	snprintf(name, sizeof(name), "watchdog@%llx", (unsigned long long)dc->ipa);
	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(prop_reg(fdt, dc->ipa, dc->size));
	if (dc->irq)
		TRY(prop_spi(fdt, dc->irq, false));
	TRY(fdt_property(fdt, "clocks", clocks, sizeof(clocks)));
	TRY(fdt_property(fdt, "clock-names", clock_names, sizeof(clock_names)));
	return fdt_end_node(fdt);
}

static int add_wdog_clock(void *fdt, const struct guest *g)
{
	bool any = false;

	for (unsigned i = 0; i < g->cfg.nr_devs; i++)
		any |= is_sp805(&g->cfg.devs[i]);
	if (!any)
		return 0;
	TRY(fdt_begin_node(fdt, "wdog-clk"));
	TRY(fdt_property_string(fdt, "compatible", "fixed-clock"));
	TRY(fdt_property_u32(fdt, "#clock-cells", 0));
	TRY(fdt_property_u32(fdt, "clock-frequency", SP805_WDT_CLOCK_HZ));
	TRY(fdt_property_string(fdt, "clock-output-names", "wdogclk"));
	TRY(fdt_property_u32(fdt, "phandle", PHANDLE_WDOG_CLK));
	return fdt_end_node(fdt);
}

/* Virtio devices, channels and passthrough devices with a guest compatible. */
static int add_devices(void *fdt, const struct guest *g)
{
	unsigned channel_index = 0;
	bool dma_bus = false;

	for (unsigned i = 0; i < g->cfg.nr_devs; i++) {
		const struct guest_dev_config *dc = &g->cfg.devs[i];
		if (dc->kind == GUEST_DEV_EMULATED && is_virtio(dc->compatible))
			TRY(add_virtio(fdt, dc));
		else if (dc->kind == GUEST_DEV_CHANNEL)
			TRY(add_channel(fdt, dc, channel_index++));
		else if (is_sp805(dc))
			TRY(add_sp805(fdt, dc));
		else if (dc->kind == GUEST_DEV_PASSTHROUGH && dc->guest_compatible[0]) {
			if (dc->dma)
				dma_bus = true;
			else
				TRY(add_passthrough_node(fdt, dc));
		}
	}
	return dma_bus ? add_dma_bus(fdt, g) : 0;
}

static const struct emu_device *console_device(const struct guest *g)
{
	for (unsigned i = 0; i < g->nr_devs; i++)
		if (!strcmp(g->devs[i].compatible, "arm,pl011"))
			return &g->devs[i];
	return NULL;
}

int guest_fdt_build(const struct guest *g, void *buf, size_t size)
{
	static const char root_compat[] = "mantle,virt\0linux,dummy-virt";
	static const char psci_compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";
	const struct emu_device *uart = console_device(g);
	char path[48];

	TRY(fdt_create(buf, (int)size));
	TRY(fdt_finish_reservemap(buf));
	TRY(fdt_begin_node(buf, ""));
	TRY(fdt_property_u32(buf, "#address-cells", 2));
	TRY(fdt_property_u32(buf, "#size-cells", 2));
	TRY(fdt_property(buf, "compatible", root_compat, sizeof(root_compat)));
	TRY(fdt_property_string(buf, "model", g->name));
	if (g->vgic)
		TRY(fdt_property_u32(buf, "interrupt-parent", PHANDLE_GIC));

	TRY(fdt_begin_node(buf, "chosen"));
	TRY(fdt_property_string(buf, "bootargs", g->cfg.bootargs));
	if (uart) {
		snprintf(path, sizeof(path), "/pl011@%llx", (unsigned long long)uart->ipa);
		TRY(fdt_property_string(buf, "stdout-path", path));
	}
	if (g->initrd_size) {
		TRY(fdt_property_u64(buf, "linux,initrd-start", g->initrd_ipa));
		TRY(fdt_property_u64(buf, "linux,initrd-end", g->initrd_ipa + g->initrd_size));
	}
	TRY(fdt_end_node(buf));

	for (unsigned i = 0; i < g->nr_mem; i++) {
		char name[40];
		if (g->mem[i].type != GUEST_MEM_RAM)
			continue;
		snprintf(name, sizeof(name), "memory@%llx", (unsigned long long)g->mem[i].ipa);
		TRY(fdt_begin_node(buf, name));
		TRY(fdt_property_string(buf, "device_type", "memory"));
		TRY(prop_reg(buf, g->mem[i].ipa, g->mem[i].size));
		TRY(fdt_end_node(buf));
	}
	TRY(add_cpus(buf, g));

	TRY(fdt_begin_node(buf, "psci"));
	TRY(fdt_property(buf, "compatible", psci_compat, sizeof(psci_compat)));
	TRY(fdt_property_string(buf, "method", "hvc"));
	TRY(fdt_end_node(buf));

	TRY(fdt_begin_node(buf, "apb-pclk"));
	TRY(fdt_property_string(buf, "compatible", "fixed-clock"));
	TRY(fdt_property_u32(buf, "#clock-cells", 0));
	TRY(fdt_property_u32(buf, "clock-frequency", 24000000));
	TRY(fdt_property_string(buf, "clock-output-names", "clk24mhz"));
	TRY(fdt_property_u32(buf, "phandle", PHANDLE_APB_PCLK));
	TRY(fdt_end_node(buf));
	TRY(add_wdog_clock(buf, g));

	if (g->vgic) {
		TRY(add_gic(buf, g));
		TRY(add_timer(buf, g));
	}
	for (unsigned i = 0; i < g->nr_devs; i++)
		if (!strcmp(g->devs[i].compatible, "arm,pl011"))
			TRY(add_pl011(buf, &g->devs[i]));
	TRY(add_devices(buf, g));

	TRY(fdt_end_node(buf));
	TRY(fdt_finish(buf));
	return (int)fdt_totalsize(buf);
}
