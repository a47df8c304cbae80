/* What picolibc and libfdt need from the firmware besides the console. */
#include <stdint.h>
#include "console.h"

/* libfdt is built with -fstack-protector-strong. */
uintptr_t __stack_chk_guard = 0x5a17c0de5a17c0deULL;

void __stack_chk_fail(void) __attribute__((noreturn));
void __stack_chk_fail(void)
{
	fw_panic("stack smashing detected");
}
