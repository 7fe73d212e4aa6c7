// SPDX-License-Identifier: MIT
/*
 * IVRS parsing (AMD IOMMU spec 48882 rev 3.x §5.2; offsets as ACPICA
 * actbl2.h). Linux reads the same blocks in amd/init.c (init_iommu_from_acpi,
 * init_memory_definitions); we check every length before using it.
 */
#include <stdlib.h>
#include <string.h>

#include "ivrs.h"

struct parse {
	struct ivrs *ivrs;
	struct resv_diags *diags;
	const char *where;
	size_t cap, heads_cap;
	unsigned int nivhd, nivmd;
};

#define DIAG(p, id, sev, off, ...) \
	diags_add((p)->diags, id, sev, (p)->where, off, -1, __VA_ARGS__)

static void block_clear(struct ivrs_block *b)
{
	for (size_t i = 0; i < b->nentries; i++)
		free(b->entries[i].uid);
	free(b->entries);
}

void ivrs_free(struct ivrs *ivrs)
{
	if (!ivrs)
		return;
	for (size_t i = 0; i < ivrs->nblocks; i++)
		block_clear(&ivrs->blocks[i]);
	free(ivrs->blocks);
	free(ivrs->heads);
	free(ivrs);
}

static bool is_ivhd(unsigned int t)
{
	return t == IVRS_IVHD_10 || t == IVRS_IVHD_11 || t == IVRS_IVHD_40;
}

static bool is_ivmd(unsigned int t)
{
	return t == IVRS_IVMD_ALL || t == IVRS_IVMD_ONE || t == IVRS_IVMD_RANGE;
}

/* One device entry, whose length was checked by the caller. */
static int read_entry(struct cursor *e, struct ivrs_device_entry *d)
{
	const uint8_t *p = NULL;

	cur_u8(e, &d->type);
	cur_u16(e, &d->devid);
	cur_u8(e, &d->data);
	switch (d->type) {
	case IVHD_DEV_ALIAS_SELECT:
	case IVHD_DEV_ALIAS_RANGE:
		cur_skip(e, 1);
		cur_u16(e, &d->source_devid);
		break;
	case IVHD_DEV_EXT_SELECT:
	case IVHD_DEV_EXT_RANGE:
		cur_u32(e, &d->ext_data);
		break;
	case IVHD_DEV_SPECIAL:
		cur_u8(e, &d->handle);
		cur_u16(e, &d->source_devid);
		cur_u8(e, &d->variety);
		break;
	case IVHD_DEV_ACPI_HID:
		cur_bytes(e, 8, &p);
		memcpy(d->hid, p, 8);
		cur_bytes(e, 8, &p);
		memcpy(d->cid, p, 8);
		cur_u8(e, &d->uid_format);
		cur_u8(e, &d->uid_length);
		if (d->uid_length) {
			d->uid = malloc(d->uid_length);
			if (!d->uid)
				return -ENOMEM;
			cur_bytes(e, d->uid_length, &p);
			memcpy(d->uid, p, d->uid_length);
		}
		break;
	}
	return 0;
}

