// SPDX-License-Identifier: MIT
/*
 * Device names from the PCI ID list through libpci's pci_lookup_name(), as
 * lspci prints them. Only the local list is asked: not udev's hwdb
 * (PCI_LOOKUP_NO_HWDB), not the network, not the cache in $HOME, so that
 * the same list gives the same names everywhere. libpci's error callback
 * (a malformed list, names-parse.c pci_load_name_list) must not return: it
 * longjmp()s back here, and the names are then off.
 *
 * libpci is loaded when a name is first wanted, not at start-up: with the
 * libudev and zlib it pulls in, it was a third of the time every command
 * took to start (issue 13), and most commands name no device. Without
 * libpci there are no names, as without the list.
 */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pci/pci.h>

#include "cli.h"
#include "names.h"

static struct pci_access *pacc;
static int state;	/* 0 not tried, 1 read, -1 no names */

/* The libpci calls made, found in libpci.so.3 (the soname of pciutils 3). */
static struct {
	__typeof__(&pci_alloc) alloc;
	__typeof__(&pci_set_name_list_path) set_name_list_path;
	__typeof__(&pci_load_name_list) load_name_list;
	__typeof__(&pci_lookup_name) lookup_name;
} lib;

static bool load_libpci(void)
{
	void *h = dlopen("libpci.so.3", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return false;
	*(void **)&lib.alloc = dlsym(h, "pci_alloc");
	*(void **)&lib.set_name_list_path = dlsym(h, "pci_set_name_list_path");
	*(void **)&lib.load_name_list = dlsym(h, "pci_load_name_list");
	*(void **)&lib.lookup_name = dlsym(h, "pci_lookup_name");
	/* Kept loaded to the end: the names it returns live in it. */
	return lib.alloc && lib.set_name_list_path && lib.load_name_list && lib.lookup_name;
}
static jmp_buf env;
static char note[256];

static void names_error(char *msg, ...) PCI_PRINTF(1, 2) PCI_NONRET;
static void names_error(char *msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	vsnprintf(note, sizeof(note), msg, ap);
	va_end(ap);
	longjmp(env, 1);
}

static void names_quiet(char *msg, ...) PCI_PRINTF(1, 2);
static void names_quiet(char *msg, ...)
{
	(void)msg;
}

static bool names_open(void)
{
	const char *path = getenv("IOMMU_RESV_PCI_IDS");

	if (state)
		return state > 0;
	state = -1;
	if (!load_libpci())
		return false;
	pacc = lib.alloc();
	if (!pacc)
		return false;
	pacc->error = names_error;
	pacc->warning = names_quiet;
	pacc->debug = names_quiet;
	pacc->id_lookup_mode = 0;	/* no cache, no DNS */
	if (path && *path) {
		static char file[4096];	/* libpci takes char * and keeps it */

		snprintf(file, sizeof(file), "%s", path);
		lib.set_name_list_path(pacc, file, 0);
	}
	if (setjmp(env)) {
		size_t n = strlen(note);

		while (n && note[n - 1] == '\n')
			note[--n] = '\0';
		warnx_("note: no device names: the PCI ID list: %s", note);
		return false;	/* pacc is left as libpci left it */
	}
	if (!lib.load_name_list(pacc))
		return false;	/* no list: no names, nothing to say */
	state = 1;
	return true;
}

bool pci_names_available(void)
{
	return names_open();
}

bool pci_names(uint16_t vendor, uint16_t device, const char **vendor_name,
	       const char **device_name)
{
	static char vbuf[256], dbuf[256];
	const int flags = PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB;

	*vendor_name = *device_name = NULL;
	if (!names_open())
		return false;
	*vendor_name = lib.lookup_name(pacc, vbuf, sizeof(vbuf), PCI_LOOKUP_VENDOR | flags,
				       vendor);
	*device_name = lib.lookup_name(pacc, dbuf, sizeof(dbuf), PCI_LOOKUP_DEVICE | flags,
				       vendor, device);
	return true;
}

const char *pci_name_line(uint16_t vendor, uint16_t device, char *buf, size_t size)
{
	const char *vn, *dn;

	if (!pci_names(vendor, device, &vn, &dn))
		return NULL;
	/* lspci's numbers for what the list lacks (names.c format_name_pair). */
	if (vn && dn)
		snprintf(buf, size, "%s %s", vn, dn);
	else if (vn)
		snprintf(buf, size, "%s Device %04x", vn, device);
	else
		snprintf(buf, size, "Device %04x:%04x", vendor, device);
	return buf;
}
