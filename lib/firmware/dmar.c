// SPDX-License-Identifier: MIT
/*
 * DMAR parsing (Intel VT-d spec rev 4.1 ch. 8; offsets checked against
 * ACPICA actbl1.h). Linux's dmar.c walks the same structures
 * (dmar_walk_remapping_entries, dmar_parse_one_rmrr); we are stricter about
 * lengths and report, rather than print, what is wrong.
 */
#include <stdlib.h>
#include <string.h>

#include "dmar.h"

/* Bytes before the device scopes of each subtable type; 0: no scopes. */
static const struct {
	const char *name;
	uint16_t fixed;		/* minimum length */
	uint16_t scopes_at;
} dmar_types[DMAR_NTYPES] = {
	[DMAR_DRHD] = { "DRHD", 16, 16 },
	[DMAR_RMRR] = { "RMRR", 24, 24 },
	[DMAR_ATSR] = { "ATSR", 8, 8 },
	[DMAR_RHSA] = { "RHSA", 20, 0 },
	[DMAR_ANDD] = { "ANDD", 8, 0 },
	[DMAR_SATC] = { "SATC", 8, 8 },
	[DMAR_SIDP] = { "SIDP", 8, 8 },
};

struct parse {
	struct dmar *dmar;
	struct resv_diags *diags;
	const char *where;
	size_t cap;
	unsigned int counts[DMAR_NTYPES];
};

#define DIAG(p, id, sev, off, ...) \
	diags_add((p)->diags, id, sev, (p)->where, off, -1, __VA_ARGS__)

static void entry_clear(struct dmar_entry *e)
{
	for (size_t i = 0; i < e->nscopes; i++)
		free(e->scopes[i].path);
	free(e->scopes);
	free(e->acpi_object_name);
}

void dmar_free(struct dmar *dmar)
{
	if (!dmar)
		return;
	for (size_t i = 0; i < dmar->nentries; i++)
		entry_clear(&dmar->entries[i]);
	free(dmar->entries);
	free(dmar);
}

/* Device scopes (§8.3.1): type, length, flags, reserved, enumeration id,
 * start bus, then (device, function) pairs. */
static int parse_scopes(struct parse *p, struct dmar_entry *e, struct cursor *c)
{
	while (cur_left(c) > 0) {
		size_t at = cur_pos(c);
		struct cursor s;
		struct dmar_scope sc = { .offset = at };
		uint8_t reserved;
		uint64_t len = 0;
		int rc;

		if (cur_peek(c, 1, 1, &len) < 0 || len < 6) {
			rc = DIAG(p, "DMAR_SCOPE_BAD_LENGTH", RESV_SEV_ERROR, at,
				  "%s #%u: device scope at offset 0x%zx is %s; the rest of its scopes are skipped",
				  dmar_types[e->type].name, e->index, at,
				  cur_left(c) < 2 ? "cut short" : "shorter than its 6-byte header");
			return rc < 0 ? rc : 0;
		}
		if (cur_sub(c, len, &s) < 0) {
			rc = DIAG(p, "DMAR_SCOPE_BAD_LENGTH", RESV_SEV_ERROR, at,
				  "%s #%u: device scope at offset 0x%zx has length %u, past the end of its subtable",
				  dmar_types[e->type].name, e->index, at, (unsigned int)len);
			return rc < 0 ? rc : 0;
		}
		cur_u8(&s, &sc.type);
		cur_skip(&s, 1);
		cur_u8(&s, &sc.flags);
		cur_u8(&s, &reserved);
		cur_u8(&s, &sc.enumeration_id);
		cur_u8(&s, &sc.start_bus);
		if (cur_left(&s) % 2) {
			rc = DIAG(p, "DMAR_SCOPE_ODD_PATH", RESV_SEV_WARNING, at,
				  "%s #%u: device scope at offset 0x%zx has an odd path length; its last byte is ignored",
				  dmar_types[e->type].name, e->index, at);
			if (rc < 0)
				return rc;
		}
		sc.npath = cur_left(&s) / 2;
		if (sc.npath) {
			sc.path = calloc(sc.npath, sizeof(*sc.path));
			if (!sc.path)
				return -ENOMEM;
		}
		for (size_t i = 0; i < sc.npath; i++) {
			cur_u8(&s, &sc.path[i].device);
			cur_u8(&s, &sc.path[i].function);
		}
		if (sc.type < DMAR_SCOPE_ENDPOINT || sc.type > DMAR_SCOPE_NAMESPACE) {
			rc = DIAG(p, "DMAR_SCOPE_UNKNOWN_TYPE", RESV_SEV_WARNING, at,
				  "%s #%u: device scope at offset 0x%zx has unknown type %u",
				  dmar_types[e->type].name, e->index, at, sc.type);
			if (rc < 0) {
				free(sc.path);
				return rc;
			}
		}
		struct dmar_scope *v = realloc(e->scopes, (e->nscopes + 1) * sizeof(*v));

		if (!v) {
			free(sc.path);
			return -ENOMEM;
		}
		e->scopes = v;
		e->scopes[e->nscopes++] = sc;
	}
	return 0;
}

