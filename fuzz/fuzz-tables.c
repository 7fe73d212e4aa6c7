// SPDX-License-Identifier: MIT
/*
 * The firmware front door: bytes as a binary DMAR/IVRS/IORT/VIOT/APIC or
 * DSDT (its _DSM read) or as acpidump
 * text (resv_machine_add_tables decides), then everything built on the
 * models: the value trees, the cross-table lint, prediction for a few PCI
 * functions (two of them behind a PCIe-to-PCI bridge, so sharing a DMA
 * alias) under every value of every assumption, and the reasons a device
 * gets no group.
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
	/* A PCIe-to-PCI bridge (PCI Express capability, port type 7) to bus 5. */
	uint8_t pcie_pci[256] = { 0x86, 0x80, 0x02, 0x10, [0x06] = 0x10, [0x0b] = 0x06,
				  [0x0a] = 0x04, [0x0e] = 0x01, [0x19] = 5, [0x1a] = 5,
				  [0x34] = 0x40, [0x40] = 0x10, [0x42] = 0x72 };
	struct resv_machine *m;
	struct resv_list *l;
	char why[256];

	if (resv_machine_new(&m) < 0)
		return 0;
	resv_machine_add_pci(m, 0, 0, 0x1c, 0, bridge, sizeof(bridge));
	resv_machine_add_pci(m, 0, 0, 0x14, 0, usb, sizeof(usb));
	resv_machine_add_pci(m, 0, 1, 0, 0, usb, sizeof(usb));
	resv_machine_add_pci(m, 0, 0, 0x1e, 0, pcie_pci, sizeof(pcie_pci));
	resv_machine_add_pci(m, 0, 5, 0, 0, usb, sizeof(usb));
	resv_machine_add_pci(m, 0, 5, 1, 0, usb, sizeof(usb));
	resv_machine_set_kernel(m, size & 1 ? 0x050a00 : 0);
	if (resv_machine_add_tables(m, data, size, "fuzz") >= 0 && resv_machine_lint(m) == 0 &&
	    resv_list_new(&l) == 0) {
		for (const char *const *k = resv_assumption_keys(); *k; k++)
			for (const char *const *v = resv_assumption_values(*k); *v; v++) {
				FUZZ_CHECK(resv_machine_assume(m, *k, *v) == 0);
				/* viommu-resv decides whether virtio-iommu starts (7.x). */
				const char *off = resv_machine_iommu_off(m);

				for (size_t i = 0; i < resv_machine_device_count(m); i++) {
					const char *name = resv_machine_device(m, i)->name;
					struct resv_verdict vd = { .assignable = true };

					/* The MSI rule (an APIC input reaches the MADT). */
					FUZZ_CHECK(resv_machine_msi_verdict(m, &name, 1, size & 2 ? 0x060100 : 0,
									   &vd) == 0);

					/* A driver that would not start predicts nothing. */
					FUZZ_CHECK(resv_machine_predict(m, name, 0, l) != 0 || !off);
					FUZZ_CHECK(resv_machine_assumption_matters(m, name, *k) >= 0);
					FUZZ_CHECK(resv_machine_no_group_reason(m, name, why,
										sizeof(why)) >= 0);
				}
			}
		for (size_t i = 0; i < resv_machine_table_count(m); i++)
			FUZZ_CHECK(resv_machine_table(m, i)->body != NULL);
		resv_list_free(l);
	}
	resv_machine_free(m);
	return 0;
}
