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
};

struct pci_topology {
	size_t n, cap;
	struct pci_dev *devs;	/* sorted by (segment, bus, dev, fn) */
	/* segment << 8 | secondary bus of each bridge leading to a higher bus,
	 * sorted: which buses are not root buses, in O(log n). */
	size_t nchild, child_cap;
	uint32_t *child_buses;
};

/*
 * Add one function from its config space (@len >= 64), in order.
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
		      struct resv_diags *diags);
/* pci_topology_scan() into an empty @t. */
int pci_topology_load(struct pci_topology *t, const struct sysroot *sr,
		      struct resv_diags *diags);
void pci_topology_free(struct pci_topology *t);

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

/* Is @dev on a bus below @bridge (kernel is_downstream_to_pci_bridge)? */
bool pci_is_downstream(const struct pci_dev *bridge, const struct pci_dev *dev);

#endif
