// SPDX-License-Identifier: MIT
/*
 * A machine as the firmware describes it: its DMAR, IVRS or IORT, its PCI
 * functions and its memory map, from a sysroot, table files or an lspci
 * dump; the checks that need more than one table; and each device's regions
 * predicted from all of it (SPEC §4, §6).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpidump.h"
#include "aml.h"
#include "cmdline.h"
#include "madt.h"
#include "describe.h"
#include "group.h"
#include "predict.h"
#include "value.h"

struct memmap_entry {
	uint64_t start, end;	/* inclusive, as sysfs prints them */
	bool reserved;		/* type "Reserved" (E820_TYPE_RESERVED) */
};

/*
 * Each DMAR device scope resolved once (dmar_scope_target) for the tables
 * and topology the machine holds: a host of 16,000 functions and 1,000
 * RMRRs would otherwise resolve every scope again for every device (issue
 * 13). Built on first use by the queries, dropped by every change
 * (scope_cache_drop); when it cannot be allocated, they resolve directly.
 */
struct scope_cache {
	bool ready;
	int8_t refused;			/* intel_scope_refusals(m, NULL, NULL) > 0; -1: not known yet */
	size_t *first;			/* per DMAR entry: the flat index of its first scope */
	size_t *entry;			/* per scope (flat index): its entry */
	const struct pci_dev **target;	/* per scope: the device it names, or NULL */
	uint8_t *how;			/* per scope: enum dmar_match */
	/* RMRR endpoint and bridge scopes naming a device, by (device index, flat index). */
	struct scope_ref { size_t dev, flat; } *refs;
	size_t nrefs;
	size_t *bridges;		/* flat indices of those naming a bridge, in table order */
	size_t nbridges;
	size_t *drhds;			/* the DRHDs' entry indices, in table order */
	size_t ndrhds;
};

struct resv_machine {
	struct resv_diags *diags;
	struct dmar *dmar;
	struct ivrs *ivrs;
	struct iort *iort;
	struct viot *viot;
	enum resv_iommu iommu;	/* the first loaded; VIOT over an IORT without SMMUs */
	struct resv_table tables[4];
	struct resv_value *bodies[4];
	size_t ntables;
	struct pci_topology topo;
	struct resv_device *devices;	/* topo.n entries, names into topo */
	size_t devices_cap;
	bool devices_stale;	/* functions were added since fill_devices() */
	struct scope_cache scopes;
	struct memmap_entry *memmap;
	size_t nmemmap;
	unsigned int kernel;	/* major << 16 | minor << 8; 0: the newest */
	uint64_t page_size;	/* the kernel's PAGE_SIZE (RMR widening) */
	/* The AML read (DSDT, SSDTs): is there a PCI _DSM at all? */
	bool aml_read, pci_dsm_seen;
	int8_t pci_dsm_state;	/* 0: assumed yes, 1: read yes, 2: read no */
	char pci_dsm_why[PATH_MAX + 512];
	int8_t assumed[RESV_ASSUME_COUNT];	/* index into the values, -1: the default */
	struct madt *madt;	/* the "APIC" table, for MSI isolation; NULL: not read */
	char cmdline[4096];	/* the kernel command line; "" when unknown */
	char release[65];	/* the root's proc/sys/kernel/osrelease; "" when unknown */
};

#define KERNEL(a, b) ((a) << 16 | (b) << 8)

static void scope_cache_drop(struct resv_machine *m)
{
	struct scope_cache *c = &m->scopes;

	free(c->first);
	free(c->entry);
	free(unconst(c->target));
	free(c->how);
	free(c->refs);
	free(c->bridges);
	free(c->drhds);
	*c = (struct scope_cache){ 0 };
}

static int cmp_scope_ref(const void *a, const void *b)
{
	const struct scope_ref *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return (x->flat > y->flat) - (x->flat < y->flat);
}

static int scope_cache_build(struct resv_machine *m)
{
	struct scope_cache *c = &m->scopes;
	const struct dmar *d = m->dmar;
	const struct pci_dev **target;
	size_t n = 0;
	char why[160];

	for (size_t i = 0; i < d->nentries; i++)
		n += d->entries[i].nscopes;
	c->first = malloc((d->nentries ? d->nentries : 1) * sizeof(*c->first));
	c->entry = malloc((n ? n : 1) * sizeof(*c->entry));
	c->target = target = malloc((n ? n : 1) * sizeof(*c->target));
	c->how = malloc(n ? n : 1);
	c->refs = malloc((n ? n : 1) * sizeof(*c->refs));
	c->bridges = malloc((n ? n : 1) * sizeof(*c->bridges));
	c->drhds = malloc((d->nentries ? d->nentries : 1) * sizeof(*c->drhds));
	if (!c->first || !c->entry || !c->target || !c->how || !c->refs || !c->bridges ||
	    !c->drhds) {
		scope_cache_drop(m);
		return -ENOMEM;
	}
	n = 0;
	for (size_t i = 0; i < d->nentries; i++) {
		const struct dmar_entry *e = &d->entries[i];

		c->first[i] = n;
		if (e->type == DMAR_DRHD)
			c->drhds[c->ndrhds++] = i;
		for (size_t s = 0; s < e->nscopes; s++, n++) {
			const struct dmar_scope *sc = &e->scopes[s];
			enum dmar_match how;
			const struct pci_dev *t = dmar_scope_target(&m->topo, e->segment, sc, &how,
								    why, sizeof(why));

			c->entry[n] = i;
			target[n] = t;
			c->how[n] = (uint8_t)how;
			if (!t || e->type != DMAR_RMRR ||
			    (sc->type != DMAR_SCOPE_ENDPOINT && sc->type != DMAR_SCOPE_BRIDGE))
				continue;
			c->refs[c->nrefs++] = (struct scope_ref){ (size_t)(t - m->topo.devs), n };
			if (t->bridge)
				c->bridges[c->nbridges++] = n;
		}
	}
	if (c->nrefs)
		qsort(c->refs, c->nrefs, sizeof(*c->refs), cmp_scope_ref);
	c->refused = -1;
	c->ready = true;
	return 0;
}

/* The scope cache of @m when it is built, else NULL: resolve directly. */
static const struct scope_cache *scope_cache(const struct resv_machine *m)
{
	return m->dmar && m->scopes.ready ? &m->scopes : NULL;
}

/*
 * Build the cache, by the operations that can report running out of
 * memory (an allocation that fails is never swallowed: test_alloc.c); the
 * others use it when it is there. A cache, filled by const operations: m
 * is never defined const (resv_machine_new allocates it).
 * Return: 0 (also without a DMAR) or -ENOMEM.
 */
static int scope_cache_need(const struct resv_machine *m)
{
	return m->dmar && !m->scopes.ready ? scope_cache_build(unconst(m)) : 0;
}

/* dmar_scope_target() of @sc, a scope of @e (an entry of m->dmar), from the cache. */
static const struct pci_dev *scope_target(const struct resv_machine *m,
					  const struct dmar_entry *e, const struct dmar_scope *sc,
					  enum dmar_match *how)
{
	const struct scope_cache *c = scope_cache(m);
	char why[160];

	if (c) {
		size_t k = c->first[e - m->dmar->entries] + (size_t)(sc - e->scopes);

		if (how)
			*how = (enum dmar_match)c->how[k];
		return c->target[k];
	}
	return dmar_scope_target(&m->topo, e->segment, sc, how, why, sizeof(why));
}

RESV_EXPORT const char *resv_iommu_name(enum resv_iommu iommu)
{
	switch (iommu) {
	case RESV_IOMMU_INTEL: return "intel-vtd";
	case RESV_IOMMU_AMD: return "amd-vi";
	case RESV_IOMMU_ARM: return "arm-smmu";
	case RESV_IOMMU_VIRTIO: return "virtio-iommu";
	default: return "none";
	}
}

RESV_EXPORT int resv_machine_new(struct resv_machine **out)
{
	struct resv_machine *m = calloc(1, sizeof(*m));

	if (!m || resv_diags_new(&m->diags) < 0) {
		free(m);
		return -ENOMEM;
	}
	for (size_t i = 0; i < RESV_ASSUME_COUNT; i++)
		m->assumed[i] = -1;
	m->page_size = 4096;
	*out = m;
	return 0;
}

RESV_EXPORT void resv_machine_free(struct resv_machine *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->ntables; i++) {
		value_free(m->bodies[i]);
		free(unconst(m->tables[i].where));
	}
	dmar_free(m->dmar);
	ivrs_free(m->ivrs);
	iort_free(m->iort);
	viot_free(m->viot);
	madt_free(m->madt);
	pci_topology_free(&m->topo);
	scope_cache_drop(m);
	free(m->devices);
	free(m->memmap);
	resv_diags_free(m->diags);
	free(m);
}

RESV_EXPORT const struct resv_diags *resv_machine_diags(const struct resv_machine *m)
{
	return m->diags;
}

RESV_EXPORT enum resv_iommu resv_machine_iommu(const struct resv_machine *m)
{
	return m->iommu;
}

RESV_EXPORT void resv_machine_set_kernel(struct resv_machine *m, unsigned int kernel)
{
	scope_cache_drop(m);
	m->kernel = kernel;
}

RESV_EXPORT int resv_machine_set_page_size(struct resv_machine *m, uint64_t page_size)
{
	/* arm64's PAGE_SIZE choices: ARM64_4K_PAGES, ARM64_16K_PAGES, ARM64_64K_PAGES. */
	if (page_size != 4096 && page_size != 16384 && page_size != 65536)
		return -EINVAL;
	scope_cache_drop(m);
	m->page_size = page_size;
	return 0;
}

RESV_EXPORT int resv_machine_set_cmdline(struct resv_machine *m, const char *cmdline)
{
	scope_cache_drop(m);
	snprintf(m->cmdline, sizeof(m->cmdline), "%s", cmdline ? cmdline : "");
	return 0;
}

RESV_EXPORT const char *resv_machine_cmdline(const struct resv_machine *m)
{
	return m->cmdline;
}

RESV_EXPORT size_t resv_machine_table_count(const struct resv_machine *m)
{
	return m->ntables;
}

RESV_EXPORT const struct resv_table *resv_machine_table(const struct resv_machine *m, size_t i)
{
	return i < m->ntables ? &m->tables[i] : NULL;
}

RESV_EXPORT const char *resv_scope_match_name(enum resv_scope_match match)
{
	switch (match) {
	case RESV_SCOPE_PATH: return "path";
	case RESV_SCOPE_FALLBACK: return "fallback";
	case RESV_SCOPE_SOURCE_ID: return "source-id";
	case RESV_SCOPE_ACPI: return "acpi";
	case RESV_SCOPE_UNRESOLVED: return "unresolved";
	default: return "none";
	}
}

RESV_EXPORT int resv_machine_dmar_scope(const struct resv_machine *m, size_t offset,
					struct resv_scope_target *out)
{
	for (size_t i = 0; m->dmar && i < m->dmar->nentries; i++) {
		const struct dmar_entry *e = &m->dmar->entries[i];

		for (size_t s = 0; s < e->nscopes; s++) {
			if (e->scopes[s].offset != offset)
				continue;
			dmar_scope_resolve(&m->topo, e->segment, &e->scopes[s], out);
			return 0;
		}
	}
	return -ENOENT;
}

RESV_EXPORT size_t resv_machine_device_count(const struct resv_machine *m)
{
	return m->topo.n;
}

static void fill_devices(struct resv_machine *m);

RESV_EXPORT const struct resv_device *resv_machine_device(const struct resv_machine *m, size_t i)
{
	if (i >= m->topo.n)
		return NULL;
	if (m->devices_stale)	/* filled once after the adds, not once per add */
		fill_devices(unconst(m));	/* never defined const */
	return &m->devices[i];
}

RESV_EXPORT int resv_machine_pci_upstream(const struct resv_machine *m, const char *device,
					  const char **out, size_t max)
{
	const struct pci_dev *d = pci_find_name(&m->topo, device);
	size_t n = 0;

	if (!d)
		return -ENOENT;
	/* Bus by bus to the root bus, as pci_acs_path_enabled walks; at most 256 buses. */
	for (int step = 0; step < 256; step++) {
		const struct pci_dev *b = pci_bus_bridge(&m->topo, d->segment, d->bus);

		if (!b || b == d)
			break;
		if (n < max)
			out[n] = b->name;
		n++;
		d = b;
	}
	return (int)n;
}

