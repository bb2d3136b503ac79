/* SPDX-License-Identifier: BSD-3-Clause */
/* What the kernel says about the mapping an address is in (/proc/self/smaps). */
#ifndef DPSEC_TEST_VMA_H
#define DPSEC_TEST_VMA_H

#include <stdbool.h>

/*
 * 1: the mapping holding p is excluded from core dumps (VmFlags "dd",
 * MADV_DONTDUMP); 0: it is not; -1: p is in no mapping or smaps is unreadable.
 */
int vma_dontdump(const void *p);
/* The same for any two-letter VmFlags flag, e.g. "hg" (MADV_HUGEPAGE). */
int vma_flag(const void *p, const char *flag);

#endif
