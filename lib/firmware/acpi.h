/* SPDX-License-Identifier: MIT */
/* ACPI table headers and subtable walking (ACPI 6.5 §5.2.6), internal. */
#ifndef RESV_ACPI_H
#define RESV_ACPI_H

#include "cursor.h"
#include "internal.h"

#define ACPI_HEADER_LEN 36

/* The system description table header, its strings NUL-terminated. */
struct acpi_header {
	char signature[5];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[7];
	char oem_table_id[9];
	uint32_t oem_revision;
	char creator_id[5];
	uint32_t creator_revision;
	bool checksum_valid;
};

/*
 * Check a table's header and give the bytes after it as @body, bounded by
 * min(header length, @len). Findings go to @diags under @where.
 * Return: 0; -EBADMSG when there is no table to walk (fewer than 36 bytes,
 * or a length field below 36); -ENOMEM.
 */
int acpi_header_parse(const void *buf, size_t len, struct acpi_header *h,
		      struct cursor *body, struct resv_diags *diags, const char *where);

/*
 * A signature's 4 bytes for a message: A-Z, 0-9 and '_' as they are (every
 * signature ACPI defines), anything else as \xNN, so firmware bytes never
 * reach a terminal or a log raw.
 */
#define ACPI_SIGNATURE_TEXT (4 * 4 + 1)
void acpi_signature_text(const void *sig, char out[ACPI_SIGNATURE_TEXT]);

/* Where a table's subtables keep their type and length (all little-endian). */
struct subtable_layout {
	const char *table;	/* "DMAR", for messages and ids */
	uint8_t type_size;	/* 1 or 2 */
	uint8_t length_off;	/* offset of the 16-bit length */
	uint8_t header_len;	/* bytes that must fit before length is read */
};

/*
 * Called for each subtable with its type and a cursor over exactly its
 * bytes (origin = its table offset). A negative return stops the walk.
 */
typedef int (*subtable_fn)(void *ctx, unsigned int type, struct cursor *entry);

/*
 * Walk back-to-back subtables to the end of @c (Linux dmar.c / fw_table.c,
 * stricter): the header must fit before its length is read, a length below
 * the header or past the end is a firmware bug with its offset and stops
 * the walk. Return: the number of subtables walked, or a negative errno
 * from @fn; a malformed subtable is a diagnostic, not an error.
 */
int acpi_walk_subtables(struct cursor *c, const struct subtable_layout *layout,
			subtable_fn fn, void *ctx, struct resv_diags *diags,
			const char *where);

#endif
