/*
 * ARM PrimeCell SP805 watchdog as a register model, on a clock the caller
 * gives as a time in nanoseconds: no timers, no locks, host-tested.
 *
 * The 32-bit counter runs while INTEN is set, down from WdogLoad at
 * freq_hz. Reaching zero the first time raises the interrupt (RIS) and
 * reloads; reaching zero again with the interrupt still raised asserts the
 * reset output if RESEN is set (the counter then stops), else reloads.
 * Clearing the interrupt (WdogIntClr) and writing WdogLoad reload the
 * counter; setting INTEN restarts it from WdogLoad. While WdogLock holds
 * anything but the unlock key, writes to the other registers are ignored.
 */
#ifndef EMULATORS_SP805_MODEL_H
#define EMULATORS_SP805_MODEL_H
#include <stdint.h>
#include <stdbool.h>

#define SP805_LOAD       0x000
#define SP805_VALUE      0x004
#define SP805_CONTROL    0x008
#define SP805_INTCLR     0x00C
#define SP805_RIS        0x010
#define SP805_MIS        0x014
#define SP805_ITCR       0xF00
#define SP805_ITOP       0xF04
#define SP805_LOCK       0xC00
#define SP805_PERIPHID0  0xFE0      /* PeriphID0..3, then PCellID0..3 at 0xFF0 */

#define SP805_CTRL_INTEN 0x1u
#define SP805_CTRL_RESEN 0x2u
#define SP805_UNLOCK_KEY 0x1ACCE551u
#define SP805_LOAD_RESET 0xFFFFFFFFu

#define SP805_NEVER      UINT64_MAX

struct sp805 {
	uint64_t freq_hz;          /* counter clock, > 0 */
	uint32_t load, ctrl;
	bool ris;                  /* the raw interrupt */
	bool locked;
	bool reset_out;            /* the reset output, asserted until sp805_reset */
	/* The counter: start_val at start_ns, counting down while INTEN is set and no reset is out. */
	uint32_t start_val;
	uint64_t start_ns;
	uint64_t zero_ns;          /* while counting: when it reaches zero */
};

/* At power-on: WdogLoad all ones, stopped, unlocked, nothing raised. */
void sp805_init(struct sp805 *s, uint64_t freq_hz);
void sp805_reset(struct sp805 *s);
/* Bring the model up to now_ns: expiries between then and now take effect. */
void sp805_advance(struct sp805 *s, uint64_t now_ns);
/* 32-bit accesses at a register offset. 0, or -1 for an offset or size that aborts. */
int sp805_read(struct sp805 *s, uint64_t now_ns, uint64_t offset, unsigned size, uint32_t *val);
int sp805_write(struct sp805 *s, uint64_t now_ns, uint64_t offset, unsigned size, uint32_t val);
/* The interrupt output (RIS and INTEN). */
bool sp805_irq(const struct sp805 *s);
/* When sp805_advance next has something to do, SP805_NEVER if nothing will happen by itself. */
uint64_t sp805_next_event_ns(const struct sp805 *s);

#endif
