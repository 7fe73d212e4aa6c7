// SPDX-License-Identifier: MIT
/*
 * IORT parsing (Arm DEN0049 rev E.e; offsets as ACPICA actbl2.h). The
 * kernel's drivers/acpi/arm64/iort.c bounds its walk by node count and table
 * end but trusts node lengths and array offsets; here every one of them is
 * checked first.
 */
#include <stdlib.h>
#include <string.h>

#include "iort.h"

#define NODE_HEADER 16
#define MAPPING_SIZE 20
#define RMR_DESC_SIZE 20

struct parse {
	struct iort *iort;
	struct resv_diags *diags;
	const char *where;
};

#define DIAG(p, id, sev, off, ...) \
	diags_add((p)->diags, id, sev, (p)->where, off, -1, __VA_ARGS__)

static void node_clear(struct iort_node *n)
{
	free(n->mappings);
	free(n->name);
	free(n->descs);
}

void iort_free(struct iort *iort)
{
	if (!iort)
		return;
	for (size_t i = 0; i < iort->nnodes; i++)
		node_clear(&iort->nodes[i]);
	free(iort->nodes);
	free(iort);
}

/*
 * A cursor over @count records of @size bytes at @off in the node @c, or an
 * error diagnostic when they do not fit (checked without overflow).
 */
static int node_array(struct parse *p, const struct iort_node *n, const struct cursor *c,
		      uint32_t off, uint32_t count, size_t size, const char *what,
		      struct cursor *out)
{
	struct cursor a = *c;
	int rc;

	a.off = 0;
	if (off > a.len || count > (a.len - off) / size) {
		rc = DIAG(p, "IORT_ARRAY_PAST_NODE", RESV_SEV_ERROR, n->offset,
			  "node type %u at offset 0x%zx: %u %s at node offset 0x%x do not fit in its %u bytes; ignored",
			  n->type, n->offset, count, what, off, n->length);
		return rc < 0 ? rc : 1;
	}
	cur_skip(&a, off);
	cur_sub(&a, (size_t)count * size, out);
	return 0;
}

static int parse_rmr(struct parse *p, struct iort_node *n, struct cursor *c)
{
	uint32_t count = 0, off = 0;
	struct cursor d;
	int rc;

	cur_u32(c, &n->flags);
	cur_u32(c, &count);
	cur_u32(c, &off);
	if (n->flags >> 10) {
		rc = DIAG(p, "IORT_RESERVED_NONZERO", RESV_SEV_WARNING, n->offset,
			  "RMR node at offset 0x%zx: reserved flag bits 0x%x are set", n->offset,
			  n->flags & ~0x3ffu);
		if (rc < 0)
			return rc;
	}
	rc = node_array(p, n, c, off, count, RMR_DESC_SIZE, "RMR descriptors", &d);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	if (count) {
		n->descs = calloc(count, sizeof(*n->descs));
		if (!n->descs)
			return -ENOMEM;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct iort_rmr_desc *r = &n->descs[i];

		r->offset = cur_pos(&d);
		cur_u64(&d, &r->base);
		cur_u64(&d, &r->length);
		cur_skip(&d, 4);
		n->ndescs++;
		/* iort.c iort_rmr_desc_check_overlap and the 64 KiB rule. */
		if (r->length == 0)
			rc = DIAG(p, "IORT_RMR_ZERO_LENGTH", RESV_SEV_WARNING, r->offset,
				  "RMR node at 0x%zx descriptor %u [0x%llx, length 0]: zero length (the kernel keeps it)",
				  n->offset, i, (unsigned long long)r->base);
		else if (r->length - 1 > UINT64_MAX - r->base)
			rc = DIAG(p, "IORT_RMR_OVERFLOW", RESV_SEV_ERROR, r->offset,
				  "RMR node at 0x%zx descriptor %u: base 0x%llx + length 0x%llx passes 2^64",
				  n->offset, i, (unsigned long long)r->base,
				  (unsigned long long)r->length);
		else if ((r->base | r->length) & 0xffff)
			rc = DIAG(p, "IORT_RMR_UNALIGNED", RESV_SEV_WARNING, r->offset,
				  "RMR node at 0x%zx descriptor %u [0x%llx, length 0x%llx]: not 64 KiB aligned",
				  n->offset, i, (unsigned long long)r->base,
				  (unsigned long long)r->length);
		if (rc < 0)
			return rc;
		for (uint32_t k = 0; k < i && r->length; k++) {
			const struct iort_rmr_desc *q = &n->descs[k];

			if (!q->length || q->length - 1 > UINT64_MAX - q->base ||
			    r->length - 1 > UINT64_MAX - r->base)
				continue;
			if (r->base <= q->base + (q->length - 1) && q->base <= r->base + (r->length - 1)) {
				rc = DIAG(p, "IORT_RMR_OVERLAP", RESV_SEV_WARNING, r->offset,
					  "RMR node at 0x%zx: descriptor %u overlaps descriptor %u",
					  n->offset, i, k);
				if (rc < 0)
					return rc;
			}
		}
	}
	return 0;
}

