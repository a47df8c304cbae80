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

static void guest_vcpu_main(void *arg)
{
	struct vcpu *v = arg;
	struct guest *g = v->guest;

	for (;;) {
		enum guest_state st = g->state;

		if (st == GUEST_DESTROYING)
			return;
		if (st != GUEST_RUNNING || v->power != VCPU_POWER_ON) {
			sched_block();
			continue;
		}
		arch_vcpu_handle_exit(v, arch_vcpu_run(v));
		sched_preempt_point();
	}
}

void guest_vcpu_kick(struct vcpu *v)
{
	sched_wake(v);
	if (v->state == VCPU_RUNNING && v->cpu != this_cpu_id())
		irq_send_sgi(v->cpu, IRQ_SGI_RESCHED);
}

void guest_vcpu_wfi(struct vcpu *v)
{
	/* A kick between the check and the block leaves a pending wake-up: none is lost. */
	if (guest_vgic_has_pending(v->guest, v->index))
		return;
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
		g->nr_devs++;
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
	}
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

static void wake_powered_vcpus(struct guest *g)
{
	for (unsigned i = 0; i < g->nr_vcpus; i++)
		if (g->vcpus[i]->power == VCPU_POWER_ON)
			guest_vcpu_kick(g->vcpus[i]);
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
		g->state = GUEST_RUNNING;
		g->stop_reason = NULL;
		wake_powered_vcpus(g);
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
		pr_info("guest %s: destroyed", g->name);
		free_guest(g);
		return 0;
	}
	return -1;
}

#define BOOT_LIST "boot.list"
#define BOOT_LIST_LINE_MAX 128

static void boot_one(const char *path)
{
	const struct bundle *b = host_bundle();
	struct bundle_file f;
	struct guest *g;
	char err[200];

	if (!bundle_find(b, path, &f)) {
		pr_err("%s: %s is not in the guest bundle", BOOT_LIST, path);
		return;
	}
	g = guest_create(f.data, f.size, path, err, sizeof(err));
	if (!g) {
		pr_err("guest not created: %s", err);
		return;
	}
	pr_info("guest %s: created from %s (%u vCPUs)", g->name, path, g->nr_vcpus);
	if (g->cfg.autostart) {
		struct guest_request r = { .op = OP_START, .g = g };
		do_op(&r);
	}
}

/* boot.list: one guest description per line; blank lines and # comments ignored. */
static void boot_from_bundle(void)
{
	const struct bundle *b = host_bundle();
	struct bundle_file list;
	char line[BOOT_LIST_LINE_MAX];
	size_t len = 0;

	if (!b)
		return;
	if (!bundle_find(b, BOOT_LIST, &list)) {
		pr_info("guest bundle has no %s: no guests at boot", BOOT_LIST);
		return;
	}
	for (size_t i = 0; i <= list.size; i++) {
		char c = i < list.size ? ((const char *)list.data)[i] : '\n';
		if (c != '\n') {
			if (len < sizeof(line) - 1)
				line[len++] = c;
			continue;
		}
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\r' || line[len - 1] == '\t'))
			len--;
		line[len] = '\0';
		if (len && line[0] != '#')
			boot_one(line);
		len = 0;
	}
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

	if (!r || !guestd)
		return -1;
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

	pr_err("guest %s: vcpu%u crashed: %s", g->name, v->index, why);
	if (g->cfg.on_crash == GUEST_POLICY_RESTART) {
		g->state = GUEST_STOPPED;
		post(g, OP_RESET, false);
	} else {
		stop_from_vcpu(v, "crashed");
	}
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
	for (unsigned i = 0; i < g->nr_devs; i++) {
		struct emu_device *d = &g->devs[i];
		if (ipa >= d->ipa && ipa - d->ipa < d->size)
			return d;
	}
	return NULL;
}

bool guest_mmio_claims(struct vcpu *v, uint64_t ipa)
{
	return device_at(v->guest, ipa) != NULL;
}

int guest_mmio_access(struct vcpu *v, uint64_t ipa, bool write, unsigned size, uint64_t *data)
{
	struct emu_device *d = device_at(v->guest, ipa);

	if (!d || ipa - d->ipa > d->size - size)
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
		stop_from_vcpu(v, "bad memory access");
		return;
	}
	if (insn)
		arch_inject_pabt(v, va);
	else
		arch_inject_dabt(v, va, write);
}