/* ------------------------------------------------------------------------ */
/* Tables                                                                   */

static const char *const our_signatures[] = { "DMAR", "IVRS", "IORT", "VIOT" };

/* An IORT with no SMMU translates nothing: on QEMU's arm virt it maps PCI to the ITS. */
static bool iort_has_smmu(const struct iort *iort)
{
	for (size_t i = 0; i < iort->nnodes; i++)
		if (iort->nodes[i].type == IORT_SMMU || iort->nodes[i].type == IORT_SMMU_V3)
			return true;
	return false;
}

/* The file table @sig came from, or NULL when it is not loaded. */
static const char *table_file(const struct resv_machine *m, const char *sig)
{
	for (size_t i = 0; i < m->ntables; i++)
		if (strcmp(m->tables[i].signature, sig) == 0)
			return m->tables[i].where;
	return NULL;
}

/*
 * The PCI _DSM's UUID E5C937D0-3553-4D7A-9117-EA4D19C3434D as AML's ToUUID
 * stores it (a 16-byte buffer, the first three fields little-endian): the
 * host bridge's _DSM compares Arg0 with it (PCI Firmware 3.3 §4.6). No
 * table that lacks these bytes can answer function 5, whatever its AML.
 */
static const uint8_t pci_dsm_uuid[16] = {
	0xd0, 0x37, 0xc9, 0xe5, 0x53, 0x35, 0x7a, 0x4d,
	0x91, 0x17, 0xea, 0x4d, 0x19, 0xc3, 0x43, 0x4d,
};

static bool is_aml_table(const uint8_t *buf, size_t len)
{
	return len >= 4 && (memcmp(buf, "DSDT", 4) == 0 || memcmp(buf, "SSDT", 4) == 0);
}

/* Does @body hold the PCI _DSM UUID? */
static bool holds_pci_uuid(const uint8_t *body, size_t len)
{
	for (size_t i = 0; len >= sizeof(pci_dsm_uuid) && i <= len - sizeof(pci_dsm_uuid); i++)
		if (memcmp(body + i, pci_dsm_uuid, sizeof(pci_dsm_uuid)) == 0)
			return true;
	return false;
}

static const char *aml_value_text(struct aml_value v, char *buf, size_t size)
{
	switch (v.kind) {
	case AML_INTEGER:
		snprintf(buf, size, "Integer 0x%llx", (unsigned long long)v.integer);
		break;
	case AML_BUFFER:
		snprintf(buf, size, "a %zu-byte Buffer (first byte 0x%02x)", v.length,
			 (unsigned int)(v.integer & 0xff));
		break;
	default:
		snprintf(buf, size, "nothing");
	}
	return buf;
}

/*
 * Linux sets preserve_config only when the host bridge's _DSM function 5
 * (revision 1) returns Integer 0 (pci-acpi.c; arm64 pci_acpi_scan_root,
 * later pci_acpi_preserve_config, which also asks acpi_check_dsm: function
 * 0's bitmask must list function 5). A _DSM that is a plain tree of
 * constants is read for that answer (lib/firmware/aml.c); QEMU 7.2's arm virt one
 * answers function 0 with 0x01 and anything else with a Buffer, so no.
 */
static void read_pci_dsm(struct resv_machine *m, const uint8_t *body, size_t len, size_t at,
			 const char *where)
{
	struct aml_value f5 = aml_dsm_eval(body, len, pci_dsm_uuid, 1, 5);
	struct aml_value f0 = aml_dsm_eval(body, len, pci_dsm_uuid, 1, 0);
	char t5[64], t0[64];
	int8_t state;

	if (f5.kind == AML_UNKNOWN || f0.kind == AML_UNKNOWN)
		state = 0;
	else if (f5.kind != AML_INTEGER || f5.integer != 0)
		state = 2;
	else if (f0.kind == AML_BUFFER && (f0.integer & 0x21) == 0x21)
		state = 1;
	else
		state = 0;
	if (m->pci_dsm_seen && m->pci_dsm_state != state)
		state = 0;	/* host bridges that disagree: back to the assumption */
	if (m->pci_dsm_seen && state == m->pci_dsm_state)
		return;
	m->pci_dsm_seen = true;
	m->pci_dsm_state = state;
	if (state == 0) {
		snprintf(m->pci_dsm_why, sizeof(m->pci_dsm_why),
			 "default: %s holds a PCI _DSM (named at offset 0x%zx) whose answer is not "
			 "read here (the AML is not run); that its function 5 returns 0 is assumed, "
			 "as DEN0049 E.d requires", where, at);
		return;
	}
	snprintf(m->pci_dsm_why, sizeof(m->pci_dsm_why),
		 "read: the PCI _DSM of %s (named at offset 0x%zx) is a tree of constants; "
		 "function 5 returns %s and function 0 %s, so Linux %s preserve_config "
		 "(pci-acpi.c, function 5 must return Integer 0)", where, at,
		 aml_value_text(f5, t5, sizeof(t5)), aml_value_text(f0, t0, sizeof(t0)),
		 state == 1 ? "sets" : "leaves off");
}

static void scan_aml(struct resv_machine *m, const uint8_t *buf, size_t len, const char *where)
{
	const uint8_t *body;
	size_t blen;

	m->aml_read = true;
	/* From the end of each method found: linear in the table. */
	for (size_t at = aml_find_dsm(buf, len, 0, &body, &blen); at != (size_t)-1;
	     at = aml_find_dsm(buf, len, (size_t)(body - buf) + blen, &body, &blen))
		if (holds_pci_uuid(body, blen))
			read_pci_dsm(m, body, blen, at, where);
	/* The UUID outside any _DSM we can find: still an answer we cannot read. */
	if (!m->pci_dsm_seen && holds_pci_uuid(buf, len)) {
		m->pci_dsm_seen = true;
		m->pci_dsm_state = 0;
		snprintf(m->pci_dsm_why, sizeof(m->pci_dsm_why),
			 "default: %s holds the PCI _DSM UUID outside a _DSM method this reads; "
			 "that function 5 returns 0 is assumed, as DEN0049 E.d requires", where);
	}
}

/* The MADT is read only for MSI isolation; the first one counts. */
static int add_madt(struct resv_machine *m, const uint8_t *buf, size_t len, const char *where)
{
	int rc;

	if (m->madt)
		return 0;
	rc = madt_parse(&m->madt, buf, len, m->diags, where);
	return rc == -EBADMSG ? 0 : rc;
}

static int add_table(struct resv_machine *m, const uint8_t *buf, size_t len, const char *where)
{
	const struct acpi_header *h = NULL;
	struct resv_value *body = NULL;
	struct resv_table *t;
	const char *sig = NULL;
	size_t first = resv_diags_count(m->diags);
	int rc;

	if (is_aml_table(buf, len)) {
		scan_aml(m, buf, len, where);
		return 0;
	}
	if (len >= 4 && memcmp(buf, "APIC", 4) == 0)
		return add_madt(m, buf, len, where);
	for (size_t i = 0; i < ARRAY_SIZE(our_signatures) && len >= 4; i++)
		if (memcmp(buf, our_signatures[i], 4) == 0)
			sig = our_signatures[i];
	if (!sig)
		return 0;
	if (table_file(m, sig))
		return diags_add(m->diags, "ACPI_DUPLICATE_TABLE", RESV_SEV_WARNING, where, 0, -1,
				 "a second %s table is ignored: the kernel uses the first", sig);
	if (sig == our_signatures[0]) {
		rc = dmar_parse(&m->dmar, buf, len, m->diags, where);
		if (rc == 0) {
			h = &m->dmar->header;
			rc = describe_dmar(&body, m->dmar);
		}
	} else if (sig == our_signatures[1]) {
		rc = ivrs_parse(&m->ivrs, buf, len, m->diags, where);
		if (rc == 0) {
			h = &m->ivrs->header;
			rc = describe_ivrs(&body, m->ivrs);
		}
	} else if (sig == our_signatures[2]) {
		rc = iort_parse(&m->iort, buf, len, m->diags, where);
		if (rc == 0) {
			h = &m->iort->header;
			rc = describe_iort(&body, m->iort);
		}
	} else {
		rc = viot_parse(&m->viot, buf, len, m->diags, where);
		if (rc == 0) {
			h = &m->viot->header;
			rc = describe_viot(&body, m->viot);
		}
	}
	diags_mark_table(m->diags, first, sig);
	if (rc == -EBADMSG)
		return 0;	/* diagnosed: not even a header */
	if (rc < 0)
		return rc;
	t = &m->tables[m->ntables];
	*t = (struct resv_table){
		.revision = h->revision, .length = h->length,
		.checksum_valid = h->checksum_valid, .oem_revision = h->oem_revision,
		.creator_revision = h->creator_revision, .body = body,
	};
	memcpy(t->signature, h->signature, sizeof(t->signature));
	memcpy(t->oem_id, h->oem_id, sizeof(t->oem_id));
	memcpy(t->oem_table_id, h->oem_table_id, sizeof(t->oem_table_id));
	memcpy(t->creator_id, h->creator_id, sizeof(t->creator_id));
	t->where = strdup(where);
	if (!t->where) {
		value_free(body);
		return -ENOMEM;
	}
	m->bodies[m->ntables++] = body;
	if (m->iommu == RESV_IOMMU_NONE)
		m->iommu = sig == our_signatures[0] ? RESV_IOMMU_INTEL :
			   sig == our_signatures[1] ? RESV_IOMMU_AMD :
			   sig == our_signatures[2] ? RESV_IOMMU_ARM : RESV_IOMMU_VIRTIO;
	/*
	 * acpi_iommu_configure_id tries the IORT, then the VIOT, device by
	 * device; the machine is named after the one that can translate.
	 */
	if (m->iort && m->viot && !iort_has_smmu(m->iort))
		m->iommu = RESV_IOMMU_VIRTIO;
	return 1;
}

/*
 * What the machine held before a call that adds to it, so that a call
 * failing half-way (-ENOMEM) can give back what it added.
 */
struct machine_mark {
	size_t ntables, ndiags;
	bool dmar, ivrs, iort, viot, aml_read, pci_dsm_seen;
	int8_t pci_dsm_state;
	enum resv_iommu iommu;
};

static struct machine_mark machine_mark(const struct resv_machine *m)
{
	return (struct machine_mark){
		.ntables = m->ntables, .ndiags = resv_diags_count(m->diags),
		.dmar = m->dmar, .ivrs = m->ivrs, .iort = m->iort, .viot = m->viot,
		.iommu = m->iommu, .aml_read = m->aml_read, .pci_dsm_seen = m->pci_dsm_seen,
		.pci_dsm_state = m->pci_dsm_state,
	};
}

static void machine_rollback(struct resv_machine *m, const struct machine_mark *mark)
{
	while (m->ntables > mark->ntables) {
		m->ntables--;
		value_free(m->bodies[m->ntables]);
		free(unconst(m->tables[m->ntables].where));
	}
	/* A model parsed before its table failed to be added goes too. */
	if (!mark->dmar) {
		dmar_free(m->dmar);
		m->dmar = NULL;
	}
	if (!mark->ivrs) {
		ivrs_free(m->ivrs);
		m->ivrs = NULL;
	}
	if (!mark->iort) {
		iort_free(m->iort);
		m->iort = NULL;
	}
	if (!mark->viot) {
		viot_free(m->viot);
		m->viot = NULL;
	}
	m->iommu = mark->iommu;
	m->aml_read = mark->aml_read;
	m->pci_dsm_seen = mark->pci_dsm_seen;
	m->pci_dsm_state = mark->pci_dsm_state;
	diags_truncate(m->diags, mark->ndiags);
}

/* acpidump text starts with a "SIG @ 0x" line (ACPICA acpidump apdump.c). */
static bool is_acpidump_text(const uint8_t *buf, size_t len)
{
	size_t i = 0;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
		i++;
	if (len - i < 9)	/* "SIG" + " @ 0x" */
		return false;
	for (size_t k = 0; k < 4; k++)
		if (!(buf[i + k] >= 'A' && buf[i + k] <= 'Z') &&
		    !(buf[i + k] >= '0' && buf[i + k] <= '9') && buf[i + k] != '_')
			return false;
	return memcmp(buf + i + 4, " @ 0x", 5) == 0;
}

