/* Unit tests for the learning virtual Ethernet switch (core/vswitch.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <mantle/vswitch.h>

#define NPORTS (VSWITCH_MAX_PORTS + 2)

/* What one port was given by the switch. */
struct rx_log {
	unsigned count;
	size_t last_len;
	uint8_t last[VSWITCH_FRAME_MAX];
	int ret;                /* what deliver answers: 0 taken, -1 no room */
};

static struct vswitch_port ports[NPORTS];
static struct rx_log logs[NPORTS];
static uint8_t txbuf[2048];

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mcast_ipv4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
static const uint8_t mcast_ipv6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t zero_mac[6];

static int record_deliver(struct vswitch_port *p, const void *frame, size_t len)
{
	struct rx_log *l = p->ctx;

	/* The header's promise: called under the switch's lock (and only that one). */
	assert_int_equal(fake_spin_held, 1);
	assert_true(len <= sizeof(l->last));
	l->count++;
	l->last_len = len;
	memcpy(l->last, frame, len);
	return l->ret;
}

static int setup(void **state)
{
	memset(ports, 0, sizeof(ports));
	memset(logs, 0, sizeof(logs));
	for (int i = 0; i < NPORTS; i++) {
		snprintf(ports[i].name, sizeof(ports[i].name), "test%d/net0", i);
		ports[i].deliver = record_deliver;
		ports[i].ctx = &logs[i];
	}
	return 0;
}

static void count_switch(struct vswitch *sw, void *arg)
{
	(*(unsigned *)arg)++;
}

/* Every test leaves no switch behind, so the next one starts from empty slots. */
static int teardown(void **state)
{
	unsigned in_use = 0;

	for (int i = 0; i < NPORTS; i++)
		vswitch_detach(&ports[i]);
	vswitch_for_each(count_switch, &in_use);
	assert_int_equal(in_use, 0);
	assert_int_equal(fake_spin_held, 0);
	return 0;
}

static void assert_no_lock_held(void)
{
	assert_int_equal(fake_spin_held, 0);
	assert_false(fake_irqs_masked);
}

static int attach(const char *name, int i)
{
	int ret = vswitch_attach(name, &ports[i]);

	assert_no_lock_held();
	return ret;
}

static void detach(int i)
{
	vswitch_detach(&ports[i]);
	assert_no_lock_held();
	assert_null(ports[i].sw);
}

static struct vswitch *find(const char *name)
{
	struct vswitch *sw = vswitch_find(name);

	assert_no_lock_held();
	return sw;
}

static void mac(uint8_t out[6], unsigned n)
{
	/* Locally administered unicast: 02:00:00:00:hi:lo. */
	out[0] = 0x02;
	out[1] = out[2] = out[3] = 0;
	out[4] = (uint8_t)(n >> 8);
	out[5] = (uint8_t)n;
}

/* Port `from` sends a frame of len bytes (header where it fits, then a pattern). */
static void send_raw(int from, const uint8_t *dst, const uint8_t *src, size_t len)
{
	memcpy(txbuf, dst, 6);
	memcpy(txbuf + 6, src, 6);
	txbuf[12] = 0x08;
	txbuf[13] = 0x00;
	for (size_t i = 14; i < sizeof(txbuf); i++)
		txbuf[i] = (uint8_t)(i * 7 + len);
	vswitch_send(&ports[from], txbuf, len);
	assert_no_lock_held();
}

static void send_to(int from, const uint8_t *dst, const uint8_t *src)
{
	send_raw(from, dst, src, 60);
}

static void send_mac(int from, unsigned dst, unsigned src)
{
	uint8_t d[6], s[6];

	mac(d, dst);
	mac(s, src);
	send_to(from, d, s);
}

static void clear_logs(void)
{
	for (int i = 0; i < NPORTS; i++)
		logs[i].count = 0;
}

/* Port i received exactly `count` frames since the last clear_logs(). */
static void assert_rx(int i, unsigned count)
{
	assert_int_equal(logs[i].count, count);
}

