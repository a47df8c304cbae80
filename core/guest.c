/* Guests: creation from a description, memory, vCPU threads and lifecycle. */
#include <stdio.h>
#include <string.h>
#include <stdarg.h>
#include <arch/vcpu_arch.h>
#include <arch/irqflags.h>
#include <mantle/guest.h>
#include <mantle/guest_loader.h>
#include <libs/bundle.h>
#include <mantle/vcpu.h>
#include <mantle/sched.h>
#include <mantle/percpu.h>
#include <mantle/page_alloc.h>
#include <mantle/heap.h>
#include <mantle/irq.h>
#include <mantle/log.h>
#include <mantle/timer.h>
#include <libs/fmt.h>
#include <mantle/host_claims.h>
#include <vgic/vgic_emu.h>
#include <arch/cpu.h>
#include <mantle/mem.h>
#include <mantle/channel.h>
#include <mantle/boot_order.h>

#define VMID_COUNT          256
#define PARK_TIMEOUT_NS     2000000000ULL
#define UNHANDLED_LOG_LIMIT 16

static struct list_node guests = LIST_HEAD_INIT(guests);
static spinlock_t guests_lock_ = SPINLOCK_INIT;
static irqflags_t guests_lock_flags;
static uint8_t vmid_used[VMID_COUNT];
static unsigned next_guest_id;

void guests_lock(void) { guests_lock_flags = spin_lock_irqsave(&guests_lock_); }
void guests_unlock(void) { spin_unlock_irqrestore(&guests_lock_, guests_lock_flags); }
struct list_node *guests_list(void) { return &guests; }
const char *guest_name_of(struct guest *g) { return g->name; }

const char *guest_state_name(enum guest_state s)
{
	switch (s) {
	case GUEST_STOPPED: return "stopped";
	case GUEST_RUNNING: return "running";
	case GUEST_PAUSED: return "paused";
	case GUEST_DESTROYING: return "destroying";
	}
	return "?";
}

struct guest *guest_find(const char *name)
{
	struct list_node *pos;
	struct guest *found = NULL;

	guests_lock();
	list_for_each(pos, &guests) {
		struct guest *g = list_entry(pos, struct guest, node);
		if (!strcmp(g->name, name) && g->state != GUEST_DESTROYING) {
			found = g;
			break;
		}
	}
	guests_unlock();
	return found;
}

static void *region_to_host(struct guest *g, uint64_t ipa, uint64_t len, bool ram_only)
{
	for (unsigned i = 0; i < g->nr_mem; i++) {
		struct guest_mem *m = &g->mem[i];
		if (ram_only && m->type != GUEST_MEM_RAM)
			continue;
		if (ipa >= m->ipa && len <= m->size && ipa - m->ipa <= m->size - len)
			return (void *)(uintptr_t)(m->pa + (ipa - m->ipa));
	}
	return NULL;
}

void *guest_ipa_to_host(struct guest *g, uint64_t ipa, uint64_t len)
{
	return region_to_host(g, ipa, len, false);
}

void *guest_ram_to_host(struct guest *g, uint64_t ipa, uint64_t len)
{
	return region_to_host(g, ipa, len, true);
}

void ptimer_reset(struct vcpu *v);

/* ---- the vCPU thread ------------------------------------------------------ */

/*
 * A destroyed guest's vCPU, last thing on its own CPU: while it is loaded
 * there, another guest's vCPU taking the CPU would save into it and arm its
 * timer. Only that CPU could (vCPUs are pinned), and its timers fire only
 * there: done here with IRQs masked, nothing touches it after it is freed.
 */
static void vcpu_leave_cpu(struct vcpu *v)
{
	irqflags_t f = arch_irq_save();

	arch_vcpu_unload(v);
	if (v->timer_wake.fn)
		timer_event_stop(&v->timer_wake);
	ptimer_reset(v);
	arch_irq_restore(f);
}

/* One trip into the guest and the handling of its exit, counted by reason. */
static void run_once(struct vcpu *v)
{
	int exit = arch_vcpu_run(v);
	uint64_t t0;
	enum vcpu_exit_reason why;

	if (exit == ARCH_EXIT_HANDLED)
		return;
	t0 = arch_counter_read();
	why = arch_vcpu_handle_exit(v, exit);
	vcpu_count_exit(v, why, arch_counter_read() - t0);
}

