// SPDX-License-Identifier: MIT
/*
 * From firmware tables and topology to each device's reserved regions,
 * following the kernel drivers' rules (SPEC §4.1-§4.3), with provenance.
 */
#include <stdio.h>

#include "predict.h"

#define MSI_START 0xfee00000ull	/* x86 IOAPIC/MSI window, 1 MiB */
#define MSI_LAST 0xfeefffffull
#define HT_START 0xfd00000000ull	/* AMD HyperTransport reserved range */
#define HT_LAST 0xffffffffffull
#define SW_MSI_START 0x8000000ull	/* Arm SMMU MSI_IOVA_BASE, MSI_IOVA_LENGTH 1 MiB */
#define SW_MSI_LAST 0x80fffffull
#define RMR_ALIGN 0x10000ull	/* DEN0049 E.d: RMR descriptors are 64 KiB aligned */

/* intel/iommu.c device_rmrr_is_relaxable: USB controllers and graphics. */
static bool rmrr_relaxable(const struct pci_dev *dev)
{
	return dev->class >> 8 == 0x0c03 || dev->class >> 16 == 0x03;
}

int predict_intel_rmrr(struct resv_list *out, const struct pci_dev *dev,
		       const struct rmrr_hit *h)
{
	enum resv_type type = rmrr_relaxable(dev) ? RESV_TYPE_DIRECT_RELAXABLE : RESV_TYPE_DIRECT;
	const struct dmar_entry *e = h->entry;
	char origin[192];

	snprintf(origin, sizeof(origin), "DMAR RMRR #%u @0x%zx scope %s%s%s", e->index,
		 e->offset, h->target->name, h->target != dev ? " (bridge)" : "",
		 h->how == DMAR_MATCH_FALLBACK ? " (by the kernel's workaround for a "
						 "broken one-element scope)" : "");
	/*
	 * intel/iommu.c (dmar_parse_one_rmrr, v5.10-v7.x): length
	 * = end - base + 1 in 64 bits. end = base - 1 makes it 0: a
	 * zero-length region the kernel prints as "base base-1" (so
	 * does base 0, end 2^64-1). Any other end below base wraps
	 * to a region past 2^64, which a closed range cannot hold:
	 * left out (the parser reports DMAR_RMRR_END_BEFORE_BASE).
	 */
	if (e->end + 1 == e->address)
		return resv_list_add_length(out, e->address, 0, type,
					    RESV_PROT_READ | RESV_PROT_WRITE, origin, dev->name);
	if (e->end < e->address)
		return 0;
	return resv_list_add(out, e->address, e->end, type, RESV_PROT_READ | RESV_PROT_WRITE,
			     origin, dev->name);
}

