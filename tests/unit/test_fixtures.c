// SPDX-License-Identifier: MIT
/*
 * Our own fixtures (tests/data): every DMAR, IVRS and IORT subtable kind and
 * device entry kind, decoded field by field and compared with the values
 * written in the fixture's source (the iasl .dsl, or the annotations of a
 * .hex byte fixture), so no value is typed twice. Then the fixtures are
 * damaged, one field at a time, and each damage must give its own
 * diagnostic id, under the sanitizers of the dev build.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../common/corpus.h"
#include "../common/hexfile.h"

#include "dmar.h"
#include "iort.h"
#include "ivrs.h"
#include "viot.h"

#define DATA SRCDIR "/tests/data"

enum table { DMAR, IVRS, IORT, VIOT };

static const struct fixture {
	const char *file;	/* the bytes: iasl's .aml or a .hex */
	const char *source;	/* the .dsl it was compiled from; NULL: the .hex */
	enum table table;
	const char *diags;	/* ids of the intact table's diagnostics */
} fixtures[] = {
	{ "dmar.aml", "dmar.dsl", DMAR, "" },
	{ "dmar-soc.hex", NULL, DMAR, "DMAR_UNKNOWN_SUBTABLE" },
	{ "ivrs.aml", "ivrs.dsl", IVRS, "" },
	{ "ivrs-ivhd40.hex", NULL, IVRS, "" },
	{ "iort.aml", "iort.dsl", IORT, "" },
	{ "iort-rmr.hex", NULL, IORT, "" },
	{ "viot-qemu.hex", NULL, VIOT, "" },
	{ "viot-bad.hex", NULL, VIOT, "VIOT_RANGE_REVERSED VIOT_NO_IOMMU VIOT_NODE_UNKNOWN "
				      "VIOT_NODE_SHORT VIOT_NODE_BAD_LENGTH" },
};
#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

/* The fields compared, by the names iasl prints; other lines are ignored. */
static const char *const compared[][40] = {
	[DMAR] = { "Signature", "Revision", "Oem ID", "Oem Table ID", "Host Address Width",
		   "Flags", "Subtable Type", "Length", "PCI Segment Number",
		   "Register Base Address", "Base Address", "End Address (limit)",
		   "Proximity Domain", "Device Number", "Device Name", "Device Scope Type",
		   "Entry Length", "Enumeration ID", "PCI Bus Number", "PCI Path" },
	[IVRS] = { "Signature", "Revision", "Oem ID", "Oem Table ID", "Virtualization Info",
		   "Subtable Type", "Flags", "Length", "DeviceId", "Capability Offset",
		   "Base Address", "PCI Segment Group", "Feature Reporting", "Attributes",
		   "EFR Image", "EFR2 Image", "Entry Type", "Device ID", "Data Setting",
		   "Source Used Device ID", "Extended Data", "Handle", "Variety", "ACPI HID",
		   "ACPI CID", "UID Format", "UID Length", "UID", "Auxiliary Data",
		   "Start Address", "Memory Length" },
	[IORT] = { "Signature", "Revision", "Oem ID", "Oem Table ID", "Node Count",
		   "Node Offset", "Type", "Length", "Mapping Count", "ItsCount", "Node Flags",
		   "Device Name", "PCI Segment Number", "Base Address", "Model",
		   "Flags (decoded below)", "Page 0 Base Address", "Number of RMR Descriptors",
		   "Base address of RMR", "Length of RMR", "Input base", "ID Count",
		   "Output Base", "Output Reference" },
	[VIOT] = { "Signature", "Revision", "Oem ID", "Oem Table ID", "Node count", "Node offset",
		   "Type", "Length", "Endpoint start", "PCI Segment start", "PCI Segment end",
		   "PCI BDF start", "PCI BDF end", "Output node", "Endpoint", "Base address",
		   "PCI Segment", "PCI BDF number" },
};

static bool is_compared(enum table t, const char *name)
{
	for (size_t i = 0; compared[t][i]; i++)
		if (strcmp(compared[t][i], name) == 0)
			return true;
	return false;
}

struct fields {
	struct fixture_field *v;
	size_t n;
};

static void add(struct fields *l, const struct fixture_field *f)
{
	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	assert_non_null(l->v);
	l->v[l->n++] = *f;
}

static void emit(struct fields *l, const char *name, uint64_t value)
{
	struct fixture_field f = { .value = value };

	snprintf(f.name, sizeof(f.name), "%s", name);
	add(l, &f);
}

static void emit_str(struct fields *l, const char *name, const char *s, size_t n)
{
	struct fixture_field f = { .is_string = true };

	snprintf(f.name, sizeof(f.name), "%s", name);
	snprintf(f.string, sizeof(f.string), "%.*s", (int)n, s);
	add(l, &f);
}

/* The kinds seen across all fixtures, for the coverage assertion. */
static char seen[128][40];
static size_t nseen;

static void saw(const char *fmt, ...)
{
	char k[40];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(k, sizeof(k), fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < nseen; i++)
		if (strcmp(seen[i], k) == 0)
			return;
	assert_true(nseen < 128);
	memcpy(seen[nseen++], k, sizeof(k));
}

