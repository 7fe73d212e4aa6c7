// SPDX-License-Identifier: MIT
/*
 * The VIOT parser alone: every node it keeps lies inside the buffer, its
 * valid endpoint nodes lead to an IOMMU node, its findings point inside
 * it, and every function of the fuzz topology finds its range or none.
 */
#include "describe.h"
#include "firmware.h"
#include "predict.h"
#include "value.h"
#include "viot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct pci_topology *t = fuzz_topology();
	struct resv_diags *d = NULL;
	struct resv_value *v = NULL;
	struct resv_list *l = NULL;
	struct viot *viot = NULL;

	if (resv_diags_new(&d) < 0 || resv_list_new(&l) < 0)
		goto out;
	if (viot_parse(&viot, data, size, d, "fuzz") < 0)
		goto out;
	for (size_t i = 0; i < viot->nnodes; i++) {
		const struct viot_node *n = &viot->nodes[i];
		const struct viot_node *out;

		FUZZ_CHECK(n->offset < size && n->length >= 4);
		if (n->valid)
			FUZZ_CHECK(n->offset + n->length <= size);
		if (n->valid && (n->type == VIOT_PCI_RANGE || n->type == VIOT_MMIO)) {
			out = viot_node_at(viot, n->output_node);
			FUZZ_CHECK(out && out->valid && (out->type == VIOT_VIRTIO_IOMMU_PCI ||
							 out->type == VIOT_VIRTIO_IOMMU_MMIO));
		}
	}
	if (describe_viot(&v, viot) == 0)
		fuzz_walk_value(v);
	for (size_t i = 0; i < t->n; i++) {
		const struct pci_dev *dev = &t->devs[i];
		uint32_t epid;
		const struct viot_node *r = viot_pci_range(viot, dev->segment,
							   (uint16_t)(dev->bus << 8 | dev->dev << 3 |
								      dev->fn), &epid);

		if (r)
			FUZZ_CHECK(predict_virtio(l, viot_node_at(viot, r->output_node), epid, dev,
						  (enum viommu_resv)(i & 3)) == 0);
	}
	fuzz_check_list(l);
out:
	fuzz_check_diags(d, size);
	value_free(v);
	viot_free(viot);
	resv_list_free(l);
	resv_diags_free(d);
	return 0;
}
