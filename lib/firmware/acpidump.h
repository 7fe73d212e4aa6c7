/* SPDX-License-Identifier: MIT */
/* acpidump's text output (ACPICA tools/acpidump), internal. */
#ifndef RESV_ACPIDUMP_H
#define RESV_ACPIDUMP_H

#include "internal.h"

struct acpidump_table {
	char signature[5];
	uint64_t address;	/* physical address acpidump printed */
	uint64_t line;		/* of the "SIG @ 0x..." line */
	uint8_t *data;
	size_t len;
};

/*
 * Read every table of an acpidump text file: "SIG @ 0xADDR" then lines
 * "    OOOO: HH HH ... (up to 16)  ascii" with consecutive offsets. Bad lines,
 * offset gaps and tables whose byte count differs from their header length
 * are diagnosed (ACPIDUMP_*) with the line; a table with a gap is dropped,
 * the others are kept. Return: the number of tables (>= 0), or -ENOMEM.
 */
int acpidump_parse(const char *text, size_t len, struct acpidump_table **tables,
		   struct resv_diags *diags, const char *where);
void acpidump_free(struct acpidump_table *tables, size_t n);

#endif