static void dump_header(struct fields *l, const struct acpi_header *h)
{
	emit_str(l, "Signature", h->signature, 4);
	emit(l, "Revision", h->revision);
	emit_str(l, "Oem ID", h->oem_id, 6);
	emit_str(l, "Oem Table ID", h->oem_table_id, 8);
}

/* DMAR fields in table order (VT-d 4.1 §8.1-§8.9). */
static void dump_dmar(struct fields *l, const struct dmar *d)
{
	static const char *const name[] = { "DRHD", "RMRR", "ATSR", "RHSA", "ANDD", "SATC",
					    "SIDP" };

	dump_header(l, &d->header);
	emit(l, "Host Address Width", d->host_address_width);
	emit(l, "Flags", d->flags);
	for (size_t i = 0; i < d->nentries; i++) {
		const struct dmar_entry *e = &d->entries[i];

		saw("DMAR %s", name[e->type]);
		emit(l, "Subtable Type", e->type);
		emit(l, "Length", e->length);
		switch (e->type) {
		case DMAR_DRHD:
			saw("DMAR DRHD flags %u", e->flags & 1);
			emit(l, "Flags", e->flags);
			emit(l, "PCI Segment Number", e->segment);
			emit(l, "Register Base Address", e->address);
			break;
		case DMAR_RMRR:
			emit(l, "PCI Segment Number", e->segment);
			emit(l, "Base Address", e->address);
			emit(l, "End Address (limit)", e->end);
			break;
		case DMAR_ATSR:
		case DMAR_SATC:
			saw("DMAR %s flags %u", name[e->type], e->flags & 1);
			emit(l, "Flags", e->flags);
			emit(l, "PCI Segment Number", e->segment);
			break;
		case DMAR_SIDP:
			emit(l, "PCI Segment Number", e->segment);
			break;
		case DMAR_RHSA:
			emit(l, "Base Address", e->address);
			emit(l, "Proximity Domain", e->proximity_domain);
			break;
		case DMAR_ANDD:
			emit(l, "Device Number", e->acpi_device_number);
			emit_str(l, "Device Name", e->acpi_object_name, strlen(e->acpi_object_name));
			break;
		default:
			break;
		}
		for (size_t s = 0; s < e->nscopes; s++) {
			const struct dmar_scope *sc = &e->scopes[s];

			saw("DMAR scope %u", sc->type);
			if (sc->npath > 1)
				saw("DMAR %s scope %u path > 1", name[e->type], sc->type);
			emit(l, "Device Scope Type", sc->type);
			emit(l, "Entry Length", 6 + 2 * sc->npath);
			emit(l, "Enumeration ID", sc->enumeration_id);
			emit(l, "PCI Bus Number", sc->start_bus);
			for (size_t k = 0; k < sc->npath; k++)
				emit(l, "PCI Path",
				     (uint64_t)sc->path[k].device << 8 | sc->path[k].function);
		}
	}
}

/* IVRS fields in table order (AMD IOMMU 48882 rev 3.x §5.2). */
static void dump_ivrs(struct fields *l, const struct ivrs *v)
{
	dump_header(l, &v->header);
	emit(l, "Virtualization Info", v->ivinfo);
	for (size_t i = 0; i < v->nblocks; i++) {
		const struct ivrs_block *b = &v->blocks[i];

		saw("IVRS block 0x%02x", b->type);
		emit(l, "Subtable Type", b->type);
		emit(l, "Flags", b->flags);
		emit(l, "Length", b->length);
		emit(l, "DeviceId", b->devid);
		if (b->type >= IVRS_IVMD_ALL && b->type <= IVRS_IVMD_RANGE) {
			for (unsigned int f = 0; f < 4; f++)
				if (b->flags & 1u << f)
					saw("IVRS IVMD flag %u", f);
			emit(l, "Auxiliary Data", b->aux);
			emit(l, "Start Address", b->start);
			emit(l, "Memory Length", b->mem_length);
			continue;
		}
		emit(l, "Capability Offset", b->capability_offset);
		emit(l, "Base Address", b->base);
		emit(l, "PCI Segment Group", b->segment);
		emit(l, "Virtualization Info", b->iommu_info);
		emit(l, b->type == IVRS_IVHD_10 ? "Feature Reporting" : "Attributes", b->attributes);
		if (b->type != IVRS_IVHD_10)
			emit(l, "EFR Image", b->efr);
		/* iasl 20200925 prints type 0x11's EFR2 as "Reserved". */
		if (b->type == IVRS_IVHD_40)
			emit(l, "EFR2 Image", b->efr2);
		for (size_t k = 0; k < b->nentries; k++) {
			const struct ivrs_device_entry *d = &b->entries[k];

			saw("IVRS entry 0x%02x", d->type);
			emit(l, "Entry Type", d->type);
			emit(l, "Device ID", d->devid);
			emit(l, "Data Setting", d->data);
			switch (d->type) {
			case IVHD_DEV_ALIAS_SELECT:
			case IVHD_DEV_ALIAS_RANGE:
				emit(l, "Source Used Device ID", d->source_devid);
				break;
			case IVHD_DEV_EXT_SELECT:
			case IVHD_DEV_EXT_RANGE:
				emit(l, "Extended Data", d->ext_data);
				break;
			case IVHD_DEV_SPECIAL:
				saw("IVRS special variety %u", d->variety);
				emit(l, "Handle", d->handle);
				emit(l, "Source Used Device ID", d->source_devid);
				emit(l, "Variety", d->variety);
				break;
			case IVHD_DEV_ACPI_HID:
				if (d->uid_length)
					saw("IVRS ACPI HID with UID");
				emit_str(l, "ACPI HID", d->hid, strlen(d->hid));
				emit_str(l, "ACPI CID", d->cid, strlen(d->cid));
				emit(l, "UID Format", d->uid_format);
				emit(l, "UID Length", d->uid_length);
				if (d->uid_length)
					emit_str(l, "UID", (const char *)d->uid, d->uid_length);
				break;
			}
		}
	}
}

