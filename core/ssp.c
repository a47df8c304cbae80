/* Stack protector support: libfdt from Debian is built with it, and so is Mantle. */
#include <stdint.h>
#include <mantle/log.h>

uintptr_t __stack_chk_guard = 0x5a17c0de9e3779b9UL;

void __stack_chk_fail(void) __attribute__((noreturn));
void __stack_chk_fail(void)
{
	panic("stack corruption detected (stack protector)");
}