static void guest_vcpu_main(void *arg)
{
	struct vcpu *v = arg;
	struct guest *g = v->guest;

	for (;;) {
		enum guest_state st = g->state;

		if (st == GUEST_DESTROYING) {
			vcpu_leave_cpu(v);
			return;
		}
		if (st != GUEST_RUNNING || v->power != VCPU_POWER_ON) {
			sched_block();
			continue;
		}
		if (g->crash_pending) {
			const char *why = __atomic_exchange_n(&g->crash_pending, NULL, __ATOMIC_ACQ_REL);
			if (why) {
				guest_crashed(v, why);
				continue;
			}
		}
		run_once(v);
		sched_preempt_point();
	}
}

void guest_vcpu_kick(struct vcpu *v)
{
	sched_wake(v);
	if (v->state == VCPU_RUNNING && v->cpu != this_cpu_id())
		irq_send_sgi(v->cpu, IRQ_SGI_KICK);
}

void guest_vcpu_wfi(struct vcpu *v)
{
	/* A kick between the check and the block leaves a pending wake-up: none is lost. */
	const char *hopeless;

	if (guest_vgic_has_pending(v->guest, v->index))
		return;
	hopeless = guest_wfi_hopeless(v);
	if (hopeless) {
		guest_crashed(v, hopeless);
		return;
	}
	v->in_wfi = true;
	sched_block();
	v->in_wfi = false;
}

/* ---- memory --------------------------------------------------------------- */

static uint64_t *s2_alloc_table(void *ctx)
{
	uint64_t pa = page_alloc(1, 1);

	if (!pa)
		return NULL;
	memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
	return (uint64_t *)(uintptr_t)pa;
}

static void s2_free_table(void *ctx, uint64_t *table)
{
	page_free((uint64_t)(uintptr_t)table, 1);
}

static const struct stage2_ops s2_ops = { s2_alloc_table, s2_free_table, NULL, NULL };

size_t guest_region_align_pages(uint64_t ipa, uint64_t size)
{
	if (size >= (1ULL << 30) && !(ipa & ((1ULL << 30) - 1)))
		return (1ULL << 30) >> PAGE_SHIFT;
	if (size >= (2ULL << 20) && !(ipa & ((2ULL << 20) - 1)))
		return (2ULL << 20) >> PAGE_SHIFT;
	return 1;
}

static int setup_memory(struct guest *g, char *err, size_t errlen)
{
	for (unsigned i = 0; i < g->cfg.nr_mem; i++) {
		const struct guest_mem_config *mc = &g->cfg.mem[i];
		struct guest_mem *m = &g->mem[i];
		char sz[24];

		snprintf(m->name, sizeof(m->name), "%s", mc->name);
		m->type = mc->type;
		m->ipa = mc->ipa;
		m->size = mc->size;
		m->pa = page_alloc(mc->size >> PAGE_SHIFT, guest_region_align_pages(mc->ipa, mc->size));
		if (!m->pa) {
			snprintf(err, errlen, "%s: not enough contiguous host memory for %s (%s)",
				 g->source, mc->name, fmt_size(sz, sizeof(sz), mc->size));
			return -1;
		}
		g->nr_mem = i + 1;
		memset((void *)(uintptr_t)m->pa, 0, m->size);
		if (stage2_map(&g->s2, m->ipa, m->pa, m->size, mc->type == GUEST_MEM_ROM ? S2_ROM : S2_RAM)) {
			snprintf(err, errlen, "%s: cannot map %s in stage 2", g->source, mc->name);
			return -1;
		}
	}
	return 0;
}

static bool overlaps_host_ram(uint64_t base, uint64_t size)
{
	const struct mem_region *banks;
	unsigned n = mem_banks(&banks);

	for (unsigned i = 0; i < n; i++)
		if (base < banks[i].base + banks[i].size && banks[i].base < base + size)
			return true;
	return false;
}

/*
 * A host device given to this guest: its MMIO window mapped straight into
 * stage 2. Host RAM, Mantle's own devices and another guest's are refused.
 * (Its interrupt is claimed here; delivering it needs the vGIC.)
 */