/* The data after the node header, by type (DEN0049 E.e §3.1). */
static int parse_node_data(struct parse *p, struct iort_node *n, struct cursor *c)
{
	switch (n->type) {
	case IORT_ITS_GROUP:
		cur_u32(c, &n->its_count);
		/* The kernel uses the first ITS's ID (iort.c iort_dev_find_its_id). */
		n->has_its_id = n->its_count > 0 && cur_u32(c, &n->its_id) == 0;
		break;
	case IORT_NAMED_COMPONENT: {
		const uint8_t *name = NULL;
		size_t len;

		cur_u32(c, &n->flags);
		if (cur_skip(c, 9) < 0)	/* memory access properties, size limit */
			break;
		/* The name runs to its NUL, within the node. */
		len = strnlen((const char *)c->base + c->off, cur_left(c));
		cur_bytes(c, len, &name);
		n->name = strndup((const char *)name, len);
		if (!n->name)
			return -ENOMEM;
		break;
	}
	case IORT_ROOT_COMPLEX:
		cur_skip(c, 12);	/* memory access properties, ATS attribute */
		cur_u32(c, &n->segment);
		break;
	case IORT_SMMU:
		cur_u64(c, &n->base);
		cur_skip(c, 8);		/* span */
		cur_u32(c, &n->model);
		cur_u32(c, &n->flags);
		break;
	case IORT_SMMU_V3:
		cur_u64(c, &n->base);
		cur_u32(c, &n->flags);
		cur_skip(c, 12);	/* reserved, VATOS address */
		cur_u32(c, &n->model);
		break;
	case IORT_PMCG:
		cur_u64(c, &n->base);
		break;
	case IORT_RMR:
		return parse_rmr(p, n, c);
	default:
		return DIAG(p, "IORT_UNKNOWN_NODE", RESV_SEV_INFO, n->offset,
			    "node type %u at offset 0x%zx is not known here; its mappings are kept",
			    n->type, n->offset);
	}
	return 0;
}

/*
 * Bytes each node type has in its first revision (DEN0049 E.e §3.1.1;
 * ACPICA actbl2.h): later revisions only grow, so a shorter node is cut.
 */
static const uint8_t node_fixed[] = {
	[IORT_ITS_GROUP] = 20, [IORT_NAMED_COMPONENT] = 29, [IORT_ROOT_COMPLEX] = 32,
	[IORT_SMMU] = 60, [IORT_SMMU_V3] = 60, [IORT_PMCG] = 40, [IORT_RMR] = 28,
};

static int parse_node(struct parse *p, struct cursor *c, struct iort_node *n)
{
	uint32_t nmap = 0, mapoff = 0;
	struct cursor m;
	int rc;

	cur_u8(c, &n->type);
	cur_skip(c, 2);
	cur_u8(c, &n->revision);
	cur_u32(c, &n->identifier);
	cur_u32(c, &nmap);
	cur_u32(c, &mapoff);
	if (n->type < sizeof(node_fixed) && n->length < node_fixed[n->type])
		return DIAG(p, "IORT_NODE_SHORT", RESV_SEV_ERROR, n->offset,
			    "node type %u at offset 0x%zx: length %u is below its %u fixed bytes; kept without its fields",
			    n->type, n->offset, n->length, node_fixed[n->type]);
	rc = parse_node_data(p, n, c);
	if (rc < 0 || nmap == 0)
		return rc < 0 ? rc : 0;
	rc = node_array(p, n, c, mapoff, nmap, MAPPING_SIZE, "ID mappings", &m);
	if (rc != 0)
		return rc < 0 ? rc : 0;
	n->mappings = calloc(nmap, sizeof(*n->mappings));
	if (!n->mappings)
		return -ENOMEM;
	for (uint32_t i = 0; i < nmap; i++) {
		struct iort_id_mapping *im = &n->mappings[i];

		cur_u32(&m, &im->input_base);
		cur_u32(&m, &im->count);
		cur_u32(&m, &im->output_base);
		cur_u32(&m, &im->output_reference);
		cur_u32(&m, &im->flags);
	}
	n->nmappings = nmap;
	return 0;
}

