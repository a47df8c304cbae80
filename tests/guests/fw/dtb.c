/* Device tree reading with libfdt. */
#include <libfdt.h>
#include <string.h>
#include "cpu.h"
#include "dtb.h"
#include "uart.h"

_Static_assert(sizeof(((struct platform *)0)->mpidr) / sizeof(uint64_t) == FW_MAX_CPUS,
	       "platform.mpidr must hold FW_MAX_CPUS entries");

static uint64_t read_cells(const fdt32_t *cells, int count)
{
	uint64_t val = 0;

	for (int i = 0; i < count; i++)
		val = (val << 32) | fdt32_to_cpu(cells[i]);
	return val;
}

/* The first (address, size) of a node's reg, with the root's cell counts. */
static int first_reg(const void *fdt, int node, uint64_t *addr, uint64_t *size)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0), len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 || len < (ac + sc) * 4)
		return -1;
	*addr = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	return 0;
}

/* Entry index of a node's reg, with the cell counts of its parent (the bus it sits on). */
static int reg_at(const void *fdt, int node, int index, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node), len;
	int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : -1;
	int sc = parent >= 0 ? fdt_size_cells(fdt, parent) : -1;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2 || index < 0 ||
	    len < (index + 1) * (ac + sc) * 4)
		return -1;
	reg += index * (ac + sc);
	*addr = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	return 0;
}

static void parse_model(const void *fdt, struct platform *p)
{
	const char *s = fdt_getprop(fdt, 0, "model", NULL);

	if (!s)
		s = fdt_getprop(fdt, 0, "compatible", NULL);
	p->model = s && *s ? s : "unknown";
}

static void parse_bootargs(const void *fdt, struct platform *p)
{
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *s = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;

	p->bootargs = s ? s : "";
}

static void parse_uart(const void *fdt, struct platform *p)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), node = -1;
	const char *path = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", NULL) : NULL;
	uint64_t addr, size;

	if (path) {
		const char *colon = strchr(path, ':');

		/* An alias or a path, possibly followed by ":<options>". */
		node = fdt_path_offset_namelen(fdt, path, colon ? colon - path : (int)strlen(path));
		if (node >= 0 && fdt_node_check_compatible(fdt, node, "arm,pl011") != 0)
			node = -1;
	}
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	p->uart = node >= 0 && first_reg(fdt, node, &addr, &size) == 0 ? addr
								      : PL011_DEFAULT_BASE;
}

static void parse_memory(const void *fdt, struct platform *p)
{
	uint64_t here = (uintptr_t)_image_start, addr, size;
	int node;

	fdt_for_each_subnode(node, fdt, 0) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);

		if (!type || strcmp(type, "memory") != 0 || first_reg(fdt, node, &addr, &size))
			continue;
		if (here >= addr && here - addr < size) {
			p->ram_base = addr;
			p->ram_end = addr + size;
			return;
		}
	}
}

static void parse_psci(const void *fdt, struct platform *p)
{
	int node = fdt_path_offset(fdt, "/psci");
	const char *method = node >= 0 ? fdt_getprop(fdt, node, "method", NULL) : NULL;

	p->conduit = method && strcmp(method, "smc") == 0 ? CONDUIT_SMC : CONDUIT_HVC;
}

static void parse_cpus(const void *fdt, struct platform *p)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, len;
	int ac = cpus >= 0 ? fdt_address_cells(fdt, cpus) : 1;

	if (cpus < 0 || ac < 1 || ac > 2)
		return;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

		if (!type || strcmp(type, "cpu") != 0 || !reg || len < ac * 4)
			continue;
		if (p->ncpus < FW_MAX_CPUS)
			p->mpidr[p->ncpus++] = read_cells(reg, ac) & MPIDR_AFF_MASK;
	}
}

static uint32_t prop_u32(const void *fdt, int node, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *val = fdt_getprop(fdt, node, name, &len);

	return val && len >= 4 ? fdt32_to_cpu(val[0]) : dflt;
}

static int parse_gic(const void *fdt, struct platform *p)
{
	static const char *const v2_compat[] = { "arm,cortex-a15-gic", "arm,gic-400" };
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	uint64_t addr, size;

	if (node >= 0) {
		unsigned int regions = prop_u32(fdt, node, "#redistributor-regions", 1);

		if (reg_at(fdt, node, 0, &p->gicd, &p->gicd_size))
			return node;
		for (unsigned int i = 0; i < regions && i < DTB_MAX_GICR_REGIONS; i++) {
			if (reg_at(fdt, node, 1 + i, &addr, &size))
				break;
			p->gicr[i] = addr;
			p->gicr_size[i] = size;
			p->gicr_regions = i + 1;
		}
		p->gicr_stride = prop_u32(fdt, node, "redistributor-stride", 0);
		if (p->gicr_regions)
			p->gic = GIC_V3;
		return node;
	}
	for (unsigned int i = 0; i < sizeof(v2_compat) / sizeof(v2_compat[0]); i++) {
		node = fdt_node_offset_by_compatible(fdt, -1, v2_compat[i]);
		if (node < 0)
			continue;
		if (reg_at(fdt, node, 0, &p->gicd, &p->gicd_size) == 0 &&
		    reg_at(fdt, node, 1, &p->gicc, &p->gicc_size) == 0)
			p->gic = GIC_V2;
		return node;
	}
	return -1;
}

