/* SPDX-License-Identifier: MIT */
/*
 * The DMA Remapping table (Intel VT-d spec rev 4.1 ch. 8; field layouts as
 * in ACPICA actbl1.h ACPI_DMAR_*), validated once into this model.
 * Internal until the public table API is settled (issue 3).
 */
#ifndef RESV_DMAR_H
#define RESV_DMAR_H

#include "acpi.h"

enum dmar_type {
	DMAR_DRHD = 0,	/* remapping hardware unit (§8.3) */
	DMAR_RMRR = 1,	/* reserved memory region (§8.4) */
	DMAR_ATSR = 2,	/* root port ATS capability (§8.5) */
	DMAR_RHSA = 3,	/* remapping hardware static affinity (§8.6) */
	DMAR_ANDD = 4,	/* ACPI namespace device declaration (§8.7) */
	DMAR_SATC = 5,	/* SoC integrated address translation cache (§8.8) */
	DMAR_SIDP = 6,	/* SoC integrated device property (§8.9) */
	DMAR_NTYPES
};

/* Device scope types (§8.3.1). */
enum dmar_scope_type {
	DMAR_SCOPE_ENDPOINT = 1,
	DMAR_SCOPE_BRIDGE = 2,
	DMAR_SCOPE_IOAPIC = 3,
	DMAR_SCOPE_HPET = 4,
	DMAR_SCOPE_NAMESPACE = 5,
};

struct dmar_path {
	uint8_t device;
	uint8_t function;
};

struct dmar_scope {
	size_t offset;		/* in the table */
	uint8_t type;
	uint8_t flags;
	uint8_t enumeration_id;
	uint8_t start_bus;
	size_t npath;
	struct dmar_path *path;	/* bridges first, the target last */
};

struct dmar_entry {
	enum dmar_type type;
	size_t offset;
	uint16_t length;
	unsigned int index;		/* 0-based among entries of its type */
	uint8_t flags;			/* DRHD, ATSR, SATC */
	uint8_t size;			/* DRHD: register set size, 2^size pages */
	uint16_t segment;		/* DRHD, RMRR, ATSR, SATC, SIDP */
	uint64_t address;		/* DRHD/RHSA register base; RMRR base */
	uint64_t end;			/* RMRR: inclusive end ("limit") */
	uint32_t proximity_domain;	/* RHSA */
	uint8_t acpi_device_number;	/* ANDD */
	char *acpi_object_name;		/* ANDD: raw bytes up to the NUL */
	size_t nscopes;
	struct dmar_scope *scopes;
};

struct dmar {
	struct acpi_header header;
	uint8_t host_address_width;	/* the field; the width is this + 1 */
	uint8_t flags;
	size_t nentries;
	struct dmar_entry *entries;	/* in table order */
};

/*
 * Parse and check a DMAR table. Known subtables become entries, unknown
 * types are skipped (forward compatibility); firmware defects become
 * diagnostics with their offset (ids DMAR_*), and bad RMRRs are kept, as
 * the kernel keeps them.
 * Return: 0; -EBADMSG if the table cannot be walked at all (no header, not
 * "DMAR"); -ENOMEM.
 */
int dmar_parse(struct dmar **out, const void *buf, size_t len,
	       struct resv_diags *diags, const char *where);
void dmar_free(struct dmar *dmar);

#endif