static struct vswitch_port *fdb_port(struct vswitch *sw, const uint8_t m[6])
{
	for (int i = 0; i < VSWITCH_FDB_SIZE; i++) {
		if (sw->fdb[i].used && !memcmp(sw->fdb[i].mac, m, 6))
			return sw->fdb[i].port;
	}
	return NULL;
}

static struct vswitch_port *fdb_port_of(struct vswitch *sw, unsigned n)
{
	uint8_t m[6];

	mac(m, n);
	return fdb_port(sw, m);
}

static unsigned fdb_used(struct vswitch *sw)
{
	unsigned n = 0;

	for (int i = 0; i < VSWITCH_FDB_SIZE; i++)
		n += sw->fdb[i].used;
	return n;
}

/* ------------------------------------------------------------ forwarding */

static void test_learned_unicast_goes_to_its_port_only(void **state)
{
	struct vswitch *sw;
	uint8_t m0[6];

	for (int i = 0; i < 3; i++)
		assert_int_equal(attach("lan", i), 0);
	sw = find("lan");
	assert_non_null(sw);
	assert_int_equal(sw->nr_ports, 3);
	assert_ptr_equal(ports[0].sw, sw);

	/* Port 0 announces itself with a broadcast; 1 and 2 answer it by unicast. */
	mac(m0, 0x100);
	send_to(0, bcast, m0);
	assert_ptr_equal(fdb_port(sw, m0), &ports[0]);
	clear_logs();

	send_mac(1, 0x100, 0x101);
	assert_rx(0, 1);
	assert_rx(1, 0);
	assert_rx(2, 0);
	assert_int_equal(logs[0].last_len, 60);
	assert_memory_equal(logs[0].last, txbuf, 60);

	send_mac(2, 0x101, 0x102);
	assert_rx(0, 1);
	assert_rx(1, 1);
	assert_rx(2, 0);

	send_mac(0, 0x102, 0x100);
	assert_rx(2, 1);
	assert_rx(1, 1);

	assert_ptr_equal(fdb_port_of(sw, 0x101), &ports[1]);
	assert_ptr_equal(fdb_port_of(sw, 0x102), &ports[2]);
	assert_int_equal(sw->forwarded, 3);
	assert_int_equal(sw->flooded, 1);
	assert_int_equal(sw->frames, 4);
}

static void test_broadcast_floods_to_every_port_but_the_sender(void **state)
{
	uint8_t src[6];
	struct vswitch *sw;

	for (int i = 0; i < 4; i++)
		assert_int_equal(attach("lan", i), 0);
	sw = find("lan");
	mac(src, 2);
	send_to(2, bcast, src);
	assert_rx(0, 1);
	assert_rx(1, 1);
	assert_rx(2, 0);
	assert_rx(3, 1);
	assert_memory_equal(logs[3].last, txbuf, 60);
	assert_int_equal(sw->flooded, 1);
	assert_int_equal(sw->forwarded, 0);
}

static void test_multicast_floods_to_every_port_but_the_sender(void **state)
{
	uint8_t src[6];
	struct vswitch *sw;

	for (int i = 0; i < 3; i++)
		assert_int_equal(attach("lan", i), 0);
	sw = find("lan");
	mac(src, 1);
	send_to(1, mcast_ipv4, src);
	send_to(1, mcast_ipv6, src);
	assert_rx(0, 2);
	assert_rx(1, 0);
	assert_rx(2, 2);
	assert_int_equal(sw->flooded, 2);
}

/* A group address as a source is bogus: it is not learned, so it can never turn unicast. */
static void test_group_and_zero_sources_are_not_learned(void **state)
{
	uint8_t src[6];
	struct vswitch *sw;

	for (int i = 0; i < 3; i++)
		assert_int_equal(attach("lan", i), 0);
	sw = find("lan");
	send_to(0, bcast, mcast_ipv4);
	send_to(0, bcast, bcast);
	send_to(0, bcast, zero_mac);
	assert_int_equal(fdb_used(sw), 0);
	clear_logs();

	mac(src, 1);
	send_to(1, mcast_ipv4, src);
	assert_rx(0, 1);
	assert_rx(2, 1);
	send_to(1, zero_mac, src);
	assert_rx(0, 2);
	assert_rx(2, 2);
}

