// SPDX-License-Identifier: MIT
/*
 * The parsed models of DMAR, IVRS and IORT as value trees: one place where
 * the JSON names of every field are decided (docs/json.md).
 */
#include <stdio.h>
#include <string.h>

#include "describe.h"
#include "value.h"

static const char *const dmar_names[DMAR_NTYPES] = {
	[DMAR_DRHD] = "drhd", [DMAR_RMRR] = "rmrr", [DMAR_ATSR] = "atsr",
	[DMAR_RHSA] = "rhsa", [DMAR_ANDD] = "andd", [DMAR_SATC] = "satc",
	[DMAR_SIDP] = "sidp",
};

const char *dmar_scope_type_name(uint8_t type)
{
	static const char *const names[] = {
		[DMAR_SCOPE_ENDPOINT] = "endpoint", [DMAR_SCOPE_BRIDGE] = "bridge",
		[DMAR_SCOPE_IOAPIC] = "ioapic", [DMAR_SCOPE_HPET] = "hpet",
		[DMAR_SCOPE_NAMESPACE] = "namespace",
	};

	return type < ARRAY_SIZE(names) && names[type] ? names[type] : "unknown";
}

static void scopes(struct vbuild *b, const struct dmar_entry *e)
{
	vb_begin(b, "scopes", RESV_VALUE_ARRAY);
	for (size_t i = 0; i < e->nscopes; i++) {
		const struct dmar_scope *s = &e->scopes[i];

		vb_begin(b, NULL, RESV_VALUE_OBJECT);
		vb_str(b, "type", dmar_scope_type_name(s->type));
		vb_uint(b, "scope_type", s->type);
		vb_uint(b, "offset", s->offset);
		vb_uint(b, "flags", s->flags);
		vb_uint(b, "enumeration_id", s->enumeration_id);
		vb_uint(b, "start_bus", s->start_bus);
		/* The function it names needs the PCI topology: resv_machine_dmar_scope(). */
		vb_begin(b, "path", RESV_VALUE_ARRAY);
		for (size_t k = 0; k < s->npath; k++) {
			vb_begin(b, NULL, RESV_VALUE_OBJECT);
			vb_uint(b, "device", s->path[k].device);
			vb_uint(b, "function", s->path[k].function);
			vb_end(b);
		}
		vb_end(b);
		vb_end(b);
	}
	vb_end(b);
}

int describe_dmar(struct resv_value **out, const struct dmar *d)
{
	struct vbuild b;

	vb_init(&b);
	vb_uint(&b, "host_address_width", d->host_address_width);
	/* The field holds the width minus one; dmar.c parse_dmar_table prints
	 * "Host address width %d" with width + 1. */
	vb_uint(&b, "address_width_bits", (uint64_t)d->host_address_width + 1);
	vb_uint(&b, "flags", d->flags);
	vb_begin(&b, "entries", RESV_VALUE_ARRAY);
	for (size_t i = 0; i < d->nentries; i++) {
		const struct dmar_entry *e = &d->entries[i];

		vb_begin(&b, NULL, RESV_VALUE_OBJECT);
		vb_str(&b, "type", dmar_names[e->type]);
		vb_uint(&b, "offset", e->offset);
		vb_uint(&b, "length", e->length);
		switch (e->type) {
		case DMAR_DRHD:
			vb_uint(&b, "flags", e->flags);
			vb_bool(&b, "include_pci_all", e->flags & 1);
			vb_uint(&b, "size", e->size);
			vb_uint(&b, "segment", e->segment);
			vb_addr(&b, "address", e->address);
			scopes(&b, e);
			break;
		case DMAR_RMRR:
			vb_uint(&b, "segment", e->segment);
			vb_addr(&b, "base", e->address);
			vb_addr(&b, "end", e->end);
			scopes(&b, e);
			break;
		case DMAR_ATSR:
		case DMAR_SATC:
			vb_uint(&b, "flags", e->flags);
			/* ATSR bit 0 ALL_PORTS (§8.5); SATC bit 0 ATC_REQUIRED (§8.8). */
			vb_bool(&b, e->type == DMAR_ATSR ? "all_ports" : "atc_required", e->flags & 1);
			vb_uint(&b, "segment", e->segment);
			scopes(&b, e);
			break;
		case DMAR_SIDP:
			vb_uint(&b, "segment", e->segment);
			scopes(&b, e);
			break;
		case DMAR_RHSA:
			vb_addr(&b, "address", e->address);
			vb_uint(&b, "proximity_domain", e->proximity_domain);
			break;
		case DMAR_ANDD:
			vb_uint(&b, "acpi_device_number", e->acpi_device_number);
			vb_str(&b, "acpi_object_name", e->acpi_object_name);
			break;
		case DMAR_NTYPES:
			break;
		}
		vb_end(&b);
	}
	return vb_finish(&b, out);
}

