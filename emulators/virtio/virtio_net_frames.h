/*
 * Ethernet frames in and out of virtio-net chains, for the switch. Mantle
 * offers no offloads, so the header carries nothing a frame needs: it is
 * dropped on transmit and zeroed (one buffer) on receive.
 */
#ifndef EMULATORS_VIRTIO_NET_FRAMES_H
#define EMULATORS_VIRTIO_NET_FRAMES_H
#include <stddef.h>
#include <stdint.h>
#include "virtqueue.h"

/*
 * The frame of a transmit chain (its readable part: a virtio_net_hdr, then
 * the frame, cut anyhow) copied into buf. Its length, or -1 when the
 * readable part is shorter than the header, the frame is empty, or it does
 * not fit bufsize.
 */
int vnet_tx_frame(const struct vq_chain *c, uint8_t *buf, size_t bufsize);

/*
 * Write a zeroed virtio_net_hdr (num_buffers = 1) and the frame into the
 * writable part of a receive chain. The bytes written (header + len), or -1
 * when the part cannot hold them, in which case nothing is written.
 */
int vnet_rx_fill(const struct vq_chain *c, const uint8_t *frame, size_t len);

#endif
