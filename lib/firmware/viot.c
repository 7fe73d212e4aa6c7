// SPDX-License-Identifier: MIT
/*
 * VIOT parsing (ACPI 6.5 §5.2.32; offsets as ACPICA actbl3.h): a 48-byte
 * header (node count at 36, node offset at 38, 8 reserved bytes), then
 * nodes of type (1 byte), reserved (1), length (2). The kernel's walk
 * (drivers/acpi/viot.c acpi_viot_init, v5.14) goes node_count nodes from
 * node_offset, each header within the table and at least 4 bytes long, and
 * stops at the first that is not; here the same, with each finding's offset.
 */
#include <stdlib.h>
#include <string.h>

#include "viot.h"

#define VIOT_HEADER_LEN 48
#define NODE_HEADER 4

/* Node sizes: ACPICA acpi_viot_pci_range, _mmio, _virtio_iommu_pci, _mmio. */
static const uint16_t node_size[] = { 0, 24, 24, 16, 16 };

struct parse {
	struct viot *viot;
	struct resv_diags *diags;
	const char *where;
};

#define DIAG(p, id, sev, off, ...) \
	diags_add((p)->diags, id, sev, (p)->where, off, -1, __VA_ARGS__)

void viot_free(struct viot *viot)
{
	if (!viot)
		return;
	free(viot->nodes);
	free(viot);
}

const char *viot_node_name(uint8_t type)
{
	switch (type) {
	case VIOT_PCI_RANGE: return "pci_range";
	case VIOT_MMIO: return "mmio";
	case VIOT_VIRTIO_IOMMU_PCI: return "virtio_iommu_pci";
	case VIOT_VIRTIO_IOMMU_MMIO: return "virtio_iommu_mmio";
	default: return "unknown";
	}
}

static void read_node(struct viot_node *n, struct cursor *c)
{
	cur_skip(c, NODE_HEADER);
	switch (n->type) {
	case VIOT_PCI_RANGE:
		cur_u32(c, &n->endpoint_start);
		cur_u16(c, &n->segment_start);
		cur_u16(c, &n->segment_end);
		cur_u16(c, &n->bdf_start);
		cur_u16(c, &n->bdf_end);
		cur_u16(c, &n->output_node);
		break;
	case VIOT_MMIO:
		cur_u32(c, &n->endpoint);
		cur_u64(c, &n->base);
		cur_u16(c, &n->output_node);
		break;
	case VIOT_VIRTIO_IOMMU_PCI:
		cur_u16(c, &n->segment);
		cur_u16(c, &n->bdf);
		break;
	case VIOT_VIRTIO_IOMMU_MMIO:
		cur_skip(c, 4);
		cur_u64(c, &n->base);
		break;
	}
}

const struct viot_node *viot_node_at(const struct viot *viot, size_t offset)
{
	for (size_t i = 0; i < viot->nnodes; i++)
		if (viot->nodes[i].offset == offset)
			return &viot->nodes[i];
	return NULL;
}

static bool is_iommu(const struct viot_node *n)
{
	return n && n->valid &&
	       (n->type == VIOT_VIRTIO_IOMMU_PCI || n->type == VIOT_VIRTIO_IOMMU_MMIO);
}

/*
 * Endpoint nodes, once every node is known: viot.c viot_parse_node keeps a
 * range only when viot_get_iommu finds an IOMMU node at its output offset
 * ("No IOMMU node found" otherwise). The kernel does not check the order of
 * a range's bounds; a reversed one matches nothing.
 */
