// SPDX-License-Identifier: MIT
/*
 * From firmware tables and topology to each device's reserved regions,
 * following the kernel drivers' rules (SPEC §4.1, §4.2), with provenance.
 */
#include <stdio.h>

#include "predict.h"

#define MSI_START 0xfee00000ull	/* x86 IOAPIC/MSI window, 1 MiB */
#define MSI_LAST 0xfeefffffull
#define HT_START 0xfd00000000ull	/* AMD HyperTransport reserved range */
#define HT_LAST 0xffffffffffull

/* intel/iommu.c device_rmrr_is_relaxable: USB controllers and graphics. */
static bool rmrr_relaxable(const struct pci_dev *dev)
{
	return dev->class >> 8 == 0x0c03 || dev->class >> 16 == 0x03;
}

int predict_intel(struct resv_list *out, const struct dmar *dmar,
		  const struct pci_topology *t, const struct pci_dev *dev, bool floppy_wa)
{
	enum resv_type type = rmrr_relaxable(dev) ? RESV_TYPE_DIRECT_RELAXABLE : RESV_TYPE_DIRECT;
	char origin[128], why[128];
	int rc;

	for (size_t i = 0; i < dmar->nentries; i++) {
		const struct dmar_entry *e = &dmar->entries[i];

		if (e->type != DMAR_RMRR || e->segment != dev->segment)
			continue;
		for (size_t s = 0; s < e->nscopes; s++) {
			const struct dmar_scope *sc = &e->scopes[s];
			const struct pci_dev *target;

			if (sc->type != DMAR_SCOPE_ENDPOINT && sc->type != DMAR_SCOPE_BRIDGE)
				continue;
			target = dmar_scope_target(t, e->segment, sc, why, sizeof(why));
			if (!target || (target != dev && !pci_is_downstream(target, dev)))
				continue;
			snprintf(origin, sizeof(origin), "DMAR RMRR #%u @0x%zx scope %s%s", e->index,
				 e->offset, target->name, target != dev ? " (bridge)" : "");
			rc = resv_list_add(out, e->address, e->end, type,
					   RESV_PROT_READ | RESV_PROT_WRITE, origin, dev->name);
			if (rc == -EINVAL)	/* end below base: kept by the kernel, not representable */
				continue;
			if (rc < 0)
				return rc;
		}
	}
	if (floppy_wa && dev->class >> 8 == 0x0601) {
		rc = resv_list_add(out, 0, 0xffffff, RESV_TYPE_DIRECT_RELAXABLE,
				   RESV_PROT_READ | RESV_PROT_WRITE,
				   "Intel ISA bridge floppy workaround (CONFIG_INTEL_IOMMU_FLOPPY_WA)",
				   dev->name);
		if (rc < 0)
			return rc;
	}
	return resv_list_add(out, MSI_START, MSI_LAST, RESV_TYPE_MSI, 0, "x86 IOAPIC/MSI window",
			     dev->name);
}

/* amd/init.c: PAGE_ALIGN rounds up to 4 KiB. */
static bool page_align(uint64_t v, uint64_t *out)
{
	if (v > UINT64_MAX - 0xfff)
		return false;
	*out = (v + 0xfff) & ~0xfffull;
	return true;
}

int predict_amd(struct resv_list *out, const struct ivrs *ivrs, const struct pci_dev *dev,
		bool ht_ignore)
{
	uint16_t devid = (uint16_t)(dev->bus << 8 | dev->dev << 3 | dev->fn);
	char origin[128];
	int rc;

	for (size_t i = 0; i < ivrs->nblocks; i++) {
		const struct ivrs_block *b = &ivrs->blocks[i];
		uint64_t start, len;
		bool covers;

		switch (b->type) {
		case IVRS_IVMD_ALL:
			covers = true;
			break;
		case IVRS_IVMD_ONE:
			covers = devid == b->devid;
			break;
		case IVRS_IVMD_RANGE:
			covers = devid >= b->devid && devid <= b->aux;
			break;
		default:
			continue;
		}
		if (!covers || !(b->flags & (IVMD_UNITY | IVMD_EXCL)))
			continue;
		if (!page_align(b->start, &start) || !page_align(b->mem_length, &len) || len == 0 ||
		    len - 1 > UINT64_MAX - start)
			continue;	/* diagnosed by the parser */
		snprintf(origin, sizeof(origin), "IVRS IVMD type 0x%02x @0x%zx%s", b->type, b->offset,
			 b->flags & IVMD_EXCL ? " (exclusion range, a r/w unity map since v5.6)" : "");
		/* v5.6 (Adrian Huang): exclusion ranges become r/w unity maps. */
		rc = resv_list_add(out, start, start + len - 1, RESV_TYPE_DIRECT,
				   b->flags & IVMD_EXCL ? RESV_PROT_READ | RESV_PROT_WRITE :
							  (b->flags >> 1) & 3u,
				   origin, dev->name);
		if (rc < 0)
			return rc;
	}
	rc = resv_list_add(out, MSI_START, MSI_LAST, RESV_TYPE_MSI, 0, "x86 IOAPIC/MSI window",
			   dev->name);
	if (rc < 0 || ht_ignore)
		return rc;
	return resv_list_add(out, HT_START, HT_LAST, RESV_TYPE_RESERVED, 0,
			     "AMD HyperTransport hole", dev->name);
}
