/* Addresses the linker script gives the hypervisor image. */
#ifndef ARCH_IMAGE_H
#define ARCH_IMAGE_H
extern char _start[], _text_end[], _rodata_end[], _data_end[];
extern char _bss_start[], _bss_end[], _end[];
#endif
