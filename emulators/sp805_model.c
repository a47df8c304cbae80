/* SP805 watchdog register model (see sp805_model.h). */
#include <stddef.h>
#include "sp805_model.h"

#define NSEC_PER_SEC 1000000000ULL

static const uint8_t sp805_ids[8] = { 0x05, 0x18, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1 };

static bool counting(const struct sp805 *s)
{
	return (s->ctrl & SP805_CTRL_INTEN) && !s->reset_out;
}

/* Nanoseconds for n counter ticks, rounded up: the tick that makes zero, not before. */
static uint64_t ticks_to_ns(const struct sp805 *s, uint64_t n)
{
	/* n < 2^33 and NSEC_PER_SEC < 2^30: no overflow. */
	return (n * NSEC_PER_SEC + s->freq_hz - 1) / s->freq_hz;
}

/* Whole ticks in ns nanoseconds, split so a long time does not overflow. */
static uint64_t ns_to_ticks(const struct sp805 *s, uint64_t ns)
{
	return ns / NSEC_PER_SEC * s->freq_hz + ns % NSEC_PER_SEC * s->freq_hz / NSEC_PER_SEC;
}

/* A period of WdogLoad ticks; a load of 0 (below the minimum of 1) counts as 1, so time moves on. */
static uint64_t period_ns(const struct sp805 *s)
{
	return ticks_to_ns(s, s->load ? s->load : 1);
}

/* The counter restarts from WdogLoad at t. */
static void reload(struct sp805 *s, uint64_t t)
{
	s->start_val = s->load;
	s->start_ns = t;
	s->zero_ns = t + period_ns(s);
}

static uint32_t value_at(const struct sp805 *s, uint64_t now_ns)
{
	uint64_t gone;

	if (!counting(s))
		return s->start_val;
	gone = now_ns > s->start_ns ? ns_to_ticks(s, now_ns - s->start_ns) : 0;
	return gone >= s->start_val ? 0 : (uint32_t)(s->start_val - gone);
}

void sp805_reset(struct sp805 *s)
{
	s->load = SP805_LOAD_RESET;
	s->ctrl = 0;
	s->ris = false;
	s->locked = false;
	s->reset_out = false;
	s->start_val = SP805_LOAD_RESET;
	s->start_ns = 0;
	s->zero_ns = 0;
}

void sp805_init(struct sp805 *s, uint64_t freq_hz)
{
	s->freq_hz = freq_hz ? freq_hz : 1;
	sp805_reset(s);
}

/*
 * At most two expiries need handling one by one (the interrupt, then the
 * reset); once the interrupt is up without RESEN every later expiry only
 * reloads, so they are skipped in one step however many have passed.
 */
void sp805_advance(struct sp805 *s, uint64_t now_ns)
{
	for (unsigned round = 0; round < 2 && counting(s) && now_ns >= s->zero_ns; round++) {
		if (!s->ris) {
			s->ris = true;
			reload(s, s->zero_ns);
		} else if (s->ctrl & SP805_CTRL_RESEN) {
			s->reset_out = true;
			s->start_val = 0;
		} else {
			uint64_t p = period_ns(s), skipped = (now_ns - s->zero_ns) / p;

			reload(s, s->zero_ns + skipped * p);
		}
	}
}

bool sp805_irq(const struct sp805 *s)
{
	return s->ris && (s->ctrl & SP805_CTRL_INTEN);
}

uint64_t sp805_next_event_ns(const struct sp805 *s)
{
	return counting(s) ? s->zero_ns : SP805_NEVER;
}

int sp805_read(struct sp805 *s, uint64_t now_ns, uint64_t offset, unsigned size, uint32_t *val)
{
	if (size != 4 || (offset & 3))
		return -1;
	sp805_advance(s, now_ns);
	switch (offset) {
	case SP805_LOAD: *val = s->load; break;
	case SP805_VALUE: *val = value_at(s, now_ns); break;
	case SP805_CONTROL: *val = s->ctrl; break;
	case SP805_RIS: *val = s->ris; break;
	case SP805_MIS: *val = sp805_irq(s); break;
	case SP805_LOCK: *val = s->locked; break;
	default:
		if (offset >= SP805_PERIPHID0 && offset < SP805_PERIPHID0 + 4 * sizeof(sp805_ids))
			*val = sp805_ids[(offset - SP805_PERIPHID0) / 4];
		else
			*val = 0;    /* write-only, test and reserved registers read as zero */
	}
	return 0;
}

int sp805_write(struct sp805 *s, uint64_t now_ns, uint64_t offset, unsigned size, uint32_t val)
{
	if (size != 4 || (offset & 3))
		return -1;
	sp805_advance(s, now_ns);
	if (offset == SP805_LOCK) {
		s->locked = val != SP805_UNLOCK_KEY;
		return 0;
	}
	if (s->locked)
		return 0;
	switch (offset) {
	case SP805_LOAD:
		s->load = val;
		if (counting(s))
			reload(s, now_ns);
		else
			s->start_val = val;
		break;
	case SP805_CONTROL: {
		bool was = counting(s);

		if (was && !(val & SP805_CTRL_INTEN))
			s->start_val = value_at(s, now_ns);     /* it stops, and holds this value */
		s->ctrl = val & (SP805_CTRL_INTEN | SP805_CTRL_RESEN);
		if (!was && counting(s))
			reload(s, now_ns);
		break;
	}
	case SP805_INTCLR:
		s->ris = false;
		if (counting(s))
			reload(s, now_ns);
		break;
	default:
		break;       /* read-only, test and reserved registers: ignored */
	}
	return 0;
}
