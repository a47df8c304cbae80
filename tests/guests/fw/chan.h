/*
 * Inter-guest channels (DTB nodes compatible "mantle,channel"): a message
 * in the shared window, the peer's doorbell rung with
 * MANTLE_HC_CHANNEL_NOTIFY. Both commands use channel 0 (mantle,index 0,
 * else the first channel node).
 *
 * The window holds two mailboxes, one per direction, so that both ends may
 * send at once: the end whose guest name (the DTB /model) sorts first
 * writes the lower half, its peer the upper half. A mailbox: u32 sequence
 * number at offset 0 (written last), u32 text length at 4, 8 bytes of
 * zeroes, the text (no terminator) from 16.
 */
#ifndef FW_CHAN_H
#define FW_CHAN_H

#define CHAN_RECV_MS 5000

/*
 * Writes text as the next message of this end's mailbox (cut to fit), rings
 * the peer; prints "fw: chan: sent #SEQ to PEER: RESULT", RESULT the
 * hypercall's return value as a signed decimal.
 */
void chan_send(const char *text);
/*
 * Waits up to ms for the doorbell (one latched before counts too) and
 * prints "fw: chan: doorbell from PEER: #SEQ "TEXT"", the peer's mailbox,
 * or "fw: chan: no doorbell". Leaves IRQs masked and the doorbell disabled.
 */
void chan_recv(unsigned int ms);

#endif
