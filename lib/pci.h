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
	bool bridge;		/* config header type 1: a PCI-to-PCI bridge */
	uint8_t secondary;	/* bridges: config 0x19 */
	uint8_t subordinate;	/* bridges: config 0x1a */
};

struct pci_topology {
	size_t n, cap;
	struct pci_dev *devs;	/* sorted by (segment, bus, dev, fn) */
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
const struct pci_dev *pci_find(const struct pci_topology *t, uint16_t segment,
			       uint8_t bus, uint8_t dev, uint8_t fn);

/* The function named "dddd:bb:dd.f", or NULL. */
const struct pci_dev *pci_find_name(const struct pci_topology *t, const char *name);

/*
 * The device a DMAR device scope names (VT-d 4.1 §8.3.1.1): from the
 * scope's start bus, each path element but the last is a bridge whose
 * secondary bus leads on; the last element is the target. NULL when a step
 * names no device or a non-bridge; *@why then says which step.
 */
const struct pci_dev *dmar_scope_target(const struct pci_topology *t, uint16_t segment,
					const struct dmar_scope *scope, char *why,
					size_t why_size);

/* Is @dev on a bus below @bridge (kernel is_downstream_to_pci_bridge)? */
bool pci_is_downstream(const struct pci_dev *bridge, const struct pci_dev *dev);

#endif
