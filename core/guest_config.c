/*
 * Guest descriptions: a compiled guest DTS (docs/guest-dts.md) checked in
 * full and turned into a struct guest_config. The blob comes from a bundle
 * and is trusted in nothing: its size is checked before any field is read,
 * libfdt's full structure check runs before any node is walked, every loop
 * has a bound, and the first problem ends the parse with one message that
 * names the node at fault.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <mantle/guest_config.h>

#define COMPAT_GUEST           "mantle,guest"
#define COMPAT_ROM             "mantle,rom"
#define COMPAT_PASSTHROUGH     "mantle,passthrough"
#define COMPAT_CHANNEL         "mantle,channel"
#define COMPAT_VGIC            "mantle,vgic"
#define COMPAT_PL011           "arm,pl011"
#define COMPAT_SP805           "arm,sp805"
#define COMPAT_VIRTIO_BLK      "mantle,virtio-blk"
#define COMPAT_VIRTIO_NET      "mantle,virtio-net"
#define COMPAT_VIRTIO_CONSOLE  "mantle,virtio-console"
#define COMPAT_VIRTIO_RNG      "mantle,virtio-rng"

const char *const guest_known_devices[] = {
	COMPAT_PL011,
	COMPAT_SP805,
	COMPAT_VIRTIO_BLK,
	COMPAT_VIRTIO_NET,
	COMPAT_VIRTIO_CONSOLE,
	COMPAT_VIRTIO_RNG,
	NULL,
};

#define GUEST_PAGE_SIZE     0x1000ULL
#define SPI_FIRST_INTID     32
#define SPI_LAST            987         /* SPI 987 is INTID 1019, the last one */
#define IRQ_EDGE_RISING     1
#define IRQ_LEVEL_HIGH      4
#define MAC_LEN             6

/*
 * A virtio-mmio device's registers take 0x200 bytes. Device windows are
 * whole pages (get_window), so every valid reg already holds them.
 */
#define VIRTIO_MMIO_WINDOW  0x200
_Static_assert(VIRTIO_MMIO_WINDOW <= GUEST_PAGE_SIZE, "a device page holds the virtio-mmio registers");

/*
 * Bounds no sane description reaches. The per-kind limits (vCPUs, regions,
 * devices) trip first; these only stop a crafted blob from looping long.
 */
#define ROOT_NODES_MAX      (GUEST_MAX_MEM + GUEST_MAX_DEVICES + 8)
#define PROPS_MAX           32
#define COMPATIBLES_MAX     8
#define PATH_BUF            128
#define KNOWN_LIST_BUF      256

/* A guest-physical or host-physical range, kept to find overlaps. */
struct window {
	uint64_t base, last;        /* inclusive end: a window may end at 2^64 */
	int node;
};

struct parser {
	const void *fdt;
	const char *file;
	unsigned nr_host_cpus;
	struct guest_config *cfg;
	char *err;
	size_t errlen;
	int addr_cells, size_cells;         /* the root's, for reg, host-reg and entry */
	int cpus, boot;                     /* node offsets, -1 until seen */
	unsigned nr_windows;
	struct window windows[GUEST_MAX_MEM + GUEST_MAX_DEVICES];
	int dev_node[GUEST_MAX_DEVICES];    /* node of cfg->devs[i] */
};

/* Properties every node may carry: dtc adds them when a label is referenced. */
static const char *const phandle_props[] = { "phandle", "linux,phandle", NULL };

static const char *const root_props[] = {
	"compatible", "guest-name", "#address-cells", "#size-cells", "interrupt-parent",
	"autostart", "on-stop", "on-crash", "on-abort", "boot-order", "boot-delay-ms", NULL,
};
static const char *const cpus_props[] = { "#address-cells", "#size-cells", NULL };
static const char *const vcpu_props[] = { "reg", "pcpu", "priority", "time-slice-us", NULL };
static const char *const ram_props[] = { "device_type", "reg", NULL };
static const char *const rom_props[] = { "compatible", "reg", "image", NULL };
static const char *const emulated_props[] = { "compatible", "reg", "interrupts", NULL };
static const char *const virtio_blk_props[] = {
	"compatible", "reg", "interrupts", "backend", "ramdisk", "sector-range", "read-only", NULL,
};
static const char *const virtio_net_props[] = {
	"compatible", "reg", "interrupts", "switch", "mac-address", NULL,
};
static const char *const passthrough_props[] = {
	"compatible", "reg", "interrupts", "host-reg", "host-interrupts", "guest-compatible",
	"dma-capable", NULL,
};
static const char *const channel_props[] = {
	"compatible", "reg", "interrupts", "channel", "peer", NULL,
};
static const char *const vgic_props[] = {
	"compatible", "interrupt-controller", "#interrupt-cells", "#address-cells", NULL,
};
static const char *const boot_props[] = { "kernel", "initrd", "dtb", "bootargs", "entry", NULL };

/* ------------------------------------------------------------ messages */

static void vreport(struct parser *p, const char *path, const char *fmt, va_list ap)
{
	int n;

	if (!p->err || p->errlen == 0)
		return;
	n = snprintf(p->err, p->errlen, "%s: %s: ", p->file ? p->file : "(guest)", path);
	if (n < 0)
		p->err[0] = '\0';
	else if ((size_t)n < p->errlen)
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
	/* Names and strings come from the blob: whatever they hold, the message stays one printable line. */
	for (char *c = p->err; *c; c++)
		if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
			*c = '?';
}