static void test_unknown_unicast_floods(void **state)
{
	struct vswitch *sw;

	for (int i = 0; i < 3; i++)
		assert_int_equal(attach("lan", i), 0);
	sw = find("lan");
	send_mac(0, 0x999, 0x100);
	assert_rx(0, 0);
	assert_rx(1, 1);
	assert_rx(2, 1);
	assert_int_equal(sw->flooded, 1);
	assert_int_equal(sw->forwarded, 0);
}

static void test_learned_mac_follows_a_move_to_another_port(void **state)
{
	struct vswitch *sw;

	for (int i = 0; i < 3; i++)
		assert_int_equal(attach("lan", i), 0);
	sw = find("lan");
	send_to(0, bcast, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, 0x42 });
	assert_ptr_equal(fdb_port_of(sw, 0x42), &ports[0]);

	/* The station (say, a migrated guest) now speaks from port 1. */
	send_mac(1, 0x999, 0x42);
	assert_ptr_equal(fdb_port_of(sw, 0x42), &ports[1]);
	assert_int_equal(fdb_used(sw), 1);
	clear_logs();

	send_mac(2, 0x42, 0x102);
	assert_rx(0, 0);
	assert_rx(1, 1);
	assert_rx(2, 0);
}

static void test_frame_to_own_mac_is_dropped(void **state)
{
	struct vswitch *sw;

	for (int i = 0; i < 3; i++)
		assert_int_equal(attach("lan", i), 0);
	sw = find("lan");
	send_mac(0, 0x999, 0x100);
	clear_logs();

	send_mac(0, 0x100, 0x100);
	send_mac(0, 0x100, 0x555);
	for (int i = 0; i < 3; i++)
		assert_rx(i, 0);
	assert_int_equal(sw->dropped, 2);
	assert_int_equal(sw->forwarded, 0);
	/* They were still sent by port 0, and the new source was learned. */
	assert_int_equal(ports[0].tx_frames, 3);
	assert_ptr_equal(fdb_port_of(sw, 0x555), &ports[0]);
}

/* -------------------------------------------------------------- the fdb */

static void test_fdb_evicts_least_recently_seen_when_full(void **state)
{
	struct vswitch *sw;

	for (int i = 0; i < 3; i++)
		assert_int_equal(attach("lan", i), 0);
	sw = find("lan");
	for (unsigned n = 0; n <= VSWITCH_FDB_SIZE; n++)
		send_to(0, bcast, (const uint8_t[6]){ 0x02, 0, 0, 0, (uint8_t)(n >> 8), (uint8_t)n });
	assert_int_equal(fdb_used(sw), VSWITCH_FDB_SIZE);
	assert_null(fdb_port_of(sw, 0));
	for (unsigned n = 1; n <= VSWITCH_FDB_SIZE; n++)
		assert_ptr_equal(fdb_port_of(sw, n), &ports[0]);
	clear_logs();

	/* Probes from a zero source, which is not learned and so evicts nothing. */
	send_to(1, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, 0 }, zero_mac);
	assert_rx(0, 1);
	assert_rx(2, 1);
	send_to(1, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, VSWITCH_FDB_SIZE }, zero_mac);
	assert_rx(0, 2);
	assert_rx(2, 1);
}

static void test_fdb_refreshed_entry_survives_eviction(void **state)
{
	struct vswitch *sw;

	assert_int_equal(attach("lan", 0), 0);
	assert_int_equal(attach("lan", 1), 0);
	sw = find("lan");
	for (unsigned n = 0; n < VSWITCH_FDB_SIZE; n++)
		send_mac(0, 0x999, n);
	/* Address 0 speaks again: address 1 is now the stalest. */
	send_mac(0, 0x999, 0);
	send_mac(0, 0x999, 0x500);
	assert_int_equal(fdb_used(sw), VSWITCH_FDB_SIZE);
	assert_non_null(fdb_port_of(sw, 0));
	assert_null(fdb_port_of(sw, 1));
	assert_non_null(fdb_port_of(sw, 2));
	assert_non_null(fdb_port_of(sw, 0x500));
}

