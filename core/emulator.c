#include <string.h>
#include <mantle/emulator.h>

extern const struct emulator *const __emulator_table_start[], *const __emulator_table_end[];

const struct emulator *emulator_find(const char *compatible)
{
	for (const struct emulator *const *e = __emulator_table_start; e < __emulator_table_end; e++)
		if (!strcmp((*e)->compatible, compatible))
			return *e;
	return NULL;
}