const char *ivhd_entry_name(uint8_t type)
{
	switch (type) {
	case IVHD_DEV_PAD: return "pad";
	case IVHD_DEV_ALL: return "all";
	case IVHD_DEV_SELECT: return "select";
	case IVHD_DEV_RANGE_START: return "range_start";
	case IVHD_DEV_RANGE_END: return "range_end";
	case IVHD_DEV_ALIAS_SELECT: return "alias_select";
	case IVHD_DEV_ALIAS_RANGE: return "alias_range";
	case IVHD_DEV_EXT_SELECT: return "ext_select";
	case IVHD_DEV_EXT_RANGE: return "ext_range";
	case IVHD_DEV_SPECIAL: return "special";
	case IVHD_DEV_ACPI_HID: return "acpi_hid";
	default: return "unknown";
	}
}

/* A 16-bit device ID is bus << 8 | devfn, in its block's PCI segment. */
static void id_bdf(struct vbuild *b, const char *key, uint16_t segment, uint16_t id)
{
	char bdf[16];

	snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", segment, id >> 8, id >> 3 & 0x1f, id & 7);
	vb_str(b, key, bdf);
}

static void ivhd_devices(struct vbuild *b, const struct ivrs_block *h)
{
	vb_begin(b, "devices", RESV_VALUE_ARRAY);
	for (size_t i = 0; i < h->nentries; i++) {
		const struct ivrs_device_entry *d = &h->entries[i];

		vb_begin(b, NULL, RESV_VALUE_OBJECT);
		vb_str(b, "type", ivhd_entry_name(d->type));
		vb_uint(b, "entry_type", d->type);
		vb_uint(b, "offset", d->offset);
		vb_uint(b, "device_id", d->devid);
		if (d->type != IVHD_DEV_PAD && d->type != IVHD_DEV_ALL &&
		    d->type != IVHD_DEV_SPECIAL)
			id_bdf(b, "bdf", h->segment, d->devid);
		vb_uint(b, "data", d->data);
		switch (d->type) {
		case IVHD_DEV_ALIAS_SELECT:
		case IVHD_DEV_ALIAS_RANGE:
			vb_uint(b, "alias", d->source_devid);
			id_bdf(b, "alias_bdf", h->segment, d->source_devid);
			break;
		case IVHD_DEV_EXT_SELECT:
		case IVHD_DEV_EXT_RANGE:
			vb_uint(b, "ext_data", d->ext_data);
			break;
		case IVHD_DEV_SPECIAL:
			vb_uint(b, "handle", d->handle);
			vb_uint(b, "source_device_id", d->source_devid);
			id_bdf(b, "source_bdf", h->segment, d->source_devid);
			vb_str(b, "variety", d->variety == 1 ? "ioapic" :
					     d->variety == 2 ? "hpet" : "unknown");
			break;
		case IVHD_DEV_ACPI_HID:
			vb_str(b, "hid", d->hid);
			vb_str(b, "cid", d->cid);
			vb_uint(b, "uid_format", d->uid_format);
			vb_begin(b, "uid", RESV_VALUE_ARRAY);
			for (unsigned int k = 0; k < d->uid_length; k++)
				vb_uint(b, NULL, d->uid[k]);
			vb_end(b);
			/* Format 2: the UID is a character string (as iasl shows it). */
			if (d->uid_format == 2) {
				char text[256];
				size_t n = d->uid_length;

				if (n)	/* an empty UID has no buffer */
					memcpy(text, d->uid, n);
				text[n] = '\0';
				vb_str(b, "uid_string", text);
			}
			break;
		}
		vb_end(b);
	}
	vb_end(b);
}