static int parse_entries(struct parse *p, struct ivrs_block *b, struct cursor *c)
{
	while (cur_left(c) > 0) {
		size_t at = cur_pos(c), len;
		uint64_t type = 0, uid_len = 0;
		struct ivrs_device_entry d = { .offset = at };
		struct cursor e;
		int rc;

		cur_peek(c, 0, 1, &type);	/* the loop runs while a byte is left */
		if (type < 0x80) {
			len = 4u << (type >> 6);
		} else if (type == IVHD_DEV_ACPI_HID) {
			/* Its UID length is byte 21; a shorter entry fails below. */
			len = 22 + (cur_peek(c, 21, 1, &uid_len) == 0 ? (size_t)uid_len : 0);
		} else {
			rc = DIAG(p, "IVRS_DEVICE_ENTRY_UNKNOWN", RESV_SEV_ERROR, at,
				  "IVHD #%u: device entry type 0x%02x at offset 0x%zx has no known length; the block's other entries are skipped",
				  b->index, (unsigned int)type, at);
			return rc < 0 ? rc : 0;
		}
		if (cur_sub(c, len, &e) < 0) {
			rc = DIAG(p, "IVRS_DEVICE_ENTRY_TRUNCATED", RESV_SEV_ERROR, at,
				  "IVHD #%u: device entry type 0x%02x at offset 0x%zx needs %zu bytes, %zu are left in the block",
				  b->index, (unsigned int)type, at, len, cur_left(c));
			return rc < 0 ? rc : 0;
		}
		rc = read_entry(&e, &d);
		if (rc < 0)
			return rc;
		struct ivrs_device_entry *v = realloc(b->entries, (b->nentries + 1) * sizeof(*v));

		if (!v) {
			free(d.uid);
			return -ENOMEM;
		}
		b->entries = v;
		b->entries[b->nentries++] = d;
	}
	return 0;
}

/* IVMD sanity (Xen iommu_unity_region_ok, the kernel's page rounding). */
static int check_ivmd(struct parse *p, const struct ivrs_block *b)
{
	int rc = 0;

	if (b->mem_length == 0)
		rc = DIAG(p, "IVRS_IVMD_ZERO_LENGTH", RESV_SEV_WARNING, b->offset,
			  "IVMD #%u at offset 0x%zx has length 0: the kernel keeps a zero-length unity map, which reserved_regions prints as start and start - 1",
			  b->index, b->offset);
	else if (b->mem_length - 1 > UINT64_MAX - b->start)
		rc = DIAG(p, "IVRS_IVMD_OVERFLOW", RESV_SEV_ERROR, b->offset,
			  "IVMD #%u at offset 0x%zx: start 0x%llx + length 0x%llx passes 2^64",
			  b->index, b->offset, (unsigned long long)b->start,
			  (unsigned long long)b->mem_length);
	if (rc == 0 && ((b->start & 0xfff) || (b->mem_length & 0xfff)))
		rc = DIAG(p, "IVRS_IVMD_UNALIGNED", RESV_SEV_WARNING, b->offset,
			  "IVMD #%u at offset 0x%zx: start 0x%llx or length 0x%llx is not 4 KiB aligned (the kernel rounds the start up and the length up)",
			  b->index, b->offset, (unsigned long long)b->start,
			  (unsigned long long)b->mem_length);
	if (rc == 0 && (b->flags & 0xf0))
		rc = DIAG(p, "IVRS_RESERVED_NONZERO", RESV_SEV_WARNING, b->offset,
			  "IVMD #%u at offset 0x%zx: reserved flag bits 0x%02x are set", b->index,
			  b->offset, b->flags & 0xf0);
	return rc;
}