static void dump_mappings(struct fields *l, const struct iort_node *n)
{
	for (size_t k = 0; k < n->nmappings; k++) {
		const struct iort_id_mapping *m = &n->mappings[k];

		saw("IORT node %u mapping", n->type);
		emit(l, "Input base", m->input_base);
		emit(l, "ID Count", m->count);
		emit(l, "Output Base", m->output_base);
		emit(l, "Output Reference", m->output_reference);
		emit(l, "Flags (decoded below)", m->flags);
	}
}

/* IORT fields in table order (Arm DEN0049 E.e §3). */
static void dump_iort(struct fields *l, const struct iort *t)
{
	dump_header(l, &t->header);
	emit(l, "Node Count", t->nnodes);
	emit(l, "Node Offset", t->nnodes ? t->nodes[0].offset : 0);
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct iort_node *n = &t->nodes[i];

		saw("IORT node %u", n->type);
		emit(l, "Type", n->type);
		emit(l, "Length", n->length);
		emit(l, "Revision", n->revision);
		emit(l, "Mapping Count", n->nmappings);
		switch (n->type) {
		case IORT_ITS_GROUP:
			emit(l, "ItsCount", n->its_count);
			break;
		case IORT_NAMED_COMPONENT:
			emit(l, "Node Flags", n->flags);
			emit_str(l, "Device Name", n->name, strlen(n->name));
			break;
		case IORT_ROOT_COMPLEX:
			emit(l, "PCI Segment Number", n->segment);
			break;
		case IORT_SMMU:
			emit(l, "Base Address", n->base);
			emit(l, "Model", n->model);
			emit(l, "Flags (decoded below)", n->flags);
			break;
		case IORT_SMMU_V3:
			emit(l, "Base Address", n->base);
			emit(l, "Flags (decoded below)", n->flags);
			emit(l, "Model", n->model);
			break;
		case IORT_PMCG:
			emit(l, "Page 0 Base Address", n->base);
			break;
		case IORT_RMR:
			if (n->flags)
				saw("IORT RMR flags");
			if (n->ndescs > 1)
				saw("IORT RMR descriptors > 1");
			emit(l, "Flags (decoded below)", n->flags);
			emit(l, "Number of RMR Descriptors", n->ndescs);
			break;
		}
		dump_mappings(l, n);
		for (size_t k = 0; k < n->ndescs; k++) {
			emit(l, "Base address of RMR", n->descs[k].base);
			emit(l, "Length of RMR", n->descs[k].length);
		}
	}
}

/* VIOT fields in table order (ACPI 6.5 §5.2.32); a node too short has none. */
static void dump_viot(struct fields *l, const struct viot *t)
{
	dump_header(l, &t->header);
	emit(l, "Node count", t->node_count);
	emit(l, "Node offset", t->node_offset);
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct viot_node *n = &t->nodes[i];

		saw("VIOT node %u", n->type);
		emit(l, "Type", n->type);
		emit(l, "Length", n->length);
		if (!n->read)
			continue;
		switch (n->type) {
		case VIOT_PCI_RANGE:
			emit(l, "Endpoint start", n->endpoint_start);
			emit(l, "PCI Segment start", n->segment_start);
			emit(l, "PCI Segment end", n->segment_end);
			emit(l, "PCI BDF start", n->bdf_start);
			emit(l, "PCI BDF end", n->bdf_end);
			emit(l, "Output node", n->output_node);
			break;
		case VIOT_MMIO:
			emit(l, "Endpoint", n->endpoint);
			emit(l, "Base address", n->base);
			emit(l, "Output node", n->output_node);
			break;
		case VIOT_VIRTIO_IOMMU_PCI:
			emit(l, "PCI Segment", n->segment);
			emit(l, "PCI BDF number", n->bdf);
			break;
		case VIOT_VIRTIO_IOMMU_MMIO:
			emit(l, "Base address", n->base);
			break;
		}
	}
}

