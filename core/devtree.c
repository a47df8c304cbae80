#include <string.h>
#include <libfdt.h>
#include <mantle/devtree.h>

const void *host_fdt;

bool dt_init(const void *fdt)
{
	if (fdt_check_header(fdt))
		return false;
	host_fdt = fdt;
	return true;
}

static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;
	for (int i = 0; i < cells; i++)
		v = (v << 32) | fdt32_to_cpu(p[i]);
	return v;
}

bool dt_reg(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node), len;
	int ac, sc;
	const fdt32_t *reg;

	if (parent < 0)
		return false;
	ac = fdt_address_cells(fdt, parent);
	sc = fdt_size_cells(fdt, parent);
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return false;
	if ((idx + 1) * (ac + sc) * 4 > len)
		return false;
	reg += idx * (ac + sc);
	*addr = read_cells(reg, ac);
	*size = sc ? read_cells(reg + ac, sc) : 0;
	return true;
}

bool dt_irq(const void *fdt, int node, int idx, uint32_t *intid, uint32_t *flags)
{
	int len;
	const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
	uint32_t type, num;

	/* Both GIC bindings use three cells: type, number, flags. */
	if (!irq || (idx + 1) * 12 > len)
		return false;
	irq += idx * 3;
	type = fdt32_to_cpu(irq[0]);
	num = fdt32_to_cpu(irq[1]);
	*intid = type == 1 ? num + 16 : num + 32;
	*flags = (fdt32_to_cpu(irq[2]) & 0x3) ? DT_IRQ_EDGE : 0;
	return true;
}

bool dt_node_enabled(const void *fdt, int node)
{
	int len;
	const char *status = fdt_getprop(fdt, node, "status", &len);
	return !status || !strcmp(status, "okay") || !strcmp(status, "ok");
}

bool dt_u64(const void *fdt, int node, const char *prop, uint64_t *val)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, prop, &len);

	if (!p || (len != 4 && len != 8))
		return false;
	*val = read_cells(p, len / 4);
	return true;
}

int dt_stdout_node(const void *fdt)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len;
	const char *path;
	char buf[128];
	const char *colon;
	size_t n;

	if (chosen < 0)
		return -1;
	path = fdt_getprop(fdt, chosen, "stdout-path", &len);
	if (!path)
		return -1;
	/* "serial0:115200n8": drop the options, then resolve an alias if needed. */
	colon = strchr(path, ':');
	n = colon ? (size_t)(colon - path) : strlen(path);
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, path, n);
	buf[n] = '\0';
	if (buf[0] != '/') {
		const char *alias = fdt_get_alias(fdt, buf);
		return alias ? fdt_path_offset(fdt, alias) : -1;
	}
	return fdt_path_offset(fdt, buf);
}