/* Reports a problem with a node that may not exist, by its path. */
__attribute__((format(printf, 3, 4)))
static int fail_at(struct parser *p, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(p, path, fmt, ap);
	va_end(ap);
	return -1;
}

static void node_path(struct parser *p, int node, char *buf, size_t len)
{
	const char *name;
	int name_len;

	if (fdt_get_path(p->fdt, node, buf, (int)len) == 0)
		return;
	/* Deeper than the buffer: the node's own name still tells which one. */
	name = fdt_get_name(p->fdt, node, &name_len);
	if (name)
		snprintf(buf, len, "/.../%.*s", name_len, name);
	else
		snprintf(buf, len, "/...");
}

__attribute__((format(printf, 3, 4)))
static int fail(struct parser *p, int node, const char *fmt, ...)
{
	char path[PATH_BUF];
	va_list ap;

	node_path(p, node, path, sizeof(path));
	va_start(ap, fmt);
	vreport(p, path, fmt, ap);
	va_end(ap);
	return -1;
}

/* ------------------------------------------------------------ properties */

static bool in_list(const char *name, const char *const list[])
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(name, list[i]) == 0)
			return true;
	return false;
}

/*
 * Unknown properties are errors, not ignored: a misspelt "priorty" would
 * otherwise quietly give the default. Nodes other than the root and /cpus
 * have no children.
 */
static int check_node(struct parser *p, int node, const char *const allowed[], bool children)
{
	int prop, child, n = 0;

	fdt_for_each_property_offset(prop, p->fdt, node) {
		const char *name;

		if (++n > PROPS_MAX)
			return fail(p, node, "more than %d properties", PROPS_MAX);
		if (!fdt_getprop_by_offset(p->fdt, prop, &name, NULL) || !name)
			return fail(p, node, "unreadable property");
		if (!in_list(name, allowed) && !in_list(name, phandle_props))
			return fail(p, node, "unknown property \"%s\"", name);
	}
	child = fdt_first_subnode(p->fdt, node);
	if (!children && child >= 0)
		return fail(p, child, "unexpected node");
	return 0;
}

/* 1 and the value if the property is one cell, 0 if absent, -1 reported. */
static int get_u32(struct parser *p, int node, const char *name, uint32_t *out)
{
	int len;
	const fdt32_t *v = fdt_getprop(p->fdt, node, name, &len);

	if (!v)
		return 0;
	if (len != (int)sizeof(*v))
		return fail(p, node, "%s must be one cell", name);
	*out = fdt32_ld(v);
	return 1;
}

/* 1 and a pointer to one NUL-terminated string, 0 if absent, -1 reported. */
static int get_string_ptr(struct parser *p, int node, const char *name, const char **out)
{
	int len;
	const char *s = fdt_getprop(p->fdt, node, name, &len);

	if (!s)
		return 0;
	/* One string: a single terminating NUL and no string list. */
	if (len < 1 || memchr(s, '\0', (size_t)len) != s + len - 1)
		return fail(p, node, "%s is not a string", name);
	*out = s;
	return 1;
}

/* Like get_string_ptr, copied into buf, which must hold it. */
static int get_string(struct parser *p, int node, const char *name, char *buf, size_t size)
{
	const char *s;
	int rc = get_string_ptr(p, node, name, &s);
	size_t len;

	if (rc <= 0)
		return rc;
	len = strlen(s);
	if (len >= size)
		return fail(p, node, "%s is longer than %u characters", name, (unsigned)(size - 1));
	memcpy(buf, s, len + 1);
	return 1;
}

/* A property without a value: true if present. */
static int get_flag(struct parser *p, int node, const char *name, bool *out)
{
	int len;
	const void *v = fdt_getprop(p->fdt, node, name, &len);

	*out = v != NULL;
	if (v && len != 0)
		return fail(p, node, "%s takes no value", name);
	return 0;
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_';
}

/*
 * A name others refer to (a guest, switch, channel or backend), copied into
 * buf: 1 if present, 0 if absent, -1 reported. The shell takes names as one
 * word; slash allows '/' as well, for backends such as "disk0/p1".
 */
static int get_word(struct parser *p, int node, const char *name, char *buf, size_t size, bool slash)
{
	int rc = get_string(p, node, name, buf, size);

	if (rc <= 0)
		return rc;
	if (buf[0] == '\0')
		return fail(p, node, "%s is empty", name);
	for (size_t i = 0; buf[i]; i++)
		if (!name_char_ok(buf[i]) && !(slash && buf[i] == '/'))
			return fail(p, node, "%s \"%s\" may only contain letters, digits, %s", name, buf,
				    slash ? "'-', '_' and '/'" : "'-' and '_'");
	return 1;
}

static uint64_t read_cells(const fdt32_t *cells, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_ld(&cells[i]);
	return v;
}