/* Many more sources than entries: the table holds exactly the newest ones, each once. */
static void test_fdb_stays_bounded_under_a_flood_of_sources(void **state)
{
	const unsigned total = 20 * VSWITCH_FDB_SIZE + 3;
	struct vswitch *sw;

	assert_int_equal(attach("lan", 0), 0);
	assert_int_equal(attach("lan", 1), 0);
	sw = find("lan");
	for (unsigned n = 0; n < total; n++)
		send_mac(0, 0xffff, n);
	assert_int_equal(fdb_used(sw), VSWITCH_FDB_SIZE);
	for (unsigned n = 0; n < total; n++) {
		if (n < total - VSWITCH_FDB_SIZE)
			assert_null(fdb_port_of(sw, n));
		else
			assert_ptr_equal(fdb_port_of(sw, n), &ports[0]);
	}
}

static void test_detach_forgets_the_ports_addresses(void **state)
{
	struct vswitch *sw;

	for (int i = 0; i < 3; i++)
		assert_int_equal(attach("lan", i), 0);
	sw = find("lan");
	send_mac(0, 0x999, 0x100);
	send_mac(0, 0x999, 0x200);
	send_mac(1, 0x999, 0x101);
	send_mac(2, 0x999, 0x102);
	detach(0);
	assert_int_equal(sw->nr_ports, 2);
	for (int i = 0; i < VSWITCH_FDB_SIZE; i++)
		assert_false(sw->fdb[i].used && sw->fdb[i].port == &ports[0]);
	assert_ptr_equal(fdb_port_of(sw, 0x101), &ports[1]);
	assert_ptr_equal(fdb_port_of(sw, 0x102), &ports[2]);
	clear_logs();

	/* Port 0's address is unknown again, so frames to it flood (to what is left). */
	send_mac(1, 0x100, 0x101);
	assert_rx(0, 0);
	assert_rx(2, 1);
	assert_int_equal(sw->flooded, 5);
}

/* ------------------------------------------------------------- lifetime */

static void test_last_detach_frees_the_switch_for_reuse(void **state)
{
	char name[VSWITCH_NAME_MAX];
	struct vswitch *old;

	for (int i = 0; i < VSWITCH_MAX; i++) {
		snprintf(name, sizeof(name), "sw%d", i);
		assert_int_equal(attach(name, 2 * i), 0);
		assert_int_equal(attach(name, 2 * i + 1), 0);
	}
	old = find("sw1");
	send_mac(2, 0x999, 0x100);
	assert_int_equal(old->frames, 1);

	detach(2);
	assert_ptr_equal(find("sw1"), old);
	detach(3);
	assert_null(find("sw1"));
	/* A freed slot keeps nothing of the old network: the shell might still be looking at it. */
	assert_int_equal(old->name[0], '\0');
	assert_int_equal(old->frames, 0);
	assert_int_equal(old->flooded, 0);
	assert_int_equal(fdb_used(old), 0);

	/* Every other slot is taken, so the new name must land in the freed one, wiped. */
	assert_int_equal(attach("fresh", 2), 0);
	assert_ptr_equal(find("fresh"), old);
	assert_ptr_equal(ports[2].sw, old);
	assert_string_equal(old->name, "fresh");
	assert_int_equal(old->nr_ports, 1);
	assert_int_equal(old->frames, 0);
	assert_int_equal(old->flooded, 0);
	assert_int_equal(fdb_used(old), 0);
	assert_null(find("sw1"));
}

