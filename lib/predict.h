/* SPDX-License-Identifier: MIT */
/* The regions a device gets from the firmware tables; internal. */
#ifndef RESV_PREDICT_H
#define RESV_PREDICT_H

#include "iort.h"
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
 * device's id (and, from v6.0, its segment), start rounded up to 4 KiB and
 * length rounded up (0 stays a zero-length region), direct, prot from
 * IR/IW; the MSI window; the HyperTransport hole unless @ht_ignore.
 * @kernel: major << 16 | minor << 8, 0 for the newest.
 * Return: 0 or -ENOMEM.
 */
int predict_amd(struct resv_list *out, const struct ivrs *ivrs, const struct pci_dev *dev,
		bool ht_ignore, unsigned int kernel);

/*
 * Append to @out what the Arm SMMU drivers report for PCI function @dev
 * (arm-smmu.c / arm-smmu-v3.c arm_smmu_get_resv_regions, then dma-iommu.c
 * iommu_dma_get_resv_regions -> iort.c iort_iommu_get_resv_regions). The
 * requester ID goes from the root complex of the device's segment through
 * the ID mappings to an SMMU (iort_map_to_smmu). Behind one, the device gets
 * the software MSI window [0x8000000, 0x80fffff] (sw-msi, write|noexec|mmio),
 * then, if the table is revision 5 (DEN0049 E.d) or later, one region per
 * descriptor of every RMR node with an ID mapping onto that SMMU whose
 * stream range holds the device's stream ID: direct-relaxable when the RMR
 * permits remapping, else direct; read|write, +priv, +mmio for device
 * memory attributes (0x00-0x03), +cache for write-back (0x05).
 *
 * Assumed, not seen in the tables: the host bridge keeps the firmware's PCI
 * configuration (_DSM function 5; the kernel's iort_rmr_has_dev gives PCI
 * devices no RMR otherwise, and DEN0049 E.d §3.1.1.5 requires it wherever
 * RMRs name PCI devices); 4 KiB kernel pages (RMR descriptors that are not
 * 64 KiB aligned are widened to pages as iort_rmr_alloc does); the device's
 * own requester ID is its only DMA alias.
 *
 * Return: 0; 1 when the device reaches no SMMU (no root complex for its
 * segment, no mapping for its ID, or a path that ends at an ITS group): it
 * has no IOMMU, and nothing is appended; -ENOMEM.
 */
int predict_arm(struct resv_list *out, const struct iort *iort, const struct pci_dev *dev);

#endif
