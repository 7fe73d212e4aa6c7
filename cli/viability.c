// SPDX-License-Identifier: MIT
/*
 * VFIO viability as check and explain print it: the library's judgement
 * (resv_vfio_group_viable) of the drivers a group's devices are bound to,
 * each blocking device with its driver, the kernel rule and the fix.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/*
 * What to do about a device whose driver keeps VFIO from its group:
 * vfio-pci for an endpoint; a bridge vfio-pci refuses (normal headers only:
 * vfio_pci_probe, vfio_pci_core_register_device from v5.15), so pci-stub,
 * or no driver.
 */
static void fix_text(char *buf, size_t size, const struct resv_device *d)
{
	bool bridge = d->header_type > 0 ||
		      (d->header_type < 0 && (d->class >> 8 == 0x0604 || d->class >> 8 == 0x0607));

	snprintf(buf, size, "driverctl set-override %s %s, or unbind it (echo %s > "
		 "/sys/bus/pci/devices/%s/driver/unbind)", d->name, bridge ? "pci-stub" : "vfio-pci",
		 d->name, d->name);
}

/* Are bindings recorded for any device of the group (else nothing is said)? */
bool bindings_known(const struct resv_group *g)
{
	for (size_t k = 0; k < g->ndevices; k++)
		if (g->devices[k].driver_known)
			return true;
	return false;
}

/* The group's viability in JSON: null members when bindings are not recorded. */
void json_viability(struct json *j, const struct resv_group *g, const struct resv_vfio_viability *via,
		    unsigned int kernel)
{
	json_key(j, "vfio_viable");
	if (via->viable < 0)
		json_raw(j, "null");
	else
		json_bool(j, via->viable == 1);
	json_key(j, "viability");
	json_open(j, NULL, '{');
	json_key(j, "reason");
	json_str(j, via->reason);
	json_key(j, "blockers");
	json_open(j, NULL, '[');
	for (size_t k = 0; k < g->ndevices; k++) {
		const char *why;
		char fix[256];

		if (resv_vfio_device_viable(&g->devices[k], kernel, &why) != 0)
			continue;
		fix_text(fix, sizeof(fix), &g->devices[k]);
		json_open(j, NULL, '{');
		json_key(j, "device");
		json_str(j, g->devices[k].name);
		json_key(j, "driver");
		json_str(j, g->devices[k].driver);
		json_key(j, "reason");
		json_str(j, why);
		json_key(j, "fix");
		json_str(j, fix);
		json_close(j, '}');
	}
	json_close(j, ']');
	json_key(j, "unknown");
	json_open(j, NULL, '[');
	for (size_t k = 0; k < g->ndevices; k++)
		if (!g->devices[k].driver_known)
			json_str(j, g->devices[k].name);
	json_close(j, ']');
	json_close(j, '}');
}

/* The group's viability as text; nothing when no binding is recorded. */
void text_viability(const struct resv_group *g, const struct resv_vfio_viability *via,
		    unsigned int kernel, const char *indent)
{

	if (!bindings_known(g))
		return;
	if (via->viable == 1) {
		printf("%sok       VFIO can take it (bound:", indent);
		for (size_t k = 0; k < g->ndevices; k++)
			printf(" %s %s", esc(g->devices[k].name),
			       g->devices[k].driver ? esc(g->devices[k].driver) : "(none)");
		printf(")\n");
		return;
	}
	for (size_t k = 0; k < g->ndevices; k++) {
		const struct resv_device *d = &g->devices[k];
		const char *why;
		char fix[256];
		int ok = resv_vfio_device_viable(d, kernel, &why);

		if (ok == 0) {
			fix_text(fix, sizeof(fix), d);
			printf("%serror    NOT viable for VFIO: %s is bound to %s: %s\n", indent, esc(d->name),
			       esc(d->driver), why);
			printf("%s%-8s fix: %s\n", indent, "", fix);
		} else if (ok < 0) {
			printf("%snote     %s: %s\n", indent, esc(d->name), why);
		}
	}
}
