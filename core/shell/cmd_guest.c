/* guest list|info|stats|create|kick|pause|resume|reset|destroy|memmap|dumpmem */
#include <stdio.h>
#include <string.h>
#include <arch/cpu.h>
#include <arch/stage2.h>
#include <arch/vcpu_regs.h>
#include <mantle/shell.h>
#include <mantle/guest.h>
#include <mantle/guest_loader.h>
#include <mantle/vcpu.h>
#include <mantle/vserial.h>
#include <libs/fmt.h>
#include "shell_util.h"

#define DUMPMEM_MAX 4096

static uint64_t ram_bytes(const struct guest *g)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < g->nr_mem; i++)
		n += g->mem[i].size;
	return n;
}

static int cmd_guest_list(int argc, char **argv)
{
	struct list_node *pos;
	char sz[24];

	if (shell_expect_no_args(argc, argv))
		return -1;
	printf("%-16s %-10s %5s %10s %8s\n", "NAME", "STATE", "VCPUS", "MEMORY", "RESTARTS");
	guests_lock();
	list_for_each(pos, guests_list()) {
		struct guest *g = list_entry(pos, struct guest, node);
		printf("%-16s %-10s %5u %10s %8u\n", g->name, guest_state_name(g->state), g->nr_vcpus,
		       fmt_size(sz, sizeof(sz), ram_bytes(g)), g->restarts);
	}
	guests_unlock();
	return 0;
}
SHELL_COMMAND(guest_list, "guest", "list", "", "guests with state, vCPUs and memory", cmd_guest_list);

/* The guest named by argv[1], or an error line. */
static struct guest *named_guest(int argc, char **argv)
{
	struct guest *g;

	if (argc != 2) {
		printf("error: guest %s: usage: guest %s NAME\n", argv[0], argv[0]);
		return NULL;
	}
	g = guest_find(argv[1]);
	if (!g)
		printf("error: guest %s: no guest named '%s'\n", argv[0], argv[1]);
	return g;
}

static int cmd_guest_info(int argc, char **argv)
{
	struct guest *g = named_guest(argc, argv);
	char sz[24];

	if (!g)
		return -1;
	printf("name:      %s\n", g->name);
	printf("state:     %s%s%s%s\n", guest_state_name(g->state), g->stop_reason ? " (" : "",
	       g->stop_reason ? g->stop_reason : "", g->stop_reason ? ")" : "");
	printf("source:    %s\n", g->source);
	printf("vmid:      %u\n", g->vmid);
	printf("restarts:  %u\n", g->restarts);
	if (g->crashes)
		printf("crashes:   %u, the last: %s\n", g->crashes, g->last_crash);
	else
		printf("crashes:   0\n");
	printf("entry:     %#llx, dtb at %#llx\n", (unsigned long long)g->entry_ipa,
	       (unsigned long long)g->dtb_ipa);
	printf("policies:  on-stop %s, on-crash %s, on-abort %s\n",
	       g->cfg.on_stop == GUEST_POLICY_RESTART ? "restart" : "halt",
	       g->cfg.on_crash == GUEST_POLICY_RESTART ? "restart" : "halt",
	       g->cfg.on_abort == GUEST_ABORT_STOP ? "stop" : "inject");
	if (!g->cfg.autostart)
		printf("boot:      not started at boot (no autostart)\n");
	else if (g->cfg.has_boot_order)
		printf("boot:      autostart, boot-order %u, delay %u ms\n", g->cfg.boot_order,
		       g->cfg.boot_delay_ms);
	else
		printf("boot:      autostart, no boot-order, delay %u ms\n", g->cfg.boot_delay_ms);
	printf("console:   %s\n", g->console ? vserial_name(g->console) : "none");
	for (unsigned i = 0; i < g->nr_vcpus; i++) {
		struct vcpu *v = g->vcpus[i];
		printf("vcpu%-2u     on CPU %u, %s, %s, %llu exits\n", i, v->cpu,
		       v->power == VCPU_POWER_ON ? "on" : "off", vcpu_state_name(v->state),
		       (unsigned long long)vcpu_exits(v));
	}
	for (unsigned i = 0; i < g->nr_mem; i++)
		printf("%-10s %s 0x%09llx-0x%09llx %s (host %#llx)\n", g->mem[i].name,
		       g->mem[i].type == GUEST_MEM_ROM ? "rom" : "ram", (unsigned long long)g->mem[i].ipa,
		       (unsigned long long)(g->mem[i].ipa + g->mem[i].size - 1),
		       fmt_size(sz, sizeof(sz), g->mem[i].size), (unsigned long long)g->mem[i].pa);
	for (unsigned i = 0; i < g->nr_devs; i++)
		printf("%-10s %s at %#llx+%#llx, irq %u, %llu reads, %llu writes\n", g->devs[i].name,
		       g->devs[i].compatible, (unsigned long long)g->devs[i].ipa,
		       (unsigned long long)g->devs[i].size, g->devs[i].irq,
		       (unsigned long long)g->devs[i].reads, (unsigned long long)g->devs[i].writes);
	for (unsigned i = 0; i < g->cfg.nr_devs; i++)
		if (g->cfg.devs[i].passthrough)
			printf("%-10s passthrough of host %#llx+%#llx at %#llx, host irq %u\n",
			       g->cfg.devs[i].name, (unsigned long long)g->cfg.devs[i].host_pa,
			       (unsigned long long)g->cfg.devs[i].size, (unsigned long long)g->cfg.devs[i].ipa,
			       g->cfg.devs[i].host_irq);
	return 0;
}
SHELL_COMMAND(guest_info, "guest", "info", "NAME", "a guest's state, vCPUs, memory and devices", cmd_guest_info);