static bool printable_signature(const uint8_t *buf, size_t len)
{
	if (len < 4)
		return false;
	for (size_t k = 0; k < 4; k++)
		if (buf[k] < 0x20 || buf[k] > 0x7e)
			return false;
	return true;
}

RESV_EXPORT int resv_machine_add_tables(struct resv_machine *m, const void *buf, size_t len,
					const char *where)
{
	struct machine_mark mark = machine_mark(m);
	struct acpidump_table *tables = NULL;
	int n, added = 0, rc = 0;

	scope_cache_drop(m);

	if (!is_acpidump_text(buf, len)) {
		if (!printable_signature(buf, len))
			return -EBADMSG;
		char sig[ACPI_SIGNATURE_TEXT];

		if (is_aml_table(buf, len)) {
			scan_aml(m, buf, len, where);
			return 0;
		}
		if (memcmp(buf, "APIC", 4) == 0)
			return add_madt(m, buf, len, where);
		for (size_t i = 0; i < ARRAY_SIZE(our_signatures); i++) {
			if (memcmp(buf, our_signatures[i], 4) != 0)
				continue;
			rc = add_table(m, buf, len, where);
			if (rc < 0)
				machine_rollback(m, &mark);
			return rc;
		}
		acpi_signature_text(buf, sig);
		return diags_add(m->diags, "ACPI_TABLE_SKIPPED", RESV_SEV_INFO, where, 0, -1,
				 "%s: signature \"%s\" is not DMAR, IVRS, IORT or VIOT; skipped", where,
				 sig);
	}
	n = acpidump_parse(buf, len, &tables, m->diags, where);
	if (n < 0) {
		machine_rollback(m, &mark);
		return n;
	}
	for (int i = 0; i < n && rc >= 0; i++) {
		char name[PATH_MAX];

		snprintf(name, sizeof(name), "%s:%s", where, tables[i].signature);
		rc = add_table(m, tables[i].data, tables[i].len, name);
		added += rc > 0;
	}
	acpidump_free(tables, (size_t)n);
	if (rc < 0) {
		machine_rollback(m, &mark);
		return rc;
	}
	return added;
}

/* ------------------------------------------------------------------------ */
/* PCI functions and the memory map                                         */

/* m->devices from m->topo; m->devices has room for topo.n entries. */
static void fill_devices(struct resv_machine *m)
{
	for (size_t i = 0; i < m->topo.n; i++) {
		const struct pci_dev *d = &m->topo.devs[i];

		m->devices[i] = (struct resv_device){ .name = d->name, .pci = true,
						      .class = d->class, .vendor = d->vendor,
						      .device = d->device,
						      .header_type = d->header_type };
	}
	m->devices_stale = false;
}