static void test_max_switches_then_one_more_is_refused(void **state)
{
	char name[VSWITCH_NAME_MAX];

	for (int i = 0; i < VSWITCH_MAX; i++) {
		snprintf(name, sizeof(name), "net%d", i);
		assert_int_equal(attach(name, i), 0);
		assert_non_null(find(name));
	}
	assert_int_equal(attach("one-too-many", VSWITCH_MAX), -1);
	assert_null(ports[VSWITCH_MAX].sw);
	assert_null(find("one-too-many"));
	/* An existing switch still takes ports. */
	assert_int_equal(attach("net0", VSWITCH_MAX), 0);
	assert_int_equal(find("net0")->nr_ports, 2);
}

static void test_full_switch_refuses_another_port(void **state)
{
	for (int i = 0; i < VSWITCH_MAX_PORTS; i++)
		assert_int_equal(attach("lan", i), 0);
	assert_int_equal(attach("lan", VSWITCH_MAX_PORTS), -1);
	assert_null(ports[VSWITCH_MAX_PORTS].sw);
	assert_int_equal(find("lan")->nr_ports, VSWITCH_MAX_PORTS);

	detach(5);
	assert_int_equal(attach("lan", VSWITCH_MAX_PORTS), 0);
	/* Ports stay dense after a detach from the middle: a flood reaches all the rest. */
	send_mac(0, 0x999, 0x100);
	for (int i = 1; i <= VSWITCH_MAX_PORTS; i++)
		assert_rx(i, i == 5 ? 0 : 1);
}

static void test_port_attached_twice_is_refused(void **state)
{
	assert_int_equal(attach("lan", 0), 0);
	assert_int_equal(attach("lan", 0), -1);
	assert_int_equal(find("lan")->nr_ports, 1);
	assert_int_equal(attach("wan", 0), -1);
	assert_null(find("wan"));
	assert_ptr_equal(ports[0].sw, find("lan"));
}

static void test_invalid_names_are_refused(void **state)
{
	static const char *const bad[] = {
		"", "a b", "lan.0", "lan/0", "lan:0", "caf\xc3\xa9", "tab\t", "sixteen-chars-xx",
		"a-name-much-longer-than-the-switch-name-buffer",
	};
	char unterminated[VSWITCH_NAME_MAX];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(attach(bad[i], 0), -1);
		assert_null(ports[0].sw);
		assert_null(find(bad[i]));
	}
	assert_int_equal(attach(NULL, 0), -1);
	assert_null(find(NULL));
	/* No terminator within the limit: refused without reading past the buffer (ASan watches). */
	memset(unterminated, 'a', sizeof(unterminated));
	assert_int_equal(vswitch_attach(unterminated, &ports[0]), -1);
	assert_null(vswitch_find(unterminated));
	assert_int_equal(vswitch_attach("lan", NULL), -1);
	assert_no_lock_held();

	/* The longest legal name and the whole alphabet are accepted. */
	assert_int_equal(attach("fifteen-chars-x", 0), 0);
	assert_int_equal(attach("Az09_-", 1), 0);
	assert_non_null(find("fifteen-chars-x"));
	assert_non_null(find("Az09_-"));
	/* Names are exact: no prefix or case folding. */
	assert_null(find("fifteen"));
	assert_null(find("az09_-"));
}

static void test_detach_is_safe_on_a_detached_port(void **state)
{
	assert_int_equal(attach("lan", 0), 0);
	assert_int_equal(attach("lan", 1), 0);
	detach(0);
	detach(0);
	detach(7);
	vswitch_detach(NULL);
	assert_no_lock_held();
	assert_int_equal(find("lan")->nr_ports, 1);
	/* A detached port may attach again. */
	assert_int_equal(attach("lan", 0), 0);
	assert_int_equal(find("lan")->nr_ports, 2);
}

static void test_send_on_a_detached_port_is_ignored(void **state)
{
	assert_int_equal(attach("lan", 0), 0);
	assert_int_equal(attach("lan", 1), 0);
	send_mac(2, 0x999, 0x102);
	vswitch_send(NULL, txbuf, 60);
	assert_no_lock_held();
	assert_rx(0, 0);
	assert_rx(1, 0);
	assert_int_equal(ports[2].tx_frames, 0);
	assert_int_equal(find("lan")->frames, 0);
}

