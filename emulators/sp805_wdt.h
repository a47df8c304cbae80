/* The emulated SP805 watchdog as the rest of Mantle names it (guest DTB, descriptions). */
#ifndef EMULATORS_SP805_WDT_H
#define EMULATORS_SP805_WDT_H

#define SP805_WDT_COMPATIBLE "arm,sp805"
/* Its counter clock (WDOGCLK): 1 MHz, a tick a microsecond. Guests see it as a fixed clock. */
#define SP805_WDT_CLOCK_HZ   1000000u

#endif