static int setup_passthrough(struct guest *g, const struct guest_dev_config *dc, char *err, size_t errlen)
{
	const char *holder;

	if (overlaps_host_ram(dc->host_pa, dc->size)) {
		snprintf(err, errlen, "%s: %s: host range %#llx+%#llx is host RAM", g->source, dc->name,
			 (unsigned long long)dc->host_pa, (unsigned long long)dc->size);
		return -1;
	}
	if (host_claim_mmio(dc->host_pa, dc->size, g->name, &holder)) {
		snprintf(err, errlen, "%s: %s: host range %#llx+%#llx belongs to %s", g->source, dc->name,
			 (unsigned long long)dc->host_pa, (unsigned long long)dc->size, holder);
		return -1;
	}
	if (dc->host_irq && host_claim_irq(dc->host_irq, g->name, &holder)) {
		snprintf(err, errlen, "%s: %s: host interrupt %u belongs to %s", g->source, dc->name,
			 dc->host_irq, holder);
		return -1;
	}
	if (stage2_map(&g->s2, dc->ipa, dc->host_pa, dc->size, S2_DEVICE)) {
		snprintf(err, errlen, "%s: %s: cannot map it in stage 2", g->source, dc->name);
		return -1;
	}
	return 0;
}

/*
 * Device i (the newest) joins the IPA-ordered index MMIO exits bisect.
 * Devices never overlap (checked when they are added), so the order is total.
 */
void guest_index_device(struct guest *g, unsigned i)
{
	unsigned j = i;

	while (j > 0 && g->devs[g->devs_by_ipa[j - 1]].ipa > g->devs[i].ipa) {
		g->devs_by_ipa[j] = g->devs_by_ipa[j - 1];
		j--;
	}
	g->devs_by_ipa[j] = (uint8_t)i;
}

static int setup_devices(struct guest *g, char *err, size_t errlen)
{
	for (unsigned i = 0; i < g->cfg.nr_devs; i++) {
		const struct guest_dev_config *dc = &g->cfg.devs[i];
		struct emu_device *d = &g->devs[g->nr_devs];
		const struct emulator *emu;
		char why[120];

		if (dc->kind == GUEST_DEV_PASSTHROUGH) {
			if (setup_passthrough(g, dc, err, errlen))
				return -1;
			continue;
		}
		if (dc->kind == GUEST_DEV_CHANNEL) {
			if (channel_attach(g, dc, err, errlen))
				return -1;
			continue;
		}
		emu = emulator_find(dc->compatible);
		if (!emu) {
			snprintf(err, errlen, "%s: %s: no emulator for \"%s\"", g->source, dc->name,
				 dc->compatible);
			return -1;
		}
		snprintf(d->name, sizeof(d->name), "%s", dc->name);
		d->compatible = emu->compatible;
		d->ipa = dc->ipa;
		d->size = dc->size;
		d->irq = dc->irq;
		d->guest = g;
		why[0] = '\0';
		if (emu->create(g, d, dc, why, sizeof(why))) {
			snprintf(err, errlen, "%s: %s: %s", g->source, dc->name,
				 why[0] ? why : "the emulator refused the device");
			return -1;
		}
		guest_index_device(g, g->nr_devs++);
	}
	return 0;
}

static void reset_vcpus(struct guest *g)
{
	for (unsigned i = 0; i < g->nr_vcpus; i++) {
		struct vcpu *v = g->vcpus[i];
		arch_vcpu_unload(v);
		ptimer_reset(v);
		arch_vcpu_reset(v->arch, i, g->vmid, &g->s2);
		v->arch->cntvoff = g->cntvoff;
		v->power = i == 0 ? VCPU_POWER_ON : VCPU_POWER_OFF;
		crash_watch_reset(&v->crash_watch);
		v->mmio_last = NULL;
	}
	g->crash_pending = NULL;
	/* arm64 boot protocol: x0 = DTB, x1-x3 = 0, at the entry point. */
	g->vcpus[0]->arch->regs.pc = g->entry_ipa;
	g->vcpus[0]->arch->regs.x[0] = g->dtb_ipa;
}

