/* SPDX-License-Identifier: BSD-3-Clause */
#include <string.h>

#include "dpsec/secret.h"

void
mem_wipe(void *p, size_t len)
{
	if (p != NULL)
		explicit_bzero(p, len);
}

void
secret_wipe(struct secret *s)
{
	if (s != NULL)
		explicit_bzero(s, sizeof(*s));
}
