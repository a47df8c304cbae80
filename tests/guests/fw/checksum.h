/*
 * The victim's side of the attack test: "checksum start" fills 4 MiB of this
 * guest's RAM with a pattern and has vCPU 1 checksum it again and again;
 * "checksum status" prints how many rounds it made, how many came out
 * wrong (something else wrote this guest's memory), and the longest gap in
 * its progress measured on the virtual counter (how long it was kept from
 * running).
 */
#ifndef FW_CHECKSUM_H
#define FW_CHECKSUM_H

/* checksum start | checksum status */
void checksum_command(int argc, char **argv);

#endif
