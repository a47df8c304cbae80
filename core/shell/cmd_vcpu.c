/* vcpu list|dumpreg, vserial list|bind, devtree print */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <arch/vcpu_regs.h>
#include <mantle/shell.h>
#include <mantle/guest.h>
#include <mantle/vcpu.h>
#include <mantle/vserial.h>
#include <mantle/devtree.h>
#include <libs/fmt.h>
#include "shell_util.h"

static int cmd_vcpu_list(int argc, char **argv)
{
	struct list_node *pos;

	if (shell_expect_no_args(argc, argv))
		return -1;
	printf("%-20s %4s %-8s %-5s %10s %18s\n", "VCPU", "CPU", "STATE", "POWER", "EXITS", "PC");
	vcpu_list_lock();
	list_for_each(pos, vcpu_list()) {
		struct vcpu *v = list_entry(pos, struct vcpu, all_node);
		if (vcpu_is_orphan(v))
			continue;
		printf("%-20s %4u %-8s %-5s %10llu %#18llx\n", v->name, v->cpu, vcpu_state_name(v->state),
		       v->power == VCPU_POWER_ON ? "on" : "off", (unsigned long long)vcpu_exits(v),
		       (unsigned long long)v->arch->regs.pc);
	}
	vcpu_list_unlock();
	return 0;
}
SHELL_COMMAND(vcpu_list, "vcpu", "list", "", "every guest vCPU: CPU, state, exits, pc", cmd_vcpu_list);

static int cmd_vcpu_dumpreg(int argc, char **argv)
{
	char gname[GUEST_NAME_MAX];
	const char *slash;
	struct guest *g;
	uint64_t index;
	struct arch_vcpu *a;

	if (argc != 2 || !(slash = strchr(argv[1], '/')) || (size_t)(slash - argv[1]) >= sizeof(gname)) {
		printf("error: vcpu dumpreg: usage: vcpu dumpreg GUEST/VCPU\n");
		return -1;
	}
	memcpy(gname, argv[1], slash - argv[1]);
	gname[slash - argv[1]] = '\0';
	g = guest_find(gname);
	if (!g) {
		printf("error: vcpu dumpreg: no guest named '%s'\n", gname);
		return -1;
	}
	if (!parse_decimal(slash + 1, g->nr_vcpus - 1, &index)) {
		printf("error: vcpu dumpreg: %s has vCPUs 0..%u, not '%s'\n", g->name, g->nr_vcpus - 1, slash + 1);
		return -1;
	}
	a = g->vcpus[index]->arch;
	printf("%s/%llu (%s; registers as of its last exit)\n", g->name, (unsigned long long)index,
	       vcpu_state_name(g->vcpus[index]->state));
	for (int i = 0; i < 30; i += 2)
		printf("x%-2d %#018llx  x%-2d %#018llx\n", i, (unsigned long long)a->regs.x[i], i + 1,
		       (unsigned long long)a->regs.x[i + 1]);
	printf("x30 %#018llx  pc  %#018llx\n", (unsigned long long)a->regs.x[30],
	       (unsigned long long)a->regs.pc);
	printf("pstate %#llx  esr %#llx  far %#llx  hpfar %#llx\n", (unsigned long long)a->regs.pstate,
	       (unsigned long long)a->regs.esr, (unsigned long long)a->regs.far,
	       (unsigned long long)a->regs.hpfar);
	printf("sctlr_el1 %#llx  vbar_el1 %#llx  ttbr0_el1 %#llx  (EL1 registers as last saved)\n",
	       (unsigned long long)a->sys.sctlr, (unsigned long long)a->sys.vbar,
	       (unsigned long long)a->sys.ttbr0);
	return 0;
}
SHELL_COMMAND(vcpu_dumpreg, "vcpu", "dumpreg", "GUEST/VCPU", "a guest vCPU's registers", cmd_vcpu_dumpreg);

static void print_port(struct vserial *vs, bool bound, size_t history, void *arg)
{
	printf("%-24s %-7s %8zu\n", vserial_name(vs), bound ? "bound" : "-", history);
}

static int cmd_vserial_list(int argc, char **argv)
{
	if (shell_expect_no_args(argc, argv))
		return -1;
	printf("%-24s %-7s %8s\n", "PORT", "STATE", "HISTORY");
	vserial_for_each(print_port, NULL);
	return 0;
}
SHELL_COMMAND(vserial_list, "vserial", "list", "", "guest serial ports", cmd_vserial_list);

static int cmd_vserial_bind(int argc, char **argv)
{
	int ret;

	if (argc != 2) {
		printf("error: vserial bind: usage: vserial bind GUEST/PORT\n");
		return -1;
	}
	ret = vserial_bind_console(argv[1]);
	if (ret == -1)
		printf("error: vserial bind: no port named '%s' (see vserial list)\n", argv[1]);
	else if (ret == -2)
		printf("error: vserial bind: %s is bound already\n", argv[1]);
	return ret;
}
SHELL_COMMAND(vserial_bind, "vserial", "bind", "GUEST/PORT", "talk to a guest's serial port (Ctrl-] q returns)", cmd_vserial_bind);

#define DEVTREE_MAX_DEPTH 16

static bool printable_strings(const char *p, int len)
{
	if (len <= 0 || p[len - 1] || !p[0])
		return false;
	for (int i = 0; i < len; i++) {
		if (!p[i] && i + 1 < len && !p[i + 1])
			return false;           /* an empty string: these are cells */
		if (p[i] && (p[i] < 0x20 || p[i] > 0x7e))
			return false;
	}
	return true;
}

static void print_prop(const void *fdt, int off, int depth)
{
	int len;
	const char *name;
	const char *val = fdt_getprop_by_offset(fdt, off, &name, &len);

	printf("%*s%s", depth * 2, "", name);
	if (len > 0 && printable_strings(val, len)) {
		printf(" = ");
		for (const char *s = val; s < val + len; s += strlen(s) + 1)
			printf("%s\"%s\"", s == val ? "" : ", ", s);
	} else if (len > 0 && len % 4 == 0) {
		printf(" = <");
		for (int i = 0; i < len / 4 && i < 32; i++)
			printf("%s%#x", i ? " " : "", fdt32_to_cpu(((const fdt32_t *)val)[i]));
		printf("%s>", len / 4 > 32 ? " ..." : "");
	} else if (len > 0) {
		printf(" = [%d bytes]", len);
	}
	printf(";\n");
}

static void print_node(const void *fdt, int node, int depth)
{
	int prop, child;
	const char *name = fdt_get_name(fdt, node, NULL);

	printf("%*s%s {\n", depth * 2, "", depth == 0 && !*name ? "/" : name);
	fdt_for_each_property_offset(prop, fdt, node)
		print_prop(fdt, prop, depth + 1);
	if (depth < DEVTREE_MAX_DEPTH)
		fdt_for_each_subnode(child, fdt, node)
			print_node(fdt, child, depth + 1);
	printf("%*s};\n", depth * 2, "");
}

static int cmd_devtree_print(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/";
	int node;

	if (argc > 2) {
		printf("error: devtree print: usage: devtree print [PATH]\n");
		return -1;
	}
	node = fdt_path_offset(host_fdt, path);
	if (node < 0) {
		printf("error: devtree print: no node '%s' in the host device tree\n", path);
		return -1;
	}
	print_node(host_fdt, node, 0);
	return 0;
}
SHELL_COMMAND(devtree_print, "devtree", "print", "[PATH]", "the host device tree, or one node of it", cmd_devtree_print);