static int check_endpoints(struct parse *p)
{
	for (size_t i = 0; i < p->viot->nnodes; i++) {
		struct viot_node *n = &p->viot->nodes[i];
		int rc = 0;

		if (!n->valid || (n->type != VIOT_PCI_RANGE && n->type != VIOT_MMIO))
			continue;
		if (!is_iommu(viot_node_at(p->viot, n->output_node))) {
			n->valid = false;
			rc = DIAG(p, "VIOT_NO_IOMMU", RESV_SEV_ERROR, n->offset + 16,
				  "%s node at 0x%zx: output node 0x%x is not a virtio-iommu node; the "
				  "kernel skips it (\"No IOMMU node found\")",
				  viot_node_name(n->type), n->offset, n->output_node);
		} else if (n->type == VIOT_PCI_RANGE &&
			   (n->segment_start > n->segment_end || n->bdf_start > n->bdf_end)) {
			rc = DIAG(p, "VIOT_RANGE_REVERSED", RESV_SEV_WARNING, n->offset + 8,
				  "PCI range node at 0x%zx: segments %u-%u, BDFs 0x%04x-0x%04x: a bound is "
				  "reversed, so it matches no device", n->offset, n->segment_start,
				  n->segment_end, n->bdf_start, n->bdf_end);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

int viot_parse(struct viot **out, const void *buf, size_t len, struct resv_diags *diags,
	       const char *where)
{
	struct parse p = { .diags = diags, .where = where };
	struct cursor body, all;
	uint16_t count = 0;
	size_t at, start;
	int rc;

	p.viot = calloc(1, sizeof(*p.viot));
	if (!p.viot)
		return -ENOMEM;
	rc = acpi_header_parse(buf, len, &p.viot->header, &body, diags, where);
	if (rc < 0)
		goto fail;
	if (strcmp(p.viot->header.signature, "VIOT") != 0) {
		char sig[ACPI_SIGNATURE_TEXT];

		acpi_signature_text(p.viot->header.signature, sig);
		rc = DIAG(&p, "VIOT_SIGNATURE", RESV_SEV_ERROR, 0, "signature \"%s\" is not \"VIOT\"",
			  sig);
		rc = rc < 0 ? rc : -EBADMSG;
		goto fail;
	}
	if (cur_u16(&body, &p.viot->node_count) < 0 || cur_u16(&body, &p.viot->node_offset) < 0) {
		rc = DIAG(&p, "VIOT_TRUNCATED", RESV_SEV_ERROR, 36,
			  "the table ends before its node count and offset");
		rc = rc < 0 ? rc : -EBADMSG;
		goto fail;
	}
	count = p.viot->node_count;
	all = cursor_make(buf, body.origin + body.len, 0);
	/* viot_check_bounds: no node before max(48, node_offset). */
	start = p.viot->node_offset > VIOT_HEADER_LEN ? p.viot->node_offset : VIOT_HEADER_LEN;
	at = p.viot->node_offset;
	for (uint16_t i = 0; i < count; i++) {
		uint64_t type = 0, nlen = 0;
		struct viot_node *n, *v;
		struct cursor c = all;

		if (at < start || at > all.len || all.len - at < NODE_HEADER) {
			rc = DIAG(&p, "VIOT_NODE_PAST_END", RESV_SEV_ERROR, at < all.len ? at : 38,
				  "node %u of %u at offset 0x%zx: its header is %s the table's nodes; "
				  "the kernel stops here (\"Node pointer overflows\")", i, count, at,
				  at < start ? "before" : "past");
			break;
		}
		cur_peek(&all, at, 1, &type);
		cur_peek(&all, at + 2, 2, &nlen);
		if (nlen < NODE_HEADER) {
			rc = DIAG(&p, "VIOT_NODE_BAD_LENGTH", RESV_SEV_ERROR, at + 2,
				  "node %u at offset 0x%zx: length %u is below its 4-byte header; the "
				  "kernel stops here (\"Empty node\")", i, at, (unsigned int)nlen);
			break;
		}
		v = realloc(p.viot->nodes, (p.viot->nnodes + 1) * sizeof(*v));
		if (!v) {
			rc = -ENOMEM;
			goto fail;
		}
		p.viot->nodes = v;
		n = &v[p.viot->nnodes++];
		*n = (struct viot_node){ .offset = at, .type = (uint8_t)type,
					 .length = (uint16_t)nlen };
		if (type < 1 || type > 4) {
			rc = DIAG(&p, "VIOT_NODE_UNKNOWN", RESV_SEV_INFO, at,
				  "node %u at offset 0x%zx: type %u is not one this knows; skipped, as the "
				  "kernel does (\"Unsupported node\")", i, at, (unsigned int)type);
		} else if (nlen < node_size[type] || nlen > all.len - at) {
			/* The kernel reads the short node past its end: one of its bugs. */
			rc = DIAG(&p, "VIOT_NODE_SHORT", RESV_SEV_ERROR, at + 2,
				  "%s node at offset 0x%zx: length %u, %s; ignored",
				  viot_node_name((uint8_t)type), at, (unsigned int)nlen,
				  nlen < node_size[type] ? "below its size" : "past the table's end");
		} else {
			cur_skip(&c, at);
			read_node(n, &c);
			n->read = n->valid = true;
		}
		if (rc < 0)
			goto fail;
		if (nlen > all.len - at)
			break;	/* the next header would start past the end */
		at += nlen;
	}
	if (rc < 0)	/* a finding at a stop could not be recorded */
		goto fail;
	rc = check_endpoints(&p);
	if (rc < 0)
		goto fail;
	*out = p.viot;
	return 0;
fail:
	viot_free(p.viot);
	return rc;
}

const struct viot_node *viot_pci_range(const struct viot *viot, uint16_t segment, uint16_t rid,
				       uint32_t *epid)
{
	/* viot_parse_node list_add()s each range at the head: the last one wins. */
	for (size_t i = viot->nnodes; i-- > 0;) {
		const struct viot_node *n = &viot->nodes[i];

		if (n->type != VIOT_PCI_RANGE || !n->valid || segment < n->segment_start ||
		    segment > n->segment_end || rid < n->bdf_start || rid > n->bdf_end)
			continue;
		/* viot_pci_dev_iommu_init: 32-bit arithmetic, wrapping as the kernel's. */
		*epid = ((uint32_t)(segment - n->segment_start) << 16) + rid - n->bdf_start +
			n->endpoint_start;
		return n;
	}
	return NULL;
}
