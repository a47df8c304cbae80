/*
 * Virtio 1.x as the OASIS specification defines it, for the virtio-mmio
 * transport (version 2) and split virtqueues: register offsets, status and
 * feature bits, ring layouts and the device types Mantle emulates.
 * All multi-byte fields are little-endian, which is also Mantle's byte order.
 */
#ifndef EMULATORS_VIRTIO_SPEC_H
#define EMULATORS_VIRTIO_SPEC_H
#include <stdint.h>

/* virtio-mmio registers (offsets from the device base). */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000   /* "virt" */
#define VIRTIO_MMIO_VERSION             0x004
#define VIRTIO_MMIO_DEVICE_ID           0x008
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
#define VIRTIO_MMIO_QUEUE_READY         0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090   /* the available ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0   /* the used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_SHM_SEL             0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW         0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH        0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW        0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH       0x0bc
#define VIRTIO_MMIO_QUEUE_RESET         0x0c0
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc
#define VIRTIO_MMIO_CONFIG              0x100   /* device-specific configuration space */

#define VIRTIO_MMIO_MAGIC               0x74726976u
#define VIRTIO_MMIO_VERSION_MODERN      2
#define VIRTIO_MMIO_WINDOW              0x200   /* registers and config space */

/* Device status. */
#define VIRTIO_STATUS_ACKNOWLEDGE       1u
#define VIRTIO_STATUS_DRIVER            2u
#define VIRTIO_STATUS_DRIVER_OK         4u
#define VIRTIO_STATUS_FEATURES_OK       8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED            128u

/* InterruptStatus / InterruptACK bits. */
#define VIRTIO_INT_USED_BUFFER          1u
#define VIRTIO_INT_CONFIG_CHANGE        2u

/* Device-independent feature bits. */
#define VIRTIO_F_INDIRECT_DESC          28
#define VIRTIO_F_EVENT_IDX              29
#define VIRTIO_F_VERSION_1              32
#define VIRTIO_F_ACCESS_PLATFORM        33

#define VIRTIO_BIT(n)                   (1ULL << (n))

/* Device types. */
#define VIRTIO_ID_NET                   1
#define VIRTIO_ID_BLOCK                 2
#define VIRTIO_ID_CONSOLE               3
#define VIRTIO_ID_RNG                   4

/* Split virtqueue layout. */
#define VIRTQ_DESC_F_NEXT               1
#define VIRTQ_DESC_F_WRITE              2
#define VIRTQ_DESC_F_INDIRECT           4
#define VIRTQ_AVAIL_F_NO_INTERRUPT      1
#define VIRTQ_USED_F_NO_NOTIFY          1
#define VIRTQ_MAX_SIZE                  32768

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];          /* queue size entries, then used_event (with EVENT_IDX) */
};

struct virtq_used_elem {
	uint32_t id;              /* head of the descriptor chain */
	uint32_t len;             /* bytes written into its writable buffers */
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];   /* queue size entries, then avail_event (with EVENT_IDX) */
};

/* Ring sizes in guest memory for a queue of num entries (EVENT_IDX words included). */
#define VIRTQ_DESC_BYTES(num)    ((uint64_t)(num) * 16)
#define VIRTQ_AVAIL_BYTES(num)   (6 + (uint64_t)(num) * 2)
#define VIRTQ_USED_BYTES(num)    (6 + (uint64_t)(num) * 8)

/* ---- virtio-blk (device type 2) ---- */
#define VIRTIO_BLK_F_SIZE_MAX           1
#define VIRTIO_BLK_F_SEG_MAX            2
#define VIRTIO_BLK_F_RO                 5
#define VIRTIO_BLK_F_BLK_SIZE           6
#define VIRTIO_BLK_F_FLUSH              9
#define VIRTIO_BLK_F_DISCARD            13

#define VIRTIO_BLK_T_IN                 0
#define VIRTIO_BLK_T_OUT                1
#define VIRTIO_BLK_T_FLUSH              4
#define VIRTIO_BLK_T_GET_ID             8
#define VIRTIO_BLK_T_DISCARD            11

#define VIRTIO_BLK_S_OK                 0
#define VIRTIO_BLK_S_IOERR              1
#define VIRTIO_BLK_S_UNSUPP             2

#define VIRTIO_BLK_SECTOR_SIZE          512
#define VIRTIO_BLK_ID_BYTES             20

struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
};

struct virtio_blk_discard {
	uint64_t sector;
	uint32_t num_sectors;
	uint32_t flags;
};

/* Config space fields Mantle fills (offsets into the config space). */
#define VIRTIO_BLK_CFG_CAPACITY         0x00    /* u64, in 512-byte sectors */
#define VIRTIO_BLK_CFG_SIZE_MAX         0x08    /* u32 */
#define VIRTIO_BLK_CFG_SEG_MAX          0x0c    /* u32 */
#define VIRTIO_BLK_CFG_BLK_SIZE         0x14    /* u32 */
#define VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS 0x24 /* u32 */
#define VIRTIO_BLK_CFG_MAX_DISCARD_SEG  0x28    /* u32 */
#define VIRTIO_BLK_CFG_DISCARD_ALIGN    0x2c    /* u32 */
#define VIRTIO_BLK_CFG_BYTES            0x3c

/* ---- virtio-net (device type 1) ---- */
#define VIRTIO_NET_F_MAC                5
#define VIRTIO_NET_F_STATUS             16

#define VIRTIO_NET_S_LINK_UP            1

/* With VERSION_1 the header always has num_buffers: 12 bytes. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};
#define VIRTIO_NET_HDR_BYTES            12
#define VIRTIO_NET_CFG_MAC              0x00    /* 6 bytes */
#define VIRTIO_NET_CFG_STATUS           0x06    /* u16 */
#define VIRTIO_NET_CFG_BYTES            0x08

/* ---- virtio-console (device type 3): one port, no multiport ---- */
#define VIRTIO_CONSOLE_F_SIZE           0
#define VIRTIO_CONSOLE_CFG_BYTES        0x0c    /* cols, rows (u16), max_nr_ports, emerg_wr (u32) */

#endif