/* The node's name without its unit address: "uart0" for "uart0@9000000". */
static int get_base_name(struct parser *p, int node, char *buf, size_t size)
{
	int len;
	const char *name = fdt_get_name(p->fdt, node, &len);
	const char *at;

	if (!name || len < 0)
		return fail(p, node, "unreadable node name");
	at = memchr(name, '@', (size_t)len);
	if (at)
		len = (int)(at - name);
	if (len == 0)
		return fail(p, node, "the node has no name before its unit address");
	if ((size_t)len >= size)
		return fail(p, node, "name \"%.*s\" is longer than %u characters", len, name,
			    (unsigned)(size - 1));
	memcpy(buf, name, (size_t)len);
	buf[len] = '\0';
	return 0;
}

/* ------------------------------------------------------------ windows and interrupts */

/*
 * A one-entry <address size> property (reg, host-reg) in the root's cells.
 * Stage 2 maps and traps whole pages, so both ends must be page aligned.
 */
static int get_window(struct parser *p, int node, const char *name, uint64_t *base, uint64_t *size)
{
	int len, cells = p->addr_cells + p->size_cells;
	const fdt32_t *v = fdt_getprop(p->fdt, node, name, &len);

	if (!v)
		return fail(p, node, "no %s", name);
	if (len != cells * (int)sizeof(*v))
		return fail(p, node, "%s must be one <address size> pair of %d cells", name, cells);
	*base = read_cells(v, p->addr_cells);
	*size = read_cells(v + p->addr_cells, p->size_cells);
	if (*size == 0)
		return fail(p, node, "%s size is 0", name);
	if (*base % GUEST_PAGE_SIZE)
		return fail(p, node, "%s address 0x%llx is not 4 KiB aligned", name,
			    (unsigned long long)*base);
	if (*size % GUEST_PAGE_SIZE)
		return fail(p, node, "%s size 0x%llx is not a multiple of 4 KiB", name,
			    (unsigned long long)*size);
	if (*base + (*size - 1) < *base)
		return fail(p, node, "%s 0x%llx + 0x%llx overflows the 64-bit address space", name,
			    (unsigned long long)*base, (unsigned long long)*size);
	return 0;
}

static bool windows_overlap(uint64_t base, uint64_t last, const struct window *w)
{
	return base <= w->last && w->base <= last;
}

/* Adds a guest-physical window; RAM, ROM and devices may not share a byte. */
static int add_guest_window(struct parser *p, int node, uint64_t base, uint64_t size)
{
	uint64_t last = base + (size - 1);
	char other[PATH_BUF];

	for (unsigned i = 0; i < p->nr_windows; i++) {
		if (windows_overlap(base, last, &p->windows[i])) {
			node_path(p, p->windows[i].node, other, sizeof(other));
			return fail(p, node, "overlaps %s", other);
		}
	}
	if (p->nr_windows >= sizeof(p->windows) / sizeof(p->windows[0]))
		return fail(p, node, "too many regions and devices");
	p->windows[p->nr_windows++] = (struct window){ .base = base, .last = last, .node = node };
	return 0;
}

/*
 * A one-entry GIC-style <type number flags> property, as a guest INTID;
 * 0 when absent. Only SPIs: PPIs and SGIs are per-CPU, no device owns one.
 * edge (may be NULL) says whether the flags asked for an edge trigger.
 */
static int get_spi(struct parser *p, int node, const char *name, uint32_t *intid, bool *edge)
{
	int len;
	const fdt32_t *v = fdt_getprop(p->fdt, node, name, &len);
	uint32_t type, num, flags;

	*intid = 0;
	if (!v)
		return 0;
	if (len != 3 * (int)sizeof(*v))
		return fail(p, node, "%s must be one <type number flags> triple of 3 cells", name);
	type = fdt32_ld(&v[0]);
	num = fdt32_ld(&v[1]);
	flags = fdt32_ld(&v[2]);
	if (type != 0)
		return fail(p, node, "%s type %u is not 0 (SPI)", name, type);
	if (num > SPI_LAST)
		return fail(p, node, "%s SPI %u is out of range 0..%u", name, num, SPI_LAST);
	if (flags != IRQ_EDGE_RISING && flags != IRQ_LEVEL_HIGH)
		return fail(p, node, "%s flags %u are not 1 (edge) or 4 (level)", name, flags);
	*intid = SPI_FIRST_INTID + num;
	if (edge)
		*edge = flags == IRQ_EDGE_RISING;
	return 0;
}

/* ------------------------------------------------------------ root */

static int parse_name(struct parser *p, int root)
{
	int rc = get_word(p, root, "guest-name", p->cfg->name, sizeof(p->cfg->name), false);

	if (rc < 0)
		return -1;
	if (rc == 0)
		return fail(p, root, "no guest-name");
	return 0;
}

static int parse_policy(struct parser *p, int root, const char *name, enum guest_policy *out)
{
	const char *word;
	int rc = get_string_ptr(p, root, name, &word);

	if (rc <= 0)
		return rc;
	if (strcmp(word, "halt") == 0)
		*out = GUEST_POLICY_HALT;
	else if (strcmp(word, "restart") == 0)
		*out = GUEST_POLICY_RESTART;
	else
		return fail(p, root, "%s \"%s\" is not \"halt\" or \"restart\"", name, word);
	return 0;
}

static int parse_abort_policy(struct parser *p, int root)
{
	const char *word;
	int rc = get_string_ptr(p, root, "on-abort", &word);

	if (rc <= 0)
		return rc;
	if (strcmp(word, "inject") == 0)
		p->cfg->on_abort = GUEST_ABORT_INJECT;
	else if (strcmp(word, "stop") == 0)
		p->cfg->on_abort = GUEST_ABORT_STOP;
	else
		return fail(p, root, "on-abort \"%s\" is not \"inject\" or \"stop\"", word);
	return 0;
}

