/* SPDX-License-Identifier: MIT */
/*
 * The Multiple APIC Description Table, signature "APIC" (ACPI 6.5 §5.2.12;
 * ACPICA actbl2.h ACPI_MADT_*): only what decides whether MSIs are
 * isolated (VFIO's interrupt condition): the interrupt controllers that
 * can isolate them (a GICv3 ITS) or that cannot (a GICv2m MSI frame), and
 * the I/O APICs. Internal.
 */
#ifndef RESV_MADT_H
#define RESV_MADT_H

#include "acpi.h"

enum madt_entry_type {
	MADT_IO_APIC = 1, MADT_GIC_DISTRIBUTOR = 12, MADT_GIC_MSI_FRAME = 13,
	MADT_GIC_ITS = 15,
};

struct madt {
	struct acpi_header header;
	uint8_t gic_version;	/* the GIC distributor's; 0: none or not stated */
	size_t nits, nmsi_frames, nioapics;
	uint32_t *its_ids;	/* GIC ITS entries' "GIC ITS ID", table order */
	uint8_t *ioapic_ids;
};

/*
 * Parse a MADT: 8 bytes after the header (local APIC address, flags), then
 * entries of type (1 byte) and length (1 byte), each bounded by its own
 * length. A length below 2 or past the end stops the walk with a finding
 * (id MADT_BAD_ENTRY), as the kernel's acpi_parse_entries_array stops.
 * Return: 0; -EBADMSG (no header, not "APIC"); -ENOMEM.
 */
int madt_parse(struct madt **out, const void *buf, size_t len, struct resv_diags *diags,
	       const char *where);
void madt_free(struct madt *madt);

/* Is a GIC ITS with this ID in the table? */
bool madt_has_its(const struct madt *madt, uint32_t its_id);

#endif