int describe_ivrs(struct resv_value **out, const struct ivrs *v)
{
	struct vbuild b;

	vb_init(&b);
	vb_uint(&b, "ivinfo", v->ivinfo);
	vb_begin(&b, "entries", RESV_VALUE_ARRAY);
	for (size_t i = 0; i < v->nblocks; i++) {
		const struct ivrs_block *k = &v->blocks[i];
		bool ivhd = k->type == IVRS_IVHD_10 || k->type == IVRS_IVHD_11 ||
			    k->type == IVRS_IVHD_40;

		vb_begin(&b, NULL, RESV_VALUE_OBJECT);
		vb_str(&b, "type", ivhd ? "ivhd" : "ivmd");
		vb_uint(&b, ivhd ? "ivhd_type" : "ivmd_type", k->type);
		vb_uint(&b, "offset", k->offset);
		vb_uint(&b, "flags", k->flags);
		vb_uint(&b, "device_id", k->devid);
		/* The IOMMU's own function; an IVMD's device (0x21) or first of its range (0x22). */
		if (ivhd)
			id_bdf(&b, "bdf", k->segment, k->devid);
		else if (k->type != IVRS_IVMD_ALL)
			id_bdf(&b, "bdf", k->ivmd_segment, k->devid);
		if (ivhd) {
			vb_uint(&b, "capability_offset", k->capability_offset);
			vb_addr(&b, "base", k->base);
			vb_uint(&b, "segment", k->segment);
			vb_uint(&b, "iommu_info", k->iommu_info);
			vb_uint(&b, k->type == IVRS_IVHD_10 ? "feature_reporting" : "attributes",
				k->attributes);
			if (k->type != IVRS_IVHD_10) {
				vb_addr(&b, "efr", k->efr);
				vb_addr(&b, "efr2", k->efr2);
			}
			ivhd_devices(&b, k);
		} else {
			vb_uint(&b, "aux", k->aux);
			if (k->type == IVRS_IVMD_RANGE)
				id_bdf(&b, "aux_bdf", k->ivmd_segment, k->aux);
			vb_addr(&b, "start", k->start);
			vb_addr(&b, "length", k->mem_length);
		}
		vb_end(&b);
	}
	return vb_finish(&b, out);
}

const char *iort_node_name(uint8_t type)
{
	static const char *const names[] = {
		[IORT_ITS_GROUP] = "its_group", [IORT_NAMED_COMPONENT] = "named_component",
		[IORT_ROOT_COMPLEX] = "root_complex", [IORT_SMMU] = "smmu",
		[IORT_SMMU_V3] = "smmu_v3", [IORT_PMCG] = "pmcg", [IORT_RMR] = "rmr",
	};

	return type < ARRAY_SIZE(names) ? names[type] : "unknown";
}