static void free_guest(struct guest *g)
{
	/* First: a peer ringing this guest's doorbell must not find it half gone. */
	channel_detach_all(g);
	for (unsigned i = 0; i < g->nr_devs; i++)
		if (g->devs[i].ops && g->devs[i].ops->destroy)
			g->devs[i].ops->destroy(&g->devs[i]);
	for (unsigned i = 0; i < g->nr_vcpus; i++) {
		if (g->vcpus[i]->timer_wake.fn)
			timer_event_stop(&g->vcpus[i]->timer_wake);
		ptimer_reset(g->vcpus[i]);
		arch_vcpu_unload(g->vcpus[i]);
		vcpu_free(g->vcpus[i]);
	}
	if (g->vgic) {
		guest_vgic_unlink_passthrough(g);
		guest_vgic_destroy(g);
	}
	if (g->s2.root) {
		arch_flush_vmid(g->vmid, &g->s2);
		stage2_destroy(&g->s2);
	}
	for (unsigned i = 0; i < g->nr_mem; i++)
		page_free(g->mem[i].pa, g->mem[i].size >> PAGE_SHIFT);
	if (g->vmid)
		vmid_used[g->vmid] = 0;
	host_release_all(g->name);
	heap_free(g);
}

static uint16_t vmid_alloc(void)
{
	for (unsigned i = 1; i < VMID_COUNT; i++) {
		if (!vmid_used[i]) {
			vmid_used[i] = 1;
			return (uint16_t)i;
		}
	}
	return 0;
}

struct guest *guest_create(const void *desc, size_t size, const char *source,
			   char *err, size_t errlen)
{
	struct guest *g = heap_zalloc(sizeof(*g));
	/* libfdt wants 8-byte alignment; a cpio archive only aligns files to 4. */
	void *blob = size ? heap_alloc(size) : NULL;
	int parsed;

	if (!g || (size && !blob)) {
		snprintf(err, errlen, "%s: out of hypervisor memory", source);
		heap_free(blob);
		heap_free(g);
		return NULL;
	}
	snprintf(g->source, sizeof(g->source), "%s", source);
	if (blob)
		memcpy(blob, desc, size);
	parsed = guest_config_parse(blob, size, source, nr_cpus_possible, &g->cfg, err, errlen);
	heap_free(blob);
	if (parsed)
		goto fail;
	snprintf(g->name, sizeof(g->name), "%s", g->cfg.name);
	if (guest_find(g->name)) {
		snprintf(err, errlen, "%s: a guest named %s exists already", source, g->name);
		goto fail;
	}
	for (unsigned i = 0; i < g->cfg.nr_vcpus; i++) {
		if (pcpus[g->cfg.vcpus[i].pcpu].halted || !pcpus[g->cfg.vcpus[i].pcpu].online) {
			snprintf(err, errlen, "%s: vcpu%u: host CPU %u is not online", source, i,
				 g->cfg.vcpus[i].pcpu);
			goto fail;
		}
	}
	spin_init(&g->lock);
	g->vmid = vmid_alloc();
	if (!g->vmid) {
		snprintf(err, errlen, "%s: no free VMID", source);
		goto fail;
	}
	if (stage2_init(&g->s2, arch_guest_ipa_bits(), &s2_ops)) {
		snprintf(err, errlen, "%s: out of memory for stage-2 tables", source);
		goto fail;
	}
	if (setup_memory(g, err, errlen) || setup_devices(g, err, errlen) ||
	    guest_vgic_create(g, err, errlen) || guest_vgic_link_passthrough(g, err, errlen) ||
	    guest_load_images(g, err, errlen))
		goto fail;
	g->cntvoff = arch_counter_read();
	for (unsigned i = 0; i < g->cfg.nr_vcpus; i++) {
		const struct guest_vcpu_config *vc = &g->cfg.vcpus[i];
		g->vcpus[i] = vcpu_create_guest(g, i, vc->pcpu, vc->prio, vc->slice_ns, guest_vcpu_main);
		if (!g->vcpus[i]) {
			snprintf(err, errlen, "%s: vcpu%u: cannot create it on CPU %u", source, i, vc->pcpu);
			goto fail;
		}
		g->nr_vcpus = i + 1;
	}
	reset_vcpus(g);
	g->state = GUEST_STOPPED;
	g->stop_reason = "created";

	guests_lock();
	g->id = next_guest_id++;
	list_add_tail(&guests, &g->node);
	guests_unlock();
	return g;

fail:
	/* vCPU threads were never woken: nothing runs on this guest yet. */
	free_guest(g);
	return NULL;
}

/* ---- lifecycle, carried out by guestd -------------------------------------- */

