/*
 * Host disks: virtio-blk devices on virtio-mmio (QEMU's
 * `-device virtio-blk-device`, with -global virtio-mmio.force-legacy=false),
 * each a block backend named disk0, disk1... in the order QEMU was given them
 * (QEMU puts the first at the highest address). Requests come from guests'
 * virtio-blk backend threads: each takes a request slot, whose indirect
 * table points straight at the guest's buffers (guest RAM is identity-mapped
 * host memory), notifies the device and sleeps until the completion
 * interrupt wakes it. Several requests may be in flight.
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include <arch/mmu.h>
#include <drivers/mmio.h>
#include <mantle/blkdev.h>
#include <mantle/devtree.h>
#include <mantle/driver.h>
#include <mantle/heap.h>
#include <mantle/host_claims.h>
#include <mantle/irq.h>
#include <mantle/log.h>
#include <mantle/page_alloc.h>
#include <mantle/sched.h>
#include <virtio/virtio_spec.h>
#include <virtio/virtqueue.h>

#define HOST_DISKS_MAX   8
#define SLOTS            16                 /* requests in flight per disk */
#define TABLE_ENTRIES    (VQ_MAX_SEGS + 2)  /* header, data segments, status */
#define SLOT_WAIT_NS     20000ULL

struct req_slot {
	struct virtio_blk_req_hdr hdr;
	volatile uint8_t status;
	volatile bool done;
	struct vcpu *waiter;
	struct virtq_desc table[TABLE_ENTRIES] __attribute__((aligned(16)));
};

struct host_disk {
	struct blkdev bd;
	uintptr_t base;
	uint32_t irq;
	spinlock_t lock;               /* ring indices and the free-slot mask */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t avail_idx, last_used;
	uint32_t free_slots;           /* bit set = slot free */
	struct req_slot *slots;
	bool has_flush;
};

static struct host_disk *disks[HOST_DISKS_MAX];
static unsigned nr_disks;

static uint32_t reg_read(struct host_disk *h, unsigned off) { return mmio_read32(h->base + off); }
static void reg_write(struct host_disk *h, unsigned off, uint32_t v) { mmio_write32(h->base + off, v); }

static void disk_irq(uint32_t intid, void *arg)
{
	struct host_disk *h = arg;
	irqflags_t f;

	reg_write(h, VIRTIO_MMIO_INTERRUPT_ACK, reg_read(h, VIRTIO_MMIO_INTERRUPT_STATUS));
	f = spin_lock_irqsave(&h->lock);
	for (unsigned n = 0; n < SLOTS && h->last_used != __atomic_load_n(&h->used->idx, __ATOMIC_ACQUIRE);
	     n++) {
		uint32_t id = h->used->ring[h->last_used % SLOTS].id;
		h->last_used++;
		if (id < SLOTS && h->slots[id].waiter) {
			h->slots[id].done = true;
			sched_wake(h->slots[id].waiter);
		}
	}
	spin_unlock_irqrestore(&h->lock, f);
}

static int take_slot(struct host_disk *h)
{
	for (;;) {
		irqflags_t f = spin_lock_irqsave(&h->lock);
		int slot = h->free_slots ? __builtin_ctz(h->free_slots) : -1;

		if (slot >= 0)
			h->free_slots &= ~(1u << slot);
		spin_unlock_irqrestore(&h->lock, f);
		if (slot >= 0)
			return slot;
		sched_sleep_ns(SLOT_WAIT_NS);
	}
}

static void give_slot(struct host_disk *h, int slot)
{
	irqflags_t f = spin_lock_irqsave(&h->lock);

	h->free_slots |= 1u << slot;
	spin_unlock_irqrestore(&h->lock, f);
}

