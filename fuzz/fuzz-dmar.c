// SPDX-License-Identifier: MIT
/*
 * The DMAR parser alone, no signature routing in front: every subtable and
 * scope it keeps lies inside the buffer, its findings point inside it, and
 * what it keeps can be described (`tables`) and predicted from (the
 * VT-d producer, floppy workaround on and off) for every kind of function.
 */
#include "dmar.h"
#include "describe.h"
#include "firmware.h"
#include "predict.h"
#include "value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct pci_topology *t = fuzz_topology();
	struct resv_diags *d = NULL;
	struct resv_value *v = NULL;
	struct resv_list *l = NULL;
	struct dmar *dmar = NULL;

	if (resv_diags_new(&d) < 0 || resv_list_new(&l) < 0)
		goto out;
	if (dmar_parse(&dmar, data, size, d, "fuzz") < 0)
		goto out;
	for (size_t i = 0; i < dmar->nentries; i++) {
		const struct dmar_entry *e = &dmar->entries[i];

		FUZZ_CHECK(e->offset + e->length <= size);
		for (size_t k = 0; k < e->nscopes; k++)
			FUZZ_CHECK(e->scopes[k].offset >= e->offset &&
				   e->scopes[k].offset < e->offset + e->length);
	}
	if (describe_dmar(&v, dmar) == 0)
		fuzz_walk_value(v);
	for (size_t i = 0; i < t->n; i++)
		FUZZ_CHECK(predict_intel(l, dmar, t, &t->devs[i], i & 1) == 0);
	fuzz_check_list(l);
out:
	fuzz_check_diags(d, size);
	value_free(v);
	dmar_free(dmar);
	resv_list_free(l);
	resv_diags_free(d);
	return 0;
}
