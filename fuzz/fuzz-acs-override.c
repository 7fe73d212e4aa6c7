// SPDX-License-Identifier: MIT
/*
 * pcie_acs_override= as the out-of-tree patch parses it, from a whole
 * command line and from a value that has no NUL (the walk must stay within
 * its length): at most 15 IDs, and the quirk lookup answers for a device
 * the input's last bytes describe.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "quirks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acs_override o = { 0 };
	const char *warns[4];
	size_t nwarn = 0;
	char *line = malloc(size + 1);
	char *raw = malloc(size ? size : 1);
	struct pci_dev d = { .pcie_type = 4, .acs = 0 };
	struct quirk_ctx ctx = { .override = &o };
	struct acs_quirk_answer a;

	if (!line || !raw)
		goto out;
	memcpy(line, data, size);
	line[size] = '\0';
	acs_override_from_cmdline(line, &o, warns, 4, &nwarn);
	FUZZ_CHECK(o.nids < ACS_OVERRIDE_IDS);

	memcpy(raw, data, size);
	memset(&o, 0, sizeof(o));
	nwarn = 0;
	acs_override_parse(raw, size, &o, warns, 4, &nwarn);
	FUZZ_CHECK(o.nids < ACS_OVERRIDE_IDS);
	for (size_t i = 0; i < nwarn && i < 4; i++)
		FUZZ_CHECK(warns[i] != NULL);

	if (size >= 5) {
		d.vendor = (uint16_t)(data[size - 5] | data[size - 4] << 8);
		d.device = (uint16_t)(data[size - 3] | data[size - 2] << 8);
		d.pcie_type = (int8_t)(data[size - 1] % 12) - 2;
		d.multifunction = data[size - 1] & 0x80;
		o.place = data[size - 1] & 0x40 ? ACS_OVERRIDE_END : ACS_OVERRIDE_PVE;
	}
	a = acs_quirk_enabled(&d, REQ_ACS_FLAGS, &ctx);
	FUZZ_CHECK(a.result == ACS_QUIRK_NONE || a.quirk != NULL);
out:
	free(line);
	free(raw);
	return 0;
}