/* One request, synchronously: the calling thread sleeps until the device completes it. */
static int disk_request(struct host_disk *h, uint32_t type, uint64_t sector, bool device_writes,
			const struct blk_iov *iov, unsigned nr_iov)
{
	int slot_nr, status;
	struct req_slot *s;
	unsigned n = 0;
	irqflags_t f;

	if (nr_iov > VQ_MAX_SEGS)
		return -1;
	slot_nr = take_slot(h);
	s = &h->slots[slot_nr];
	s->hdr.type = type;
	s->hdr.reserved = 0;
	s->hdr.sector = sector;
	s->status = 0xff;
	s->done = false;
	s->waiter = sched_current();
	s->table[n++] = (struct virtq_desc){ (uintptr_t)&s->hdr, sizeof(s->hdr), VIRTQ_DESC_F_NEXT, 1 };
	for (unsigned i = 0; i < nr_iov; i++) {
		if (!iov[i].len)
			continue;
		s->table[n] = (struct virtq_desc){ (uintptr_t)iov[i].ptr, iov[i].len,
			(uint16_t)(VIRTQ_DESC_F_NEXT | (device_writes ? VIRTQ_DESC_F_WRITE : 0)), (uint16_t)(n + 1) };
		n++;
	}
	s->table[n++] = (struct virtq_desc){ (uintptr_t)&s->status, 1, VIRTQ_DESC_F_WRITE, 0 };
	h->desc[slot_nr] = (struct virtq_desc){ (uintptr_t)s->table, n * sizeof(struct virtq_desc),
						VIRTQ_DESC_F_INDIRECT, 0 };

	f = spin_lock_irqsave(&h->lock);
	h->avail->ring[h->avail_idx % SLOTS] = (uint16_t)slot_nr;
	__atomic_store_n(&h->avail->idx, ++h->avail_idx, __ATOMIC_RELEASE);
	spin_unlock_irqrestore(&h->lock, f);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	reg_write(h, VIRTIO_MMIO_QUEUE_NOTIFY, 0);

	while (!s->done)
		sched_block();
	status = s->status;
	give_slot(h, slot_nr);
	return status == VIRTIO_BLK_S_OK ? 0 : -1;
}

static int disk_rw(struct blkdev *bd, bool write, uint64_t sector, const struct blk_iov *iov, unsigned nr_iov)
{
	return disk_request(bd->priv, write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, sector, !write, iov, nr_iov);
}

static int disk_flush(struct blkdev *bd)
{
	struct host_disk *h = bd->priv;

	return h->has_flush ? disk_request(h, VIRTIO_BLK_T_FLUSH, 0, false, NULL, 0) : 0;
}

static const struct blkdev_ops disk_ops = {
	.rw = disk_rw,
	.flush = disk_flush,
};

static bool is_virtio_blk(uint64_t addr)
{
	return mmio_read32(addr + VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MMIO_MAGIC &&
	       mmio_read32(addr + VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_BLOCK;
}

/* QEMU's command-line order is descending address: the disks above this one come first. */
static unsigned disk_number(const void *fdt, uint64_t addr)
{
	unsigned n = 0;

	for (int node = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) {
		uint64_t a, sz;
		if (dt_reg(fdt, node, 0, &a, &sz) && a > addr && dt_node_enabled(fdt, node) &&
		    !mmu_map_device(a & ~0xfffULL, 0x1000) && is_virtio_blk(a))
			n++;
	}
	return n;
}

static int setup_queue(struct host_disk *h)
{
	uint64_t ring = page_alloc(1, 1);
	uint64_t slots_pages = PAGE_ALIGN_UP(SLOTS * sizeof(struct req_slot)) >> PAGE_SHIFT;
	uint64_t slots = page_alloc(slots_pages, 1);

	if (!ring || !slots || reg_read(h, VIRTIO_MMIO_QUEUE_NUM_MAX) < SLOTS) {
		if (ring)
			page_free(ring, 1);
		if (slots)
			page_free(slots, slots_pages);
		return -1;
	}
	memset((void *)(uintptr_t)ring, 0, PAGE_SIZE);
	memset((void *)(uintptr_t)slots, 0, slots_pages * PAGE_SIZE);
	h->desc = (struct virtq_desc *)(uintptr_t)ring;
	h->avail = (struct virtq_avail *)(uintptr_t)(ring + 1024);
	h->used = (struct virtq_used *)(uintptr_t)(ring + 2048);
	h->slots = (struct req_slot *)(uintptr_t)slots;
	h->free_slots = (1u << SLOTS) - 1;
	reg_write(h, VIRTIO_MMIO_QUEUE_SEL, 0);
	reg_write(h, VIRTIO_MMIO_QUEUE_NUM, SLOTS);
	reg_write(h, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)ring);
	reg_write(h, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(ring >> 32));
	reg_write(h, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)(ring + 1024));
	reg_write(h, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)((ring + 1024) >> 32));
	reg_write(h, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)(ring + 2048));
	reg_write(h, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)((ring + 2048) >> 32));
	reg_write(h, VIRTIO_MMIO_QUEUE_READY, 1);
	return 0;
}

