/* SPDX-License-Identifier: BSD-3-Clause */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "vma.h"

/* Does the VmFlags line (" rd wr mr mw me dd ac") hold the two-letter flag? */
static bool
has_flag(const char *line, const char *flag)
{
	for (const char *p = strstr(line, flag); p != NULL; p = strstr(p + 1, flag))
		if (p[-1] == ' ' && (p[2] == ' ' || p[2] == '\n' || p[2] == '\0'))
			return true;
	return false;
}

int
vma_dontdump(const void *p)
{
	return vma_flag(p, "dd");
}

int
vma_flag(const void *p, const char *flag)
{
	uintptr_t a = (uintptr_t)p, lo, hi;
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool inside = false;
	int rc = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		/* "lo-hi perms ..." starts a mapping; attribute lines start with a word */
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &lo, &hi) == 2) {
			inside = a >= lo && a < hi;
			continue;
		}
		if (inside && strncmp(line, "VmFlags:", 8) == 0) {
			rc = has_flag(line, flag) ? 1 : 0;
			break;
		}
	}
	fclose(f);
	return rc;
}
