// SPDX-License-Identifier: MIT
/*
 * The IVRS parser alone: every IVHD, device entry and IVMD it keeps lies
 * inside the buffer, its findings point inside it, and what it keeps can be
 * described and predicted from (the AMD-Vi producer, with and without the
 * HyperTransport hole) for every kind of function.
 */
#include "describe.h"
#include "firmware.h"
#include "ivrs.h"
#include "predict.h"
#include "value.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct pci_topology *t = fuzz_topology();
	struct resv_diags *d = NULL;
	struct resv_value *v = NULL;
	struct resv_list *l = NULL;
	struct ivrs *ivrs = NULL;

	if (resv_diags_new(&d) < 0 || resv_list_new(&l) < 0)
		goto out;
	if (ivrs_parse(&ivrs, data, size, d, "fuzz") < 0)
		goto out;
	for (size_t i = 0; i < ivrs->nblocks; i++) {
		const struct ivrs_block *b = &ivrs->blocks[i];

		FUZZ_CHECK(b->offset + b->length <= size);
		for (size_t k = 0; k < b->nentries; k++)
			FUZZ_CHECK(b->entries[k].offset >= b->offset &&
				   b->entries[k].offset < b->offset + b->length);
	}
	if (describe_ivrs(&v, ivrs) == 0)
		fuzz_walk_value(v);
	for (size_t i = 0; i < t->n; i++)
		FUZZ_CHECK(predict_amd(l, ivrs, &t->devs[i], i & 1, i & 2 ? 0x050a00 : 0) == 0);
	fuzz_check_list(l);
out:
	fuzz_check_diags(d, size);
	value_free(v);
	ivrs_free(ivrs);
	resv_list_free(l);
	resv_diags_free(d);
	return 0;
}