enum guest_op { OP_START, OP_PAUSE, OP_RESUME, OP_RESET, OP_PARK, OP_DESTROY };

struct guest_request {
	struct list_node node;
	enum guest_op op;
	struct guest *g;
	struct vcpu *waiter;          /* NULL: nobody waits, guestd frees the request */
	volatile bool done;
	int result;
};

static struct list_node requests = LIST_HEAD_INIT(requests);
static spinlock_t requests_lock = SPINLOCK_INIT;
static struct vcpu *guestd;

static void boot_plan_forget(struct guest *g);

/* Wait until every vCPU of g sits parked in its loop (or, destroying, is dead). */
static int park_vcpus(struct guest *g, bool dead)
{
	uint64_t deadline = timer_now_ns() + PARK_TIMEOUT_NS;

	for (unsigned i = 0; i < g->nr_vcpus; i++) {
		struct vcpu *v = g->vcpus[i];
		for (;;) {
			bool parked = dead ? vcpu_exited(v) : v->state == VCPU_BLOCKED;
			if (parked)
				break;
			if (timer_now_ns() > deadline) {
				pr_err("guest %s: vcpu%u did not stop", g->name, i);
				return -1;
			}
			guest_vcpu_kick(v);
			sched_sleep_ns(1000000);
		}
	}
	return 0;
}

/*
 * Requests still queued for a guest about to be freed (a vCPU's reset or
 * park posted while the destroy waited): refused, never run on freed memory.
 */
static void drop_requests(struct guest *g)
{
	struct list_node *pos, *tmp;
	irqflags_t f = spin_lock_irqsave(&requests_lock);

	list_for_each_safe(pos, tmp, &requests) {
		struct guest_request *r = list_entry(pos, struct guest_request, node);
		struct vcpu *waiter = r->waiter;

		if (r->g != g)
			continue;
		list_del(&r->node);
		if (waiter) {
			r->result = -1;
			r->done = true;
			sched_wake(waiter);
		} else {
			heap_free(r);
		}
	}
	spin_unlock_irqrestore(&requests_lock, f);
}

static void wake_powered_vcpus(struct guest *g)
{
	for (unsigned i = 0; i < g->nr_vcpus; i++)
		if (g->vcpus[i]->power == VCPU_POWER_ON)
			guest_vcpu_kick(g->vcpus[i]);
}

/* Its first start: the images loaded at creation are still untouched. */
static void start_created(struct guest *g)
{
	g->state = GUEST_RUNNING;
	g->stop_reason = NULL;
	wake_powered_vcpus(g);
}

static bool never_started(const struct guest *g)
{
	return g->state == GUEST_STOPPED && g->stop_reason && !strcmp(g->stop_reason, "created");
}

static int do_reset(struct guest *g)
{
	char err[160];

	g->state = GUEST_STOPPED;
	if (park_vcpus(g, false))
		return -1;
	for (unsigned i = 0; i < g->nr_mem; i++)
		if (g->mem[i].type == GUEST_MEM_RAM)
			memset((void *)(uintptr_t)g->mem[i].pa, 0, g->mem[i].size);
	if (guest_load_images(g, err, sizeof(err))) {
		pr_err("guest %s: reset failed: %s", g->name, err);
		return -1;
	}
	for (unsigned i = 0; i < g->nr_devs; i++)
		if (g->devs[i].ops->reset)
			g->devs[i].ops->reset(&g->devs[i]);
	guest_vgic_reset(g);
	g->cntvoff = arch_counter_read();
	reset_vcpus(g);
	g->restarts++;
	g->state = GUEST_RUNNING;
	wake_powered_vcpus(g);
	return 0;
}

