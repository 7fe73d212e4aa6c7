/* SPDX-License-Identifier: MIT */
/* The regions a device gets from the firmware tables; internal. */
#ifndef RESV_PREDICT_H
#define RESV_PREDICT_H

#include "ivrs.h"
#include "pci.h"

/*
 * Append to @out what the Intel VT-d driver reports for @dev
 * (intel/iommu.c intel_iommu_get_resv_regions): each RMRR whose scope names
 * the device or a bridge above it, direct-relaxable for USB controllers and
 * display devices and direct otherwise, prot read|write; the IOAPIC/MSI
 * window; with @floppy_wa (CONFIG_INTEL_IOMMU_FLOPPY_WA, on in x86
 * distribution kernels) the ISA bridge's [0, 16 MiB). Return: 0 or -ENOMEM.
 */
int predict_intel(struct resv_list *out, const struct dmar *dmar,
		  const struct pci_topology *t, const struct pci_dev *dev, bool floppy_wa);

/*
 * Append to @out what the AMD-Vi driver reports for @dev (amd/iommu.c
 * amd_iommu_get_resv_regions; IVMDs as amd/init.c init_unity_map_range
 * reads them): each IVMD with the unity or exclusion flag that covers the
 * device's id, start rounded up to 4 KiB and length rounded up, direct, prot
 * from IR/IW; the MSI window; the HyperTransport hole unless @ht_ignore.
 * Return: 0 or -ENOMEM.
 */
int predict_amd(struct resv_list *out, const struct ivrs *ivrs, const struct pci_dev *dev,
		bool ht_ignore);

#endif
