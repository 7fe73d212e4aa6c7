/* SPDX-License-Identifier: MIT */
/* PCI topology and DMAR device-scope resolution; internal. */
#ifndef RESV_PCI_H
#define RESV_PCI_H

#include "dmar.h"
#include "sysroot.h"

struct pci_dev {
	char name[13];		/* dddd:bb:dd.f */
	uint16_t segment;
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class;
	uint8_t header_type;	/* config 0x0e & 0x7f: 0 normal, 1 bridge, 2 CardBus */
	bool bridge;		/* config header type 1: a PCI-to-PCI bridge */
	uint8_t secondary;	/* bridges: config 0x19 */
	uint8_t subordinate;	/* bridges: config 0x1a */
	/*
	 * The PCI Express capability's device/port type (PCIe 6.0 §7.5.3.2,
	 * bits 7:4 of the capabilities register), or PCI_TYPE_UNKNOWN: no
	 * PCIe capability, or a config space too short to hold the list.
	 */
	int8_t pcie_type;
	/* What IOMMU grouping reads (lib/groups/): */
	bool multifunction;	/* pdev->multifunction: header type bit 7 (config 0x0e), or fn > 0 */
	uint16_t cfg_len;	/* bytes of config space the input held: 64, 256 or 4096 */
	uint16_t pcie_flags;	/* PCIe Capabilities register (cap + 2); 0 if none/unknown */
	uint32_t pcie_devcap;	/* Device Capabilities (cap + 4) */
	uint32_t pcie_devcap2;	/* Device Capabilities 2 (cap + 0x24), 0 if absent */
	int8_t acs;		/* ACS extended capability: 1 present, 0 absent, -1 unknown (cfg_len < 4096) */
	uint16_t acs_pos;	/* its offset, when present */
	uint16_t acs_cap;	/* ACS Capability register */
	uint16_t acs_ctrl;	/* ACS Control register as read */
	uint8_t revision;	/* config 0x08 */
	uint16_t subsys_vendor, subsys_device;	/* config 0x2c, 0x2e (type 0 headers) */
	/* class, vendor and device as sysfs shows them (its uevent), when read:
	 * pdev's own fields, which quirks may have changed from the config's. */
	bool sysfs_identity;
	uint32_t sysfs_class;
	uint16_t sysfs_vendor, sysfs_device;
	/* A defect of the extended capability list (a loop, a pointer below
	 * 0x100 or past the input), static text, or NULL; at cfg_bad_at. */
	const char *cfg_bad;
	uint16_t cfg_bad_at;
	/*
	 * Raw config words only the ACS quirks read (lib/groups/quirks.c),
	 * filled by quirks_read_config() after acs_pos is known:
	 */
	bool cfg_f0_valid;	/* cfg_len >= 256 */
	uint32_t cfg_f0;	/* dword at 0xf0: Intel LPC (D31:F0) RCBA register */
	bool acs_spt_valid;	/* the ACS capability holds the dword at acs_pos + 8 */
	uint32_t acs_spt_ctrl;	/* dword at acs_pos + 8: Intel Sunrise/Union Point ACS control */
};

#define PCI_TYPE_UNKNOWN	(-1)	/* config space of 64 bytes: cannot tell */
#define PCI_TYPE_CONVENTIONAL	(-2)	/* a capability list without PCIe */
#define PCI_EXP_TYPE_ENDPOINT	0
#define PCI_EXP_TYPE_LEG_END	1
#define PCI_EXP_TYPE_ROOT_PORT	4
#define PCI_EXP_TYPE_UPSTREAM	5
#define PCI_EXP_TYPE_DOWNSTREAM	6
#define PCI_EXP_TYPE_PCI_BRIDGE	7	/* PCIe-to-PCI/PCI-X bridge */
#define PCI_EXP_TYPE_PCIE_BRIDGE 8	/* PCI/PCI-X-to-PCIe bridge */
#define PCI_EXP_TYPE_RC_END	9	/* root complex integrated endpoint */
#define PCI_EXP_TYPE_RC_EC	10	/* root complex event collector */
#define PCI_EXT_CAP_ID_ACS	0x000d

/* A requester ID a device's DMA may carry, and the bridge that gives it. */
struct pci_alias {
	uint16_t rid;
	const struct pci_dev *via;	/* NULL: the device's own ID */
};

#define PCI_MAX_ALIASES 8

struct pci_topology {
	size_t n, cap;
	struct pci_dev *devs;	/* sorted by (segment, bus, dev, fn) */
	/* segment << 8 | secondary bus of each bridge leading to a higher bus,
	 * sorted: which buses are not root buses, in O(log n). */
	size_t nchild, child_cap;
	uint32_t *child_buses;
};

/*
 * Add one function from its config space (@len >= 64), in order. What the
 * input holds decides what is known: 64 bytes give no capability list
 * (pcie_type PCI_TYPE_UNKNOWN), 256 no extended capabilities (acs -1 for a
 * PCIe function), 4096 everything. A defect of the extended capability list
 * is kept in cfg_bad for the caller to report (pci_report_config()).
 * Return: 0; -EINVAL (short config, dev > 31, fn > 7); -EEXIST; -ENOMEM.
 */
int pci_topology_add(struct pci_topology *t, uint16_t segment, uint8_t bus, uint8_t dev,
		     uint8_t fn, const uint8_t *config, size_t len);