/* Every kind the fixtures exist to cover; one missing fails the test. */
static const char *const required_kinds[] = {
	"DMAR DRHD", "DMAR DRHD flags 0", "DMAR DRHD flags 1", "DMAR RMRR", "DMAR ATSR",
	"DMAR ATSR flags 0", "DMAR ATSR flags 1", "DMAR RHSA", "DMAR ANDD", "DMAR SATC",
	"DMAR SIDP", "DMAR scope 1", "DMAR scope 2", "DMAR scope 3", "DMAR scope 4",
	"DMAR scope 5", "DMAR RMRR scope 1 path > 1", "DMAR RMRR scope 2 path > 1",
	"IVRS block 0x10", "IVRS block 0x11", "IVRS block 0x40", "IVRS block 0x20",
	"IVRS block 0x21", "IVRS block 0x22", "IVRS entry 0x00", "IVRS entry 0x01",
	"IVRS entry 0x02", "IVRS entry 0x03", "IVRS entry 0x04", "IVRS entry 0x42",
	"IVRS entry 0x43", "IVRS entry 0x46", "IVRS entry 0x47", "IVRS entry 0x48",
	"IVRS entry 0xf0", "IVRS special variety 1", "IVRS special variety 2",
	"IVRS ACPI HID with UID", "IVRS IVMD flag 0", "IVRS IVMD flag 1", "IVRS IVMD flag 2",
	"IVRS IVMD flag 3", "IORT node 0", "IORT node 1", "IORT node 2", "IORT node 3",
	"IORT node 4", "IORT node 5", "IORT node 6", "IORT node 1 mapping",
	"IORT node 2 mapping", "IORT node 3 mapping", "IORT node 4 mapping",
	"IORT node 5 mapping", "IORT node 6 mapping", "IORT RMR flags",
	"IORT RMR descriptors > 1", "VIOT node 1", "VIOT node 2", "VIOT node 3", "VIOT node 4",
};

/* "[0002]   Name : value" lines of an iasl data table source. */
static struct fields dsl_fields(const char *path, enum table t)
{
	struct fields out = { 0 };
	size_t len;
	char *text = slurp(path, &len);
	unsigned int lineno = 0;

	assert_non_null(text);
	for (char *p = text; *p;) {
		char *eol = strchr(p, '\n'), *name, *sep, *v;
		struct fixture_field f = { .line = ++lineno };

		if (eol)
			*eol = '\0';
		name = p;
		p = eol ? eol + 1 : p + strlen(p);
		if (name[0] != '[' || !(name = strchr(name, ']')) || !(sep = strstr(name, " : ")))
			continue;
		while (*++name == ' ')
			;
		snprintf(f.name, sizeof(f.name), "%.*s", (int)(sep - name), name);
		if (!is_compared(t, f.name))
			continue;
		v = sep + 3;
		if (*v == '"') {
			f.is_string = true;
			snprintf(f.string, sizeof(f.string), "%.*s", (int)strcspn(v + 1, "\""), v + 1);
		} else if (strchr(v, ',')) {	/* PCI Path "dd,ff" */
			f.value = strtoull(v, &v, 16) << 8;
			f.value |= strtoull(v + 1, NULL, 16);
		} else {
			f.value = strtoull(v, NULL, 16);
		}
		add(&out, &f);
	}
	free(text);
	return out;
}

struct loaded {
	const struct fixture *fx;
	char path[512];
	uint8_t *buf;
	size_t len;
	struct fields expect;	/* from the source */
};

static void load(const struct fixture *fx, struct loaded *ld)
{
	char src[512];

	ld->fx = fx;
	snprintf(ld->path, sizeof(ld->path), "%s/%s", DATA, fx->file);
	memset(&ld->expect, 0, sizeof(ld->expect));
	if (fx->source) {
		ld->buf = (uint8_t *)slurp(ld->path, &ld->len);
		snprintf(src, sizeof(src), "%s/%s", DATA, fx->source);
		ld->expect = dsl_fields(src, fx->table);
	} else {
		struct fields all = { 0 };

		ld->buf = hexfile_load(ld->path, &ld->len, &all.v, &all.n);
		for (size_t i = 0; ld->buf && i < all.n; i++)
			if (is_compared(fx->table, all.v[i].name))
				add(&ld->expect, &all.v[i]);
		free(all.v);
	}
	if (!ld->buf)
		fail_msg("%s: cannot load", ld->path);
}

static void unload(struct loaded *ld)
{
	free(ld->buf);
	free(ld->expect.v);
}

struct parsed {
	struct dmar *dmar;
	struct ivrs *ivrs;
	struct iort *iort;
	struct viot *viot;
};

static int parse(enum table t, const uint8_t *buf, size_t len, struct resv_diags *d,
		 const char *where, struct parsed *out)
{
	memset(out, 0, sizeof(*out));
	switch (t) {
	case DMAR:
		return dmar_parse(&out->dmar, buf, len, d, where);
	case IVRS:
		return ivrs_parse(&out->ivrs, buf, len, d, where);
	case IORT:
		return iort_parse(&out->iort, buf, len, d, where);
	case VIOT:
		return viot_parse(&out->viot, buf, len, d, where);
	}
	return -EINVAL;
}

static void parsed_free(struct parsed *p)
{
	dmar_free(p->dmar);
	ivrs_free(p->ivrs);
	iort_free(p->iort);
	viot_free(p->viot);
}

