/* SPDX-License-Identifier: MIT */
/* IOMMU groups replayed from config space (drivers/iommu/iommu.c pci_device_group); internal. */
#ifndef RESV_GROUP_H
#define RESV_GROUP_H

#include "acs.h"
#include "ivrs.h"

/* What the replay needs from the machine. */
struct group_input {
	const struct pci_topology *topo;
	/* Per topo->devs index: 1 when the IOMMU driver gives it a group. */
	const uint8_t *behind;
	const char *cmdline;		/* the kernel command line, or NULL */
	unsigned int kernel;		/* major << 16 | minor << 8; 0: the newest */
	/*
	 * Did the IOMMU driver call pci_request_acs() before the PCI functions
	 * were enumerated (pci_enable_acs runs in pci_acs_init at enumeration)?
	 * Intel (detect_intel_iommu), AMD (amd_iommu_detect) and Arm (IORT,
	 * iort_init_platform_devices) do; virtio-iommu requests it only when it
	 * probes, after the bus scan (virtio-iommu.c viommu_probe).
	 */
	bool acs_requested;
	const struct ivrs *ivrs;	/* AMD: its alias entries, or NULL */
	uint8_t ivhd_type;		/* the IVHD type the AMD driver reads */
};

/* Tests: judge every undecided port by replaying (no shortcut from the bounds). */
extern bool groups_replay_only;

int groups_predict(const struct group_input *in, struct resv_group_prediction **out);
int groups_device_acs(const struct group_input *in, const struct pci_dev *d,
		      struct resv_acs *out);

#endif