/* Feature negotiation: VERSION_1 and indirect descriptors are required; flush and RO are read. */
static int negotiate(struct host_disk *h, const char *where)
{
	uint64_t offered, wanted;

	reg_write(h, VIRTIO_MMIO_STATUS, 0);
	reg_write(h, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	reg_write(h, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	reg_write(h, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
	offered = reg_read(h, VIRTIO_MMIO_DEVICE_FEATURES);
	reg_write(h, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
	offered |= (uint64_t)reg_read(h, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
	if (!(offered & VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC))) {
		pr_err("virtio-blk at %s: no indirect descriptors: not used", where);
		return -1;
	}
	wanted = offered & (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
			    VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_RO));
	reg_write(h, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
	reg_write(h, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)wanted);
	reg_write(h, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
	reg_write(h, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(wanted >> 32));
	reg_write(h, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		  VIRTIO_STATUS_FEATURES_OK);
	if (!(reg_read(h, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		pr_err("virtio-blk at %s: features refused", where);
		return -1;
	}
	h->has_flush = wanted & VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);
	h->bd.read_only = wanted & VIRTIO_BIT(VIRTIO_BLK_F_RO);
	return 0;
}

static int virtio_blk_probe(const void *fdt, int node)
{
	uint64_t addr, size;
	uint32_t irq, flags;
	struct host_disk *h;
	const char *holder;
	char where[24];

	if (!dt_reg(fdt, node, 0, &addr, &size) || mmu_map_device(addr & ~0xfffULL, 0x1000))
		return -1;
	if (!is_virtio_blk(addr))
		return DRIVER_NO_DEVICE;
	snprintf(where, sizeof(where), "%#llx", (unsigned long long)addr);
	if (mmio_read32(addr + VIRTIO_MMIO_VERSION) != VIRTIO_MMIO_VERSION_MODERN) {
		pr_err("virtio-blk at %s is a legacy (version 1) device: start QEMU with "
		       "-global virtio-mmio.force-legacy=false", where);
		return -1;
	}
	if (nr_disks >= HOST_DISKS_MAX || !dt_irq(fdt, node, 0, &irq, &flags))
		return -1;
	h = heap_zalloc(sizeof(*h));
	if (!h)
		return -1;
	h->base = addr;
	h->irq = irq;
	spin_init(&h->lock);
	if (negotiate(h, where) || setup_queue(h)) {
		reg_write(h, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
		heap_free(h);
		return -1;
	}
	snprintf(h->bd.name, sizeof(h->bd.name), "disk%u", disk_number(fdt, addr));
	h->bd.kind = "virtio-blk";
	snprintf(h->bd.where, sizeof(h->bd.where), "%s", where);
	h->bd.nr_sectors = reg_read(h, VIRTIO_MMIO_CONFIG) | (uint64_t)reg_read(h, VIRTIO_MMIO_CONFIG + 4) << 32;
	h->bd.ops = &disk_ops;
	h->bd.priv = h;
	if (host_claim_mmio(addr, VIRTIO_MMIO_WINDOW, "mantle: virtio-blk", &holder) ||
	    host_claim_irq(irq, "mantle: virtio-blk", &holder) ||
	    irq_request(irq, false, 0, disk_irq, h, "virtio-blk")) {
		pr_err("virtio-blk at %s: its registers or interrupt are taken", where);
		reg_write(h, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_FAILED);
		return -1;      /* the rings stay allocated: the device may still point at them */
	}
	reg_write(h, VIRTIO_MMIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
		  VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	disks[nr_disks++] = h;
	blkdev_register(&h->bd);
	pr_info("blk: %s: virtio-blk at %s, irq %u, %llu sectors%s", h->bd.name, where, irq,
		(unsigned long long)h->bd.nr_sectors, h->bd.read_only ? ", read-only" : "");
	return 0;
}

static const char *const virtio_blk_compatible[] = { "virtio,mmio", NULL };

static const struct driver virtio_blk_driver = {
	.name = "virtio-blk",
	.cls = DRIVER_DEVICE,
	.compatible = virtio_blk_compatible,
	.probe = virtio_blk_probe,
};
DRIVER_REGISTER(virtio_blk_driver);