static void test_switches_are_isolated_from_each_other(void **state)
{
	struct vswitch *lan, *wan;

	assert_int_equal(attach("lan", 0), 0);
	assert_int_equal(attach("lan", 1), 0);
	assert_int_equal(attach("wan", 2), 0);
	assert_int_equal(attach("wan", 3), 0);
	lan = find("lan");
	wan = find("wan");
	assert_ptr_not_equal(lan, wan);

	send_to(0, bcast, (const uint8_t[6]){ 0x02, 0, 0, 0, 0x01, 0x00 });
	assert_rx(1, 1);
	assert_rx(2, 0);
	assert_rx(3, 0);
	assert_int_equal(fdb_used(wan), 0);
	assert_int_equal(wan->frames, 0);

	/* The same address is unknown on wan (so this floods), and is learned there independently. */
	send_mac(2, 0x100, 0x102);
	assert_rx(0, 0);
	assert_rx(3, 1);
	send_mac(2, 0x999, 0x100);
	assert_ptr_equal(fdb_port_of(lan, 0x100), &ports[0]);
	assert_ptr_equal(fdb_port_of(wan, 0x100), &ports[2]);
}

/* ------------------------------------------------------------- counters */

static void test_counters_follow_sends_deliveries_and_drops(void **state)
{
	struct vswitch *sw;

	ports[0].tx_frames = 77;
	ports[1].rx_drops = 5;
	for (int i = 0; i < 4; i++)
		assert_int_equal(attach("lan", i), 0);
	/* Attaching starts the port's counters afresh. */
	assert_int_equal(ports[0].tx_frames, 0);
	assert_int_equal(ports[1].rx_drops, 0);
	sw = find("lan");
	logs[1].ret = -1;               /* port 1 has no room */
	ports[3].deliver = NULL;        /* port 3 cannot take frames at all */

	send_raw(0, bcast, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, 0x10 }, 100);
	assert_int_equal(ports[0].tx_frames, 1);
	assert_int_equal(ports[0].tx_bytes, 100);
	assert_int_equal(ports[1].rx_frames, 0);
	assert_int_equal(ports[1].rx_drops, 1);
	assert_rx(1, 1);
	assert_int_equal(ports[2].rx_frames, 1);
	assert_int_equal(ports[2].rx_bytes, 100);
	assert_int_equal(ports[2].rx_drops, 0);
	assert_int_equal(ports[3].rx_drops, 1);
	assert_int_equal(ports[3].rx_frames, 0);

	send_raw(2, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, 0x10 }, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, 0x12 },
		 200);
	assert_int_equal(ports[2].tx_frames, 1);
	assert_int_equal(ports[2].tx_bytes, 200);
	assert_int_equal(ports[0].rx_frames, 1);
	assert_int_equal(ports[0].rx_bytes, 200);
	assert_int_equal(ports[0].tx_frames, 1);

	assert_int_equal(sw->frames, 2);
	assert_int_equal(sw->flooded, 1);
	assert_int_equal(sw->forwarded, 1);
	assert_int_equal(sw->dropped, 0);
}

