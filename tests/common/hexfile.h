/* SPDX-License-Identifier: MIT */
/*
 * Annotated byte fixtures (tests/data, files ending .hex) for what iasl cannot compile.
 *
 * A line holds values and an optional comment after "#":
 *   xx          one byte, two hex digits
 *   le16:HEX    a little-endian value of 2, 4 or 8 bytes (le16/le32/le64)
 *   "text"      its ASCII bytes, no NUL ("" is no bytes)
 * A comment after a value names the field as iasl prints it; text after
 * ";" in it explains. The loader sets the ACPI checksum (byte 9).
 */
#ifndef RESV_TEST_HEXFILE_H
#define RESV_TEST_HEXFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One named field and the value written for it. */
struct fixture_field {
	char name[48];
	bool is_string;
	uint64_t value;		/* several byte tokens: read in written order */
	char string[48];	/* is_string: the quoted tokens, concatenated */
	unsigned int line;
};

/* Make the bytes of a whole ACPI table sum to zero (ACPI 6.5 §5.2.6). */
void acpi_fix_checksum(uint8_t *buf, size_t len);

/*
 * Read a .hex fixture. Return: its bytes (free() them) with their number in
 * *len and the annotated fields in *fields (free() them) with their number
 * in *nfields; NULL after a message on stderr when the file cannot be read
 * or a token is not one of the above.
 */
uint8_t *hexfile_load(const char *path, size_t *len, struct fixture_field **fields,
		      size_t *nfields);

#endif