static int parse_cells(struct parser *p, int root)
{
	uint32_t ac = 2, sc = 1;        /* the devicetree specification's defaults */

	if (get_u32(p, root, "#address-cells", &ac) < 0 || get_u32(p, root, "#size-cells", &sc) < 0)
		return -1;
	if (ac < 1 || ac > 2)
		return fail(p, root, "#address-cells is %u, must be 1 or 2", ac);
	if (sc < 1 || sc > 2)
		return fail(p, root, "#size-cells is %u, must be 1 or 2", sc);
	p->addr_cells = (int)ac;
	p->size_cells = (int)sc;
	return 0;
}

/*
 * When an autostart guest starts at boot. Either property without
 * autostart would be ignored, so it is refused as the mistake it must be.
 */
static int parse_boot_start(struct parser *p, int root)
{
	struct guest_config *cfg = p->cfg;
	int order, delay;

	order = get_u32(p, root, "boot-order", &cfg->boot_order);
	if (order < 0)
		return -1;
	delay = get_u32(p, root, "boot-delay-ms", &cfg->boot_delay_ms);
	if (delay < 0)
		return -1;
	if (cfg->boot_delay_ms > GUEST_BOOT_DELAY_MS_MAX)
		return fail(p, root, "boot-delay-ms %u is out of range 0..%u (one hour)", cfg->boot_delay_ms,
			    GUEST_BOOT_DELAY_MS_MAX);
	if ((order || delay) && !cfg->autostart)
		return fail(p, root, "%s without autostart (only guests started at boot have one)",
			    order ? "boot-order" : "boot-delay-ms");
	cfg->has_boot_order = order > 0;
	return 0;
}

static int parse_root_props(struct parser *p, int root)
{
	struct guest_config *cfg = p->cfg;

	if (fdt_node_check_compatible(p->fdt, root, COMPAT_GUEST) != 0)
		return fail(p, root, "not a guest description (no compatible \"%s\")", COMPAT_GUEST);
	if (check_node(p, root, root_props, true) < 0 || parse_cells(p, root) < 0 ||
	    parse_name(p, root) < 0)
		return -1;
	if (parse_policy(p, root, "on-stop", &cfg->on_stop) < 0 ||
	    parse_policy(p, root, "on-crash", &cfg->on_crash) < 0 || parse_abort_policy(p, root) < 0)
		return -1;
	if (get_flag(p, root, "autostart", &cfg->autostart) < 0)
		return -1;
	return parse_boot_start(p, root);
}

/* ------------------------------------------------------------ vCPUs */

static int parse_vcpu(struct parser *p, int node, int id_node[])
{
	struct guest_config *cfg = p->cfg;
	struct guest_vcpu_config *v;
	uint32_t id, pcpu, prio = CONFIG_SCHED_PRIORITIES / 2, slice_us = CONFIG_SCHED_DEFAULT_SLICE_US;
	char other[PATH_BUF];
	int rc;

	if (check_node(p, node, vcpu_props, false) < 0)
		return -1;
	rc = get_u32(p, node, "reg", &id);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return fail(p, node, "no reg (the vCPU id)");
	/* Unique ids below the count are exactly 0..count-1. */
	if (id >= cfg->nr_vcpus)
		return fail(p, node, "vCPU id %u leaves a gap (ids must be 0..%u, one per vCPU)", id,
			    cfg->nr_vcpus - 1);
	if (id_node[id] >= 0) {
		node_path(p, id_node[id], other, sizeof(other));
		return fail(p, node, "vCPU id %u is also %s", id, other);
	}
	id_node[id] = node;

	rc = get_u32(p, node, "pcpu", &pcpu);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return fail(p, node, "no pcpu (the host CPU it is pinned to)");
	if (pcpu >= p->nr_host_cpus)
		return fail(p, node, "pinned to CPU %u but the host has %u", pcpu, p->nr_host_cpus);
	if (get_u32(p, node, "priority", &prio) < 0 || get_u32(p, node, "time-slice-us", &slice_us) < 0)
		return -1;
	/* 0 is the idle vCPU's. */
	if (prio < 1 || prio > CONFIG_SCHED_PRIORITIES - 1)
		return fail(p, node, "priority %u is out of range 1..%u", prio,
			    CONFIG_SCHED_PRIORITIES - 1);
	if (slice_us == 0)
		return fail(p, node, "time-slice-us is 0");

	v = &cfg->vcpus[id];
	v->pcpu = pcpu;
	v->prio = prio;
	v->slice_ns = (uint64_t)slice_us * 1000;
	return 0;
}