static int do_op(struct guest_request *r)
{
	struct guest *g = r->g;

	switch (r->op) {
	case OP_START:
		if (g->state != GUEST_STOPPED)
			return -1;
		/* A guest that ran before starts from its images again. */
		if (g->stop_reason && strcmp(g->stop_reason, "created"))
			return do_reset(g);
		start_created(g);
		pr_info("guest %s: started", g->name);
		return 0;
	case OP_PAUSE:
		if (g->state != GUEST_RUNNING)
			return -1;
		g->state = GUEST_PAUSED;
		return park_vcpus(g, false);
	case OP_RESUME:
		if (g->state != GUEST_PAUSED)
			return -1;
		g->state = GUEST_RUNNING;
		wake_powered_vcpus(g);
		return 0;
	case OP_RESET:
		if (g->state == GUEST_DESTROYING)
			return -1;
		pr_info("guest %s: reset", g->name);
		return do_reset(g);
	case OP_PARK:
		return park_vcpus(g, false);
	case OP_DESTROY:
		g->state = GUEST_DESTROYING;
		for (unsigned i = 0; i < g->nr_vcpus; i++)
			guest_vcpu_kick(g->vcpus[i]);
		if (park_vcpus(g, true))
			return -1;
		guests_lock();
		list_del(&g->node);
		guests_unlock();
		boot_plan_forget(g);
		drop_requests(g);
		pr_info("guest %s: destroyed", g->name);
		free_guest(g);
		return 0;
	}
	return -1;
}

#define BOOT_LIST "boot.list"
#define BOOT_LIST_LINE_MAX 128
#define BOOT_GUESTS_MAX 32
#define NSEC_PER_MSEC 1000000ULL

/*
 * The autostart guests of boot.list, in start order, each with its start
 * time (boot_order_plan); guestd starts them as their times come, woken by
 * the timer, so neither it nor the shell waits through the delays.
 */
static struct {
	unsigned n, next;                      /* next: the first one not started yet */
	struct guest *g[BOOT_GUESTS_MAX];      /* NULL: destroyed before its start */
	uint32_t at_ms[BOOT_GUESTS_MAX];
	uint64_t t0_ns;                        /* guests began booting: delays count from here */
	struct timer_event timer;
} boot_plan;

static void boot_timer_fired(struct timer_event *ev, void *arg)
{
	sched_wake(guestd);
}

/* A destroyed guest drops out of the plan. guestd only. */
static void boot_plan_forget(struct guest *g)
{
	for (unsigned i = boot_plan.next; i < boot_plan.n; i++)
		if (boot_plan.g[i] == g)
			boot_plan.g[i] = NULL;
}

static void boot_start(struct guest *g, uint64_t now)
{
	uint64_t ms = (now - boot_plan.t0_ns) / NSEC_PER_MSEC;
	char order[16];

	/* Started (and maybe stopped again) from the shell before its time: leave it be. */
	if (!never_started(g)) {
		pr_info("guest %s: not started at boot: it was started before its time", g->name);
		return;
	}
	if (g->cfg.has_boot_order)
		snprintf(order, sizeof(order), "%u", g->cfg.boot_order);
	else
		snprintf(order, sizeof(order), "none");
	start_created(g);
	pr_info("guest %s: started at %llu.%03llu s (boot-order %s, delay %u ms)", g->name,
		(unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000), order,
		g->cfg.boot_delay_ms);
}

/* Start every guest whose time has come, in plan order; arm the timer for the next. guestd only. */
static void boot_start_due(void)
{
	while (boot_plan.next < boot_plan.n) {
		struct guest *g = boot_plan.g[boot_plan.next];
		uint64_t due = boot_plan.t0_ns + boot_plan.at_ms[boot_plan.next] * NSEC_PER_MSEC;
		uint64_t now = timer_now_ns();

		if (g && now < due) {
			timer_event_start_at(&boot_plan.timer, due);
			return;
		}
		boot_plan.next++;
		if (g)
			boot_start(g, now);
	}
}

/* Created stopped; the caller decides when it starts. */
static struct guest *boot_one(const char *path)
{
	const struct bundle *b = host_bundle();
	struct bundle_file f;
	struct guest *g;
	char err[200];

	if (!bundle_find(b, path, &f)) {
		pr_err("%s: %s is not in the guest bundle", BOOT_LIST, path);
		return NULL;
	}
	g = guest_create(f.data, f.size, path, err, sizeof(err));
	if (!g) {
		pr_err("guest not created: %s", err);
		return NULL;
	}
	pr_info("guest %s: created from %s (%u vCPUs)", g->name, path, g->nr_vcpus);
	return g;
}

/*
 * boot.list: one guest description per line; blank lines and # comments
 * ignored. Every guest is created first, in list order; the autostart ones
 * then start in boot order.
 */
