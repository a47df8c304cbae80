/*
 * The `wdt` commands: drive the SP805 watchdog the DTB describes (the first
 * node compatible "arm,sp805").
 */
#ifndef FW_WDT_H
#define FW_WDT_H

/* "wdt start MS | kick | feed MS | stop | status | lockcheck" */
void wdt_command(int argc, char **argv);

#endif