static int cmd_guest_create(int argc, char **argv)
{
	const struct bundle *b = host_bundle();
	struct bundle_file f;
	struct guest *g;
	char err[200];

	if (argc != 2) {
		printf("error: guest create: usage: guest create PATH\n");
		return -1;
	}
	if (!b || !bundle_find(b, argv[1], &f)) {
		printf("error: guest create: %s is not in the guest bundle\n", argv[1]);
		return -1;
	}
	g = guest_create(f.data, f.size, argv[1], err, sizeof(err));
	if (!g) {
		printf("error: guest create: %s\n", err);
		return -1;
	}
	printf("created guest %s (%u vCPUs)\n", g->name, g->nr_vcpus);
	if (g->cfg.autostart && guest_start(g) == 0)
		printf("started guest %s\n", g->name);
	return 0;
}
SHELL_COMMAND(guest_create, "guest", "create", "PATH", "create a guest from a description in the bundle", cmd_guest_create);

/* kick/pause/resume/reset/destroy share their shape: a name, an operation, a verdict. */
static int lifecycle(int argc, char **argv, int (*op)(struct guest *), const char *done,
		     const char *needs)
{
	struct guest *g = named_guest(argc, argv);
	char name[GUEST_NAME_MAX];

	if (!g)
		return -1;
	snprintf(name, sizeof(name), "%s", g->name);
	if (op(g)) {
		printf("error: guest %s: %s is %s (needs %s)\n", argv[0], name,
		       guest_state_name(g->state), needs);
		return -1;
	}
	printf("guest %s %s\n", name, done);
	return 0;
}

static int cmd_guest_kick(int argc, char **argv)
{
	return lifecycle(argc, argv, guest_start, "started", "stopped");
}
SHELL_COMMAND(guest_kick, "guest", "kick", "NAME", "start a stopped guest", cmd_guest_kick);

static int cmd_guest_pause(int argc, char **argv)
{
	return lifecycle(argc, argv, guest_pause, "paused", "running");
}
SHELL_COMMAND(guest_pause, "guest", "pause", "NAME", "stop running a guest's vCPUs", cmd_guest_pause);

static int cmd_guest_resume(int argc, char **argv)
{
	return lifecycle(argc, argv, guest_resume, "resumed", "paused");
}
SHELL_COMMAND(guest_resume, "guest", "resume", "NAME", "run a paused guest again", cmd_guest_resume);

static int cmd_guest_reset(int argc, char **argv)
{
	return lifecycle(argc, argv, guest_reset, "reset", "not destroyed");
}
SHELL_COMMAND(guest_reset, "guest", "reset", "NAME", "restart a guest from its images", cmd_guest_reset);

static int cmd_guest_destroy(int argc, char **argv)
{
	return lifecycle(argc, argv, guest_destroy, "destroyed", "to exist");
}
SHELL_COMMAND(guest_destroy, "guest", "destroy", "NAME", "stop a guest and free everything it had", cmd_guest_destroy);

struct memmap_run {
	struct s2_mapping first;
	uint64_t next_ipa, next_pa, count;
	bool open;
};

static const char *prot_name(enum s2_prot p)
{
	return p == S2_ROM ? "rom" : p == S2_DEVICE ? "device" : "ram";
}

static void memmap_flush(struct memmap_run *r)
{
	char blk[24];

	if (!r->open)
		return;
	printf("0x%09llx-0x%09llx -> 0x%09llx %-6s %llu x %s\n", (unsigned long long)r->first.ipa,
	       (unsigned long long)(r->next_ipa - 1), (unsigned long long)r->first.pa,
	       prot_name(r->first.prot), (unsigned long long)r->count,
	       fmt_size(blk, sizeof(blk), r->first.size));
	r->open = false;
}