static void boot_from_bundle(void)
{
	const struct bundle *b = host_bundle();
	struct bundle_file list;
	struct guest *autostart[BOOT_GUESTS_MAX];
	struct boot_order_key keys[BOOT_GUESTS_MAX];
	unsigned seq[BOOT_GUESTS_MAX], n = 0;
	char line[BOOT_LIST_LINE_MAX];
	size_t len = 0;

	timer_event_init(&boot_plan.timer, "boot start", boot_timer_fired, NULL);
	if (!b)
		return;
	if (!bundle_find(b, BOOT_LIST, &list)) {
		pr_info("guest bundle has no %s: no guests at boot", BOOT_LIST);
		return;
	}
	pr_info("%s: creating its guests (boot delays count from now)", BOOT_LIST);
	/* After the line: its time stamp is never later than this. */
	boot_plan.t0_ns = timer_now_ns();
	for (size_t i = 0; i <= list.size; i++) {
		char c = i < list.size ? ((const char *)list.data)[i] : '\n';
		struct guest *g;

		if (c != '\n') {
			if (len < sizeof(line) - 1)
				line[len++] = c;
			continue;
		}
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\r' || line[len - 1] == '\t'))
			len--;
		line[len] = '\0';
		g = len && line[0] != '#' ? boot_one(line) : NULL;
		len = 0;
		if (!g || !g->cfg.autostart)
			continue;
		if (n == BOOT_GUESTS_MAX) {
			pr_err("%s: more than %d guests start at boot: %s is left stopped", BOOT_LIST,
			       BOOT_GUESTS_MAX, g->name);
			continue;
		}
		autostart[n] = g;
		keys[n] = (struct boot_order_key){ g->cfg.has_boot_order, g->cfg.boot_order,
						   g->cfg.boot_delay_ms };
		n++;
	}
	boot_order_plan(keys, n, seq, boot_plan.at_ms);
	for (unsigned i = 0; i < n; i++)
		boot_plan.g[i] = autostart[seq[i]];
	boot_plan.n = n;
	boot_start_due();
}

static void guestd_main(void *arg)
{
	boot_from_bundle();
	for (;;) {
		struct guest_request *r = NULL;
		irqflags_t f = spin_lock_irqsave(&requests_lock);

		if (!list_empty(&requests)) {
			r = list_entry(requests.next, struct guest_request, node);
			list_del(&r->node);
		}
		spin_unlock_irqrestore(&requests_lock, f);
		if (!r) {
			boot_start_due();
			sched_block();
			continue;
		}
		r->result = do_op(r);
		if (r->waiter) {
			struct vcpu *w = r->waiter;
			r->done = true;
			sched_wake(w);
		} else {
			heap_free(r);
		}
	}
}

static int post(struct guest *g, enum guest_op op, bool wait)
{
	struct guest_request local, *r = wait ? &local : heap_zalloc(sizeof(*r));
	irqflags_t f;

	if (!r)
		return -1;
	if (!guestd) {
		if (!wait)
			heap_free(r);
		return -1;
	}
	memset(r, 0, sizeof(*r));
	r->op = op;
	r->g = g;
	r->waiter = wait ? sched_current() : NULL;
	f = spin_lock_irqsave(&requests_lock);
	list_add_tail(&requests, &r->node);
	spin_unlock_irqrestore(&requests_lock, f);
	sched_wake(guestd);
	if (!wait)
		return 0;
	while (!r->done)
		sched_block();
	return r->result;
}

int guest_start(struct guest *g) { return post(g, OP_START, true); }
int guest_pause(struct guest *g) { return post(g, OP_PAUSE, true); }
int guest_resume(struct guest *g) { return post(g, OP_RESUME, true); }
int guest_reset(struct guest *g) { return post(g, OP_RESET, true); }
int guest_destroy(struct guest *g) { return post(g, OP_DESTROY, true); }

void guests_init(void)
{
	guestd = vcpu_create_orphan("guestd", 0, SCHED_PRIO_MAX, 1000000, guestd_main, NULL);
	if (!guestd)
		panic("cannot start guestd");
}

/* ---- events raised by a vCPU on its own thread ----------------------------- */

/* Stop the guest now (this vCPU will not re-enter it) and have guestd park the rest. */
static void stop_from_vcpu(struct vcpu *v, const char *why)
{
	struct guest *g = v->guest;

	g->state = GUEST_STOPPED;
	g->stop_reason = why;
	pr_info("guest %s: stopped (%s)", g->name, why);
	post(g, OP_PARK, false);
}

