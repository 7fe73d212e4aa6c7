/* SPDX-License-Identifier: MIT */
/* Vendor and device names the way lspci shows them (pci.ids, through libpci). */
#ifndef RESV_NAMES_H
#define RESV_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * pci_names() - the names of @vendor and @device from the PCI ID list
 * (pci.ids, Debian package pci.ids: /usr/share/misc/pci.ids; the file
 * IOMMU_RESV_PCI_IDS names instead, when set): *@vendor_name "Intel
 * Corporation", *@device_name "82574L Gigabit Network Connection", NULL
 * when the list does not have them. Static storage, valid until the next
 * call. The list is read once; when it is missing or unreadable there are
 * no names and nothing is said (a malformed one: one note on standard error).
 * Return: true when the list was read.
 */
bool pci_names(uint16_t vendor, uint16_t device, const char **vendor_name,
	       const char **device_name);

/*
 * pci_name_line() - "Vendor Device" as lspci prints a function, with its
 * numbers for what the list lacks ("Intel Corporation Device 9b41"), in
 * @buf; NULL when there is no list.
 */
const char *pci_name_line(uint16_t vendor, uint16_t device, char *buf, size_t size);

/* Was the list read (so that a NAME column has something to show)? */
bool pci_names_available(void);

#endif