/* Consecutive leaves of one size and protection print as one line. */
static void memmap_leaf(const struct s2_mapping *m, void *arg)
{
	struct memmap_run *r = arg;

	if (r->open && m->ipa == r->next_ipa && m->pa == r->next_pa && m->size == r->first.size &&
	    m->prot == r->first.prot) {
		r->count++;
	} else {
		memmap_flush(r);
		r->first = *m;
		r->count = 1;
		r->open = true;
	}
	r->next_ipa = m->ipa + m->size;
	r->next_pa = m->pa + m->size;
}

static int cmd_guest_memmap(int argc, char **argv)
{
	struct guest *g = named_guest(argc, argv);
	struct memmap_run run = { .open = false };

	if (!g)
		return -1;
	printf("%-23s    %-11s %-6s %s\n", "IPA", "HOST PA", "TYPE", "BLOCKS");
	stage2_walk(&g->s2, memmap_leaf, &run);
	memmap_flush(&run);
	for (unsigned i = 0; i < g->nr_devs; i++)
		printf("0x%09llx-0x%09llx    emulated   %s (%s)\n", (unsigned long long)g->devs[i].ipa,
		       (unsigned long long)(g->devs[i].ipa + g->devs[i].size - 1), g->devs[i].name,
		       g->devs[i].compatible);
	return 0;
}
SHELL_COMMAND(guest_memmap, "guest", "memmap", "NAME", "stage-2 mappings with their block sizes", cmd_guest_memmap);

/*
 * Exits by reason since the guest was created, summed over its vCPUs, with
 * the host time spent handling them (for WFI and WFE that includes the time
 * the vCPU waited, blocked).
 */
static int cmd_guest_stats(int argc, char **argv)
{
	struct guest *g = named_guest(argc, argv);
	uint64_t freq = arch_counter_freq(), all = 0, all_ticks = 0;

	if (!g)
		return -1;
	printf("%-8s %12s %14s %12s\n", "REASON", "EXITS", "TIME (us)", "AVG (ns)");
	for (unsigned r = 0; r < VCPU_EXIT_REASONS; r++) {
		uint64_t n = 0, ticks = 0;

		for (unsigned i = 0; i < g->nr_vcpus; i++) {
			n += g->vcpus[i]->exit_stats.by_reason[r].count;
			ticks += g->vcpus[i]->exit_stats.by_reason[r].ticks;
		}
		all += n;
		all_ticks += ticks;
		if (n)
			printf("%-8s %12llu %14llu %12llu\n", vcpu_exit_reason_name[r], (unsigned long long)n,
			       (unsigned long long)(ticks * 1000000 / freq),
			       (unsigned long long)(ticks * 1000000000 / freq / n));
	}
	printf("%-8s %12llu %14llu\n", "total", (unsigned long long)all,
	       (unsigned long long)(all_ticks * 1000000 / freq));
	for (unsigned i = 0; i < g->nr_vcpus; i++) {
		printf("vcpu%-4u %12llu exits, %llu us run\n", i, (unsigned long long)vcpu_exits(g->vcpus[i]),
		       (unsigned long long)(g->vcpus[i]->runtime_ns / 1000));
	}
	return 0;
}
SHELL_COMMAND(guest_stats, "guest", "stats", "NAME", "exits by reason and the time spent on them", cmd_guest_stats);

static int cmd_guest_dumpmem(int argc, char **argv)
{
	struct guest *g;
	uint64_t addr, len;
	const uint8_t *p;

	if (argc != 4) {
		printf("error: guest dumpmem: usage: guest dumpmem NAME ADDR LEN\n");
		return -1;
	}
	g = guest_find(argv[1]);
	if (!g) {
		printf("error: guest dumpmem: no guest named '%s'\n", argv[1]);
		return -1;
	}
	if (!parse_number(argv[2], UINT64_MAX, &addr) || !parse_number(argv[3], DUMPMEM_MAX, &len) || !len) {
		printf("error: guest dumpmem: ADDR and LEN (1..%d) must be numbers\n", DUMPMEM_MAX);
		return -1;
	}
	p = guest_ipa_to_host(g, addr, len);
	if (!p) {
		printf("error: guest dumpmem: %#llx+%llu is not in %s's memory\n",
		       (unsigned long long)addr, (unsigned long long)len, g->name);
		return -1;
	}
	for (uint64_t off = 0; off < len; off += 16) {
		char ascii[17];
		unsigned n = len - off < 16 ? (unsigned)(len - off) : 16;
		printf("0x%09llx:", (unsigned long long)(addr + off));
		for (unsigned i = 0; i < 16; i++) {
			if (i < n)
				printf(" %02x", p[off + i]);
			else
				printf("   ");
			ascii[i] = i < n && p[off + i] >= 0x20 && p[off + i] < 0x7f ? (char)p[off + i] : (i < n ? '.' : ' ');
		}
		ascii[16] = '\0';
		printf("  %s\n", ascii);
	}
	return 0;
}
SHELL_COMMAND(guest_dumpmem, "guest", "dumpmem", "NAME ADDR LEN", "hex dump of guest memory", cmd_guest_dumpmem);