/* Every ID mapping must point at a node (kernel iort_node_get_id). */
static int check_references(struct parse *p)
{
	const struct iort *t = p->iort;

	for (size_t i = 0; i < t->nnodes; i++) {
		const struct iort_node *n = &t->nodes[i];

		for (size_t k = 0; k < n->nmappings; k++) {
			uint32_t ref = n->mappings[k].output_reference;
			bool found = false;
			int rc;

			for (size_t j = 0; j < t->nnodes && !found; j++)
				found = t->nodes[j].offset == ref;
			if (found)
				continue;
			rc = DIAG(p, "IORT_BAD_OUTPUT_REFERENCE", RESV_SEV_ERROR, n->offset,
				  "node type %u at offset 0x%zx: ID mapping %zu points at offset 0x%x, where no node starts",
				  n->type, n->offset, k, ref);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int iort_parse(struct iort **out, const void *buf, size_t len,
	       struct resv_diags *diags, const char *where)
{
	struct parse p = { .diags = diags, .where = where };
	struct cursor body, all;
	uint32_t count = 0, first = 0;
	int rc;

	p.iort = calloc(1, sizeof(*p.iort));
	if (!p.iort)
		return -ENOMEM;
	rc = acpi_header_parse(buf, len, &p.iort->header, &body, diags, where);
	if (rc < 0)
		goto fail;
	if (strcmp(p.iort->header.signature, "IORT") != 0) {
		char sig[ACPI_SIGNATURE_TEXT];

		acpi_signature_text(p.iort->header.signature, sig);
		rc = DIAG(&p, "IORT_SIGNATURE", RESV_SEV_ERROR, 0,
			  "signature \"%s\" is not \"IORT\"", sig);
		rc = rc < 0 ? rc : -EBADMSG;
		goto fail;
	}
	if (cur_u32(&body, &count) < 0 || cur_u32(&body, &first) < 0) {
		rc = DIAG(&p, "IORT_TRUNCATED", RESV_SEV_ERROR, 36,
			  "the table ends before its node count and offset");
		rc = rc < 0 ? rc : -EBADMSG;
		goto fail;
	}
	/* The whole table (as far as present), for offsets from its start. */
	all = cursor_make(buf, body.origin + body.len, 0);
	size_t at = first;
	/* The field that put the node at @at: the header's node offset, then
	 * the previous node's length. A finding about a node outside the
	 * table points there, inside it. */
	size_t from = 40;

	for (uint32_t i = 0; i < count; i++) {
		struct cursor c = all, node;
		uint64_t nlen = 0;

		if (at > all.len || all.len - at < NODE_HEADER) {
			rc = DIAG(&p, "IORT_NODE_PAST_END", RESV_SEV_ERROR, at < all.len ? at : from,
				  "node %u of %u at offset 0x%zx: its header does not fit in the table; walk stopped",
				  i, count, at);
			break;
		}
		cur_peek(&all, at + 1, 2, &nlen);	/* the header fits */
		if (nlen < NODE_HEADER || nlen > all.len - at) {
			rc = DIAG(&p, "IORT_NODE_BAD_LENGTH", RESV_SEV_ERROR, at,
				  "node %u at offset 0x%zx: length %u is %s; walk stopped", i, at,
				  (unsigned int)nlen,
				  nlen < NODE_HEADER ? "below its 16-byte header" : "past the table's end");
			break;
		}
		cur_skip(&c, at);
		cur_sub(&c, nlen, &node);
		struct iort_node *v = realloc(p.iort->nodes, (p.iort->nnodes + 1) * sizeof(*v));

		if (!v) {
			rc = -ENOMEM;
			goto fail;
		}
		p.iort->nodes = v;
		struct iort_node *n = &v[p.iort->nnodes++];

		memset(n, 0, sizeof(*n));
		n->offset = at;
		n->length = (uint16_t)nlen;
		rc = parse_node(&p, &node, n);
		if (rc < 0)
			goto fail;
		from = at + 1;
		at += nlen;
	}
	if (rc < 0)
		goto fail;
	rc = check_references(&p);
	if (rc < 0)
		goto fail;
	*out = p.iort;
	return 0;
fail:
	iort_free(p.iort);
	return rc;
}

/* Lookups over the model. */

const struct iort_node *iort_node_at(const struct iort *iort, size_t offset)
{
	size_t lo = 0, hi = iort->nnodes;

	/* Nodes are walked forward from the first, so offsets increase. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (iort->nodes[mid].offset == offset)
			return &iort->nodes[mid];
		if (iort->nodes[mid].offset < offset)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct iort_node *iort_root_complex(const struct iort *iort, uint32_t segment)
{
	for (size_t i = 0; i < iort->nnodes; i++)
		if (iort->nodes[i].type == IORT_ROOT_COMPLEX && iort->nodes[i].segment == segment)
			return &iort->nodes[i];
	return NULL;
}

/*
 * One step of iort.c iort_node_map_id: the mapping of @n that takes @id.
 * iort_id_map's rules, kept as the kernel has them:
 * - a single mapping ignores the input ID, but only in a named component or
 *   root complex; elsewhere it is a firmware bug and skipped;
 * - the input range is [input_base, input_base + count], in 32-bit
 *   arithmetic as the kernel computes it;
 * - a match on the last ID of a range (count > 0) is held back, because
 *   firmware misreads "count" as the number of IDs: a later mapping may take
 *   the same ID only at its own input base, and then wins; without one the
 *   held match stands.
 * Return: the mapping, with the output ID in *@out, or NULL.
 */
static const struct iort_id_mapping *map_step(const struct iort_node *n, uint32_t id,
					      uint32_t *out)
{
	const struct iort_id_mapping *held = NULL;
	uint32_t held_out = 0;

	for (size_t i = 0; i < n->nmappings; i++) {
		const struct iort_id_mapping *m = &n->mappings[i];

		if (m->flags & IORT_ID_SINGLE_MAPPING) {
			if (n->type != IORT_NAMED_COMPONENT && n->type != IORT_ROOT_COMPLEX)
				continue;
			*out = m->output_base;
			return m;
		}
		if (id < m->input_base || id > (uint32_t)(m->input_base + m->count))
			continue;
		if (held && id != m->input_base)
			continue;	/* "conflicting mapping": disregarded */
		if (!held && m->count > 0 && id == (uint32_t)(m->input_base + m->count)) {
			held = m;
			held_out = m->output_base + (id - m->input_base);
			continue;
		}
		*out = m->output_base + (id - m->input_base);
		return m;
	}
	*out = held_out;
	return held;
}

/*
 * Follow @id from @from through ID mappings until a node @stop accepts; *@to,
 * *@out_id: that node and the ID it receives. The kernel walks with no bound;
 * a table whose references loop would hang it. Each node at most once.
 * Return: 0, or 1 when the walk ends elsewhere.
 */
static int walk_until(const struct iort *iort, const struct iort_node *from, uint32_t id,
		      bool (*stop)(const struct iort_node *), const struct iort_node **to,
		      uint32_t *out_id)
{
	const struct iort_node *n = from;

	for (size_t step = 0; n && step <= iort->nnodes; step++) {
		const struct iort_id_mapping *m;

		if (stop(n)) {
			*to = n;
			*out_id = id;
			return 0;
		}
		/* iort_node_map_id: no mappings, or a NULL first reference. */
		if (!n->nmappings || !n->mappings[0].output_reference)
			return 1;
		/*
		 * The SMMUv3/PMCG "ID mapping index" the kernel skips
		 * (iort_get_id_mapping_index) belongs to nodes a walk to an
		 * SMMU stops at (SMMUv3) or never crosses on the way from a
		 * root complex (PMCG), so it is not modelled.
		 */
		m = map_step(n, id, &id);
		if (!m)
			return 1;
		n = iort_node_at(iort, m->output_reference);
	}
	return 1;
}

static bool is_smmu(const struct iort_node *n)
{
	return n->type == IORT_SMMU || n->type == IORT_SMMU_V3;
}

static bool is_its_group(const struct iort_node *n)
{
	return n->type == IORT_ITS_GROUP;
}

int iort_map_to_smmu(const struct iort *iort, const struct iort_node *from, uint32_t id,
		     const struct iort_node **smmu, uint32_t *stream_id)
{
	return walk_until(iort, from, id, is_smmu, smmu, stream_id);
}

int iort_map_to_its(const struct iort *iort, const struct iort_node *from, uint32_t id,
		    const struct iort_node **its)
{
	uint32_t its_id;

	return walk_until(iort, from, id, is_its_group, its, &its_id);
}
