// SPDX-License-Identifier: MIT
/*
 * VFIO viability: may VFIO take a group, given the drivers its devices are
 * bound to? VFIO takes whole groups, so one device of the group bound to a
 * driver that does DMA through the kernel's DMA API keeps the rest from it.
 */
#include <string.h>

#include "internal.h"

#define KERNEL(a, b) ((a) << 16 | (b) << 8)

/*
 * vfio-pci's variant drivers all build on vfio_pci_core and set
 * driver_managed_dma (mlx5_vfio_pci, hisi_acc_vfio_pci, virtio_vfio_pci,
 * nvgrace_gpu_vfio_pci, qat_vfio_pci, pds-vfio-pci, xe-vfio-pci, ...):
 * their names end in vfio_pci or vfio-pci, as vfio-pci's own does.
 */
static bool is_vfio_pci(const char *driver)
{
	size_t n = strlen(driver);

	return n >= 8 && (strcmp(driver + n - 8, "vfio_pci") == 0 ||
			  strcmp(driver + n - 8, "vfio-pci") == 0);
}

/* Not a normal header: a bridge (type 1) or CardBus bridge (type 2). */
static bool non_normal_header(const struct resv_device *dev)
{
	if (dev->header_type >= 0)
		return dev->header_type != 0;
	/* Config space unread: probe.c pci_setup_device refuses the bridge class on a normal header. */
	return dev->class >> 8 == 0x0604 || dev->class >> 8 == 0x0607;
}

RESV_EXPORT int resv_vfio_device_viable(const struct resv_device *dev, unsigned int kernel,
					const char **why)
{
	const char *because;
	int ok;

	if (!dev->driver_known) {
		ok = -1;
		because = "the root does not record which driver the device is bound to (a "
			  "snapshot made before drivers were copied, or a device that is not PCI)";
	} else if (!dev->driver) {
		ok = 1;
		because = "no driver is bound to it";
	} else if (is_vfio_pci(dev->driver)) {
		ok = 1;
		because = "it is bound to VFIO's own driver";
	} else if (kernel == 0 || kernel >= KERNEL(5, 19)) {
		/*
		 * v5.19, "iommu: Add DMA ownership management interfaces" and
		 * "bus: platform,amba,fsl-mc,PCI: Add device DMA ownership
		 * management": pci_dma_configure() makes every binding driver
		 * without driver_managed_dma an owner of the group's default
		 * domain (iommu_device_use_default_domain), and VFIO's
		 * iommu_group_claim_dma_owner() then fails (-EPERM); pci-stub and
		 * pcieport set driver_managed_dma in the same series.
		 */
		ok = strcmp(dev->driver, "pci-stub") == 0 || strcmp(dev->driver, "pcieport") == 0;
		because = ok ? "its driver sets driver_managed_dma (pci-stub, pcieport): it does no "
			       "DMA of its own (pci-driver.c pci_dma_configure, v5.19+)" :
			       "its driver owns the group's DMA: it binds without driver_managed_dma, "
			       "so iommu_device_use_default_domain() holds the group and VFIO's "
			       "iommu_group_claim_dma_owner() fails (v5.19+; VFIO_GROUP_FLAGS_VIABLE "
			       "is not set)";
	} else {
		/* vfio.c vfio_dev_viable and vfio_dev_driver_allowed (v5.10; the same
		 * rule under older names since v4.x). */
		if (strcmp(dev->driver, "pci-stub") == 0) {
			ok = 1;
			because = "pci-stub is in vfio_driver_allowed[] (vfio.c, before v5.19)";
		} else if (non_normal_header(dev)) {
			ok = 1;
			because = "the device is a bridge (a header that is not a normal one), whose "
				  "driver vfio.c vfio_dev_driver_allowed accepts (before v5.19)";
		} else {
			ok = 0;
			because = "its driver is neither VFIO's, nor pci-stub, nor a bridge's: vfio.c "
				  "vfio_dev_viable refuses the group (before v5.19; "
				  "VFIO_GROUP_FLAGS_VIABLE is not set)";
		}
	}
	if (why)
		*why = because;
	return ok;
}

RESV_EXPORT int resv_vfio_group_viable(const struct resv_device *devices, size_t n,
				       unsigned int kernel, struct resv_vfio_viability *out)
{
	const struct resv_device *first_unknown = NULL;
	const char *unknown_why = NULL;

	*out = (struct resv_vfio_viability){ .viable = 1 };
	for (size_t i = 0; i < n; i++) {
		const char *why;
		int ok = resv_vfio_device_viable(&devices[i], kernel, &why);

		if (ok == 0 && !out->nblockers++) {
			out->blocker = &devices[i];
			out->reason = why;
		} else if (ok < 0 && !out->nunknown++) {
			first_unknown = &devices[i];
			unknown_why = why;
		}
	}
	if (out->nblockers) {
		out->viable = 0;
		out->remedy = "bind the device to vfio-pci (driverctl set-override BDF vfio-pci) "
			      "or unbind it (echo BDF > /sys/bus/pci/devices/BDF/driver/unbind)";
	} else if (out->nunknown) {
		out->viable = -1;
		out->blocker = first_unknown;
		out->reason = unknown_why;
		out->remedy = "check that no device of the group is bound to a driver other than "
			      "vfio-pci, pci-stub or pcieport (lspci -k)";
	} else {
		out->reason = "every device is unbound or bound to a driver VFIO accepts";
	}
	return out->viable;
}
