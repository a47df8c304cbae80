/*
 * A guest's serial port as the host sees it ("fw0/uart0"). Output is kept in
 * a history ring while nobody watches and replayed on bind; while bound,
 * output goes to the host console and host input goes to the guest.
 */
#ifndef MANTLE_VSERIAL_H
#define MANTLE_VSERIAL_H
#include <stdbool.h>
#include <stddef.h>

#define VSERIAL_NAME_MAX 48

struct vserial;

struct vserial *vserial_create(const char *name);
void vserial_destroy(struct vserial *vs);
const char *vserial_name(const struct vserial *vs);

/* Guest side. */
void vserial_write(struct vserial *vs, char c);
int vserial_read(struct vserial *vs);          /* -1 when no input is waiting */
bool vserial_input_pending(struct vserial *vs);

/* Called (from the host side's thread) when input arrives for the guest. */
void vserial_set_rx_notify(struct vserial *vs, void (*fn)(void *ctx), void *ctx);

/* Host side. */
struct vserial *vserial_find(const char *name);
/* Visit every port: fn(port, bound, bytes of history, arg). */
void vserial_for_each(void (*fn)(struct vserial *vs, bool bound, size_t history, void *arg), void *arg);
/* Take the host console until Ctrl-] q. Returns when unbound (or the port went away). */
int vserial_bind_console(const char *name);

#endif