/*
 * Interrupt specifiers are <type number flags> (the GIC binding; type 1 is a
 * PPI, INTID 16 + number; type 0 an SPI, INTID 32 + number), with the cell
 * count of the GIC node.
 */
static unsigned int irq_cells(const void *fdt, int gic_node)
{
	return gic_node >= 0 ? prop_u32(fdt, gic_node, "#interrupt-cells", 3) : 3;
}

static unsigned int intid_of(const fdt32_t *spec)
{
	uint32_t type = fdt32_to_cpu(spec[0]), num = fdt32_to_cpu(spec[1]);

	return (type == 1 ? 16 : 32) + num;
}

/* A node's first interrupt, 0 if it has none (or one this parser cannot read). */
static unsigned int first_intid(const void *fdt, int node, unsigned int cells)
{
	int len;
	const fdt32_t *irqs = fdt_getprop(fdt, node, "interrupts", &len);

	if (!irqs || cells < 2 || len < (int)(cells * 4))
		return 0;
	return intid_of(irqs);
}

static void parse_timer(const void *fdt, struct platform *p, int gic_node)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer"), len;
	unsigned int cells = irq_cells(fdt, gic_node);
	const fdt32_t *irqs;

	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv7-timer");
	irqs = node >= 0 ? fdt_getprop(fdt, node, "interrupts", &len) : NULL;
	if (!irqs || cells < 2 || len < (int)(TIMER_IRQS * cells * 4))
		return;
	for (unsigned int i = 0; i < TIMER_IRQS; i++)
		p->timer_intid[i] = intid_of(irqs + i * cells);
	p->timer_from_dtb = 1;
}

static void parse_virtio(const void *fdt, struct platform *p, int gic_node)
{
	unsigned int cells = irq_cells(fdt, gic_node);
	int node;

	for (node = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) {
		struct dtb_virtio *v;

		if (p->nr_virtio >= DTB_MAX_VIRTIO)
			return;
		v = &p->virtio[p->nr_virtio];
		if (reg_at(fdt, node, 0, &v->base, &v->size))
			continue;
		v->intid = first_intid(fdt, node, cells);
		p->nr_virtio++;
	}
}

static const char *prop_str(const void *fdt, int node, const char *name)
{
	int len;
	const char *s = fdt_getprop(fdt, node, name, &len);

	/* A string property must hold its terminator. */
	return s && len > 0 && s[len - 1] == '\0' ? s : "";
}

static void parse_channels(const void *fdt, struct platform *p, int gic_node)
{
	unsigned int cells = irq_cells(fdt, gic_node);
	int node;

	for (node = fdt_node_offset_by_compatible(fdt, -1, "mantle,channel"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "mantle,channel")) {
		struct dtb_channel *c;

		if (p->nr_channels >= DTB_MAX_CHANNELS)
			return;
		c = &p->channel[p->nr_channels];
		if (reg_at(fdt, node, 0, &c->base, &c->size))
			continue;
		c->intid = first_intid(fdt, node, cells);
		c->name = prop_str(fdt, node, "mantle,channel");
		c->peer = prop_str(fdt, node, "mantle,peer");
		c->index = prop_u32(fdt, node, "mantle,index", p->nr_channels);
		p->nr_channels++;
	}
}

struct platform platform;

int dtb_parse(const void *fdt)
{
	struct platform *p = &platform;
	int err, gic_node;

	memset(p, 0, sizeof(*p));
	p->model = "unknown";
	p->bootargs = "";
	p->uart = PL011_DEFAULT_BASE;
	p->conduit = CONDUIT_HVC;
	p->timer_intid[TIMER_SEC_PHYS] = 29;
	p->timer_intid[TIMER_PHYS] = 30;
	p->timer_intid[TIMER_VIRT] = 27;
	p->timer_intid[TIMER_HYP] = 26;
	if (!fdt)
		return -FDT_ERR_BADMAGIC;
	err = fdt_check_header(fdt);
	if (err)
		return err;
	p->fdt = fdt;
	parse_model(fdt, p);
	parse_bootargs(fdt, p);
	parse_uart(fdt, p);
	parse_memory(fdt, p);
	parse_psci(fdt, p);
	parse_cpus(fdt, p);
	gic_node = parse_gic(fdt, p);
	parse_timer(fdt, p, gic_node);
	parse_virtio(fdt, p, gic_node);
	parse_channels(fdt, p, gic_node);
	return 0;
}
