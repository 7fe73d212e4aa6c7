/* SPDX-License-Identifier: MIT */
/*
 * The Virtual I/O Translation Table (ACPI 6.5 §5.2.32; ACPICA actbl3.h
 * ACPI_VIOT_*), which puts endpoints behind paravirtual IOMMUs
 * (virtio-iommu), validated once into this model; internal.
 */
#ifndef RESV_VIOT_H
#define RESV_VIOT_H

#include "acpi.h"

enum viot_node_type {
	VIOT_PCI_RANGE = 1, VIOT_MMIO = 2, VIOT_VIRTIO_IOMMU_PCI = 3, VIOT_VIRTIO_IOMMU_MMIO = 4,
};

struct viot_node {
	size_t offset;
	uint8_t type;
	uint16_t length;
	bool read;		/* a known type, long enough: its fields below are set */
	bool valid;		/* read; endpoints also: an IOMMU at output_node */
	/* PCI range */
	uint32_t endpoint_start;
	uint16_t segment_start, segment_end, bdf_start, bdf_end;
	/* PCI range, MMIO endpoint: table offset of the IOMMU node */
	uint16_t output_node;
	/* MMIO endpoint */
	uint32_t endpoint;
	/* MMIO endpoint, virtio-iommu-mmio */
	uint64_t base;
	/* virtio-iommu-pci */
	uint16_t segment, bdf;
};

struct viot {
	struct acpi_header header;
	uint16_t node_count;	/* the header's; nnodes may be fewer */
	uint16_t node_offset;
	size_t nnodes;
	struct viot_node *nodes;	/* in table order */
};

/*
 * Parse and check a VIOT: nodes by count from the node offset, each header
 * within the table (drivers/acpi/viot.c viot_check_bounds), each node long
 * enough for its type, ranges in order, output nodes that are IOMMU nodes.
 * Defects become diagnostics (ids VIOT_*); the walk stops where the
 * kernel's stops. Return: 0; -EBADMSG (no header, not "VIOT"); -ENOMEM.
 */
int viot_parse(struct viot **out, const void *buf, size_t len, struct resv_diags *diags,
	       const char *where);
void viot_free(struct viot *viot);

/* "pci_range", "mmio", "virtio_iommu_pci", "virtio_iommu_mmio", "unknown". */
const char *viot_node_name(uint8_t type);

/*
 * The valid PCI range node holding requester ID @rid in @segment, as
 * viot.c viot_pci_dev_iommu_init takes it (the last in table order), or
 * NULL; its endpoint ID in *@epid.
 */
const struct viot_node *viot_pci_range(const struct viot *viot, uint16_t segment, uint16_t rid,
				       uint32_t *epid);

/* The node at table offset @offset, or NULL. */
const struct viot_node *viot_node_at(const struct viot *viot, size_t offset);

#endif
