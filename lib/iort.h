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

#endif
