// SPDX-License-Identifier: MIT
/*
 * hex2aml IN.hex OUT.aml: a table of a bench configuration written in the
 * project's annotated hex format (tests/common/hexfile.h) as the bytes the
 * kernel's ACPI table upgrade loads, its checksum set by the loader.
 */
#include <stdio.h>
#include <stdlib.h>

#include "hexfile.h"

int main(int argc, char **argv)
{
	struct fixture_field *fields = NULL;
	size_t len = 0, nfields = 0;
	uint8_t *buf;
	FILE *f;

	if (argc != 3) {
		fputs("usage: hex2aml IN.hex OUT.aml\n", stderr);
		return 2;
	}
	buf = hexfile_load(argv[1], &len, &fields, &nfields);
	if (!buf)
		return 1;
	if (len < 36) {
		fprintf(stderr, "hex2aml: %s: %zu bytes, shorter than an ACPI header\n",
			argv[1], len);
		return 1;
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	free(buf);
	free(fields);
	return 0;
}