int describe_iort(struct resv_value **out, const struct iort *t)
{
	struct vbuild b;

	vb_init(&b);
	vb_begin(&b, "entries", RESV_VALUE_ARRAY);
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct iort_node *n = &t->nodes[i];

		vb_begin(&b, NULL, RESV_VALUE_OBJECT);
		vb_str(&b, "type", iort_node_name(n->type));
		vb_uint(&b, "node_type", n->type);
		vb_uint(&b, "offset", n->offset);
		vb_uint(&b, "length", n->length);
		vb_uint(&b, "revision", n->revision);
		vb_uint(&b, "identifier", n->identifier);
		switch (n->type) {
		case IORT_ITS_GROUP:
			vb_uint(&b, "its_count", n->its_count);
			break;
		case IORT_NAMED_COMPONENT:
			vb_uint(&b, "flags", n->flags);
			vb_str(&b, "name", n->name);
			break;
		case IORT_ROOT_COMPLEX:
			vb_uint(&b, "segment", n->segment);
			break;
		case IORT_SMMU:
		case IORT_SMMU_V3:
			vb_addr(&b, "base", n->base);
			vb_uint(&b, "model", n->model);
			vb_uint(&b, "flags", n->flags);
			break;
		case IORT_PMCG:
			vb_addr(&b, "base", n->base);
			break;
		case IORT_RMR:
			vb_uint(&b, "flags", n->flags);
			vb_bool(&b, "remapping_permitted", n->flags & IORT_RMR_REMAP_PERMITTED);
			vb_bool(&b, "access_privileged", n->flags & IORT_RMR_ACCESS_PRIVILEGE);
			vb_uint(&b, "access_attributes", IORT_RMR_ACCESS_ATTR(n->flags));
			vb_begin(&b, "descriptors", RESV_VALUE_ARRAY);
			for (size_t k = 0; k < n->ndescs; k++) {
				vb_begin(&b, NULL, RESV_VALUE_OBJECT);
				vb_uint(&b, "offset", n->descs[k].offset);
				vb_addr(&b, "base", n->descs[k].base);
				vb_addr(&b, "length", n->descs[k].length);
				vb_end(&b);
			}
			vb_end(&b);
			break;
		}
		vb_begin(&b, "id_mappings", RESV_VALUE_ARRAY);
		for (size_t k = 0; k < n->nmappings; k++) {
			const struct iort_id_mapping *m = &n->mappings[k];

			vb_begin(&b, NULL, RESV_VALUE_OBJECT);
			vb_uint(&b, "input_base", m->input_base);
			vb_uint(&b, "count", m->count);
			vb_uint(&b, "output_base", m->output_base);
			vb_uint(&b, "output_reference", m->output_reference);
			vb_uint(&b, "flags", m->flags);
			vb_end(&b);
		}
		vb_end(&b);
		vb_end(&b);
	}
	return vb_finish(&b, out);
}

int describe_viot(struct resv_value **out, const struct viot *t)
{
	struct vbuild b;

	vb_init(&b);
	vb_uint(&b, "node_count", t->node_count);
	vb_uint(&b, "node_offset", t->node_offset);
	vb_begin(&b, "entries", RESV_VALUE_ARRAY);
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct viot_node *n = &t->nodes[i];

		vb_begin(&b, NULL, RESV_VALUE_OBJECT);
		vb_str(&b, "type", viot_node_name(n->type));
		vb_uint(&b, "node_type", n->type);
		vb_uint(&b, "offset", n->offset);
		vb_uint(&b, "length", n->length);
		vb_bool(&b, "valid", n->valid);
		switch (n->read ? n->type : 0) {
		case VIOT_PCI_RANGE:
			vb_uint(&b, "endpoint_start", n->endpoint_start);
			vb_uint(&b, "segment_start", n->segment_start);
			vb_uint(&b, "segment_end", n->segment_end);
			vb_uint(&b, "bdf_start", n->bdf_start);
			vb_uint(&b, "bdf_end", n->bdf_end);
			vb_uint(&b, "output_node", n->output_node);
			break;
		case VIOT_MMIO:
			vb_uint(&b, "endpoint", n->endpoint);
			vb_addr(&b, "base", n->base);
			vb_uint(&b, "output_node", n->output_node);
			break;
		case VIOT_VIRTIO_IOMMU_PCI:
			vb_uint(&b, "segment", n->segment);
			vb_uint(&b, "bdf", n->bdf);
			break;
		case VIOT_VIRTIO_IOMMU_MMIO:
			vb_addr(&b, "base", n->base);
			break;
		}
		vb_end(&b);
	}
	vb_end(&b);
	return vb_finish(&b, out);
}
