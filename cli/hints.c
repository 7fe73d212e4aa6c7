// SPDX-License-Identifier: MIT
/*
 * What a user can do about an answer, as check and explain print it: a
 * platform vendor's documented way out of an RMRR lock, and the parameters
 * of the kernel command line that change the answer (resv_cmdline_facts).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/*
 * HPE ProLiant firmware reports RMRRs for devices its "Shared Memory
 * features" use; HPE's customer advisory c04781229 says to exclude the
 * device's slot from them (conrep, RMRDS), after which the firmware reports
 * no RMRR for it. The platform is the DMAR's OEM ID ("HP", "HPE").
 */
const char *hpe_rmrr_hint(const struct resv_machine *m, enum resv_iommu iommu,
			  const struct resv_region *blocker, const struct resv_list *kview,
			  char *buf, size_t size)
{
	const char *dev = NULL;

	if (!m || !blocker || blocker->type != RESV_TYPE_DIRECT || iommu != RESV_IOMMU_INTEL)
		return NULL;
	for (size_t i = 0; i < resv_machine_table_count(m); i++) {
		const struct resv_table *t = resv_machine_table(m, i);

		if (strcmp(t->signature, "DMAR") != 0 || strncmp(t->oem_id, "HP", 2) != 0)
			continue;
		if (blocker->nsources)
			dev = resv_list_source(kview, blocker->sources[0])->device;
		snprintf(buf, size, "HPE documents a way out for ProLiant servers (customer advisory "
			 "c04781229): exclude the PCIe slot holding %s from the \"HP Shared Memory "
			 "features\" (conrep's RMRDS setting for that slot; add-in cards only, on-board "
			 "functions keep their RMRR); the firmware then "
			 "reports no RMRR for it and, after a reboot, the device can be assigned",
			 dev ? esc(dev) : "the device");
		return buf;
	}
	return NULL;
}

void json_cmdline_facts(struct json *j, const char *cmdline)
{
	struct resv_cmdline_fact f[16];
	size_t n = resv_cmdline_facts(cmdline, f, ARRAY_LEN(f));

	json_key(j, "kernel_cmdline");
	json_open(j, NULL, '[');
	for (size_t i = 0; i < n && i < ARRAY_LEN(f); i++) {
		json_open(j, NULL, '{');
		json_key(j, "param");
		json_str(j, f[i].param);
		json_key(j, "effect");
		json_str(j, f[i].effect);
		json_close(j, '}');
	}
	json_close(j, ']');
}

void text_cmdline_facts(const char *cmdline)
{
	struct resv_cmdline_fact f[16];
	size_t n = resv_cmdline_facts(cmdline, f, ARRAY_LEN(f));

	if (n)
		printf("\nKernel command line (proc/cmdline):\n");
	for (size_t i = 0; i < n && i < ARRAY_LEN(f); i++)
		printf("  %s: %s\n", esc(f[i].param), f[i].effect);
}