static void test_runt_and_oversized_frames_are_dropped(void **state)
{
	static const size_t bad_lens[] = {
		0, 1, VSWITCH_FRAME_MIN - 1, VSWITCH_FRAME_MAX + 1, 2000, SIZE_MAX,
	};
	uint8_t src[6];
	struct vswitch *sw;

	for (int i = 0; i < 3; i++)
		assert_int_equal(attach("lan", i), 0);
	sw = find("lan");
	mac(src, 0x100);
	for (size_t i = 0; i < sizeof(bad_lens) / sizeof(bad_lens[0]); i++) {
		/* The real buffer is never longer than the switch could read; the length alone decides. */
		memcpy(txbuf, bcast, 6);
		memcpy(txbuf + 6, src, 6);
		vswitch_send(&ports[0], txbuf, bad_lens[i]);
		assert_no_lock_held();
	}
	vswitch_send(&ports[0], NULL, 60);
	assert_no_lock_held();
	assert_int_equal(sw->dropped, 7);
	assert_int_equal(sw->frames, 7);
	assert_int_equal(ports[0].tx_frames, 0);
	assert_int_equal(ports[0].tx_bytes, 0);
	assert_rx(1, 0);
	assert_rx(2, 0);
	assert_int_equal(fdb_used(sw), 0);

	/* The limits themselves are fine. */
	send_raw(0, bcast, src, VSWITCH_FRAME_MIN);
	assert_int_equal(logs[1].last_len, VSWITCH_FRAME_MIN);
	send_raw(0, bcast, src, VSWITCH_FRAME_MAX);
	assert_int_equal(logs[1].last_len, VSWITCH_FRAME_MAX);
	assert_memory_equal(logs[1].last, txbuf, VSWITCH_FRAME_MAX);
	assert_rx(2, 2);
	assert_int_equal(sw->dropped, 7);
	assert_int_equal(ports[0].tx_bytes, VSWITCH_FRAME_MIN + VSWITCH_FRAME_MAX);
}

/* -------------------------------------------------------------- listing */

struct visit {
	unsigned count;
	char names[VSWITCH_MAX][VSWITCH_NAME_MAX];
};

static void record_switch(struct vswitch *sw, void *arg)
{
	struct visit *v = arg;

	/* No lock held, so the visitor may take the switch's own to copy it. */
	assert_int_equal(fake_spin_held, 0);
	spin_lock(&sw->lock);
	assert_true(v->count < VSWITCH_MAX);
	memcpy(v->names[v->count++], sw->name, VSWITCH_NAME_MAX);
	spin_unlock(&sw->lock);
}

static void test_for_each_visits_exactly_the_switches_in_use(void **state)
{
	struct visit v = { 0 };

	vswitch_for_each(record_switch, &v);
	assert_int_equal(v.count, 0);

	assert_int_equal(attach("a", 0), 0);
	assert_int_equal(attach("b", 1), 0);
	assert_int_equal(attach("c", 2), 0);
	detach(1);
	vswitch_for_each(record_switch, &v);
	assert_no_lock_held();
	assert_int_equal(v.count, 2);
	assert_string_equal(v.names[0], "a");
	assert_string_equal(v.names[1], "c");
	vswitch_for_each(NULL, NULL);
	assert_no_lock_held();
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* forwarding */
		T(test_learned_unicast_goes_to_its_port_only),
		T(test_broadcast_floods_to_every_port_but_the_sender),
		T(test_multicast_floods_to_every_port_but_the_sender),
		T(test_group_and_zero_sources_are_not_learned),
		T(test_unknown_unicast_floods),
		T(test_learned_mac_follows_a_move_to_another_port),
		T(test_frame_to_own_mac_is_dropped),
		/* fdb */
		T(test_fdb_evicts_least_recently_seen_when_full),
		T(test_fdb_refreshed_entry_survives_eviction),
		T(test_fdb_stays_bounded_under_a_flood_of_sources),
		T(test_detach_forgets_the_ports_addresses),
		/* lifetime */
		T(test_last_detach_frees_the_switch_for_reuse),
		T(test_max_switches_then_one_more_is_refused),
		T(test_full_switch_refuses_another_port),
		T(test_port_attached_twice_is_refused),
		T(test_invalid_names_are_refused),
		T(test_detach_is_safe_on_a_detached_port),
		T(test_send_on_a_detached_port_is_ignored),
		T(test_switches_are_isolated_from_each_other),
		/* counters */
		T(test_counters_follow_sends_deliveries_and_drops),
		T(test_runt_and_oversized_frames_are_dropped),
		/* listing */
		T(test_for_each_visits_exactly_the_switches_in_use),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