static int on_block(void *ctx, unsigned int type, struct cursor *c)
{
	struct parse *p = ctx;
	struct ivrs_block b = { .type = (uint8_t)type, .offset = c->origin,
				.length = (uint16_t)c->len };
	struct ivrs_head h = { .offset = c->origin, .type = (uint8_t)type,
			       .length = (uint16_t)c->len };
	uint64_t devid = 0;
	size_t fixed;
	int rc;

	if (p->ivrs->nheads == p->heads_cap) {
		size_t cap = p->heads_cap ? p->heads_cap * 2 : 8;
		struct ivrs_head *v = realloc(p->ivrs->heads, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->ivrs->heads = v;
		p->heads_cap = cap;
	}
	if (cur_peek(c, 4, 2, &devid) == 0)
		h.devid = (uint16_t)devid;
	p->ivrs->heads[p->ivrs->nheads++] = h;
	if (!is_ivhd(type) && !is_ivmd(type)) {
		rc = DIAG(p, "IVRS_UNKNOWN_BLOCK", RESV_SEV_INFO, b.offset,
			  "block type 0x%02x at offset 0x%zx is not known here; skipped by its length",
			  type, b.offset);
		return rc < 0 ? rc : 0;
	}
	fixed = is_ivmd(type) ? 32 : type == IVRS_IVHD_10 ? 24 : 40;
	b.index = is_ivmd(type) ? p->nivmd++ : p->nivhd++;
	if (c->len < fixed) {
		rc = DIAG(p, "IVRS_BLOCK_SHORT", RESV_SEV_ERROR, b.offset,
			  "%s type 0x%02x at offset 0x%zx: length %zu is below its %zu fixed bytes; skipped",
			  is_ivmd(type) ? "IVMD" : "IVHD", type, b.offset, c->len, fixed);
		return rc < 0 ? rc : 0;
	}
	cur_skip(c, 1);
	cur_u8(c, &b.flags);
	cur_skip(c, 2);
	cur_u16(c, &b.devid);
	if (is_ivmd(type)) {
		uint64_t segment = 0;

		/* Offset 8: the PCI segment (IVRS rev 2+; read from v6.0), 6 reserved. */
		cur_u16(c, &b.aux);
		cur_uint(c, 2, &segment);
		cur_skip(c, 6);
		b.ivmd_segment = (uint16_t)segment;
		cur_u64(c, &b.start);
		cur_u64(c, &b.mem_length);
		rc = check_ivmd(p, &b);
		if (rc < 0)
			return rc;
	} else {
		cur_u16(c, &b.capability_offset);
		cur_u64(c, &b.base);
		cur_u16(c, &b.segment);
		cur_u16(c, &b.iommu_info);
		cur_u32(c, &b.attributes);
		if (type != IVRS_IVHD_10) {
			cur_u64(c, &b.efr);
			cur_u64(c, &b.efr2);
		}
		rc = parse_entries(p, &b, c);
		if (rc < 0) {
			block_clear(&b);
			return rc;
		}
	}
	if (p->ivrs->nblocks == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct ivrs_block *v = realloc(p->ivrs->blocks, cap * sizeof(*v));

		if (!v) {
			block_clear(&b);
			return -ENOMEM;
		}
		p->ivrs->blocks = v;
		p->cap = cap;
	}
	p->ivrs->blocks[p->ivrs->nblocks++] = b;
	return 0;
}

int ivrs_parse(struct ivrs **out, const void *buf, size_t len,
	       struct resv_diags *diags, const char *where)
{
	static const struct subtable_layout layout = { "IVRS", 1, 2, 4 };
	struct parse p = { .diags = diags, .where = where };
	struct cursor body;
	int rc;

	p.ivrs = calloc(1, sizeof(*p.ivrs));
	if (!p.ivrs)
		return -ENOMEM;
	rc = acpi_header_parse(buf, len, &p.ivrs->header, &body, diags, where);
	if (rc < 0)
		goto fail;
	if (strcmp(p.ivrs->header.signature, "IVRS") != 0) {
		char sig[ACPI_SIGNATURE_TEXT];

		acpi_signature_text(p.ivrs->header.signature, sig);
		rc = DIAG(&p, "IVRS_SIGNATURE", RESV_SEV_ERROR, 0,
			  "signature \"%s\" is not \"IVRS\"", sig);
		rc = rc < 0 ? rc : -EBADMSG;
		goto fail;
	}
	/* IVinfo, then 8 reserved bytes (§5.2.1). */
	if (cur_u32(&body, &p.ivrs->ivinfo) < 0 || cur_skip(&body, 8) < 0) {
		rc = DIAG(&p, "IVRS_TRUNCATED", RESV_SEV_ERROR, 36,
			  "the table ends inside its 12 fixed bytes after the header");
		rc = rc < 0 ? rc : -EBADMSG;
		goto fail;
	}
	rc = acpi_walk_subtables(&body, &layout, on_block, &p, diags, where);
	if (rc < 0)
		goto fail;
	*out = p.ivrs;
	return 0;
fail:
	ivrs_free(p.ivrs);
	return rc;
}
