/* SPDX-License-Identifier: MIT */
/* The regions a device gets from the firmware tables; internal. */
#ifndef RESV_PREDICT_H
#define RESV_PREDICT_H

#include "iort.h"
#include "ivrs.h"
#include "pci.h"
#include "viot.h"

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

/* An RMRR device scope and the device it names (dmar_scope_target). */
struct rmrr_hit {
	const struct dmar_entry *entry;
	const struct pci_dev *target;
	enum dmar_match how;
};

/*
 * predict_intel() in parts, from the RMRR scopes already resolved (once per
 * machine by lib/machine.c, not once per device): predict_intel_rmrr() for
 * each scope, in table order, whose target is @dev or a bridge above it,
 * then predict_intel_rest() (the floppy workaround, the MSI window).
 * Return: 0 or -ENOMEM.
 */
int predict_intel_rmrr(struct resv_list *out, const struct pci_dev *dev,
		       const struct rmrr_hit *hit);
int predict_intel_rest(struct resv_list *out, const struct pci_dev *dev, bool floppy_wa);

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
 * A PCI function's stream IDs: the root complex of its segment takes each
 * of its DMA aliases (pci_dma_aliases) through the ID mappings to an SMMU
 * (iort.c iort_iommu_configure_id -> pci_for_each_dma_alias ->
 * iort_pci_iommu_init), and the fwspec collects them in that order,
 * duplicates included (iommu_fwspec_add_ids).
 */
struct arm_streams {
	const struct iort_node *smmu;
	size_t n;
	uint32_t sid[PCI_MAX_ALIASES];
	const struct pci_dev *via[PCI_MAX_ALIASES];	/* the aliasing bridge, or NULL */
};

/*
 * Fill @s for @dev. Return: 0; 1 when the device reaches no SMMU: no root
 * complex for its segment, or an alias that no mapping takes to an SMMU
 * (iort_iommu_xlate gives -ENODEV and the walk stops), or aliases on two
 * different SMMUs (iommu_fwspec_init refuses a second IOMMU).
 */
int arm_streams(const struct iort *iort, const struct pci_topology *t, const struct pci_dev *dev,
		struct arm_streams *s);

/*
 * Append to @out what the Arm SMMU drivers report for PCI function @dev
 * (arm-smmu.c / arm-smmu-v3.c arm_smmu_get_resv_regions, then dma-iommu.c
 * iommu_dma_get_resv_regions -> iort.c iort_iommu_get_resv_regions), with
 * the streams @s of arm_streams(): the software MSI window [0x8000000,
 * 0x80fffff] (sw-msi, write|noexec|mmio), then, if the table is revision 5
 * (DEN0049 E.d) or later, @kernel (major << 16 | minor << 8; 0: the newest)
 * reads RMRs (v6.0) and @preserve_config, one region per descriptor of
 * every RMR node with an ID mapping onto that SMMU whose stream range holds
 * one of the device's stream IDs: direct-relaxable when the RMR permits
 * remapping, else direct; read|write, +priv, +mmio for device memory
 * attributes (0x00-0x03), +cache for write-back (0x05).
 *
 * @preserve_config is the host bridge's "preserve the firmware's PCI
 * configuration", which the kernel learns from evaluating its _DSM function
 * 5 in AML: iort.c iort_rmr_has_dev (v6.0, with the RMR support) gives a
 * PCI device no RMR without it. *@rmr_named (may be NULL) is set when an
 * RMR names the device's streams, so that the answer changes the result.
 * RMR descriptors that are not 64 KiB aligned are widened to @page_size
 * pages (the kernel's PAGE_SIZE) as iort_rmr_alloc does.
 *
 * Return: 0 or -ENOMEM.
 */
int predict_arm(struct resv_list *out, const struct iort *iort, const struct arm_streams *s,
		const struct pci_dev *dev, bool preserve_config, unsigned int kernel,
		uint64_t page_size, bool *rmr_named);

/* What a virtio-iommu's PROBE replies report (the viommu-resv assumption). */
enum viommu_resv {
	VIOMMU_QEMU_X86 = 0,		/* RESV_MEM MSI [0xfee00000, 0xfeefffff] */
	VIOMMU_QEMU_VIRT_GICV2M = 1,	/* RESV_MEM MSI [0x8020000, 0x8020fff] */
	VIOMMU_QEMU_VIRT_ITS = 2,	/* RESV_MEM MSI [0x8090000, 0x809ffff] */
	VIOMMU_NONE = 3,		/* no property */
};

/*
 * Append to @out what the virtio-iommu driver reports for @dev, endpoint
 * @epid of the IOMMU node @iommu (drivers/iommu/virtio-iommu.c
 * viommu_get_resv_regions): the RESV_MEM properties of the endpoint's PROBE
 * reply (viommu_add_resv_mem: MSI -> msi, write|noexec|mmio; RESERVED ->
 * reserved, prot 0), which only the running device knows, so @resv states
 * them; and when none of them is an MSI region, the software MSI window
 * [0x8000000, 0x80fffff] (sw-msi, write|noexec|mmio). iommu_dma_get_resv_
 * regions adds IORT regions only for an IORT-described IOMMU, never for a
 * virtio-iommu. Return: 0 or -ENOMEM.
 */
int predict_virtio(struct resv_list *out, const struct viot_node *iommu, uint32_t epid,
		   const struct pci_dev *dev, enum viommu_resv resv);

#endif