/*
 * Add every device of @sr's sys/bus/pci/devices to @t (functions added
 * before win), from its config space (the first 64 bytes: ids, class,
 * header type, bridge bus numbers). A device whose config cannot be read is
 * diagnosed and left out.
 * Return: 0 (also when there is no PCI bus) or -ENOMEM; on -ENOMEM @t
 * keeps what was added, for pci_topology_free().
 */
int pci_topology_scan(struct pci_topology *t, const struct sysroot *sr,
		      struct resv_diags *diags, bool identity);
/* pci_topology_scan() into an empty @t. */
int pci_topology_load(struct pci_topology *t, const struct sysroot *sr,
		      struct resv_diags *diags);
void pci_topology_free(struct pci_topology *t);

/*
 * PCI_CLASS and PCI_ID of a device's uevent (pci-driver.c pci_uevent:
 * "PCI_CLASS=%04X", "PCI_ID=%04X:%04X"), into @val: class, vendor, device.
 * Return: whether both lines are there, written the kernel's way.
 */
bool pci_parse_uevent(const char *buf, size_t len, uint32_t val[3]);

/* Report @d's cfg_bad, if any, as PCI_CONFIG_CAP_LIST (@where: the input). */
int pci_report_config(const struct pci_dev *d, struct resv_diags *diags, const char *where);

/* Rebuild the bus index after t->devs was cut back to fewer functions (no allocation). */
void pci_topology_reindex(struct pci_topology *t);
const struct pci_dev *pci_find(const struct pci_topology *t, uint16_t segment,
			       uint8_t bus, uint8_t dev, uint8_t fn);

/* The function named "dddd:bb:dd.f", or NULL. */
const struct pci_dev *pci_find_name(const struct pci_topology *t, const char *name);

/* How a DMAR device scope names a device (dmar.c dmar_match_pci_path). */
enum dmar_match {
	DMAR_MATCH_NONE,
	DMAR_MATCH_PATH,	/* from a root bus, the device's own path */
	DMAR_MATCH_FALLBACK,	/* one element, the device's own bus: the kernel's workaround */
};

/*
 * Is @bus of @segment a root bus: no bridge below some other bus has it as
 * its secondary bus (the kernel's pci_is_root_bus, seen from config space)?
 * A bridge whose secondary bus is not above its own bus leads nowhere.
 */
bool pci_is_root_bus(const struct pci_topology *t, uint16_t segment, uint8_t bus);

/*
 * The device a DMAR device scope names, as the kernel matches it
 * (dmar.c dmar_alloc_pci_notify_info builds each device's path from its
 * root bus down; dmar_match_pci_path compares): the start bus must be a
 * root bus, and from it each path element but the last is a bridge whose
 * secondary bus leads on; the last element is the target. Else, for a
 * one-element path only, the device at (start bus, device, function) —
 * the kernel's "RMRR entry for device ... is broken - applying workaround"
 * (*@how = DMAR_MATCH_FALLBACK). NULL when nothing matches; *@why then
 * says why. @how may be NULL.
 */
const struct pci_dev *dmar_scope_target(const struct pci_topology *t, uint16_t segment,
					const struct dmar_scope *scope, enum dmar_match *how,
					char *why, size_t why_size);

/*
 * Does the scope's type disagree with the device it names
 * (dmar.c dmar_insert_dev_scope: an endpoint scope for a device whose
 * header is not a normal one, or a bridge scope for a normal-header device
 * whose class is not a bridge; NTB devices, class 0x0680, are bridges)?
 */
bool dmar_scope_type_mismatch(const struct dmar_scope *scope, const struct pci_dev *dev);

/*
 * What scope @scope of an entry of @segment names, to show it
 * (resv_machine_dmar_scope() in the public header says how each type
 * resolves). @t may be empty: then only what the table alone says is given.
 */
void dmar_scope_resolve(const struct pci_topology *t, uint16_t segment,
			const struct dmar_scope *scope, struct resv_scope_target *out);

/*
 * The requester IDs of @dev's DMA, in the order the kernel's
 * pci_for_each_dma_alias (drivers/pci/search.c) visits them: the device's
 * own, then for each bridge on the way up to the root bus (the bus no
 * bridge of the topology leads to): PCIe root and switch ports add none; a
 * PCIe-to-PCI bridge adds (its secondary bus, devfn 0) (PCIe-to-PCI Bridge
 * spec 1.0 §2.3); a PCI-to-PCIe bridge and a conventional PCI bridge add
 * their own ID. A bridge whose kind is unknown (64 bytes of config space)
 * adds none, as if it were a PCIe port. The kernel's quirks (dma_alias_mask,
 * PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT) are not known here. At most
 * PCI_MAX_ALIASES; the walk takes at most 256 steps.
 * Return: the number written to @out (>= 1).
 */
size_t pci_dma_aliases(const struct pci_topology *t, const struct pci_dev *dev,
		       struct pci_alias *out);

/* The bridge whose secondary bus is @bus in @segment, or NULL (a root bus). */
const struct pci_dev *pci_bus_bridge(const struct pci_topology *t, uint16_t segment,
				     uint8_t bus);

/* Is @dev on a bus below @bridge (kernel is_downstream_to_pci_bridge)? */
bool pci_is_downstream(const struct pci_dev *bridge, const struct pci_dev *dev);

#endif