/* The kernel's RMRR sanity rule (dmar.c rmrr_sanity_check): base and
 * end + 1 page aligned, end above base. Bad RMRRs are still used. */
static int check_rmrr(struct parse *p, const struct dmar_entry *e)
{
	int rc = 0;

	if ((e->address & 0xfff) || (e->end & 0xfff) != 0xfff)
		rc = DIAG(p, "DMAR_RMRR_UNALIGNED", RESV_SEV_WARNING, e->offset,
			  "RMRR #%u [0x%llx-0x%llx]: base or end + 1 is not 4 KiB aligned",
			  e->index, (unsigned long long)e->address, (unsigned long long)e->end);
	if (rc == 0 && e->end <= e->address)
		rc = DIAG(p, "DMAR_RMRR_END_BEFORE_BASE", RESV_SEV_WARNING, e->offset,
			  "RMRR #%u [0x%llx-0x%llx]: the end is not above the base",
			  e->index, (unsigned long long)e->address, (unsigned long long)e->end);
	return rc;
}

static int on_subtable(void *ctx, unsigned int type, struct cursor *c)
{
	struct parse *p = ctx;
	struct dmar_entry e = { .offset = c->origin, .length = (uint16_t)c->len };
	uint8_t b8 = 0;
	uint16_t reserved16 = 0;
	int rc;

	if (type >= DMAR_NTYPES) {
		rc = DIAG(p, "DMAR_UNKNOWN_SUBTABLE", RESV_SEV_INFO, e.offset,
			  "subtable type %u at offset 0x%zx is not known here; skipped", type,
			  e.offset);
		return rc < 0 ? rc : 0;
	}
	e.type = (enum dmar_type)type;
	e.index = p->counts[type]++;
	if (c->len < dmar_types[type].fixed) {
		rc = DIAG(p, "DMAR_SUBTABLE_SHORT", RESV_SEV_ERROR, e.offset,
			  "%s #%u at offset 0x%zx: length %zu is below its %u fixed bytes; skipped",
			  dmar_types[type].name, e.index, e.offset, c->len, dmar_types[type].fixed);
		return rc < 0 ? rc : 0;
	}
	cur_skip(c, 4);	/* type, length */
	switch (e.type) {
	case DMAR_DRHD:
		cur_u8(c, &e.flags);
		cur_u8(c, &e.size);
		cur_u16(c, &e.segment);
		cur_u64(c, &e.address);
		break;
	case DMAR_RMRR:
		cur_u16(c, &reserved16);
		cur_u16(c, &e.segment);
		cur_u64(c, &e.address);
		cur_u64(c, &e.end);
		break;
	case DMAR_ATSR:
	case DMAR_SATC:
		cur_u8(c, &e.flags);
		cur_u8(c, &b8);
		reserved16 = b8;
		cur_u16(c, &e.segment);
		break;
	case DMAR_SIDP:
		cur_u16(c, &reserved16);
		cur_u16(c, &e.segment);
		break;
	case DMAR_RHSA: {
		uint32_t reserved32 = 0;

		cur_u32(c, &reserved32);
		reserved16 = reserved32 != 0;
		cur_u64(c, &e.address);
		cur_u32(c, &e.proximity_domain);
		break;
	}
	case DMAR_ANDD: {
		const uint8_t *name;
		size_t n;

		cur_skip(c, 3);
		cur_u8(c, &e.acpi_device_number);
		n = cur_left(c);
		cur_bytes(c, n, &name);
		e.acpi_object_name = strndup((const char *)name, n);
		if (!e.acpi_object_name)
			return -ENOMEM;
		break;
	}
	case DMAR_NTYPES:
		break;
	}
	if (reserved16) {
		rc = DIAG(p, "DMAR_RESERVED_NONZERO", RESV_SEV_WARNING, e.offset,
			  "%s #%u at offset 0x%zx: a reserved field is not zero",
			  dmar_types[type].name, e.index, e.offset);
		if (rc < 0)
			goto fail;
	}
	if (dmar_types[type].scopes_at) {
		rc = parse_scopes(p, &e, c);
		if (rc < 0)
			goto fail;
	}
	if (e.type == DMAR_RMRR) {
		rc = check_rmrr(p, &e);
		if (rc < 0)
			goto fail;
	}
	if (p->dmar->nentries == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct dmar_entry *v = realloc(p->dmar->entries, cap * sizeof(*v));

		if (!v) {
			rc = -ENOMEM;
			goto fail;
		}
		p->dmar->entries = v;
		p->cap = cap;
	}
	p->dmar->entries[p->dmar->nentries++] = e;
	return 0;
fail:
	entry_clear(&e);
	return rc;
}

