#ifndef FW_RTCIRQ_H
#define FW_RTCIRQ_H
#include <stdint.h>
/* A passed-through PL031's match interrupt, twice; 0 when both arrived. */
int rtc_irq_test(uintptr_t base, unsigned int intid);
#endif
