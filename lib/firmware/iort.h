/* SPDX-License-Identifier: MIT */
/*
 * The IO Remapping Table (Arm DEN0049 rev E.e; ACPICA actbl2.h ACPI_IORT_*),
 * validated once into this model. Internal until the public table API is
 * settled (issue 3).
 */
#ifndef RESV_IORT_H
#define RESV_IORT_H

#include "acpi.h"

enum iort_node_type {
	IORT_ITS_GROUP = 0, IORT_NAMED_COMPONENT = 1, IORT_ROOT_COMPLEX = 2,
	IORT_SMMU = 3, IORT_SMMU_V3 = 4, IORT_PMCG = 5, IORT_RMR = 6,
};

/* RMR node flags (DEN0049 E.d §3.1.8; kernel iort.c iort_get_rmrs). */
#define IORT_RMR_REMAP_PERMITTED	(1u << 0)
#define IORT_RMR_ACCESS_PRIVILEGE	(1u << 1)
#define IORT_RMR_ACCESS_ATTR(flags)	(((flags) >> 2) & 0xff)

struct iort_id_mapping {
	uint32_t input_base;
	uint32_t count;		/* the field: number of IDs minus one */
	uint32_t output_base;
	uint32_t output_reference;	/* table offset of the target node */
	uint32_t flags;		/* bit 0: single mapping */
};

struct iort_rmr_desc {
	size_t offset;
	uint64_t base;
	uint64_t length;
};

struct iort_node {
	size_t offset;
	uint8_t type;
	uint16_t length;
	uint8_t revision;
	uint32_t identifier;
	size_t nmappings;
	struct iort_id_mapping *mappings;
	uint32_t flags;		/* named component, SMMU, SMMUv3, RMR */
	uint64_t base;		/* SMMU, SMMUv3, PMCG page 0 */
	uint32_t model;		/* SMMU, SMMUv3 */
	uint32_t segment;	/* root complex */
	uint32_t its_count;	/* ITS group */
	uint32_t its_id;	/* ITS group: its first GIC ITS ID, when has_its_id */
	bool has_its_id;
	char *name;		/* named component: raw bytes up to the NUL */
	size_t ndescs;
	struct iort_rmr_desc *descs;	/* RMR */
};

struct iort {
	struct acpi_header header;
	size_t nnodes;
	struct iort_node *nodes;	/* in table order */
};

/*
 * Parse and check an IORT table: nodes by count and offset, each bounded by
 * its own length; ID mappings and RMR descriptors bounded by their node
 * (no overflow in offset + count * size). Defects become diagnostics (ids
 * IORT_*); bad RMR descriptors are kept, as the kernel keeps them.
 * Return: 0; -EBADMSG (no header, not "IORT"); -ENOMEM.
 */
int iort_parse(struct iort **out, const void *buf, size_t len,
	       struct resv_diags *diags, const char *where);
void iort_free(struct iort *iort);

/* ID mapping flags (DEN0049 E.e §3.1.1.2). */
#define IORT_ID_SINGLE_MAPPING	(1u << 0)

/* The node that starts at table offset @offset, or NULL. */
const struct iort_node *iort_node_at(const struct iort *iort, size_t offset);

/*
 * The first root complex node of PCI segment @segment, or NULL: the kernel
 * takes the first match in table order (iort.c iort_scan_node with
 * iort_match_node_callback; one root complex per segment is assumed).
 */
const struct iort_node *iort_root_complex(const struct iort *iort, uint32_t segment);

/*
 * Follow @id from node @from through the ID mappings until an SMMU (type 3)
 * or SMMUv3 (type 4) node, as iort.c iort_node_map_id does with
 * IORT_IOMMU_TYPE; an SMMU's own onward mapping (to an ITS group) is not
 * taken. Gives the SMMU in *@smmu and the stream ID in *@stream_id.
 * Return: 0; 1 when the walk ends elsewhere (no mapping covers the ID, an ITS
 * group, a reference to no node, a cycle): the ID is not behind an SMMU.
 */
int iort_map_to_smmu(const struct iort *iort, const struct iort_node *from, uint32_t id,
		     const struct iort_node **smmu, uint32_t *stream_id);

/*
 * Follow @id from node @from to an ITS group node, through SMMUs, as
 * iort.c iort_node_map_id does with IORT_MSI_TYPE when iort_get_device_domain
 * looks for a PCI device's MSI domain. Gives the ITS group in *@its.
 * Return: 0; 1 when the walk ends elsewhere.
 */
int iort_map_to_its(const struct iort *iort, const struct iort_node *from, uint32_t id,
		    const struct iort_node **its);

#endif
