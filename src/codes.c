/*
 * codes.c - the table of codes.def as data (see codes.h).
 */
#include "codes.h"

#include <string.h>

const struct code_info code_table[CODE__COUNT] = {
#define CODE(id, name, sev, text) [CODE_##id] = { name, SEV_##sev, text, true },
#define REASON(id, name, text) [CODE_##id] = { name, SEV_INFO, text, false },
#include "codes.def"
#undef CODE
#undef REASON
};

enum code code_by_name(const char *name)
{
	for (int c = 0; c < CODE__COUNT; c++)
		if (!strcmp(code_table[c].name, name))
			return (enum code)c;
	return CODE__COUNT;
}