static int parse_cpus(struct parser *p, int cpus)
{
	int id_node[GUEST_MAX_VCPUS];
	int node;
	unsigned n = 0;

	if (p->cpus >= 0)
		return fail(p, cpus, "a second cpus node");
	p->cpus = cpus;
	if (check_node(p, cpus, cpus_props, true) < 0)
		return -1;
	/* Count first: the ids are checked against the count. */
	fdt_for_each_subnode(node, p->fdt, cpus) {
		if (++n > GUEST_MAX_VCPUS)
			return fail(p, cpus, "more than %d vCPUs", GUEST_MAX_VCPUS);
	}
	if (n == 0)
		return fail(p, cpus, "no vCPUs");
	p->cfg->nr_vcpus = n;
	for (unsigned i = 0; i < GUEST_MAX_VCPUS; i++)
		id_node[i] = -1;
	fdt_for_each_subnode(node, p->fdt, cpus) {
		if (parse_vcpu(p, node, id_node) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ memory */

static int parse_mem(struct parser *p, int node, enum guest_mem_type type)
{
	struct guest_config *cfg = p->cfg;
	struct guest_mem_config *m;

	if (check_node(p, node, type == GUEST_MEM_RAM ? ram_props : rom_props, false) < 0)
		return -1;
	if (cfg->nr_mem >= GUEST_MAX_MEM)
		return fail(p, node, "more than %d memory regions", GUEST_MAX_MEM);
	m = &cfg->mem[cfg->nr_mem];
	m->type = type;
	if (get_base_name(p, node, m->name, sizeof(m->name)) < 0 ||
	    get_window(p, node, "reg", &m->ipa, &m->size) < 0)
		return -1;
	if (type == GUEST_MEM_ROM && get_string(p, node, "image", m->image, sizeof(m->image)) < 0)
		return -1;
	if (add_guest_window(p, node, m->ipa, m->size) < 0)
		return -1;
	cfg->nr_mem++;
	return 0;
}

/* ------------------------------------------------------------ devices */

/* Passthrough host ranges may not overlap either: two devices, one register file. */
static int check_host_window(struct parser *p, int node, const struct guest_dev_config *d)
{
	uint64_t last = d->host_pa + (d->size - 1);
	char other[PATH_BUF];

	for (unsigned i = 0; i < p->cfg->nr_devs; i++) {
		const struct guest_dev_config *o = &p->cfg->devs[i];
		struct window w = { .base = o->host_pa, .last = o->host_pa + (o->size - 1) };

		if (o->passthrough && windows_overlap(d->host_pa, last, &w)) {
			node_path(p, p->dev_node[i], other, sizeof(other));
			return fail(p, node, "host-reg overlaps the host-reg of %s", other);
		}
	}
	return 0;
}

/*
 * One guest SPI, one device: the vGIC raises it for exactly one source. A
 * host interrupt links to one guest SPI, so host-interrupts are unique too.
 */
static int check_irq_unique(struct parser *p, int node, const char *name, uint32_t intid, bool host)
{
	char other[PATH_BUF];

	if (!intid)
		return 0;
	for (unsigned i = 0; i < p->cfg->nr_devs; i++) {
		const struct guest_dev_config *o = &p->cfg->devs[i];

		if ((host ? o->host_irq : o->irq) == intid) {
			node_path(p, p->dev_node[i], other, sizeof(other));
			return fail(p, node, "%s SPI %u is also used by %s", name, intid - SPI_FIRST_INTID,
				    other);
		}
	}
	return 0;
}

/* The compatible the guest's own DTB gives the device: one printable word. */
static int parse_guest_compatible(struct parser *p, int node, struct guest_dev_config *d)
{
	const char *c = d->guest_compatible;
	int rc = get_string(p, node, "guest-compatible", d->guest_compatible, sizeof(d->guest_compatible));

	if (rc <= 0)
		return rc;
	if (c[0] == '\0')
		return fail(p, node, "guest-compatible is empty");
	for (size_t i = 0; c[i]; i++)
		if ((unsigned char)c[i] <= ' ' || (unsigned char)c[i] >= 0x7f)
			return fail(p, node, "guest-compatible \"%s\" may only contain printing characters, "
				    "no spaces", c);
	return 0;
}

static int parse_passthrough(struct parser *p, int node, struct guest_dev_config *d)
{
	uint64_t host_size;

	if (get_window(p, node, "host-reg", &d->host_pa, &host_size) < 0)
		return -1;
	if (host_size != d->size)
		return fail(p, node, "host-reg size 0x%llx differs from reg size 0x%llx",
			    (unsigned long long)host_size, (unsigned long long)d->size);
	if (check_host_window(p, node, d) < 0 ||
	    get_spi(p, node, "host-interrupts", &d->host_irq, NULL) < 0)
		return -1;
	if (d->host_irq && !d->irq)
		return fail(p, node, "host-interrupts without interrupts (the guest SPI it becomes)");
	if (d->irq && !d->host_irq)
		return fail(p, node, "interrupts without host-interrupts (nothing would raise it)");
	if (check_irq_unique(p, node, "host-interrupts", d->host_irq, true) < 0 ||
	    parse_guest_compatible(p, node, d) < 0)
		return -1;
	return get_flag(p, node, "dma-capable", &d->dma);
}

/* <start-hi start-lo count-hi count-lo>: a part of the backend, in sectors. */
static int parse_sector_range(struct parser *p, int node, struct guest_dev_config *d)
{
	int len;
	const fdt32_t *v = fdt_getprop(p->fdt, node, "sector-range", &len);

	if (!v)
		return 0;
	if (!d->blk_backend[0])
		return fail(p, node, "sector-range needs backend (a RAM disk is used whole)");
	if (len != 4 * (int)sizeof(*v))
		return fail(p, node, "sector-range must be <start-hi start-lo count-hi count-lo>, 4 cells");
	d->blk_start = read_cells(v, 2);
	d->blk_count = read_cells(v + 2, 2);
	if (d->blk_count == 0)
		return fail(p, node, "sector-range count is 0");
	if (d->blk_start > UINT64_MAX - d->blk_count)
		return fail(p, node, "sector-range 0x%llx + 0x%llx overflows 64 bits",
			    (unsigned long long)d->blk_start, (unsigned long long)d->blk_count);
	d->blk_has_range = true;
	return 0;
}

static int parse_virtio_blk(struct parser *p, int node, struct guest_dev_config *d)
{
	int backend, ramdisk;

	backend = get_word(p, node, "backend", d->blk_backend, sizeof(d->blk_backend), true);
	if (backend < 0)
		return -1;
	ramdisk = get_string(p, node, "ramdisk", d->blk_ramdisk, sizeof(d->blk_ramdisk));
	if (ramdisk < 0)
		return -1;
	if (ramdisk && d->blk_ramdisk[0] == '\0')
		return fail(p, node, "ramdisk is empty");
	if (backend && ramdisk)
		return fail(p, node, "both backend and ramdisk (a disk is one or the other)");
	if (!backend && !ramdisk)
		return fail(p, node, "no backend or ramdisk (what the disk holds)");
	if (parse_sector_range(p, node, d) < 0)
		return -1;
	return get_flag(p, node, "read-only", &d->read_only);
}

static int parse_virtio_net(struct parser *p, int node, struct guest_dev_config *d)
{
	static const uint8_t zero[MAC_LEN];
	const uint8_t *mac;
	int rc, len;

	rc = get_word(p, node, "switch", d->net_switch, sizeof(d->net_switch), false);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return fail(p, node, "no switch (the virtual switch it plugs into)");
	mac = fdt_getprop(p->fdt, node, "mac-address", &len);
	if (!mac)
		return 0;
	if (len != MAC_LEN)
		return fail(p, node, "mac-address must be 6 bytes, [xx xx xx xx xx xx]");
	/* It is the source of every frame sent, and a group address is never a source. */
	if (mac[0] & 1)
		return fail(p, node, "mac-address %02x:%02x:%02x:%02x:%02x:%02x is multicast "
			    "(the first byte is odd)", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	if (memcmp(mac, zero, MAC_LEN) == 0)
		return fail(p, node, "mac-address is all zeroes");
	memcpy(d->mac, mac, MAC_LEN);
	d->has_mac = true;
	return 0;
}

/*
 * Shared memory and a doorbell with another guest. The peer's description
 * is not at hand here: that both ends' sizes match is checked when the
 * guests are created.
 */
static int parse_channel(struct parser *p, int node, struct guest_dev_config *d)
{
	const struct guest_config *cfg = p->cfg;
	char other[PATH_BUF];
	int rc;

	rc = get_word(p, node, "channel", d->chan_name, sizeof(d->chan_name), false);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return fail(p, node, "no channel (the name both ends give it)");
	for (unsigned i = 0; i < cfg->nr_devs; i++) {
		const struct guest_dev_config *o = &cfg->devs[i];

		if (o->kind == GUEST_DEV_CHANNEL && strcmp(o->chan_name, d->chan_name) == 0) {
			node_path(p, p->dev_node[i], other, sizeof(other));
			return fail(p, node, "another channel is named \"%s\": %s", d->chan_name, other);
		}
	}
	rc = get_word(p, node, "peer", d->chan_peer, sizeof(d->chan_peer), false);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return fail(p, node, "no peer (the guest at the other end)");
	if (strcmp(d->chan_peer, cfg->name) == 0)
		return fail(p, node, "peer \"%s\" is this guest", d->chan_peer);
	return 0;
}

/* What a device node may be, by its compatible. */
struct device_type {
	const char *compatible;
	enum guest_dev_kind kind;
	const char *const *props;
	const char *no_irq;         /* interrupts are required: the message if missing */
	int (*parse)(struct parser *p, int node, struct guest_dev_config *d);   /* NULL: no more */
};

static const struct device_type device_types[] = {
	{ COMPAT_PL011, GUEST_DEV_EMULATED, emulated_props, NULL, NULL },
	{ COMPAT_SP805, GUEST_DEV_EMULATED, emulated_props, NULL, NULL },
	{ COMPAT_VIRTIO_BLK, GUEST_DEV_EMULATED, virtio_blk_props, "virtio devices need interrupts",
	  parse_virtio_blk },
	{ COMPAT_VIRTIO_NET, GUEST_DEV_EMULATED, virtio_net_props, "virtio devices need interrupts",
	  parse_virtio_net },
	{ COMPAT_VIRTIO_CONSOLE, GUEST_DEV_EMULATED, emulated_props, "virtio devices need interrupts", NULL },
	{ COMPAT_VIRTIO_RNG, GUEST_DEV_EMULATED, emulated_props, "virtio devices need interrupts", NULL },
	{ COMPAT_PASSTHROUGH, GUEST_DEV_PASSTHROUGH, passthrough_props, NULL, parse_passthrough },
	{ COMPAT_CHANNEL, GUEST_DEV_CHANNEL, channel_props, "no interrupts (the doorbell the peer rings)",
	  parse_channel },
};
#define NR_DEVICE_TYPES (sizeof(device_types) / sizeof(device_types[0]))

static const struct device_type *find_device_type(const char *compatible)
{
	for (size_t i = 0; i < NR_DEVICE_TYPES; i++)
		if (strcmp(compatible, device_types[i].compatible) == 0)
			return &device_types[i];
	return NULL;
}

static int parse_device(struct parser *p, int node, const struct device_type *type)
{
	struct guest_config *cfg = p->cfg;
	struct guest_dev_config *d;
	char other[PATH_BUF];

	if (check_node(p, node, type->props, false) < 0)
		return -1;
	if (cfg->nr_devs >= GUEST_MAX_DEVICES)
		return fail(p, node, "more than %d devices", GUEST_MAX_DEVICES);
	d = &cfg->devs[cfg->nr_devs];
	if (get_base_name(p, node, d->name, sizeof(d->name)) < 0)
		return -1;
	/* Devices are known by name (consoles, the shell): one name, one device. */
	for (unsigned i = 0; i < cfg->nr_devs; i++) {
		if (strcmp(cfg->devs[i].name, d->name) == 0) {
			node_path(p, p->dev_node[i], other, sizeof(other));
			return fail(p, node, "another device is named \"%s\": %s", d->name, other);
		}
	}
	_Static_assert(sizeof(COMPAT_VIRTIO_CONSOLE) <= sizeof(d->compatible), "the longest one fits");
	strcpy(d->compatible, type->compatible);
	d->kind = type->kind;
	d->passthrough = type->kind == GUEST_DEV_PASSTHROUGH;
	if (get_window(p, node, "reg", &d->ipa, &d->size) < 0 ||
	    get_spi(p, node, "interrupts", &d->irq, &d->irq_edge) < 0)
		return -1;
	if (!d->irq && type->no_irq)
		return fail(p, node, "%s", type->no_irq);
	if (check_irq_unique(p, node, "interrupts", d->irq, false) < 0)
		return -1;
	if (type->parse && type->parse(p, node, d) < 0)
		return -1;
	if (add_guest_window(p, node, d->ipa, d->size) < 0)
		return -1;
	p->dev_node[cfg->nr_devs++] = node;
	return 0;
}

/* Only there so that dtc can check interrupts: Mantle provides the guest's GIC. */
static int parse_vgic(struct parser *p, int node)
{
	uint32_t cells;
	int rc;

	if (check_node(p, node, vgic_props, false) < 0)
		return -1;
	rc = get_u32(p, node, "#interrupt-cells", &cells);
	if (rc < 0)
		return -1;
	if (rc > 0 && cells != 3)
		return fail(p, node, "#interrupt-cells is %u, must be 3", cells);
	return 0;
}

/* ------------------------------------------------------------ boot */

static int parse_boot(struct parser *p, int boot)
{
	struct guest_config *cfg = p->cfg;
	const fdt32_t *entry;
	int rc, len;

	if (p->boot >= 0)
		return fail(p, boot, "a second boot node");
	p->boot = boot;
	if (check_node(p, boot, boot_props, false) < 0)
		return -1;
	rc = get_string(p, boot, "kernel", cfg->kernel, sizeof(cfg->kernel));
	if (rc < 0)
		return -1;
	if (rc == 0)
		return fail(p, boot, "no kernel");
	if (cfg->kernel[0] == '\0')
		return fail(p, boot, "kernel is empty");
	if (get_string(p, boot, "initrd", cfg->initrd, sizeof(cfg->initrd)) < 0 ||
	    get_string(p, boot, "dtb", cfg->dtb, sizeof(cfg->dtb)) < 0 ||
	    get_string(p, boot, "bootargs", cfg->bootargs, sizeof(cfg->bootargs)) < 0)
		return -1;

	entry = fdt_getprop(p->fdt, boot, "entry", &len);
	if (!entry)
		return 0;
	if (len != p->addr_cells * (int)sizeof(*entry))
		return fail(p, boot, "entry must be %d cells (the root's #address-cells)", p->addr_cells);
	cfg->has_entry = true;
	cfg->entry = read_cells(entry, p->addr_cells);
	/* Where it lands is checked once every region is known. */
	if (cfg->entry % 4)
		return fail(p, boot, "entry 0x%llx is not 4-byte aligned", (unsigned long long)cfg->entry);
	return 0;
}

static int check_entry(struct parser *p)
{
	const struct guest_config *cfg = p->cfg;

	if (!cfg->has_entry)
		return 0;
	for (unsigned i = 0; i < cfg->nr_mem; i++)
		if (cfg->entry >= cfg->mem[i].ipa && cfg->entry - cfg->mem[i].ipa < cfg->mem[i].size)
			return 0;
	return fail(p, p->boot, "entry 0x%llx is outside every RAM and ROM region",
		    (unsigned long long)cfg->entry);
}

/* ------------------------------------------------------------ top level */

/* "arm,pl011, mantle,virtio-blk, ...": what a node's compatible may be. */
static const char *known_compatibles(char *buf, size_t len)
{
	static const char *const own[] = { COMPAT_ROM, COMPAT_VGIC };
	const size_t nr_own = sizeof(own) / sizeof(own[0]);
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NR_DEVICE_TYPES + nr_own; i++) {
		const char *c = i < NR_DEVICE_TYPES ? device_types[i].compatible : own[i - NR_DEVICE_TYPES];
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", c);

		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	return buf;
}

/*
 * The first compatible entry Mantle knows says what the node is, so Linux's
 * habit of listing several ("arm,pl011", "arm,primecell") works.
 */
static int parse_compatible_node(struct parser *p, int node)
{
	char known[KNOWN_LIST_BUF];
	const struct device_type *type;
	const char *first = NULL;
	int count = fdt_stringlist_count(p->fdt, node, "compatible");

	if (count == -FDT_ERR_NOTFOUND || count == 0)
		return fail(p, node, "no compatible (known: %s)", known_compatibles(known, sizeof(known)));
	if (count < 0)
		return fail(p, node, "compatible is not a list of strings");
	for (int i = 0; i < count && i < COMPATIBLES_MAX; i++) {
		const char *c = fdt_stringlist_get(p->fdt, node, "compatible", i, NULL);

		if (!c)
			break;
		if (!first)
			first = c;
		if (strcmp(c, COMPAT_ROM) == 0)
			return parse_mem(p, node, GUEST_MEM_ROM);
		if (strcmp(c, COMPAT_VGIC) == 0)
			return parse_vgic(p, node);
		type = find_device_type(c);
		if (type)
			return parse_device(p, node, type);
	}
	return fail(p, node, "unknown compatible \"%s\" (known: %s)", first ? first : "",
		    known_compatibles(known, sizeof(known)));
}

static int parse_root_child(struct parser *p, int node)
{
	const char *name = fdt_get_name(p->fdt, node, NULL);
	const char *type;
	int rc;

	if (name && strcmp(name, "cpus") == 0)
		return parse_cpus(p, node);
	if (name && strcmp(name, "boot") == 0)
		return parse_boot(p, node);
	rc = get_string_ptr(p, node, "device_type", &type);
	if (rc < 0)
		return -1;
	if (rc > 0) {
		if (strcmp(type, "memory") != 0)
			return fail(p, node, "device_type \"%s\" is not \"memory\"", type);
		return parse_mem(p, node, GUEST_MEM_RAM);
	}
	return parse_compatible_node(p, node);
}

static bool has_ram(const struct guest_config *cfg)
{
	for (unsigned i = 0; i < cfg->nr_mem; i++)
		if (cfg->mem[i].type == GUEST_MEM_RAM)
			return true;
	return false;
}

static int check_blob(struct parser *p, size_t fdt_size)
{
	int rc;

	if (!p->fdt || fdt_size < sizeof(struct fdt_header))
		return fail_at(p, "/", "truncated: %u bytes, less than a DTB header", (unsigned)fdt_size);
	rc = fdt_check_header(p->fdt);
	/*
	 * dtc writes version 17. Before 16 node names were full paths, and
	 * libfdt 1.6's fdt_check_full() dereferences NULL when such a root's
	 * name has no '/': older layouts are refused before it looks.
	 */
	if (!rc && fdt_version(p->fdt) < 17)
		rc = -FDT_ERR_BADVERSION;
	if (rc)
		return fail_at(p, "/", "not a valid DTB (%s)", fdt_strerror(rc));
	if (fdt_totalsize(p->fdt) > fdt_size)
		return fail_at(p, "/", "truncated: the header says %u bytes, only %llu are there",
			       fdt_totalsize(p->fdt), (unsigned long long)fdt_size);
	/* Checks every tag, name and string offset, so later walks stay inside the blob. */
	rc = fdt_check_full(p->fdt, fdt_size);
	if (rc)
		return fail_at(p, "/", "corrupt DTB (%s)", fdt_strerror(rc));
	return 0;
}

int guest_config_parse(const void *fdt, size_t fdt_size, const char *file,
		       unsigned nr_host_cpus, struct guest_config *cfg,
		       char *err, size_t errlen)
{
	struct parser p = {
		.fdt = fdt, .file = file, .nr_host_cpus = nr_host_cpus, .cfg = cfg,
		.err = err, .errlen = errlen, .cpus = -1, .boot = -1,
	};
	int root, node;
	unsigned n = 0;

	if (err && errlen)
		err[0] = '\0';
	memset(cfg, 0, sizeof(*cfg));
	cfg->on_stop = GUEST_POLICY_HALT;
	cfg->on_crash = GUEST_POLICY_HALT;
	cfg->on_abort = GUEST_ABORT_INJECT;

	if (check_blob(&p, fdt_size) < 0)
		return -1;
	root = fdt_path_offset(fdt, "/");
	if (root < 0)
		return fail_at(&p, "/", "no root node (%s)", fdt_strerror(root));
	if (parse_root_props(&p, root) < 0)
		return -1;
	fdt_for_each_subnode(node, fdt, root) {
		if (++n > ROOT_NODES_MAX)
			return fail(&p, root, "more than %d nodes", ROOT_NODES_MAX);
		if (parse_root_child(&p, node) < 0)
			return -1;
	}

	if (p.cpus < 0)
		return fail_at(&p, "/cpus", "missing: a guest needs at least one vCPU");
	if (!has_ram(cfg))
		return fail(&p, root, "no RAM: a guest needs a memory node");
	if (p.boot < 0)
		return fail_at(&p, "/boot", "missing: it names the kernel");
	return check_entry(&p);
}