static int refresh_devices(struct resv_machine *m)
{
	struct resv_device *v = realloc(m->devices, (m->topo.n ? m->topo.n : 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	m->devices = v;
	m->devices_cap = m->topo.n ? m->topo.n : 1;
	fill_devices(m);
	return 0;
}

RESV_EXPORT int resv_machine_add_pci(struct resv_machine *m, uint16_t segment, uint8_t bus,
				     uint8_t dev, uint8_t fn, const uint8_t *config, size_t len)
{
	int rc;

	/* Room in m->devices first: a function must not be in topo without it.
	 * Doubling, and filled when read: adding n functions is not O(n^2). */
	if (m->topo.n + 1 > m->devices_cap) {
		size_t cap = m->devices_cap < 32 ? 64 : m->devices_cap * 2;
		struct resv_device *v = realloc(m->devices, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		m->devices = v;
		m->devices_cap = cap;
	}
	scope_cache_drop(m);
	rc = pci_topology_add(&m->topo, segment, bus, dev, fn, config, len);
	if (rc < 0)
		return rc;
	m->devices_stale = true;
	return pci_report_config(pci_find(&m->topo, segment, bus, dev, fn), m->diags,
				 "PCI config space");
}

/* A sysfs memmap attribute: "0x..." and a newline. */
static bool parse_hex_line(const char *s, uint64_t *out)
{
	char *end;

	if (strncmp(s, "0x", 2) != 0)
		return false;
	errno = 0;
	*out = strtoull(s + 2, &end, 16);
	return !errno && end != s + 2 && (*end == '\0' || strcmp(end, "\n") == 0);
}

/*
 * drivers/firmware/memmap.c: one directory per firmware e820 entry with
 * start, end (inclusive) and type ("Reserved" for E820_TYPE_RESERVED).
 */
static int load_memmap(struct resv_machine *m, const struct sysroot *sr)
{
	struct memmap_entry *v;
	char **names;
	size_t n, nv = 0;
	int rc = sysroot_list(sr, "sys/firmware/memmap", &names, &n);

	if (rc == -ENOMEM || rc == -ENOENT)
		return rc == -ENOENT ? 0 : rc;	/* ENOENT: no memory map, no check */
	if (rc < 0) {
		char where[PATH_MAX + 64];

		sysroot_display(sr, "sys/firmware/memmap", where, sizeof(where));
		return diags_add(m->diags, "MEMMAP_BAD_ENTRY", RESV_SEV_WARNING, where, 0, -1,
				 "%s: %s; no memory map read", where, sysroot_strerror(rc));
	}
	/* Built aside: a failed load keeps the map the machine had. */
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		sysroot_free_names(names, n);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && rc >= 0; i++) {
		static const char *const attrs[] = { "start", "end", "type" };
		char *text[3] = { 0 };
		char rel[PATH_MAX], where[PATH_MAX + 64];
		struct memmap_entry e = { 0 };
		size_t len;
		bool ok = true;

		for (size_t a = 0; a < 3 && ok; a++) {
			snprintf(rel, sizeof(rel), "sys/firmware/memmap/%s/%s", names[i], attrs[a]);
			rc = sysroot_read(sr, rel, &text[a], &len);
			ok = rc == 0;
		}
		if (rc == -ENOMEM)
			goto next;
		if (rc < 0) {	/* rel names the file that could not be read */
			sysroot_display(sr, rel, where, sizeof(where));
			rc = diags_add(m->diags, "MEMMAP_BAD_ENTRY", RESV_SEV_WARNING, where, 0, -1,
				       "%s: %s; entry ignored", where, sysroot_strerror(rc));
			goto next;
		}
		ok = ok && parse_hex_line(text[0], &e.start) && parse_hex_line(text[1], &e.end) &&
		     e.start <= e.end;
		if (ok) {
			e.reserved = strcmp(text[2], "Reserved\n") == 0 ||
				     strcmp(text[2], "Reserved") == 0;
			v[nv++] = e;
			rc = 0;
		} else {
			snprintf(rel, sizeof(rel), "sys/firmware/memmap/%s", names[i]);
			sysroot_display(sr, rel, where, sizeof(where));
			rc = diags_add(m->diags, "MEMMAP_BAD_ENTRY", RESV_SEV_WARNING, where, 0, -1,
				       "%s: start, end or type missing or malformed; entry ignored",
				       where);
		}
next:
		for (size_t a = 0; a < 3; a++)
			free(text[a]);
	}
	sysroot_free_names(names, n);
	if (rc < 0) {
		free(v);
		return rc;
	}
	free(m->memmap);
	m->memmap = v;
	m->nmemmap = nv;
	return 0;
}

RESV_EXPORT int resv_machine_load(struct resv_machine *m, const char *sysroot, unsigned int what)
{
	struct machine_mark mark = machine_mark(m);
	struct pci_dev *devs = NULL;	/* the PCI functions before the scan */
	size_t ndevs = m->topo.n;
	struct sysroot sr;
	int rc = sysroot_open(&sr, sysroot ? sysroot : "/");

	if (rc < 0)
		return rc;
	scope_cache_drop(m);
	for (size_t i = 0; i < ARRAY_SIZE(our_signatures) && (what & RESV_LOAD_TABLES); i++) {
		char rel[64], where[PATH_MAX + 64];
		char *buf;
		size_t len;

		snprintf(rel, sizeof(rel), "sys/firmware/acpi/tables/%s", our_signatures[i]);
		sysroot_display(&sr, rel, where, sizeof(where));
		rc = sysroot_read(&sr, rel, &buf, &len);
		if (rc == -ENOENT)
			continue;
		if (rc == -ENOMEM)
			goto out;
		if (rc < 0) {
			rc = diags_add(m->diags, "ACPI_TABLE_UNREADABLE", RESV_SEV_WARNING, where, 0,
				       -1, "%s: %s%s", where, sysroot_strerror(rc),
				       rc == -EACCES ? " (the tables are readable by root only)" : "");
			if (rc < 0)
				goto out;
			continue;
		}
		rc = add_table(m, (const uint8_t *)buf, len, where);
		free(buf);
		if (rc < 0)
			goto out;
	}
	/* The MADT, only for MSI isolation (resv_machine_msi_verdict). */
	if (what & RESV_LOAD_TABLES) {
		char where[PATH_MAX + 64];
		char *buf;
		size_t len;

		rc = sysroot_read(&sr, "sys/firmware/acpi/tables/APIC", &buf, &len);
		if (rc == -ENOMEM)
			goto out;
		if (rc == 0) {
			sysroot_display(&sr, "sys/firmware/acpi/tables/APIC", where, sizeof(where));
			rc = add_madt(m, (const uint8_t *)buf, len, where);
			free(buf);
			if (rc < 0)
				goto out;
		}
	}
	if (what & RESV_LOAD_CMDLINE) {
		char *buf;
		size_t len;

		rc = sysroot_read(&sr, "proc/cmdline", &buf, &len);
		if (rc == -ENOMEM)
			goto out;
		if (rc == 0) {
			size_t n = len < sizeof(m->cmdline) ? len : sizeof(m->cmdline) - 1;

			memcpy(m->cmdline, buf, n);
			m->cmdline[n] = 0;
			free(buf);
		}
		/* which kernel ran: which pcie_acs_override= patch it carries */
		rc = sysroot_read(&sr, "proc/sys/kernel/osrelease", &buf, &len);
		if (rc == -ENOMEM)
			goto out;
		if (rc == 0) {
			size_t n = strcspn(buf, "\n");

			n = n < len ? n : len;
			n = n < sizeof(m->release) ? n : sizeof(m->release) - 1;
			memcpy(m->release, buf, n);
			m->release[n] = 0;
			free(buf);
		}
	}
	/* The AML, only to know whether a PCI _DSM exists (preserve-config). */
	for (int i = 0; i <= 64 && (what & RESV_LOAD_TABLES); i++) {
		char rel[64], where[PATH_MAX + 64];
		char *buf;
		size_t len;

		if (i == 0)
			snprintf(rel, sizeof(rel), "sys/firmware/acpi/tables/DSDT");
		else
			snprintf(rel, sizeof(rel), "sys/firmware/acpi/tables/SSDT%d", i);
		rc = sysroot_read(&sr, rel, &buf, &len);
		if (rc == -ENOMEM)
			goto out;
		if (rc < 0)	/* absent or unreadable: the default stays the spec's */
			continue;
		sysroot_display(&sr, rel, where, sizeof(where));
		if (is_aml_table((const uint8_t *)buf, len))
			scan_aml(m, (const uint8_t *)buf, len, where);
		free(buf);
	}
	rc = 0;
	if (what & RESV_LOAD_PCI) {
		devs = malloc((ndevs ? ndevs : 1) * sizeof(*devs));
		if (!devs) {
			rc = -ENOMEM;
			goto out;
		}
		if (ndevs)
			memcpy(devs, m->topo.devs, ndevs * sizeof(*devs));
		rc = pci_topology_scan(&m->topo, &sr, m->diags,
				       (what & RESV_LOAD_PCI_IDENTITY) != 0);
		if (rc == 0)
			rc = refresh_devices(m);
		if (rc < 0)
			goto out;
	}
	rc = what & RESV_LOAD_MEMMAP ? load_memmap(m, &sr) : 0;
out:
	sysroot_close(&sr);
	if (rc < 0) {
		/* The topology only grew, and m->devices has room for the old one. */
		if (devs) {
			if (ndevs)
				memcpy(m->topo.devs, devs, ndevs * sizeof(*devs));
			m->topo.n = ndevs;
			pci_topology_reindex(&m->topo);
			fill_devices(m);
		}
		machine_rollback(m, &mark);
	}
	free(devs);
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------------------ */
/* Which devices an IOMMU translates                                        */

/* A DRHD that names @dev, a bridge above it, or covers its segment. */
static const struct dmar_entry *dmar_unit_for(const struct resv_machine *m,
					      const struct pci_dev *dev)
{
	const struct scope_cache *c = scope_cache(m);
	const struct dmar_entry *all = NULL;
	/* Only the DRHDs: a big host's RMRRs outnumber them a thousand to one. */
	size_t n = c ? c->ndrhds : m->dmar->nentries;

	/* dmar.c dmar_find_matched_drhd_unit: scoped units first, then INCLUDE_PCI_ALL. */
	for (size_t i = 0; i < n; i++) {
		const struct dmar_entry *e = &m->dmar->entries[c ? c->drhds[i] : i];

		if (e->type != DMAR_DRHD || e->segment != dev->segment)
			continue;
		if (e->flags & 1) {
			all = all ? all : e;
			continue;
		}
		for (size_t s = 0; s < e->nscopes; s++) {
			const struct pci_dev *t;

			t = scope_target(m, e, &e->scopes[s], NULL);
			if (t && (t == dev || pci_is_downstream(t, dev)))
				return e;
		}
	}
	return all;
}

static bool amd_driver_off(const struct ivrs *ivrs);

/* A device scope the kernel refuses (dmar.c dmar_insert_dev_scope). */
struct scope_refusal {
	const struct dmar_entry *entry;
	const struct dmar_scope *scope;
	const struct pci_dev *dev;
};

static const struct pci_dev *scope_dev(const struct resv_machine *m, const struct dmar_entry *e,
				       const struct dmar_scope *sc)
{
	if (sc->type != DMAR_SCOPE_ENDPOINT && sc->type != DMAR_SCOPE_BRIDGE)
		return NULL;
	return scope_target(m, e, sc, NULL);
}

/* Does a scope of @e before @sc name @dev? */
static bool named_before(const struct resv_machine *m, const struct dmar_entry *e,
			 const struct dmar_scope *sc, const struct pci_dev *dev)
{
	for (const struct dmar_scope *p = e->scopes; p < sc; p++)
		if (scope_dev(m, e, p) == dev)
			return true;
	return false;
}

/* Does @e take part in the kernel's scope walk for a device of its segment? */
static bool walked_kind(const struct resv_machine *m, const struct dmar_entry *e)
{
	switch (e->type) {
	case DMAR_DRHD:
	case DMAR_ATSR:
		return !(e->flags & 1);	/* INCLUDE_PCI_ALL / ALL_PORTS: no scopes walked */
	case DMAR_RMRR:
		return true;
	case DMAR_SATC:		/* dmar_iommu_notify_scope_dev walks SATCs from v5.12 */
		return m->kernel == 0 || m->kernel >= KERNEL(5, 12);
	default:
		return false;
	}
}

/*
 * Does the kernel reach scope @sc of @e when it adds the device @sc names?
 * dmar_pci_bus_add_dev walks the scoped DRHDs, newest-registered first
 * (list_add_rcu: reverse table order), and stops at the first scope that
 * names the device; then dmar_iommu_notify_scope_dev walks every RMRR, and
 * the ATSRs and SATCs (each list in reverse table order) until one names
 * it. Within an entry the first scope naming the device decides.
 */
static bool scope_reached(const struct resv_machine *m, const struct dmar_entry *e,
			  const struct dmar_scope *sc, const struct pci_dev *dev)
{
	if (named_before(m, e, sc, dev))
		return false;
	if (e->type == DMAR_RMRR)
		return true;
	for (const struct dmar_entry *o = e + 1; o < m->dmar->entries + m->dmar->nentries; o++) {
		if (o->type != e->type || o->segment != dev->segment || !walked_kind(m, o))
			continue;
		for (size_t s = 0; s < o->nscopes; s++)
			if (scope_dev(m, o, &o->scopes[s]) == dev)
				return false;
	}
	return true;
}

/*
 * The scopes the kernel refuses: a scope it reaches whose type does not
 * match the device it names ("DMAR: Device scope type does not match for
 * %s", -EINVAL). @fn is called for each (lint) or, with NULL, the first
 * one is returned. Return: 1 when there is one, 0, or what @fn returned.
 */
static int intel_scope_refusals(const struct resv_machine *m,
				int (*fn)(struct resv_machine *, const struct scope_refusal *),
				struct resv_machine *mm)
{
	if (!m->dmar)
		return 0;
	for (size_t i = 0; i < m->dmar->nentries; i++) {
		const struct dmar_entry *e = &m->dmar->entries[i];

		if (!walked_kind(m, e))
			continue;
		for (size_t s = 0; s < e->nscopes; s++) {
			const struct dmar_scope *sc = &e->scopes[s];
			const struct pci_dev *dev = scope_dev(m, e, sc);
			struct scope_refusal r = { e, sc, dev };
			int rc;

			if (!dev || !dmar_scope_type_mismatch(sc, dev) ||
			    !scope_reached(m, e, sc, dev))
				continue;
			if (!fn)
				return 1;
			rc = fn(mm, &r);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* intel_scope_refusals(m, NULL, NULL) > 0, once per machine when the cache holds. */
static bool intel_refuses(const struct resv_machine *m)
{
	struct scope_cache *c = unconst(scope_cache(m));
	bool refused;

	if (c && c->refused >= 0)
		return c->refused;
	refused = intel_scope_refusals(m, NULL, NULL) > 0;
	if (c)
		c->refused = refused;
	return refused;
}

static int assumed(const struct resv_machine *m, int k, const char **why);
static const struct viot_node *viot_iommu_for(const struct resv_machine *m,
					      const struct pci_dev *dev, uint32_t *epid);

/*
 * virtio-iommu on QEMU 7.2 and Linux 7.x (bench configurations
 * virtio-x86-alias, virtio-arm-alias): QEMU's virtio-iommu knows a device
 * behind a PCIe-to-PCI bridge only by the bridge's alias
 * (pci_device_iommu_address_space, hw/pci/pci.c), while the kernel's PROBE
 * request names the device's own ID first (viot.c fills the fwspec through
 * pci_for_each_dma_alias, own ID first; viommu_probe_endpoint), so the
 * probe of that endpoint fails. 6.12 leaves only those devices without a
 * group; 7.2.13 allocates groups for the devices before it, then releases
 * every one (iommu_device_register fails and unregisters), and every device
 * stays deferred. The version between where this changed is not known
 * here: taken as 7.0. Only for the QEMU machines of viommu-resv.
 */
/*
 * QEMU's virtio-iommu knows a device behind a PCI bridge only by the
 * bridge's DMA alias (hw/pci/pci.c pci_device_iommu_address_space), while
 * the kernel's PROBE request names the device's own endpoint ID first
 * (drivers/acpi/viot.c fills the fwspec through pci_for_each_dma_alias, own
 * ID first; virtio-iommu.c viommu_probe_endpoint): the PROBE fails. Only
 * QEMU's device is known to do this (the viommu-resv assumption says it is
 * QEMU's).
 */
static bool virtio_alias_refused(const struct resv_machine *m, const struct pci_dev *dev)
{
	struct pci_alias aliases[PCI_MAX_ALIASES];
	uint32_t epid;
	size_t n;

	if (m->iommu != RESV_IOMMU_VIRTIO || assumed(m, RESV_ASSUME_VIOMMU_RESV, NULL) > 2 ||
	    !viot_iommu_for(m, dev, &epid))
		return false;
	n = pci_dma_aliases(&m->topo, dev, aliases);
	return n > 1 && aliases[n - 1].rid != aliases[0].rid;
}

/* From 7.x one failed PROBE fails the IOMMU's whole registration. */
static bool virtio_probe_aborts(const struct resv_machine *m)
{
	if (m->iommu != RESV_IOMMU_VIRTIO || (m->kernel && m->kernel < KERNEL(7, 0)))
		return false;
	for (size_t i = 0; i < m->topo.n; i++)
		if (virtio_alias_refused(m, &m->topo.devs[i]))
			return true;
	return false;
}

RESV_EXPORT const char *resv_machine_iommu_off(const struct resv_machine *m)
{
	switch (m->iommu) {
	case RESV_IOMMU_VIRTIO:
		if (virtio_probe_aborts(m))
			return "the virtio-iommu registers no device: QEMU's virtio-iommu fails the "
			       "PROBE of a device behind a PCI bridge (it knows it only by the "
			       "bridge's DMA alias), and from Linux 7.x (seen on 7.2, not on 6.12) "
			       "one failed endpoint makes the IOMMU's registration fail, so no "
			       "device gets a group";
		return NULL;
	case RESV_IOMMU_INTEL:
		/* dmar_pci_bus_add_dev records the error in dmar_dev_scope_status;
		 * dmar_dev_scope_init returns it and intel_iommu_init gives up
		 * (goto out_free_dmar), the same in v5.10, v6.1, v6.12 and v7.x. */
		if (intel_refuses(m))
			return "the Intel VT-d driver does not start: a DMAR device scope's type does "
			       "not match the device it names, so dmar_dev_scope_init() fails and "
			       "intel_iommu_init() gives up (DMAR_SCOPE_TYPE_MISMATCH)";
		return NULL;
	case RESV_IOMMU_AMD:
		if (amd_driver_off(m->ivrs))
			return "the AMD-Vi driver does not start: the IVHD type it picks "
			       "(get_highest_supported_ivhd_type) is not 0x10, 0x11 or 0x40, so "
			       "\"AMD-Vi: Unsupported IVHD type\" and early_amd_iommu_init() fails "
			       "(IVRS_IVHD_TYPE_UNSUPPORTED)";
		return NULL;
	default:
		return NULL;
	}
}

/*
 * amd/init.c get_highest_supported_ivhd_type (v4.7 "Use the most
 * comprehensive IVHD type" to v7.x): from the first subtable after the
 * header, while the type is at most 0x40 (and, in later kernels, the length
 * is not 0), the type of the last subtable whose device-ID field (bytes
 * 4-5) equals the first subtable's. IVMDs (0x20-0x22) and unknown types up
 * to 0x40 are walked as if they were IVHDs, so an IVMD naming the IOMMU's
 * own ID sets the type. Return: the index in ivrs->heads of the subtable
 * that set it, or -1 when there is none.
 */
static long ivhd_type_head(const struct ivrs *ivrs)
{
	long last = ivrs->nheads ? 0 : -1;	/* the first subtable's type, whatever it is */

	for (size_t i = 0; i < ivrs->nheads; i++) {
		if (ivrs->heads[i].type > IVRS_IVHD_40)
			break;
		if (ivrs->heads[i].devid == ivrs->heads[0].devid)
			last = (long)i;
	}
	return last;
}

static uint8_t ivhd_type_used(const struct ivrs *ivrs)
{
	long i = ivhd_type_head(ivrs);

	return i < 0 ? 0 : ivrs->heads[i].type;
}

/*
 * Only 0x10, 0x11 and 0x40 have a header size (get_ivhd_header_size); for
 * any other type find_last_devid_from_ivhd logs "Unsupported IVHD type
 * %#x" and early_amd_iommu_init fails (v5.10 through find_last_devid_acpi;
 * v6.0+ through init_iommu_all -> alloc_pci_segment): AMD-Vi stays off.
 */
static bool amd_driver_off(const struct ivrs *ivrs)
{
	uint8_t type = ivhd_type_used(ivrs);

	return ivrs->nheads && type != IVRS_IVHD_10 && type != IVRS_IVHD_11 &&
	       type != IVRS_IVHD_40;
}

/*
 * Does IVHD @b list device ID @devid (amd/init.c init_iommu_from_acpi):
 * all, select (plain, alias, extended), or a range start (plain, alias,
 * extended) closed by the next range end.
 */
static bool ivhd_covers(const struct ivrs_block *b, uint16_t devid)
{
	bool in_range = false;
	uint16_t range_start = 0;

	for (size_t i = 0; i < b->nentries; i++) {
		const struct ivrs_device_entry *e = &b->entries[i];

		switch (e->type) {
		case IVHD_DEV_ALL:
			return true;
		case IVHD_DEV_SELECT:
		case IVHD_DEV_ALIAS_SELECT:
		case IVHD_DEV_EXT_SELECT:
			if (e->devid == devid)
				return true;
			break;
		case IVHD_DEV_RANGE_START:
		case IVHD_DEV_ALIAS_RANGE:
		case IVHD_DEV_EXT_RANGE:
			in_range = true;
			range_start = e->devid;
			break;
		case IVHD_DEV_RANGE_END:
			if (in_range && devid >= range_start && devid <= e->devid)
				return true;
			in_range = false;
			break;
		}
	}
	return false;
}

static const struct ivrs_block *ivhd_for(const struct ivrs *ivrs, uint16_t segment,
					 uint16_t devid)
{
	uint8_t type = ivhd_type_used(ivrs);

	for (size_t i = 0; i < ivrs->nblocks; i++) {
		const struct ivrs_block *b = &ivrs->blocks[i];

		if (b->type == type && b->segment == segment && ivhd_covers(b, devid))
			return b;
	}
	return NULL;
}

/*
 * amd/init.c amd_iommu_ht_range_ignore: EFR2 bit 11 (HTRangeIgnore), in the
 * mask common to every IOMMU; the early EFR2 is the IVHD 0x11/0x40 image
 * (early_iommu_features_init). IVHD 0x10 has no EFR2.
 */
static bool amd_ht_range_ignore(const struct ivrs *ivrs)
{
	uint8_t type = ivhd_type_used(ivrs);
	bool any = false;

	if (type == IVRS_IVHD_10)
		return false;
	for (size_t i = 0; i < ivrs->nblocks; i++) {
		if (ivrs->blocks[i].type != type)
			continue;
		if (!(ivrs->blocks[i].efr2 & (1ull << 11)))
			return false;
		any = true;
	}
	return any;
}

RESV_EXPORT int resv_machine_amd_efr(const struct resv_machine *m, uint64_t *efr)
{
	uint8_t type;
	bool first = true;

	if (!m->ivrs || amd_driver_off(m->ivrs))
		return -ENODATA;
	type = ivhd_type_used(m->ivrs);
	*efr = 0;
	if (type == IVRS_IVHD_10)
		return 0;
	for (size_t i = 0; i < m->ivrs->nblocks; i++) {
		if (m->ivrs->blocks[i].type != type)
			continue;
		*efr = first ? m->ivrs->blocks[i].efr : *efr & m->ivrs->blocks[i].efr;
		first = false;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Assumptions: what the kernel learns at run time, which no table holds    */

struct assumption {
	const char *key;
	const char *values[5];	/* NULL-terminated */
};

static const struct assumption assumptions[RESV_ASSUME_COUNT] = {
	[RESV_ASSUME_PRESERVE_CONFIG] = { "preserve-config", { "yes", "no", NULL } },
	[RESV_ASSUME_VIOMMU_RESV] = { "viommu-resv",
				      { "qemu-x86", "qemu-virt-gicv2m", "qemu-virt-its", "none",
					NULL } },
};

static const char *const assumption_keys[RESV_ASSUME_COUNT + 1] = {
	"preserve-config", "viommu-resv", NULL,
};

RESV_EXPORT const char *const *resv_assumption_keys(void)
{
	return assumption_keys;
}

static int assumption_index(const char *key)
{
	for (int i = 0; key && i < RESV_ASSUME_COUNT; i++)
		if (strcmp(assumptions[i].key, key) == 0)
			return i;
	return -1;
}

RESV_EXPORT const char *const *resv_assumption_values(const char *key)
{
	int k = assumption_index(key);

	return k < 0 ? NULL : assumptions[k].values;
}

RESV_EXPORT int resv_machine_assume(struct resv_machine *m, const char *key, const char *value)
{
	int k = assumption_index(key);

	if (k < 0 || !value)
		return -EINVAL;
	scope_cache_drop(m);
	if (!*value) {	/* back to the default */
		m->assumed[k] = -1;
		return 0;
	}
	for (int v = 0; assumptions[k].values[v]; v++) {
		if (strcmp(assumptions[k].values[v], value) == 0) {
			m->assumed[k] = (int8_t)v;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * What QEMU's virtio-iommu-pci reports in its PROBE replies depends on the
 * machine, which the host bridge names: Q35 (8086:29c0) and i440FX
 * (8086:1237) are hw/i386/pc.c, the generic PCIe host (1b36:0008) is arm
 * virt (hw/arm/virt.c; GICv2, and so GICv2m, unless gic-version=3).
 */
static int viommu_default(const struct resv_machine *m, const char **why)
{
	const struct pci_dev *hb = pci_find(&m->topo, 0, 0, 0, 0);

	if (hb && hb->vendor == 0x8086 && (hb->device == 0x29c0 || hb->device == 0x1237)) {
		*why = "default: the host bridge 0000:00:00.0 is QEMU's Q35 or i440FX, whose "
		       "virtio-iommu reports the x86 MSI window [0xfee00000-0xfeefffff] as "
		       "RESV_MEM MSI (hw/i386/pc.c pc_machine_device_pre_plug_cb); the PROBE "
		       "reply is not in any table";
		return 0;
	}
	if (hb && hb->vendor == 0x1b36 && hb->device == 0x0008) {
		*why = "default: the host bridge 0000:00:00.0 is QEMU's generic PCIe host, the arm "
		       "virt machine, whose virtio-iommu reports the GICv2m doorbell frame "
		       "[0x8020000-0x8020fff] as RESV_MEM MSI (hw/arm/virt.c "
		       "virt_machine_device_pre_plug_cb; GICv2 is virt's default); the PROBE reply "
		       "is not in any table";
		return 1;
	}
	*why = "default: not a QEMU machine this knows, so no reserved region is assumed in the "
	       "PROBE replies, and the kernel adds its software MSI window";
	return 3;
}

/* The value index in force for assumption @k. */
static int assumed(const struct resv_machine *m, int k, const char **why)
{
	const char *dummy;

	why = why ? why : &dummy;
	if (m->assumed[k] >= 0) {
		*why = "given";
		return m->assumed[k];
	}
	if (k == RESV_ASSUME_VIOMMU_RESV)
		return viommu_default(m, why);
	if (m->aml_read && !m->pci_dsm_seen) {
		*why = "default: the DSDT and SSDTs read hold no PCI _DSM (no ToUUID "
		       "E5C937D0-3553-4D7A-9117-EA4D19C3434D), so no host bridge answers function 5 "
		       "and Linux leaves preserve_config off (pci_root.c acpi_pci_root_create, "
		       "pci-acpi.c pci_acpi_preserve_config)";
		return 1;
	}
	if (m->pci_dsm_seen) {
		*why = m->pci_dsm_why;
		return m->pci_dsm_state == 2 ? 1 : 0;
	}
	*why = "default: DEN0049 E.d section 3.1.1.5 requires firmware whose RMRs name PCI devices to "
	       "give the host bridge a _DSM function 5 that returns 0 (preserve the boot "
	       "configuration), and QEMU's arm virt machine does (hw/pci-host/gpex-acpi.c); the "
	       "AML is not evaluated here";
	return 0;
}

RESV_EXPORT const char *resv_machine_assumption(const struct resv_machine *m, const char *key,
						const char **why)
{
	int k = assumption_index(key);

	return k < 0 ? NULL : assumptions[k].values[assumed(m, k, why)];
}

/*
 * arm-smmu-v3 keeps every master's stream IDs in one tree per SMMU
 * (arm_smmu_insert_master, since "iommu/arm-smmu-v3: Maintain a SID->device
 * structure" cdf315f907d4, v5.13). A device whose stream ID is already there is refused:
 * dev_warn "stream %u already in tree" and -EINVAL up to v6.14; "Aliasing
 * StreamID 0x%x (from %s) unsupported, expect DMA to be broken" and -ENODEV
 * from v6.15 ("Fail aliasing StreamIDs more gracefully", also in the 6.1,
 * 6.6 and 6.12 stable kernels). The probe fails and the device gets no
 * group. One device's own duplicates (a function at devfn 0 behind a
 * PCIe-to-PCI bridge is its own alias) are skipped since "Fix
 * iommu_device_probe bug due to duplicated stream ids" (v6.15 and the same
 * stable kernels), which this follows. SMMUv1/v2 share one stream match
 * entry between such devices (arm-smmu.c arm_smmu_find_sme), and before the
 * tree both probe.
 *
 * Devices probe in PCI order here: the kernel probes at driver bind (ACPI:
 * acpi_dma_configure), in bus scan order for drivers present at boot.
 * Return: 1 with *@winner and *@sid when @dev is refused; 0; -ENOMEM.
 */
static int arm_refused(const struct resv_machine *m, const struct pci_dev *dev,
		       const struct arm_streams *s, const struct pci_dev **winner, uint32_t *sid)
{
	struct taken { uint32_t sid; const struct pci_dev *owner; } *v;
	size_t n = 0, at = (size_t)(dev - m->topo.devs);
	int rc = 0;

	if (s->smmu->type != IORT_SMMU_V3 || (m->kernel && m->kernel < KERNEL(5, 13)))
		return 0;
	v = malloc((at ? at : 1) * PCI_MAX_ALIASES * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i <= at && !rc; i++) {
		const struct pci_dev *e = &m->topo.devs[i];
		struct arm_streams es;
		size_t first = n;
		bool refused = false;

		if (i < at && (arm_streams(m->iort, &m->topo, e, &es) != 0 || es.smmu != s->smmu))
			continue;
		if (i == at)
			es = *s;
		for (size_t k = 0; k < es.n && !refused; k++)
			for (size_t j = 0; j < first && !refused; j++)
				if (v[j].sid == es.sid[k]) {
					refused = true;
					if (i == at) {
						*winner = v[j].owner;
						*sid = es.sid[k];
						rc = 1;
					}
				}
		for (size_t k = 0; i < at && !refused && k < es.n; k++)
			v[n++] = (struct taken){ es.sid[k], e };
	}
	free(v);
	return rc;
}

RESV_EXPORT int resv_machine_no_group_reason(const struct resv_machine *m, const char *device,
					     char *buf, size_t size)
{
	const struct pci_dev *dev = pci_find_name(&m->topo, device), *winner = NULL;
	struct arm_streams s;
	uint32_t sid = 0;
	int rc;

	if (!dev)
		return -ENOENT;
	if (m->iommu == RESV_IOMMU_AMD && m->ivrs) {
		uint16_t devid = (uint16_t)(dev->bus << 8 | dev->dev << 3 | dev->fn);
		const struct ivrs_block *b = ivhd_for(m->ivrs, dev->segment, devid);

		if (!b || b->devid != devid)
			return 0;
		snprintf(buf, size, "it is the AMD IOMMU's own PCI function (the IVHD's device ID "
			 "0x%04x): the driver keeps it for itself (amd/init.c iommu_init_pci) and it "
			 "gets no IOMMU group; the kernel bench saw this on 5.10, 6.1, 6.12 and 7.2",
			 devid);
		return 1;
	}
	if (virtio_alias_refused(m, dev)) {
		snprintf(buf, size, "QEMU's virtio-iommu knows it only by the DMA alias of the PCI "
			 "bridge above it, so the PROBE request the kernel sends for its own ID "
			 "fails (virtio-iommu.c viommu_probe_endpoint) and it gets no IOMMU group "
			 "(seen on 6.12; from 7.x no device gets one); another virtio-iommu may "
			 "answer (--assume viommu-resv=none)");
		return 1;
	}
	if (!m->iort || arm_streams(m->iort, &m->topo, dev, &s) != 0)
		return 0;
	rc = arm_refused(m, dev, &s, &winner, &sid);
	if (rc <= 0)
		return rc;
	const struct pci_dev *via = NULL;

	for (size_t k = 0; k < s.n; k++)
		if (s.sid[k] == sid && s.via[k])
			via = s.via[k];
	snprintf(buf, size,
		 "its stream ID 0x%x (%u)%s%s is also %s's, which probes first (PCI order); "
		 "arm-smmu-v3 refuses a second device with a stream ID already in its tree "
		 "(arm_smmu_insert_master: \"stream %u already in tree\" up to v6.14, "
		 "\"Aliasing StreamID 0x%x (from %s) unsupported\" from v6.15), so its probe "
		 "fails and it gets no IOMMU group", sid, sid,
		 via ? ", the DMA alias of the PCIe-to-PCI bridge " : "", via ? via->name : "",
		 winner->name, sid, sid, winner->name);
	return 1;
}

/* Return: 0; 1 no SMMU for it; 2 refused by the driver; -ENOMEM. */
static int predict_arm_device(const struct resv_machine *m, const struct pci_dev *dev,
			      struct resv_list *out, bool *rmr_named)
{
	const struct pci_dev *winner;
	struct arm_streams s;
	uint32_t sid;
	int rc;

	if (!m->iort || arm_streams(m->iort, &m->topo, dev, &s) != 0)
		return 1;
	rc = arm_refused(m, dev, &s, &winner, &sid);
	if (rc != 0)
		return rc < 0 ? rc : 2;
	return predict_arm(out, m->iort, &s, dev,
			   assumed(m, RESV_ASSUME_PRESERVE_CONFIG, NULL) == 0, m->kernel,
			   m->page_size, rmr_named);
}

/*
 * The virtio-iommu node that translates @dev, and its endpoint ID: viot.c
 * viot_iommu_configure walks the DMA aliases (pci_for_each_dma_alias) and
 * each must be in a PCI range node (-ENODEV stops the walk otherwise); the
 * first gives the endpoint. The virtio-iommu itself is not translated
 * (viot_dev_iommu_init: "We're not translating ourself"). The VIOT driver
 * came in v5.14 ("ACPI: Add driver for the VIOT table").
 */
static const struct viot_node *viot_iommu_for(const struct resv_machine *m,
					      const struct pci_dev *dev, uint32_t *epid)
{
	struct pci_alias aliases[PCI_MAX_ALIASES];
	size_t n = pci_dma_aliases(&m->topo, dev, aliases);
	const struct viot_node *iommu = NULL;

	if (!m->viot || (m->kernel && m->kernel < KERNEL(5, 14)))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		uint32_t id;
		const struct viot_node *r = viot_pci_range(m->viot, dev->segment, aliases[i].rid, &id);

		if (!r)
			return NULL;
		if (i == 0) {
			iommu = viot_node_at(m->viot, r->output_node);
			*epid = id;
		}
	}
	if (iommu && iommu->type == VIOT_VIRTIO_IOMMU_PCI && iommu->segment == dev->segment &&
	    iommu->bdf == (dev->bus << 8 | dev->dev << 3 | dev->fn))
		return NULL;
	/*
	 * viot_get_pci_iommu_fwnode: a virtio-iommu-pci node naming no PCI
	 * function ("Could not find PCI IOMMU") leaves its ranges without an
	 * IOMMU ("No IOMMU node found").
	 */
	if (iommu && iommu->type == VIOT_VIRTIO_IOMMU_PCI &&
	    !pci_find(&m->topo, iommu->segment, iommu->bdf >> 8, iommu->bdf >> 3 & 31,
		      iommu->bdf & 7))
		return NULL;
	return iommu;
}

static int predict_virtio_device(const struct resv_machine *m, const struct pci_dev *dev,
				 struct resv_list *out)
{
	const struct viot_node *iommu;
	uint32_t epid = 0;

	iommu = viot_iommu_for(m, dev, &epid);
	if (!iommu || virtio_alias_refused(m, dev))	/* before 7.x: this device alone */
		return 1;
	return predict_virtio(out, iommu, epid, dev,
			      (enum viommu_resv)assumed(m, RESV_ASSUME_VIOMMU_RESV, NULL));
}

/* acpi_iommu_configure_id: the IORT's SMMUs first, then the VIOT. */
static int predict_device(const struct resv_machine *m, const struct pci_dev *dev,
			  struct resv_list *out, bool *rmr_named)
{
	int rc = predict_arm_device(m, dev, out, rmr_named);

	if (rc == 1 && m->viot)
		rc = predict_virtio_device(m, dev, out);
	return rc == 2 ? 1 : rc;
}

RESV_EXPORT int resv_machine_assumption_matters(const struct resv_machine *m, const char *device,
						const char *key)
{
	const struct pci_dev *dev = pci_find_name(&m->topo, device);
	int k = assumption_index(key);
	struct resv_list *l;
	bool named = false;
	int rc;

	if (!dev)
		return -ENOENT;
	if (k < 0)
		return -EINVAL;
	if (k == RESV_ASSUME_PRESERVE_CONFIG) {
		if (!m->iort)
			return 0;
		rc = resv_list_new(&l);
		if (rc < 0)
			return rc;
		rc = predict_arm_device(m, dev, l, &named);
		resv_list_free(l);
		return rc < 0 ? rc : rc == 0 && named;
	}
	/* viommu-resv: every device a virtio-iommu translates. */
	uint32_t epid;

	if (!m->viot || (m->iort && arm_streams(m->iort, &m->topo, dev,
						&(struct arm_streams){ 0 }) == 0))
		return 0;
	return viot_iommu_for(m, dev, &epid) != NULL;
}

/* ------------------------------------------------------------------------ */
/* Prediction                                                               */

/*
 * predict_intel() with the scopes resolved once: the RMRR scopes naming
 * @dev itself (a binary search in refs) and those naming a bridge above it,
 * merged back into table order.
 */
static int intel_predict(const struct resv_machine *m, const struct pci_dev *dev,
			 bool floppy_wa, struct resv_list *out)
{
	const struct scope_cache *c = scope_cache(m);
	size_t idx, lo = 0, hi, i, j;
	int rc;

	if (!c)
		return predict_intel(out, m->dmar, &m->topo, dev, floppy_wa);
	idx = (size_t)(dev - m->topo.devs);
	hi = c->nrefs;
	while (lo < hi) {	/* the first ref of dev */
		size_t mid = lo + (hi - lo) / 2;

		if (c->refs[mid].dev < idx)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (hi = lo; hi < c->nrefs && c->refs[hi].dev == idx; hi++)
		;
	for (i = lo, j = 0; i < hi || j < c->nbridges;) {
		struct rmrr_hit h;
		size_t k;

		if (j < c->nbridges && (c->target[c->bridges[j]] == dev ||
					!pci_is_downstream(c->target[c->bridges[j]], dev))) {
			j++;	/* itself: among its own refs; or not above it */
			continue;
		}
		if (i < hi && (j == c->nbridges || c->refs[i].flat < c->bridges[j]))
			k = c->refs[i++].flat;
		else
			k = c->bridges[j++];
		h = (struct rmrr_hit){ &m->dmar->entries[c->entry[k]], c->target[k],
				       (enum dmar_match)c->how[k] };
		rc = predict_intel_rmrr(out, dev, &h);
		if (rc < 0)
			return rc;
	}
	return predict_intel_rest(out, dev, floppy_wa);
}

RESV_EXPORT int resv_machine_predict(const struct resv_machine *m, const char *device,
				     unsigned int flags, struct resv_list *out)
{
	const struct pci_dev *dev = pci_find_name(&m->topo, device);
	struct list_mark mark = list_mark(out);
	int rc;

	if (!dev)
		return -ENOENT;
	rc = scope_cache_need(m);
	if (rc < 0)
		return rc;
	if (resv_machine_iommu_off(m))
		return 1;	/* the driver does not start: no device is behind it */
	switch (m->iommu) {
	case RESV_IOMMU_INTEL:
		if (!dmar_unit_for(m, dev))
			return 1;
		rc = intel_predict(m, dev, !(flags & RESV_PREDICT_NO_FLOPPY_WA), out);
		break;
	case RESV_IOMMU_AMD: {
		uint16_t devid = (uint16_t)(dev->bus << 8 | dev->dev << 3 | dev->fn);
		const struct ivrs_block *b = ivhd_for(m->ivrs, dev->segment, devid);

		if (!b || b->devid == devid)
			return 1;	/* the IOMMU's own function: no group (amd_own_function) */
		rc = predict_amd(out, m->ivrs, dev, amd_ht_range_ignore(m->ivrs), m->kernel);
		break;
	}
	case RESV_IOMMU_ARM:
	case RESV_IOMMU_VIRTIO:
		rc = predict_device(m, dev, out, NULL);
		break;
	default:
		return -ENODATA;
	}
	if (rc < 0)
		list_rollback(out, &mark);	/* the regions added before the failure */
	return rc;
}

RESV_EXPORT const char *resv_machine_relax_rule(const struct resv_machine *m, const char *device)
{
	const struct pci_dev *dev = pci_find_name(&m->topo, device);

	if (!dev)
		return NULL;
	switch (m->iommu) {
	case RESV_IOMMU_INTEL:
		if (dev->class >> 8 == 0x0c03)
			return "its RMRRs are direct-relaxable: it is a USB controller (class 0x0c03), "
			       "whose RMRR serves only legacy USB emulation until the OS driver takes "
			       "over (intel/iommu.c device_rmrr_is_relaxable)";
		if (dev->class >> 16 == 0x03)
			return "its RMRRs are direct-relaxable: it is a display controller (class "
			       "0x03), whose RMRR serves only the firmware framebuffer "
			       "(intel/iommu.c device_rmrr_is_relaxable)";
		return "its RMRRs are direct, not relaxable: only USB controllers (class 0x0c03) and "
		       "display controllers (class 0x03) get direct-relaxable "
		       "(intel/iommu.c device_rmrr_is_relaxable)";
	case RESV_IOMMU_AMD:
		return "its IVMD ranges are direct, never relaxable: the AMD-Vi driver has no "
		       "relaxable type (amd/iommu.c amd_iommu_get_resv_regions)";
	case RESV_IOMMU_VIRTIO:
		return "a virtio-iommu reports no direct regions: only reserved and MSI regions from "
		       "its PROBE replies (virtio-iommu.c viommu_add_resv_mem)";
	case RESV_IOMMU_ARM:
		return "an RMR is direct-relaxable only when its node sets flag bit 0, remapping "
		       "permitted (DEN0049 E.d; iort.c iort_get_rmrs)";
	default:
		return "no firmware table describes an IOMMU";
	}
}

/* ------------------------------------------------------------------------ */
/* Checks across tables, topology and memory map                            */

static const char *dmar_entry_name(enum dmar_type type)
{
	static const char *const names[DMAR_NTYPES] = {
		[DMAR_DRHD] = "DRHD", [DMAR_RMRR] = "RMRR", [DMAR_ATSR] = "ATSR",
		[DMAR_SATC] = "SATC", [DMAR_SIDP] = "SIDP",
	};

	return (unsigned int)type < DMAR_NTYPES && names[type] ? names[type] : "subtable";
}

static int lint_refusal(struct resv_machine *m, const struct scope_refusal *r)
{
	const struct pci_dev *d = r->dev;

	return diags_add(m->diags, "DMAR_SCOPE_TYPE_MISMATCH", RESV_SEV_ERROR,
			 table_file(m, "DMAR"), r->scope->offset, -1,
			 "%s #%u scope at offset 0x%zx: %s scope names %s, %s (header type %u, "
			 "class 0x%06x): the kernel logs \"DMAR: Device scope type does not match "
			 "for %s\", dmar_dev_scope_init() fails and the Intel VT-d driver does not "
			 "start: no IOMMU groups (dmar.c dmar_insert_dev_scope, intel_iommu_init)",
			 dmar_entry_name(r->entry->type), r->entry->index, r->scope->offset,
			 r->scope->type == DMAR_SCOPE_ENDPOINT ? "an endpoint" : "a bridge", d->name,
			 d->header_type == 1 ? "a PCI-to-PCI bridge" :
			 d->header_type == 2 ? "a CardBus bridge" :
			 d->header_type == 0 ? "not a bridge" : "an unknown header type",
			 d->header_type, d->class, d->name);
}

static int lint_scopes(struct resv_machine *m)
{
	const char *where = table_file(m, "DMAR");
	size_t first = resv_diags_count(m->diags);
	char why[160];
	int rc = 0;

	for (size_t i = 0; i < m->dmar->nentries && rc >= 0; i++) {
		const struct dmar_entry *e = &m->dmar->entries[i];
		const char *name = dmar_entry_name(e->type);

		for (size_t s = 0; s < e->nscopes && rc >= 0; s++) {
			const struct dmar_scope *sc = &e->scopes[s];
			const struct pci_dev *d;
			enum dmar_match how;

			if (sc->type != DMAR_SCOPE_ENDPOINT && sc->type != DMAR_SCOPE_BRIDGE)
				continue;
			d = dmar_scope_target(&m->topo, e->segment, sc, &how, why, sizeof(why));
			if (how == DMAR_MATCH_FALLBACK) {
				rc = diags_add(m->diags, "DMAR_SCOPE_FALLBACK", RESV_SEV_WARNING, where,
					       sc->offset, -1,
					       "%s #%u scope at offset 0x%zx: start bus %02x is not a "
					       "root bus; the kernel matches this one-element path to %s "
					       "by the device's own bus, and logs \"[Firmware Bug]: RMRR "
					       "entry for device %02x:%02x.%x is broken - applying "
					       "workaround\" (dmar.c dmar_match_pci_path)", name, e->index,
					       sc->offset, sc->start_bus, d->name, sc->start_bus,
					       sc->path[0].device, sc->path[0].function);
				continue;
			}
			if (d)
				continue;
			if (sc->npath && !pci_is_root_bus(&m->topo, e->segment, sc->start_bus)) {
				rc = diags_add(m->diags, "DMAR_SCOPE_NOT_ROOT_BUS", RESV_SEV_WARNING,
					       where, sc->offset, -1,
					       "%s #%u scope at offset 0x%zx: %s; it names no device "
					       "(dmar.c dmar_match_pci_path)%s", name, e->index,
					       sc->offset, why,
					       e->type == DMAR_RMRR ? ", so its region goes to none" : "");
				continue;
			}
			/* An RMRR for a device that is not there maps nothing; a unit's scope may
			 * name an empty slot or a disabled device. */
			rc = diags_add(m->diags, "DMAR_SCOPE_ABSENT",
				       e->type == DMAR_RMRR ? RESV_SEV_WARNING : RESV_SEV_INFO, where,
				       sc->offset, -1, "%s #%u scope: %s", name, e->index, why);
		}
	}
	if (rc >= 0)
		rc = intel_scope_refusals(m, lint_refusal, m);
	diags_mark_table(m->diags, first, "DMAR");
	return rc;
}

static int cmp_range(const void *a, const void *b)
{
	const struct resv_range *x = a, *y = b;

	return (x->start > y->start) - (x->start < y->start);
}

/*
 * x86 arch_rmrr_sanity_check: an RMRR must lie in e820 reserved memory
 * (e820__mapped_all(base, end + 1, E820_TYPE_RESERVED); adjacent entries
 * join). The kernel warns, taints, and uses the RMRR anyway.
 */
static int lint_rmrr_memmap(struct resv_machine *m)
{
	struct resv_range *v = calloc(m->nmemmap, sizeof(*v));
	const char *where = table_file(m, "DMAR");
	size_t n = 0, first = resv_diags_count(m->diags);
	int rc = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < m->nmemmap; i++)
		if (m->memmap[i].reserved)
			v[n++] = (struct resv_range){ m->memmap[i].start, m->memmap[i].end };
	qsort(v, n, sizeof(*v), cmp_range);
	for (size_t i = 0; i < m->dmar->nentries && rc >= 0; i++) {
		const struct dmar_entry *e = &m->dmar->entries[i];
		uint64_t at = e->address;
		bool covered = false;

		if (e->type != DMAR_RMRR || e->end < e->address)
			continue;
		for (size_t k = 0; k < n && !covered; k++) {
			if (v[k].start > at)
				break;
			if (v[k].last >= at) {
				if (v[k].last >= e->end)
					covered = true;
				else
					at = v[k].last + 1;
			}
		}
		if (!covered)
			rc = diags_add(m->diags, "DMAR_RMRR_NOT_RESERVED", RESV_SEV_WARNING, where,
				       e->offset, -1,
				       "RMRR #%u [0x%llx-0x%llx] is not inside e820 reserved memory "
				       "(0x%llx is not); the kernel warns and maps it anyway",
				       e->index, (unsigned long long)e->address,
				       (unsigned long long)e->end, (unsigned long long)at);
	}
	free(v);
	diags_mark_table(m->diags, first, "DMAR");
	return rc;
}

static int lint_ivmd_devices(struct resv_machine *m)
{
	const char *where = table_file(m, "IVRS");
	size_t first = resv_diags_count(m->diags);
	bool by_segment = m->kernel == 0 || m->kernel >= KERNEL(6, 0);
	long head = ivhd_type_head(m->ivrs);
	int rc = 0;

	if (amd_driver_off(m->ivrs)) {
		const struct ivrs_head *h = &m->ivrs->heads[head];

		if (head == 0)
			rc = diags_add(m->diags, "IVRS_IVHD_TYPE_UNSUPPORTED", RESV_SEV_ERROR, where,
				       h->offset, -1,
				       "the first subtable, at offset 0x%zx, has type 0x%02x, which the "
				       "kernel takes as the IVHD type to use (amd/init.c "
				       "get_highest_supported_ivhd_type starts from the first "
				       "subtable); it logs \"AMD-Vi: Unsupported IVHD type %#x\" and "
				       "AMD-Vi does not start: no IOMMU groups", h->offset, h->type,
				       h->type);
		else
			rc = diags_add(m->diags, "IVRS_IVHD_TYPE_UNSUPPORTED", RESV_SEV_ERROR, where,
				       h->offset, -1,
				       "the subtable at offset 0x%zx (type 0x%02x) has the device ID "
				       "%02x:%02x.%u of the first IVHD, so the kernel takes its type as "
				       "the IVHD type to use (amd/init.c get_highest_supported_ivhd_type "
				       "walks every subtable of type 0x40 or below as an IVHD); it logs "
				       "\"AMD-Vi: Unsupported IVHD type %#x\" and AMD-Vi does not start: "
				       "no IOMMU groups", h->offset, h->type, h->devid >> 8,
				       h->devid >> 3 & 31, h->devid & 7, h->type);
	}
	for (size_t i = 0; i < m->ivrs->nblocks && rc >= 0; i++) {
		const struct ivrs_block *b = &m->ivrs->blocks[i];
		uint32_t last;
		bool known = false;

		if (b->type != IVRS_IVMD_ONE && b->type != IVRS_IVMD_RANGE)
			continue;
		last = b->type == IVRS_IVMD_RANGE ? b->aux : b->devid;
		if (last < b->devid) {
			rc = diags_add(m->diags, "IVRS_IVMD_REVERSED_RANGE", RESV_SEV_WARNING, where,
				       b->offset, -1,
				       "IVMD type 0x22 at offset 0x%zx: its last device ID %02x:%02x.%u is "
				       "below its first %02x:%02x.%u; the kernel keeps the range as given "
				       "and no device ID lies in it, so its region goes to no device "
				       "(amd/init.c init_unity_map_range, amd/iommu.c "
				       "amd_iommu_get_resv_regions)", b->offset, b->aux >> 8,
				       b->aux >> 3 & 31, b->aux & 7, b->devid >> 8, b->devid >> 3 & 31,
				       b->devid & 7);
			continue;
		}
		for (uint32_t id = b->devid; id <= last && !known; id++)
			for (size_t k = 0; k < m->ivrs->nblocks && !known; k++) {
				const struct ivrs_block *h = &m->ivrs->blocks[k];

				known = (h->type == IVRS_IVHD_10 || h->type == IVRS_IVHD_11 ||
					 h->type == IVRS_IVHD_40) &&
					(!by_segment || h->segment == b->ivmd_segment) &&
					ivhd_covers(h, (uint16_t)id);
			}
		if (!known)
			rc = diags_add(m->diags, "IVRS_IVMD_UNKNOWN_DEVICE", RESV_SEV_WARNING, where,
				       b->offset, -1,
				       "IVMD type 0x%02x names device ID%s %04x:%02x:%02x.%u%s that no IVHD "
				       "%slists; no IOMMU will map it", b->type,
				       last != b->devid ? "s" : "", b->ivmd_segment, b->devid >> 8,
				       b->devid >> 3 & 31, b->devid & 7, last != b->devid ? " and on" : "",
				       by_segment ? "of its segment " : "");
	}
	diags_mark_table(m->diags, first, "IVRS");
	return rc;
}

/* A virtio-iommu-pci node must name a PCI function the topology has. */
static int lint_viot(struct resv_machine *m)
{
	const char *where = table_file(m, "VIOT");
	size_t first = resv_diags_count(m->diags);
	int rc = 0;

	for (size_t i = 0; i < m->viot->nnodes && rc >= 0; i++) {
		const struct viot_node *n = &m->viot->nodes[i];

		if (!n->valid || n->type != VIOT_VIRTIO_IOMMU_PCI ||
		    pci_find(&m->topo, n->segment, n->bdf >> 8, n->bdf >> 3 & 31, n->bdf & 7))
			continue;
		rc = diags_add(m->diags, "VIOT_IOMMU_ABSENT", RESV_SEV_WARNING, where, n->offset, -1,
			       "virtio-iommu-pci node at 0x%zx names %04x:%02x:%02x.%u, which is not "
			       "in the PCI topology; the kernel gives its endpoints no IOMMU (\"Could "
			       "not find PCI IOMMU\")", n->offset, n->segment, n->bdf >> 8,
			       n->bdf >> 3 & 31, n->bdf & 7);
	}
	diags_mark_table(m->diags, first, "VIOT");
	return rc;
}

RESV_EXPORT int resv_machine_lint(struct resv_machine *m)
{
	size_t first = resv_diags_count(m->diags);
	int rc = scope_cache_need(m);

	if (rc == 0 && m->dmar && m->topo.n)
		rc = lint_scopes(m);
	if (rc >= 0 && m->dmar && m->nmemmap)
		rc = lint_rmrr_memmap(m);
	if (rc >= 0 && m->ivrs)
		rc = lint_ivmd_devices(m);
	if (rc >= 0 && m->viot && m->topo.n)
		rc = lint_viot(m);
	if (rc < 0) {
		diags_truncate(m->diags, first);	/* a failed lint adds nothing */
		return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Verdicts                                                                 */

RESV_EXPORT int resv_assign_verdict(const struct resv_list *regions, enum resv_iommu iommu,
				    unsigned int kernel, struct resv_verdict *out)
{
	const struct resv_region *blocker = NULL;

	*out = (struct resv_verdict){ .assignable = true };
	if (iommu == RESV_IOMMU_NONE)
		return -EINVAL;
	for (size_t i = 0; i < resv_list_count(regions) && !blocker; i++)
		if (resv_list_region(regions, i)->type == RESV_TYPE_DIRECT)
			blocker = resv_list_region(regions, i);
	if (!blocker)
		return 0;
	if (kernel == 0 || kernel >= KERNEL(6, 6)) {
		*out = (struct resv_verdict){
			.blocker = blocker,
			.reason = "since v6.6 a device with a direct region is require_direct, and "
				  "the kernel refuses VFIO's blocking domain for its whole group "
				  "(iommu.c __iommu_device_set_domain)",
		};
	} else if (iommu == RESV_IOMMU_INTEL && kernel >= KERNEL(3, 17)) {
		*out = (struct resv_verdict){
			.blocker = blocker,
			.reason = "from v3.17 to v6.5 Intel VT-d refuses a device with an RMRR "
				  "unless it is a USB controller or a display device "
				  "(intel/iommu.c device_is_rmrr_locked)",
		};
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* MSI isolation: VFIO's interrupt condition                                */

/* Is the machine an Arm one (MSIs through the GIC)? */
static bool machine_is_arm(const struct resv_machine *m)
{
	return m->iort || (m->madt && (m->madt->gic_version || m->madt->nits ||
				       m->madt->nmsi_frames));
}

/*
 * One device's MSIs. @global: kernels before v6.3 also accepted any group
 * when some MSI domain of the system isolates (irq_domain_check_msi_remap():
 * any GICv3 ITS on Arm), whatever the device's own MSI domain.
 */
static enum resv_msi_isolation device_msi(const struct resv_machine *m, const struct pci_dev *dev,
					  bool global, const char **why)
{
	switch (m->iommu) {
	case RESV_IOMMU_INTEL:
		/*
		 * intel/irq_remapping.c: interrupt remapping needs the DMAR's
		 * INTR_REMAP flag (dmar_ir_support) and no intremap=off; the
		 * domains then isolate (IOMMU_CAP_INTR_REMAP up to v6.2,
		 * IRQ_DOMAIN_FLAG_ISOLATED_MSI from v6.3).
		 */
		if (!(m->dmar->flags & 1)) {
			*why = "the DMAR flags do not set INTR_REMAP, so the kernel does not enable "
			       "interrupt remapping (intel/irq_remapping.c dmar_ir_support)";
			return RESV_MSI_NOT_ISOLATED;
		}
		if (intremap_off(m->cmdline)) {
			*why = "intremap=off on the kernel command line disables interrupt "
			       "remapping (x86 irq_remapping.c setup_irqremap)";
			return RESV_MSI_NOT_ISOLATED;
		}
		*why = "interrupt remapping is on: the DMAR sets INTR_REMAP (intel/irq_remapping.c)";
		return RESV_MSI_ISOLATED;
	case RESV_IOMMU_AMD:
		if (intremap_off(m->cmdline)) {
			*why = "intremap=off on the kernel command line disables interrupt "
			       "remapping (x86 irq_remapping.c setup_irqremap)";
			return RESV_MSI_NOT_ISOLATED;
		}
		*why = "AMD-Vi remaps interrupts (amd/init.c amd_iommu_irq_remap; the IVRS must "
		       "list each I/O APIC, check_ioapic_information, not checked here)";
		return RESV_MSI_ISOLATED;
	default:
		break;
	}
	if (!machine_is_arm(m)) {
		/* virtio-iommu on x86: viommu_capable() has no interrupt remapping. */
		*why = "virtio-iommu does not remap interrupts, and on x86 nothing else isolates "
		       "MSIs (virtio-iommu.c viommu_capable; no IRQ remapping unit)";
		return RESV_MSI_NOT_ISOLATED;
	}
	/*
	 * Arm ACPI: a PCI device's MSI domain is the ITS its requester ID maps
	 * to in the IORT (iort.c iort_get_device_domain, through any SMMU),
	 * and only if the MADT lists that ITS (the GICv3 ITS driver registers
	 * it from there); else the GICv2m frame, which does not isolate. The
	 * ITS domain sets IRQ_DOMAIN_FLAG_MSI_REMAP (ISOLATED_MSI from v6.3,
	 * irq-gic-v3-its.c). QEMU's arm virt writes an ITS group into the IORT
	 * even with GICv2, so the IORT alone cannot tell.
	 */
	const struct iort_node *rc = m->iort ? iort_root_complex(m->iort, dev->segment) : NULL;
	const struct iort_node *its = NULL;
	bool mapped = rc && iort_map_to_its(m->iort, rc, (uint32_t)(dev->bus << 8 | dev->dev << 3 |
								   dev->fn), &its) == 0 &&
		      its->has_its_id;

	if (!m->madt) {
		*why = mapped ? "the IORT sends the device's MSIs to a GIC ITS, but without the MADT "
				"(APIC table) it is unknown whether that ITS exists (QEMU's IORT "
				"names one even on GICv2)" :
				"without the MADT (APIC table) the interrupt controller is unknown";
		return mapped || global ? RESV_MSI_UNKNOWN : RESV_MSI_NOT_ISOLATED;
	}
	if (global && m->madt->nits) {
		*why = "a GICv3 ITS exists, and before v6.3 VFIO accepted any group when some MSI "
		       "domain isolates (irq_domain_check_msi_remap)";
		return RESV_MSI_ISOLATED;
	}
	if (mapped && madt_has_its(m->madt, its->its_id)) {
		*why = "the device's MSIs go to a GICv3 ITS (IORT ITS group, MADT GIC ITS entry), "
		       "which isolates them (irq-gic-v3-its.c)";
		return RESV_MSI_ISOLATED;
	}
	*why = m->madt->nmsi_frames ?
		"the device's MSIs go to a GICv2m MSI frame (no GICv3 ITS in the MADT for its "
		"IORT mapping), which does not isolate them (irq-gic-v2m.c)" :
		"no GICv3 ITS in the MADT takes the device's MSIs, so they are not isolated";
	return RESV_MSI_NOT_ISOLATED;
}

RESV_EXPORT int resv_machine_msi_verdict(const struct resv_machine *m, const char *const *devices,
					 size_t n, unsigned int kernel, struct resv_verdict *v)
{
	enum resv_msi_isolation group = RESV_MSI_ISOLATED;
	const char *why = NULL;
	/* v6.3 (iommu_group_has_isolated_msi, msi_device_has_isolated_msi). */
	bool global = kernel && kernel < KERNEL(6, 3);

	for (size_t i = 0; i < n; i++) {
		const struct pci_dev *dev = pci_find_name(&m->topo, devices[i]);
		const char *w = NULL;
		enum resv_msi_isolation s;

		if (!dev)
			return -ENOENT;
		s = device_msi(m, dev, global, &w);
		if (!why)
			why = w;
		if (s == RESV_MSI_NOT_ISOLATED) {
			group = s;
			why = w;
			break;
		}
		if (s == RESV_MSI_UNKNOWN && group == RESV_MSI_ISOLATED) {
			group = s;
			why = w;
		}
	}
	v->msi = group;
	v->msi_reason = why;
	if (group != RESV_MSI_NOT_ISOLATED)
		return 0;
	if (cmdline_true(m->cmdline, "vfio_iommu_type1.allow_unsafe_interrupts")) {
		v->msi_unsafe_allowed =
			"vfio_iommu_type1.allow_unsafe_interrupts=1 on the command line lets VFIO "
			"take it anyway: the device can then send any MSI, interrupting the host "
			"or other guests";
		return 0;
	}
	if (v->assignable)
		*v = (struct resv_verdict){
			.msi = group,
			.msi_reason = why,
			.reason = "VFIO refuses a group whose MSIs are not isolated "
				  "(vfio_iommu_type1_attach_group: \"No interrupt remapping "
				  "support\", EPERM; iommufd the same); workaround, at the risk "
				  "that the device can forge any MSI and interrupt the host or "
				  "other guests: vfio_iommu_type1.allow_unsafe_interrupts=1 "
				  "(iommufd.allow_unsafe_interrupts=1 for iommufd)",
		};
	return 0;
}

/* ------------------------------------------------------------------------ */
/* IOMMU groups predicted from config space (lib/groups/)                    */

/*
 * Did an IOMMU driver call pci_request_acs() before the PCI bus scan, so
 * that pci_enable_acs() set the ACS bits at enumeration? Intel
 * (detect_intel_iommu) and AMD (amd_iommu_detect) do early, Arm through
 * the IORT (iort_init_platform_devices); a virtio-iommu described by the
 * VIOT only from "ACPI: VIOT: Fix ACS setup" (acpi_viot_early_init, taken
 * as v5.19; Debian's 6.12 and 7.2 have it), before that only from
 * viommu_probe, after the scan.
 */
static bool acs_requested_early(const struct resv_machine *m)
{
	if (m->iommu != RESV_IOMMU_VIRTIO)
		return true;
	return !m->kernel || m->kernel >= KERNEL(5, 19);
}

/* Does the driver give @dev a group: what resv_machine_predict() does not answer 1 for? */
static int machine_behind(const struct resv_machine *m, const struct pci_dev *dev,
			  struct resv_list *scratch)
{
	struct list_mark mark;
	int rc;

	switch (m->iommu) {
	case RESV_IOMMU_INTEL:
		return dmar_unit_for(m, dev) != NULL;
	case RESV_IOMMU_AMD: {
		uint16_t devid = (uint16_t)(dev->bus << 8 | dev->dev << 3 | dev->fn);
		const struct ivrs_block *b = ivhd_for(m->ivrs, dev->segment, devid);

		/* as resv_machine_predict(): not the IOMMU's own function */
		return b && b->devid != devid;
	}
	default:
		mark = list_mark(scratch);
		rc = resv_machine_predict(m, dev->name, 0, scratch);
		list_rollback(scratch, &mark);
		return rc < 0 ? rc : rc == 0;
	}
}

static int group_input_fill(const struct resv_machine *m, struct group_input *in, uint8_t **behind)
{
	struct resv_list *scratch = NULL;
	int rc;

	*in = (struct group_input){
		.topo = &m->topo, .cmdline = m->cmdline, .kernel = m->kernel, .release = m->release,
		.acs_requested = acs_requested_early(m),
		.ivrs = m->iommu == RESV_IOMMU_AMD ? m->ivrs : NULL,
		.ivhd_type = m->iommu == RESV_IOMMU_AMD && m->ivrs ? ivhd_type_used(m->ivrs) : 0,
	};
	*behind = calloc(m->topo.n ? m->topo.n : 1, 1);
	if (!*behind)
		return -ENOMEM;
	in->behind = *behind;
	if (resv_machine_iommu_off(m))
		return 0;
	if (m->iommu != RESV_IOMMU_INTEL && m->iommu != RESV_IOMMU_AMD &&
	    resv_list_new(&scratch) < 0)
		return -ENOMEM;
	for (size_t i = 0; i < m->topo.n; i++) {
		rc = machine_behind(m, &m->topo.devs[i], scratch);
		if (rc < 0) {
			resv_list_free(scratch);
			return rc;
		}
		(*behind)[i] = (uint8_t)rc;
	}
	resv_list_free(scratch);
	return 0;
}

/*
 * The stream IDs of the functions behind an SMMUv1/v2 (IORT type 3), whose
 * driver groups by stream map entry first; NULL in *@out when there is none.
 */
static int smmu_v2_streams(const struct resv_machine *m, struct group_streams **out)
{
	struct group_streams *v = NULL;

	*out = NULL;
	if (m->iommu != RESV_IOMMU_ARM || !m->iort)
		return 0;
	for (size_t i = 0; i < m->topo.n; i++) {
		struct arm_streams s;

		if (arm_streams(m->iort, &m->topo, &m->topo.devs[i], &s) != 0 ||
		    s.smmu->type != IORT_SMMU)
			continue;
		if (!v) {
			v = calloc(m->topo.n, sizeof(*v));
			if (!v)
				return -ENOMEM;
		}
		v[i].smmu = s.smmu;
		v[i].n = (uint8_t)(s.n < 8 ? s.n : 8);
		memcpy(v[i].sid, s.sid, v[i].n * sizeof(*s.sid));
	}
	*out = v;
	return 0;
}

RESV_EXPORT int resv_machine_predict_groups(const struct resv_machine *m,
					    struct resv_group_prediction **out)
{
	struct group_streams *streams = NULL;
	struct group_input in;
	uint8_t *behind = NULL;
	int rc;

	*out = NULL;
	if (!m->topo.n || m->iommu == RESV_IOMMU_NONE)
		return -ENODATA;
	/* Which unit each function is behind: from the scopes resolved once. */
	rc = scope_cache_need(m);
	if (rc == 0)
		rc = group_input_fill(m, &in, &behind);
	if (rc == 0)
		rc = smmu_v2_streams(m, &streams);
	if (rc == 0) {
		in.streams = streams;
		rc = groups_predict(&in, out);
	}
	free(streams);
	free(behind);
	return rc;
}

RESV_EXPORT int resv_machine_pci_acs(const struct resv_machine *m, const char *device,
				     struct resv_acs *out)
{
	const struct pci_dev *d = pci_find_name(&m->topo, device);
	struct group_input in = {
		.topo = &m->topo, .cmdline = m->cmdline, .kernel = m->kernel, .release = m->release,
		.acs_requested = acs_requested_early(m),
		.ivrs = m->iommu == RESV_IOMMU_AMD ? m->ivrs : NULL,
	};

	if (!d)
		return -ENOENT;
	return groups_device_acs(&in, d, out);
}

bool machine_sysfs_identity(const struct resv_machine *m, const char *name, uint32_t val[3])
{
	const struct pci_dev *d = pci_find_name(&m->topo, name);

	if (!d || !d->sysfs_identity)
		return false;
	val[0] = d->sysfs_class;
	val[1] = d->sysfs_vendor;
	val[2] = d->sysfs_device;
	return true;
}