/* Overlapping RMRRs (Xen's acpi_parse_one_rmrr refuses them). */
static int check_rmrr_overlaps(struct parse *p)
{
	const struct dmar *d = p->dmar;

	for (size_t i = 0; i < d->nentries; i++) {
		const struct dmar_entry *a = &d->entries[i];

		if (a->type != DMAR_RMRR || a->end < a->address)
			continue;
		for (size_t j = i + 1; j < d->nentries; j++) {
			const struct dmar_entry *b = &d->entries[j];
			int rc;

			if (b->type != DMAR_RMRR || b->end < b->address || a->segment != b->segment ||
			    b->address > a->end || a->address > b->end)
				continue;
			rc = DIAG(p, "DMAR_RMRR_OVERLAP", RESV_SEV_WARNING, b->offset,
				  "RMRR #%u [0x%llx-0x%llx] overlaps RMRR #%u [0x%llx-0x%llx]",
				  b->index, (unsigned long long)b->address,
				  (unsigned long long)b->end, a->index,
				  (unsigned long long)a->address, (unsigned long long)a->end);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int dmar_parse(struct dmar **out, const void *buf, size_t len,
	       struct resv_diags *diags, const char *where)
{
	static const struct subtable_layout layout = { "DMAR", 2, 2, 4 };
	struct parse p = { .diags = diags, .where = where };
	struct cursor body;
	const uint8_t *reserved;
	int rc;

	p.dmar = calloc(1, sizeof(*p.dmar));
	if (!p.dmar)
		return -ENOMEM;
	rc = acpi_header_parse(buf, len, &p.dmar->header, &body, diags, where);
	if (rc < 0)
		goto fail;
	if (strcmp(p.dmar->header.signature, "DMAR") != 0) {
		char sig[ACPI_SIGNATURE_TEXT];

		acpi_signature_text(p.dmar->header.signature, sig);
		rc = DIAG(&p, "DMAR_SIGNATURE", RESV_SEV_ERROR, 0,
			  "signature \"%s\" is not \"DMAR\"", sig);
		rc = rc < 0 ? rc : -EBADMSG;
		goto fail;
	}
	/* Host address width, flags, 10 reserved bytes (§8.1). */
	if (cur_u8(&body, &p.dmar->host_address_width) < 0 ||
	    cur_u8(&body, &p.dmar->flags) < 0 || cur_bytes(&body, 10, &reserved) < 0) {
		rc = DIAG(&p, "DMAR_TRUNCATED", RESV_SEV_ERROR, 36,
			  "the table ends inside its 12 fixed bytes after the header");
		rc = rc < 0 ? rc : -EBADMSG;
		goto fail;
	}
	rc = acpi_walk_subtables(&body, &layout, on_subtable, &p, diags, where);
	if (rc < 0)
		goto fail;
	rc = check_rmrr_overlaps(&p);
	if (rc < 0)
		goto fail;
	*out = p.dmar;
	return 0;
fail:
	dmar_free(p.dmar);
	return rc;
}
