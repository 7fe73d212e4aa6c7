/* SPDX-License-Identifier: MIT */
/* IOMMU groups replayed from config space (drivers/iommu/iommu.c pci_device_group); internal. */
#ifndef RESV_GROUP_H
#define RESV_GROUP_H

#include "acs.h"
#include "ivrs.h"

/* An Arm SMMUv1/v2 master's stream IDs (its fwspec, in order). */
struct group_streams {
	const void *smmu;		/* NULL: not behind an SMMUv1/v2 */
	uint8_t n;
	uint32_t sid[8];
};

/* What the replay needs from the machine. */
struct group_input {
	const struct pci_topology *topo;
	/* Per topo->devs index: 1 when the IOMMU driver gives it a group. */
	const uint8_t *behind;
	const char *cmdline;		/* the kernel command line, or NULL */
	const char *release;		/* uname -r of the kernel, "" or NULL: unknown */
	unsigned int kernel;		/* major << 16 | minor << 8; 0: the newest */
	/*
	 * Did the IOMMU driver call pci_request_acs() before the PCI functions
	 * were enumerated (pci_enable_acs runs in pci_acs_init at enumeration)?
	 * Intel, AMD and Arm (IORT) do; a virtio-iommu from v5.19 through
	 * acpi_viot_early_init (machine.c acs_requested_early).
	 */
	bool acs_requested;
	const struct ivrs *ivrs;	/* AMD: its alias entries, or NULL */
	const struct group_streams *streams;	/* per function, or NULL (no SMMUv1/v2) */
	uint8_t ivhd_type;		/* the IVHD type the AMD driver reads */
};

/* Tests: judge every undecided port by replaying (no shortcut from the bounds). */
extern bool groups_replay_only;

int groups_predict(const struct group_input *in, struct resv_group_prediction **out);
int groups_device_acs(const struct group_input *in, const struct pci_dev *d,
		      struct resv_acs *out);

#endif
