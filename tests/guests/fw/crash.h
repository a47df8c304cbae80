/*
 * The `crash` commands: ways for a guest to wreck itself that a hypervisor
 * must recognise as a crash (docs/guest-dts.md, "What counts as a crash").
 */
#ifndef FW_CRASH_H
#define FW_CRASH_H

/* "crash [vbar|stack|loop|wfi]": none of them returns. */
void crash_command(int argc, char **argv);

#endif