/* " ID " within " @list ": an id is a whole word of the list. */
static bool listed(const char *list, const char *id)
{
	size_t n = strlen(id);

	for (const char *p = list; (p = strstr(p, id)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static bool has_id(const struct resv_diags *d, const char *id)
{
	for (size_t i = 0; i < resv_diags_count(d); i++)
		if (strcmp(resv_diags_get(d, i)->id, id) == 0)
			return true;
	return false;
}

static void test_fields(void **state)
{
	(void)state;
	nseen = 0;
	for (size_t i = 0; i < NFIXTURES; i++) {
		struct loaded ld;
		struct parsed p;
		struct fields got = { 0 };
		struct resv_diags *d;

		load(&fixtures[i], &ld);
		assert_int_equal(resv_diags_new(&d), 0);
		if (parse(ld.fx->table, ld.buf, ld.len, d, ld.path, &p) != 0)
			fail_msg("%s: refused", ld.path);
		for (size_t k = 0; k < resv_diags_count(d); k++)
			if (!listed(ld.fx->diags, resv_diags_get(d, k)->id))
				fail_msg("%s: unexpected %s: %s", ld.path, resv_diags_get(d, k)->id,
					 resv_diags_get(d, k)->message);
		if (p.dmar)
			dump_dmar(&got, p.dmar);
		if (p.ivrs)
			dump_ivrs(&got, p.ivrs);
		if (p.iort)
			dump_iort(&got, p.iort);
		if (p.viot)
			dump_viot(&got, p.viot);
		for (size_t k = 0; k < got.n || k < ld.expect.n; k++) {
			const struct fixture_field *a = k < got.n ? &got.v[k] : NULL;
			const struct fixture_field *w = k < ld.expect.n ? &ld.expect.v[k] : NULL;

			if (!a || !w)
				fail_msg("%s: parsed %zu fields, the source names %zu", ld.path,
					 got.n, ld.expect.n);
			if (strcmp(a->name, w->name) != 0 || a->is_string != w->is_string ||
			    (a->is_string ? strcmp(a->string, w->string) != 0 : a->value != w->value))
				fail_msg("%s: source line %u \"%s\" is %s%llx, parsed field %zu \"%s\" is %s%llx",
					 ld.path, w->line, w->name, w->is_string ? w->string : "0x",
					 w->is_string ? 0ULL : (unsigned long long)w->value, k, a->name,
					 a->is_string ? a->string : "0x",
					 a->is_string ? 0ULL : (unsigned long long)a->value);
		}
		print_message("%-16s %3zu bytes, %3zu fields as the source writes them\n",
			      ld.fx->file, ld.len, got.n);
		free(got.v);
		parsed_free(&p);
		resv_diags_free(d);
		unload(&ld);
	}
	for (size_t i = 0; i < sizeof(required_kinds) / sizeof(required_kinds[0]); i++) {
		bool found = false;

		for (size_t k = 0; k < nseen && !found; k++)
			found = strcmp(seen[k], required_kinds[i]) == 0;
		if (!found)
			fail_msg("no fixture has %s", required_kinds[i]);
	}
}

/* ------------------------------------------------------------------ */
/* Damage */

enum damage {
	CUT,			/* every length short of the whole */
	SUBTABLE_LENGTH,	/* each DMAR/IVRS subtable's, IORT node's length */
	SUBTABLE_BELOW_FIXED,	/* the same, one below its type's fixed bytes */
	SCOPE_LENGTH,		/* each DMAR device scope's length byte */
	UID_LENGTH,		/* each IVRS ACPI HID entry's UID length byte */
	NODE_COUNT,		/* the IORT header's */
	NODE_OFFSET,
	MAPPING_COUNT,		/* each IORT node's with ID mappings */
	MAPPING_OFFSET,
	RMR_COUNT,		/* each RMR node's memory range descriptors */
	RMR_OFFSET,
};

/* A value relative to the site: the smallest that runs one byte (a length,
 * an offset) or one record (a count) past the end of its container. */
#define ONE_PAST (-1LL)

static const struct damage_case {
	enum table table;
	enum damage what;
	long long value;
	const char *id;		/* the diagnostic the damage must give */
	const char *also;	/* others it may bring; "*": any */
} cases[] = {
	/* Expected ids of a cut depend on where it falls: see cut_expect(). */
	{ DMAR, CUT, 0, NULL, NULL },
	{ IVRS, CUT, 0, NULL, NULL },
	{ IORT, CUT, 0, NULL, NULL },
	/* The walker reads a 4-byte header (type, length) first. */
	{ DMAR, SUBTABLE_LENGTH, 0, "ACPI_SUBTABLE_BAD_LENGTH", "" },
	{ DMAR, SUBTABLE_LENGTH, 1, "ACPI_SUBTABLE_BAD_LENGTH", "" },
	{ DMAR, SUBTABLE_LENGTH, 3, "ACPI_SUBTABLE_BAD_LENGTH", "" },
	{ DMAR, SUBTABLE_LENGTH, 0xffff, "ACPI_SUBTABLE_PAST_END", "" },
	{ DMAR, SUBTABLE_LENGTH, ONE_PAST, "ACPI_SUBTABLE_PAST_END", "" },
	{ DMAR, SUBTABLE_BELOW_FIXED, 0, "DMAR_SUBTABLE_SHORT", "*" },
	{ IVRS, SUBTABLE_LENGTH, 0, "ACPI_SUBTABLE_BAD_LENGTH", "" },
	{ IVRS, SUBTABLE_LENGTH, 1, "ACPI_SUBTABLE_BAD_LENGTH", "" },
	{ IVRS, SUBTABLE_LENGTH, 3, "ACPI_SUBTABLE_BAD_LENGTH", "" },
	{ IVRS, SUBTABLE_LENGTH, 0xffff, "ACPI_SUBTABLE_PAST_END", "" },
	{ IVRS, SUBTABLE_LENGTH, ONE_PAST, "ACPI_SUBTABLE_PAST_END", "" },
	{ IVRS, SUBTABLE_BELOW_FIXED, 0, "IVRS_BLOCK_SHORT", "*" },
	/* An IORT node's header is 16 bytes; the nodes after it are lost,
	 * and mappings that pointed at them dangle. */
	{ IORT, SUBTABLE_LENGTH, 0, "IORT_NODE_BAD_LENGTH", "IORT_BAD_OUTPUT_REFERENCE" },
	{ IORT, SUBTABLE_LENGTH, 1, "IORT_NODE_BAD_LENGTH", "IORT_BAD_OUTPUT_REFERENCE" },
	{ IORT, SUBTABLE_LENGTH, 15, "IORT_NODE_BAD_LENGTH", "IORT_BAD_OUTPUT_REFERENCE" },
	{ IORT, SUBTABLE_LENGTH, 0xffff, "IORT_NODE_BAD_LENGTH", "IORT_BAD_OUTPUT_REFERENCE" },
	{ IORT, SUBTABLE_LENGTH, ONE_PAST, "IORT_NODE_BAD_LENGTH", "IORT_BAD_OUTPUT_REFERENCE" },
	/* A node too short for its type's fields is kept without them
	 * (regression: an ITS group of 16 bytes gave no diagnostic, a named
	 * component of 28 a NULL name); the walk goes on by its length. */
	{ IORT, SUBTABLE_BELOW_FIXED, 0, "IORT_NODE_SHORT", "*" },
	/* Device scopes have a 6-byte header (VT-d §8.3.1). */
	{ DMAR, SCOPE_LENGTH, 0, "DMAR_SCOPE_BAD_LENGTH", "" },
	{ DMAR, SCOPE_LENGTH, 1, "DMAR_SCOPE_BAD_LENGTH", "" },
	{ DMAR, SCOPE_LENGTH, 5, "DMAR_SCOPE_BAD_LENGTH", "" },
	{ DMAR, SCOPE_LENGTH, 0xff, "DMAR_SCOPE_BAD_LENGTH", "" },
	{ DMAR, SCOPE_LENGTH, ONE_PAST, "DMAR_SCOPE_BAD_LENGTH", "" },
	{ IVRS, UID_LENGTH, 0xff, "IVRS_DEVICE_ENTRY_TRUNCATED", "" },
	{ IVRS, UID_LENGTH, ONE_PAST, "IVRS_DEVICE_ENTRY_TRUNCATED", "" },
	{ IORT, NODE_COUNT, ONE_PAST, "IORT_NODE_PAST_END", "" },
	{ IORT, NODE_COUNT, 0xffffffff, "IORT_NODE_PAST_END", "" },
	{ IORT, NODE_OFFSET, ONE_PAST, "IORT_NODE_PAST_END", "" },
	{ IORT, NODE_OFFSET, 0xffffffff, "IORT_NODE_PAST_END", "" },
	{ IORT, MAPPING_COUNT, ONE_PAST, "IORT_ARRAY_PAST_NODE", "" },
	{ IORT, MAPPING_COUNT, 0xffffffff, "IORT_ARRAY_PAST_NODE", "" },
	{ IORT, MAPPING_OFFSET, ONE_PAST, "IORT_ARRAY_PAST_NODE", "" },
	{ IORT, MAPPING_OFFSET, 0xffffffff, "IORT_ARRAY_PAST_NODE", "" },
	{ IORT, RMR_COUNT, ONE_PAST, "IORT_ARRAY_PAST_NODE", "" },
	{ IORT, RMR_COUNT, 0xffffffff, "IORT_ARRAY_PAST_NODE", "" },
	{ IORT, RMR_OFFSET, ONE_PAST, "IORT_ARRAY_PAST_NODE", "" },
	{ IORT, RMR_OFFSET, 0xffffffff, "IORT_ARRAY_PAST_NODE", "" },
};

/* Where a field to damage lives, and its ONE_PAST value. */
struct site {
	size_t at;
	unsigned int width;
	uint64_t one_past;
	uint64_t below_fixed;	/* SUBTABLE_BELOW_FIXED: the value; 0: no such site */
};

static uint64_t le(const uint8_t *p, unsigned int width)
{
	uint64_t v = 0;

	for (unsigned int i = width; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

/* The fixed bytes of each subtable type (VT-d 4.1 §8.3-§8.9; AMD 48882
 * §5.2.2.1, §5.2.2.3; IORT nodes in their first revision, DEN0049 E.e
 * §3.1.1); 0: a type without a known layout. */
static uint64_t fixed_bytes(enum table t, unsigned int type)
{
	static const uint8_t dmar[] = { 16, 24, 8, 20, 8, 8, 8 };
	static const uint8_t iort[] = { 20, 29, 32, 60, 60, 40, 28 };

	if (t == DMAR)
		return type < sizeof(dmar) ? dmar[type] : 0;
	if (t == IORT)
		return type < sizeof(iort) ? iort[type] : 0;
	switch (type) {
	case IVRS_IVHD_10:
		return 24;
	case IVRS_IVHD_11:
	case IVRS_IVHD_40:
		return 40;
	case IVRS_IVMD_ALL:
	case IVRS_IVMD_ONE:
	case IVRS_IVMD_RANGE:
		return 32;
	}
	return 0;
}

/* An IORT array (count at +@count_at, offset at +@count_at + 4) of @size records. */
static size_t array_sites(const struct loaded *ld, const struct iort_node *n,
			  unsigned int count_at, size_t size, bool offset, struct site *s)
{
	uint64_t count = le(ld->buf + n->offset + count_at, 4);
	uint64_t off = le(ld->buf + n->offset + count_at + 4, 4);

	if (count == 0)
		return 0;
	if (offset)
		*s = (struct site){ n->offset + count_at + 4, 4, n->length - count * size + 1, 0 };
	else
		*s = (struct site){ n->offset + count_at, 4, (n->length - off) / size + 1, 0 };
	return 1;
}

static size_t sites(const struct loaded *ld, const struct parsed *p, enum damage what,
		    struct site *s, size_t max)
{
	size_t n = 0;

	switch (what) {
	case CUT:
		break;
	case SUBTABLE_LENGTH:
	case SUBTABLE_BELOW_FIXED:
		if (p->iort) {
			for (size_t i = 0; i < p->iort->nnodes && n < max; i++) {
				size_t at = p->iort->nodes[i].offset;
				uint64_t fixed = fixed_bytes(IORT, p->iort->nodes[i].type);

				s[n++] = (struct site){ at + 1, 2, ld->len - at + 1, fixed - 1 };
			}
			break;
		}
		/* Back-to-back subtables after 48 bytes; the type is 2 bytes
		 * in DMAR, 1 in IVRS; the length at +2. */
		for (size_t at = 48; at + 4 <= ld->len && n < max;) {
			unsigned int type = (unsigned int)le(ld->buf + at, ld->fx->table == DMAR ? 2 : 1);
			uint64_t fixed = fixed_bytes(ld->fx->table, type);

			s[n++] = (struct site){ at + 2, 2, ld->len - at + 1, fixed ? fixed - 1 : 0 };
			at += le(ld->buf + at + 2, 2);
		}
		break;
	case SCOPE_LENGTH:
		for (size_t i = 0; p->dmar && i < p->dmar->nentries; i++) {
			const struct dmar_entry *e = &p->dmar->entries[i];

			for (size_t k = 0; k < e->nscopes && n < max; k++) {
				size_t at = e->scopes[k].offset;

				s[n++] = (struct site){ at + 1, 1, e->offset + e->length - at + 1, 0 };
			}
		}
		break;
	case UID_LENGTH:
		for (size_t i = 0; p->ivrs && i < p->ivrs->nblocks; i++) {
			const struct ivrs_block *b = &p->ivrs->blocks[i];

			for (size_t k = 0; k < b->nentries && n < max; k++) {
				size_t at = b->entries[k].offset;

				if (b->entries[k].type == IVHD_DEV_ACPI_HID)
					s[n++] = (struct site){ at + 21, 1,
								b->offset + b->length - (at + 22) + 1, 0 };
			}
		}
		break;
	case NODE_COUNT:
		if (p->iort)
			s[n++] = (struct site){ 36, 4, p->iort->nnodes + 1, 0 };
		break;
	case NODE_OFFSET:
		if (p->iort)
			s[n++] = (struct site){ 40, 4, ld->len - 16 + 1, 0 };
		break;
	case MAPPING_COUNT:
	case MAPPING_OFFSET:
	case RMR_COUNT:
	case RMR_OFFSET:
		for (size_t i = 0; p->iort && i < p->iort->nnodes && n < max; i++) {
			const struct iort_node *nd = &p->iort->nodes[i];

			if (what == MAPPING_COUNT || what == MAPPING_OFFSET)
				n += array_sites(ld, nd, 8, 20, what == MAPPING_OFFSET, &s[n]);
			else if (nd->type == IORT_RMR)
				n += array_sites(ld, nd, 20, 20, what == RMR_OFFSET, &s[n]);
		}
		break;
	}
	return n;
}

/*
 * The diagnostics a cut at @cut must give: 36 header bytes (ACPI 6.5
 * §5.2.6), then the table's fixed fields, then whole subtables; a cut
 * inside a subtable's header or body has an id of its own.
 */
static void cut_expect(const struct loaded *ld, const struct parsed *p, size_t cut,
		       const char **id, const char **also)
{
	static const char *const fixed_id[] = { [DMAR] = "DMAR_TRUNCATED",
						[IVRS] = "IVRS_TRUNCATED",
						[IORT] = "IORT_TRUNCATED" };
	enum table t = ld->fx->table;

	*also = "ACPI_TABLE_TRUNCATED";
	if (cut < 36) {
		*id = "ACPI_HEADER_TRUNCATED";
		*also = "";
		return;
	}
	if (cut < (t == IORT ? 44u : 48u)) {
		*id = fixed_id[t];
		return;
	}
	if (t == IORT) {
		/* Nodes are found by count and offset: the first one the cut
		 * reaches is missing its header or its body. */
		*also = "ACPI_TABLE_TRUNCATED IORT_BAD_OUTPUT_REFERENCE";
		for (size_t i = 0; i < p->iort->nnodes; i++) {
			const struct iort_node *n = &p->iort->nodes[i];

			if (cut < n->offset + n->length) {
				*id = cut < n->offset + 16 ? "IORT_NODE_PAST_END" : "IORT_NODE_BAD_LENGTH";
				return;
			}
		}
		fail_msg("%s: cut %zu after the last node", ld->path, cut);
	}
	for (size_t at = 48; at < ld->len; at += le(ld->buf + at + 2, 2)) {
		size_t end = at + le(ld->buf + at + 2, 2);

		if (cut == at) {
			*id = "ACPI_TABLE_TRUNCATED";	/* the walk ends cleanly */
			*also = "";
			return;
		}
		if (cut < end) {
			*id = cut - at < 4 ? "ACPI_SUBTABLE_TRUNCATED" : "ACPI_SUBTABLE_PAST_END";
			return;
		}
	}
	fail_msg("%s: cut %zu after the last subtable", ld->path, cut);
}

/* @id given, and nothing new but @id and @also (ids of @intact are old). */
static void check_diags(const char *what, const struct resv_diags *d,
			const struct resv_diags *intact, const char *id, const char *also)
{
	if (!has_id(d, id))
		fail_msg("%s: no %s among %zu diagnostics%s%s", what, id, resv_diags_count(d),
			 resv_diags_count(d) ? ", the first " : "",
			 resv_diags_count(d) ? resv_diags_get(d, 0)->id : "");
	if (strcmp(also, "*") == 0)
		return;
	for (size_t i = 0; i < resv_diags_count(d); i++) {
		const char *got = resv_diags_get(d, i)->id;

		if (strcmp(got, id) != 0 && !listed(also, got) && !has_id(intact, got))
			fail_msg("%s: %s also gives %s: %s", what, id, got,
				 resv_diags_get(d, i)->message);
	}
}

static size_t run_case(const struct damage_case *c, const struct loaded *ld,
		       const struct parsed *p, const struct resv_diags *intact)
{
	struct site s[64];
	size_t nsites, runs = 0;
	uint8_t *copy = malloc(ld->len);
	char what[640];

	assert_non_null(copy);
	if (c->what == CUT) {
		for (size_t cut = 0; cut < ld->len; cut++) {
			struct resv_diags *d;
			struct parsed q;
			const char *id = NULL, *also = NULL;
			int rc;

			/* A copy of exactly @cut bytes, so ASan sees every overread. */
			uint8_t *short_copy = malloc(cut ? cut : 1);

			assert_non_null(short_copy);
			memcpy(short_copy, ld->buf, cut);
			cut_expect(ld, p, cut, &id, &also);
			snprintf(what, sizeof(what), "%s cut at %zu", ld->path, cut);
			assert_int_equal(resv_diags_new(&d), 0);
			rc = parse(ld->fx->table, short_copy, cut, d, ld->path, &q);
			if (rc != 0 && rc != -EBADMSG)
				fail_msg("%s: rc %d", what, rc);
			check_diags(what, d, intact, id, also);
			if (cut >= 36 && !has_id(d, "ACPI_TABLE_TRUNCATED"))
				fail_msg("%s: no ACPI_TABLE_TRUNCATED", what);
			parsed_free(&q);
			resv_diags_free(d);
			free(short_copy);
			runs++;
		}
		free(copy);
		return runs;
	}
	nsites = sites(ld, p, c->what, s, 64);
	for (size_t i = 0; i < nsites; i++) {
		uint64_t v = c->value == ONE_PAST ? s[i].one_past : (uint64_t)c->value;
		struct resv_diags *d;
		struct parsed q;

		if (c->what == SUBTABLE_BELOW_FIXED) {
			if (!s[i].below_fixed)
				continue;
			v = s[i].below_fixed;
		}
		if (s[i].width < 8 && v >> (8 * s[i].width))
			continue;	/* does not fit the field */
		memcpy(copy, ld->buf, ld->len);
		for (unsigned int b = 0; b < s[i].width; b++)
			copy[s[i].at + b] = (uint8_t)(v >> (8 * b));
		/* A precise id, not a checksum warning. */
		acpi_fix_checksum(copy, ld->len);
		snprintf(what, sizeof(what), "%s: field at offset 0x%zx set to 0x%llx", ld->path,
			 s[i].at, (unsigned long long)v);
		assert_int_equal(resv_diags_new(&d), 0);
		if (parse(ld->fx->table, copy, ld->len, d, ld->path, &q) != 0)
			fail_msg("%s: refused", what);
		check_diags(what, d, intact, c->id, c->also);
		parsed_free(&q);
		resv_diags_free(d);
		runs++;
	}
	free(copy);
	return runs;
}

static void test_damage(void **state)
{
	size_t total = 0;

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const struct damage_case *c = &cases[k];
		size_t runs = 0;

		for (size_t i = 0; i < NFIXTURES; i++) {
			struct loaded ld;
			struct parsed p;
			struct resv_diags *intact;

			if (fixtures[i].table != c->table)
				continue;
			load(&fixtures[i], &ld);
			assert_int_equal(resv_diags_new(&intact), 0);
			assert_int_equal(parse(c->table, ld.buf, ld.len, intact, ld.path, &p), 0);
			runs += run_case(c, &ld, &p, intact);
			parsed_free(&p);
			resv_diags_free(intact);
			unload(&ld);
		}
		/* A case that finds nothing to damage tests nothing. */
		if (runs == 0)
			fail_msg("damage case %zu (%s) found no site", k, c->id ? c->id : "cut");
		total += runs;
	}
	print_message("%zu damaged copies, each with its expected diagnostic\n", total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_damage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
