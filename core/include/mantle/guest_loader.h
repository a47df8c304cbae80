/* Loading a guest's images from the guest bundle, per the arm64 Linux boot protocol. */
#ifndef MANTLE_GUEST_LOADER_H
#define MANTLE_GUEST_LOADER_H
#include <stddef.h>
#include <libs/bundle.h>

struct guest;

/* The bundle the loader passed as initrd (QEMU -initrd, U-Boot booti); NULL if none. */
const struct bundle *host_bundle(void);
void host_bundle_init(const void *host_fdt);

/* Copy kernel, initrd, DTB and ROM images into the guest's memory; set entry and DTB address. */
int guest_load_images(struct guest *g, char *err, size_t errlen);
/* Write the DTB Mantle generates for g into buf. Returns its size, or -1. */
int guest_fdt_build(const struct guest *g, void *buf, size_t size);

#endif