int predict_intel_rest(struct resv_list *out, const struct pci_dev *dev, bool floppy_wa)
{
	int rc;

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

int predict_intel(struct resv_list *out, const struct dmar *dmar,
		  const struct pci_topology *t, const struct pci_dev *dev, bool floppy_wa)
{
	char why[160];
	int rc;

	for (size_t i = 0; i < dmar->nentries; i++) {
		const struct dmar_entry *e = &dmar->entries[i];

		if (e->type != DMAR_RMRR || e->segment != dev->segment)
			continue;
		for (size_t s = 0; s < e->nscopes; s++) {
			const struct dmar_scope *sc = &e->scopes[s];
			struct rmrr_hit h = { .entry = e };

			if (sc->type != DMAR_SCOPE_ENDPOINT && sc->type != DMAR_SCOPE_BRIDGE)
				continue;
			h.target = dmar_scope_target(t, e->segment, sc, &h.how, why, sizeof(why));
			if (!h.target || (h.target != dev && !pci_is_downstream(h.target, dev)))
				continue;
			rc = predict_intel_rmrr(out, dev, &h);
			if (rc < 0)
				return rc;
		}
	}
	return predict_intel_rest(out, dev, floppy_wa);
}

/* amd/init.c PAGE_ALIGN: up to 4 KiB, in 64 bits, so it wraps to 0 near 2^64. */
static uint64_t page_align(uint64_t v)
{
	return (v + 0xfff) & ~0xfffull;
}

#define KERNEL(a, b) ((a) << 16 | (b) << 8)

int predict_amd(struct resv_list *out, const struct ivrs *ivrs, const struct pci_dev *dev,
		bool ht_ignore, unsigned int kernel)
{
	uint16_t devid = (uint16_t)(dev->bus << 8 | dev->dev << 3 | dev->fn);
	/* v6.0 ("iommu/amd: Introduce per PCI segment unity map list"): an IVMD
	 * serves the devices of its own segment only; before, every segment. */
	bool by_segment = kernel == 0 || kernel >= KERNEL(6, 0);
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
			/* A reversed range (last < first) serves no device: the
			 * kernel keeps [first, last] as given and tests
			 * devid_start <= devid <= devid_end (amd/iommu.c). */
			covers = devid >= b->devid && devid <= b->aux;
			break;
		default:
			continue;
		}
		if (!covers || !(b->flags & (IVMD_UNITY | IVMD_EXCL)) ||
		    (by_segment && b->ivmd_segment != dev->segment))
			continue;
		/*
		 * amd/init.c init_unity_map_range (v5.10-v7.x): start =
		 * PAGE_ALIGN(range_start), end = start + PAGE_ALIGN(range_length);
		 * amd_iommu_get_resv_regions reports length end - start. A
		 * length of 0 (or one that rounds to 2^64) is a zero-length
		 * region, printed "start start-1". One that runs past 2^64
		 * cannot be held in a closed range: left out (IVRS_IVMD_OVERFLOW).
		 */
		start = page_align(b->start);
		len = page_align(b->mem_length);
		if (len != 0 && len - 1 > UINT64_MAX - start)
			continue;
		snprintf(origin, sizeof(origin), "IVRS IVMD type 0x%02x @0x%zx%s", b->type, b->offset,
			 b->flags & IVMD_EXCL ? " (exclusion range, a r/w unity map since v5.6)" : "");
		/* v5.6 (Adrian Huang): exclusion ranges become r/w unity maps. */
		rc = resv_list_add_length(out, start, len, RESV_TYPE_DIRECT,
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

static const char *smmu_name(const struct iort_node *smmu)
{
	return smmu->type == IORT_SMMU_V3 ? "SMMUv3" : "SMMUv1/v2";
}

/* iort.c iort_get_rmrs: the RMR node's flags give type and prot. */
static uint32_t rmr_prot(uint32_t flags)
{
	uint32_t prot = RESV_PROT_READ | RESV_PROT_WRITE;
	uint32_t attr = IORT_RMR_ACCESS_ATTR(flags);

	if (flags & IORT_RMR_ACCESS_PRIVILEGE)
		prot |= RESV_PROT_PRIV;
	if (attr <= 0x03)	/* ACPI_IORT_RMR_ATTR_DEVICE_{NGNRNE..GRE} */
		prot |= RESV_PROT_MMIO;
	else if (attr == 0x05)	/* ACPI_IORT_RMR_ATTR_NORMAL_IWB_OWB */
		prot |= RESV_PROT_CACHE;
	return prot;
}

#define KERNEL(a, b) ((a) << 16 | (b) << 8)

/*
 * Does RMR node @rmr name one of the streams @s? iort.c
 * iort_node_get_rmr_info with iort_rmr_has_dev: an ID mapping whose output
 * reference is the SMMU and whose output range [output_base, output_base +
 * count] (32-bit, as the kernel adds) holds one of the device's stream IDs
 * (each ID of its fwspec); input base and flags are not looked at. From
 * v6.0 to v6.4 the kernel also skipped mappings of a single ID (count 0),
 * until "ACPI/IORT: Remove erroneous id_count check in
 * iort_node_get_rmr_info()" (v6.5, and 6.1.42 of the 6.1 stable series,
 * which distributions' 6.1 kernels are past, so 6.1 is taken as fixed).
 * Gives the first stream named in *@sid.
 */
static bool rmr_names(const struct iort_node *rmr, const struct arm_streams *s,
		      unsigned int kernel, uint32_t *sid)
{
	bool skip_single = kernel >= KERNEL(6, 0) && kernel < KERNEL(6, 5) &&
			   kernel >> 8 != KERNEL(6, 1) >> 8;

	for (size_t i = 0; i < rmr->nmappings; i++) {
		const struct iort_id_mapping *m = &rmr->mappings[i];

		if (m->output_reference != s->smmu->offset || (skip_single && m->count == 0))
			continue;
		for (size_t k = 0; k < s->n; k++) {
			if (s->sid[k] >= m->output_base &&
			    s->sid[k] <= (uint32_t)(m->output_base + m->count)) {
				*sid = s->sid[k];
				return true;
			}
		}
	}
	return false;
}

static int add_rmr(struct resv_list *out, const struct iort_node *rmr,
		   const struct iort_node *smmu, uint32_t sid, uint64_t page, const char *device)
{
	enum resv_type type = rmr->flags & IORT_RMR_REMAP_PERMITTED ? RESV_TYPE_DIRECT_RELAXABLE :
								      RESV_TYPE_DIRECT;
	uint32_t prot = rmr_prot(rmr->flags);
	char origin[160];

	for (size_t i = 0; i < rmr->ndescs; i++) {
		const struct iort_rmr_desc *d = &rmr->descs[i];
		uint64_t base = d->base, len = d->length, off = d->base & (page - 1);
		bool widened = false;
		int rc;

		/*
		 * iort.c iort_rmr_alloc: a descriptor not 64 KiB aligned is
		 * widened to whole pages. A zero length stays zero
		 * (iort_rmr_desc_check_overlap only complains), and so becomes
		 * a zero-length region.
		 */
		if ((base | len) & (RMR_ALIGN - 1)) {
			if (len > UINT64_MAX - off - (page - 1))
				continue;	/* past 2^64: IORT_RMR_OVERFLOW */
			base -= off;
			len = (len + off + page - 1) & ~(page - 1);
			widened = base != d->base || len != d->length;
		}
		char how[40] = "";

		if (widened)
			snprintf(how, sizeof(how), ", widened to %u KiB pages", (unsigned int)(page >> 10));
		snprintf(origin, sizeof(origin),
			 "IORT RMR @0x%zx desc #%zu (stream ID 0x%x via %s @0x%zx)%s%s", rmr->offset,
			 i, sid, smmu_name(smmu), smmu->offset,
			 type == RESV_TYPE_DIRECT_RELAXABLE ? ", remapping permitted" : "", how);
		rc = resv_list_add_length(out, base, len, type, prot, origin, device);
		if (rc == -EOVERFLOW)
			continue;	/* diagnosed by the parser (IORT_RMR_OVERFLOW) */
		if (rc < 0)
			return rc;
	}
	return 0;
}

int arm_streams(const struct iort *iort, const struct pci_topology *t, const struct pci_dev *dev,
		struct arm_streams *s)
{
	const struct iort_node *rc_node = iort_root_complex(iort, dev->segment);
	struct pci_alias aliases[PCI_MAX_ALIASES];
	size_t n = pci_dma_aliases(t, dev, aliases);

	*s = (struct arm_streams){ 0 };
	if (!rc_node)
		return 1;
	for (size_t i = 0; i < n; i++) {
		const struct iort_node *smmu;
		uint32_t sid;

		if (iort_map_to_smmu(iort, rc_node, aliases[i].rid, &smmu, &sid) != 0 ||
		    (s->smmu && smmu != s->smmu)) {
			*s = (struct arm_streams){ 0 };
			return 1;
		}
		s->smmu = smmu;
		s->sid[s->n] = sid;
		s->via[s->n++] = aliases[i].via;
	}
	return 0;
}

int predict_arm(struct resv_list *out, const struct iort *iort, const struct arm_streams *s,
		const struct pci_dev *dev, bool preserve_config, unsigned int kernel,
		uint64_t page_size, bool *rmr_named)
{
	const struct iort_node *smmu = s->smmu;
	char origin[128];
	uint32_t sid;
	int rc;

	if (rmr_named)
		*rmr_named = false;
	snprintf(origin, sizeof(origin), "%s @0x%zx software MSI window (arm_smmu_get_resv_regions)",
		 smmu_name(smmu), smmu->offset);
	rc = resv_list_add(out, SW_MSI_START, SW_MSI_LAST, RESV_TYPE_SW_MSI,
			   RESV_PROT_WRITE | RESV_PROT_NOEXEC | RESV_PROT_MMIO, origin, dev->name);
	if (rc < 0)
		return rc;
	/*
	 * iort_iommu_msi_get_resv_regions: on HiSilicon Hi161x SMMUv3s (model
	 * 1) each ITS of the device's ITS group gives an msi region at ITS
	 * base + 64 KiB, 64 KiB long. The ITS base is in MADT, which is not
	 * read here, so that region is left out.
	 */

	/*
	 * iort_find_rmrs: "Only supports ARM DEN 0049E.d onwards"; and RMRs
	 * are read at all only since v6.0 ("ACPI/IORT: Add support to retrieve
	 * IORT RMR reserved regions").
	 */
	if (iort->header.revision < 5 || (kernel && kernel < KERNEL(6, 0)))
		return 0;
	for (size_t i = 0; i < iort->nnodes; i++) {
		const struct iort_node *n = &iort->nodes[i];

		if (n->type != IORT_RMR || !rmr_names(n, s, kernel, &sid))
			continue;
		if (rmr_named)
			*rmr_named = true;
		/* iort_rmr_has_dev: no preserve_config, no RMR for a PCI device. */
		if (!preserve_config)
			continue;
		rc = add_rmr(out, n, smmu, sid, page_size, dev->name);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int predict_virtio(struct resv_list *out, const struct viot_node *iommu, uint32_t epid,
		   const struct pci_dev *dev, enum viommu_resv resv)
{
	/*
	 * What QEMU puts in the reply (hw/virtio/virtio-iommu.c
	 * virtio_iommu_fill_resv_mem_prop): its reserved-regions property,
	 * which the machine sets: hw/i386/pc.c pc_machine_device_pre_plug_cb
	 * (the x86 MSI window), hw/arm/virt.c virt_machine_device_pre_plug_cb
	 * (the GICv2m frame, or the ITS translation page at ITS base + 64 KiB).
	 */
	static const struct { uint64_t start, last; const char *what; } probe[] = {
		[VIOMMU_QEMU_X86] = { MSI_START, MSI_LAST, "QEMU x86: the IOAPIC/MSI window" },
		[VIOMMU_QEMU_VIRT_GICV2M] = { 0x8020000, 0x8020fff, "QEMU arm virt: GICv2m frame" },
		[VIOMMU_QEMU_VIRT_ITS] = { 0x8090000, 0x809ffff,
					   "QEMU arm virt: ITS translation page" },
	};
	uint32_t prot = RESV_PROT_WRITE | RESV_PROT_NOEXEC | RESV_PROT_MMIO;
	char where[64], origin[192];

	if (iommu->type == VIOT_VIRTIO_IOMMU_PCI)
		snprintf(where, sizeof(where), "virtio-iommu %04x:%02x:%02x.%u (VIOT @0x%zx)",
			 iommu->segment, iommu->bdf >> 8, iommu->bdf >> 3 & 31, iommu->bdf & 7,
			 iommu->offset);
	else
		snprintf(where, sizeof(where), "virtio-iommu-mmio @0x%llx (VIOT @0x%zx)",
			 (unsigned long long)iommu->base, iommu->offset);
	if (resv != VIOMMU_NONE) {
		snprintf(origin, sizeof(origin),
			 "%s endpoint 0x%x PROBE RESV_MEM MSI, assumed viommu-resv (%s)", where,
			 epid, probe[resv].what);
		return resv_list_add(out, probe[resv].start, probe[resv].last, RESV_TYPE_MSI, prot,
				     origin, dev->name);
	}
	snprintf(origin, sizeof(origin),
		 "%s endpoint 0x%x software MSI window: no MSI region in PROBE, assumed "
		 "viommu-resv=none (viommu_get_resv_regions)", where, epid);
	return resv_list_add(out, SW_MSI_START, SW_MSI_LAST, RESV_TYPE_SW_MSI, prot, origin,
			     dev->name);
}