void guest_system_reset(struct vcpu *v);
void guest_system_off(struct vcpu *v);
void guest_system_off(struct vcpu *v)
{
	if (v->guest->cfg.on_stop == GUEST_POLICY_RESTART)
		guest_system_reset(v);
	else
		stop_from_vcpu(v, "powered off");
}

void guest_system_reset(struct vcpu *v);
void guest_system_reset(struct vcpu *v)
{
	v->guest->state = GUEST_STOPPED;
	post(v->guest, OP_RESET, false);
}

void guest_crashed(struct vcpu *v, const char *why)
{
	struct guest *g = v->guest;
	enum guest_state running = GUEST_RUNNING;
	bool restart = g->cfg.on_crash == GUEST_POLICY_RESTART;

	/* Another vCPU crashing meanwhile, or a pause or stop from the shell, got there first. */
	if (!__atomic_compare_exchange_n(&g->state, &running, GUEST_STOPPED, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return;
	g->crashes++;
	snprintf(g->last_crash, sizeof(g->last_crash), "vcpu%u: %s", v->index, why);
	pr_err("guest %s: vcpu%u crashed: %s; on-crash %s", g->name, v->index, why,
	       restart ? "restart" : "halt");
	if (restart)
		post(g, OP_RESET, false);
	else
		stop_from_vcpu(v, "crashed");
}

void guest_crash_async(struct guest *g, const char *why)
{
	const char *none = NULL;

	if (!__atomic_compare_exchange_n(&g->crash_pending, &none, why, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return;
	for (unsigned i = 0; i < g->nr_vcpus; i++)
		if (g->vcpus[i]->power == VCPU_POWER_ON)
			guest_vcpu_kick(g->vcpus[i]);
}

void guest_log_unhandled(struct vcpu *v, const char *fmt, ...)
{
	struct guest *g = v->guest;
	char msg[192];
	va_list ap;

	if (g->unhandled_logged >= UNHANDLED_LOG_LIMIT)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pr_warn("guest %s: vcpu%u: %s%s", g->name, v->index, msg,
		++g->unhandled_logged == UNHANDLED_LOG_LIMIT ? " (further messages suppressed)" : "");
}

/* ---- MMIO and aborts -------------------------------------------------------- */

static struct emu_device *device_at(struct guest *g, uint64_t ipa)
{
	unsigned lo = 0, hi = g->nr_devs;

	/* The last device starting at or below ipa is the only one that can hold it. */
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (g->devs[g->devs_by_ipa[mid]].ipa <= ipa)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo) {
		struct emu_device *d = &g->devs[g->devs_by_ipa[lo - 1]];
		if (ipa - d->ipa < d->size)
			return d;
	}
	return NULL;
}

struct emu_device *guest_mmio_device_lookup(struct vcpu *v, uint64_t ipa)
{
	struct emu_device *d = device_at(v->guest, ipa);

	if (d)
		v->mmio_last = d;
	return d;
}

int guest_mmio_access(struct emu_device *d, uint64_t ipa, bool write, unsigned size, uint64_t *data)
{
	if (ipa - d->ipa > d->size - size)
		return -1;
	if (write) {
		d->writes++;
		return d->ops->write ? d->ops->write(d, ipa - d->ipa, size, *data) : -1;
	}
	d->reads++;
	return d->ops->read ? d->ops->read(d, ipa - d->ipa, size, data) : -1;
}

void guest_unhandled_abort(struct vcpu *v, uint64_t ipa, uint64_t va, bool write, bool insn)
{
	struct guest *g = v->guest;

	guest_log_unhandled(v, "%s at IPA %#llx (VA %#llx) outside its memory and devices",
			    insn ? "instruction fetch" : write ? "write" : "read",
			    (unsigned long long)ipa, (unsigned long long)va);
	if (g->cfg.on_abort == GUEST_ABORT_STOP) {
		char why[96];

		snprintf(why, sizeof(why), "bad memory access: %s at IPA %#llx",
			 insn ? "instruction fetch" : write ? "write" : "read", (unsigned long long)ipa);
		guest_crashed(v, why);
		return;
	}
	if (guest_watch_abort(v, ipa, insn))
		return;
	if (insn)
		arch_inject_pabt(v, va);
	else
		arch_inject_dabt(v, va, write);
	guest_watch_injected(v);
}
