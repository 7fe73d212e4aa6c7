// SPDX-License-Identifier: MIT
/*
 * The IORT parser alone: every node, ID mapping and RMR descriptor it
 * keeps lies inside its node and the buffer, its findings point inside it,
 * the ID walk from every root complex ends (cycles included) at an SMMU
 * node or nowhere, and the Arm producer runs for every kind of function.
 */
#include "describe.h"
#include "firmware.h"
#include "iort.h"
#include "predict.h"
#include "value.h"

/* No version (the newest), before RMRs, while single-ID mappings were skipped. */
static const unsigned int kernels[] = { 0, 0x050a00, 0x060200 };

/* Requester IDs around the edges of the usual mapping ranges. */
static const uint32_t ids[] = { 0, 1, 0xff, 0x100, 0xffff, 0x10000, 0xffffffff };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct pci_topology *t = fuzz_topology();
	struct resv_diags *d = NULL;
	struct resv_value *v = NULL;
	struct resv_list *l = NULL;
	struct iort *iort = NULL;

	if (resv_diags_new(&d) < 0 || resv_list_new(&l) < 0)
		goto out;
	if (iort_parse(&iort, data, size, d, "fuzz") < 0)
		goto out;
	for (size_t i = 0; i < iort->nnodes; i++) {
		const struct iort_node *n = &iort->nodes[i];

		FUZZ_CHECK(n->offset + n->length <= size);
		for (size_t k = 0; k < n->ndescs; k++)
			FUZZ_CHECK(n->descs[k].offset >= n->offset &&
				   n->descs[k].offset < n->offset + n->length);
		if (n->type != IORT_ROOT_COMPLEX)
			continue;
		for (size_t k = 0; k < sizeof(ids) / sizeof(ids[0]); k++) {
			const struct iort_node *smmu = NULL;
			uint32_t sid;

			if (iort_map_to_smmu(iort, n, ids[k], &smmu, &sid) == 0)
				FUZZ_CHECK(smmu && (smmu->type == IORT_SMMU ||
						    smmu->type == IORT_SMMU_V3));
		}
	}
	if (describe_iort(&v, iort) == 0)
		fuzz_walk_value(v);
	for (size_t i = 0; i < t->n; i++) {
		struct arm_streams s;
		bool named;

		if (arm_streams(iort, t, &t->devs[i], &s) == 0)
			FUZZ_CHECK(predict_arm(l, iort, &s, &t->devs[i], i & 1, kernels[i % 3],
					       (uint64_t)4096 << (2 * (i % 3)), &named) == 0);
	}
	fuzz_check_list(l);
out:
	fuzz_check_diags(d, size);
	value_free(v);
	iort_free(iort);
	resv_list_free(l);
	resv_diags_free(d);
	return 0;
}
