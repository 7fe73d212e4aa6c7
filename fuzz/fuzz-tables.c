// SPDX-License-Identifier: MIT
/*
 * The firmware front door: bytes as a binary DMAR/IVRS/IORT or as acpidump
 * text (resv_machine_add_tables decides), then everything built on the
 * models: the value trees, the cross-table lint, prediction for a few PCI
 * functions.
 */
#include <stdio.h>
#include <stdlib.h>

#include <iommu-resv.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t bridge[64] = { 0x86, 0x80, 0x00, 0x10, [0x0b] = 0x06,
					    [0x0a] = 0x04, [0x0e] = 0x01, [0x19] = 1,
					    [0x1a] = 4 };
	static const uint8_t usb[64] = { 0x86, 0x80, 0x01, 0x10, [0x09] = 0x30,
					 [0x0a] = 0x03, [0x0b] = 0x0c };
	struct resv_machine *m;
	struct resv_list *l;

	if (resv_machine_new(&m) < 0)
		return 0;
	resv_machine_add_pci(m, 0, 0, 0x1c, 0, bridge, sizeof(bridge));
	resv_machine_add_pci(m, 0, 0, 0x14, 0, usb, sizeof(usb));
	resv_machine_add_pci(m, 0, 1, 0, 0, usb, sizeof(usb));
	resv_machine_set_kernel(m, size & 1 ? 0x050a00 : 0);
	if (resv_machine_add_tables(m, data, size, "fuzz") >= 0 && resv_machine_lint(m) == 0 &&
	    resv_list_new(&l) == 0) {
		const char *off = resv_machine_iommu_off(m);

		for (size_t i = 0; i < resv_machine_device_count(m); i++)
			FUZZ_CHECK(resv_machine_predict(m, resv_machine_device(m, i)->name, 0, l) !=
				   0 || !off);
		for (size_t i = 0; i < resv_machine_table_count(m); i++)
			FUZZ_CHECK(resv_machine_table(m, i)->body != NULL);
		resv_list_free(l);
	}
	resv_machine_free(m);
	return 0;
}
