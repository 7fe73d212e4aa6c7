/* SPDX-License-Identifier: MIT */
/* libpci's own dump reader, the reference cli/lspci.c is held to (tests only). */
#ifndef RESV_LSPCI_LIBPCI_H
#define RESV_LSPCI_LIBPCI_H

#include "lspci.h"

/*
 * libpci_dump_read() - lspci_read() through libpci's PCI_ACCESS_DUMP: the
 * same functions, bytes, order and return codes; libpci's own messages
 * ("dump: Malformed line") in @err. Not for offsets of 8 digits from
 * 0x80000000 on: libpci writes before its buffer there.
 */
int libpci_dump_read(const char *path, lspci_fn fn, void *ctx, char *err,
		     size_t errlen);

#endif
