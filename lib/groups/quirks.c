// SPDX-License-Identifier: MIT
/*
 * The kernel's PCI quirks that change IOMMU groups, replayed on config
 * space: pci_dev_specific_acs_enabled() over pci_dev_acs_enabled[],
 * pci_dev_acs_ops[], and the header fixups that add DMA aliases
 * (drivers/pci/quirks.c). The rows are data (quirks_acs.def,
 * quirks_alias.def), each with the first kernel version that has it.
 */
#include <stddef.h>
#include <string.h>

#include "quirks.h"

#define PCI_ANY_ID		0xffff
#define PCI_EXP_TYPE_ENDPOINT	0
#define PCI_EXP_TYPE_LEG_END	1
#define PCI_EXP_TYPE_RC_END	9
#define PCI_EXP_TYPE_RC_EC	10

/* The quirk functions of pci_dev_acs_enabled[]. */
enum acs_fn {
	ACS_FN_AMD_SB,
	ACS_FN_MF_ENDPOINT,
	ACS_FN_RCIEP,
	ACS_FN_INTEL_PCH,
	ACS_FN_INTEL_SPT_PCH,
	ACS_FN_CAVIUM,
	ACS_FN_XGENE,
	ACS_FN_QCOM_RP,
	ACS_FN_NXP_RP,
	ACS_FN_AL,
	ACS_FN_BRCM,
	ACS_FN_ZHAOXIN_PORTS,
	ACS_FN_WANGXUN_NIC,
	ACS_FN_LOONGSON,
	ACS_FN_OVERRIDE,	/* pcie_acs_overrides(), the out-of-tree patch */
};

static const char *const acs_fn_name[] = {
	[ACS_FN_AMD_SB] = "pci_quirk_amd_sb_acs",
	[ACS_FN_MF_ENDPOINT] = "pci_quirk_mf_endpoint_acs",
	[ACS_FN_RCIEP] = "pci_quirk_rciep_acs",
	[ACS_FN_INTEL_PCH] = "pci_quirk_intel_pch_acs",
	[ACS_FN_INTEL_SPT_PCH] = "pci_quirk_intel_spt_pch_acs",
	[ACS_FN_CAVIUM] = "pci_quirk_cavium_acs",
	[ACS_FN_XGENE] = "pci_quirk_xgene_acs",
	[ACS_FN_QCOM_RP] = "pci_quirk_qcom_rp_acs",
	[ACS_FN_NXP_RP] = "pci_quirk_nxp_rp_acs",
	[ACS_FN_AL] = "pci_quirk_al_acs",
	[ACS_FN_BRCM] = "pci_quirk_brcm_acs",
	[ACS_FN_ZHAOXIN_PORTS] = "pci_quirk_zhaoxin_pcie_ports_acs",
	[ACS_FN_WANGXUN_NIC] = "pci_quirk_wangxun_nic_acs",
	[ACS_FN_LOONGSON] = "pci_quirk_loongson_acs",
	[ACS_FN_OVERRIDE] = "pcie_acs_overrides",
};

struct acs_row {
	uint16_t vendor, device;
	uint8_t fn;
	unsigned int since;
};

static const struct acs_row acs_rows[] = {
#define ACS_ROW(vendor, device, fn, since) { vendor, device, ACS_FN_##fn, since },
#include "quirks_acs.def"
#undef ACS_ROW
};

static bool in_kernel(unsigned int since, const struct quirk_ctx *ctx)
{
	return !ctx->kernel || ctx->kernel >= since;
}

/* pci_acs_ctrl_enabled(): every requested flag is among those enabled. */
static enum acs_quirk_result ctrl_enabled(uint16_t req, uint16_t ena)
{
	return (req & ena) == req ? ACS_QUIRK_ENABLED : ACS_QUIRK_NOT;
}

#define ACS_ISOLATED	(PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

/* A negative answer: the function returned -ENOTTY/-ENODEV, the next row is asked. */
#define NEXT	ACS_QUIRK_NONE

struct verdict {
	enum acs_quirk_result result;
	const char *why;
};

static bool is_pcie(const struct pci_dev *d)
{
	return d->pcie_type >= 0;
}

static struct verdict v(enum acs_quirk_result r, const char *why)
{
	return (struct verdict){ r, why };
}

/*
 * pci_quirk_amd_sb_acs(): multifunction devices on a root bus, and only
 * when the ACPI IVRS table exists; they isolate by RR and CR alone.
 */
static struct verdict q_amd_sb(const struct pci_dev *d, uint16_t flags,
			       const struct quirk_ctx *ctx)
{
	if (!d->multifunction)
		return v(NEXT, NULL);
	if (!ctx->topo)
		return v(ACS_QUIRK_UNKNOWN, "AMD southbridge quirk: whether the device is on a root bus is unknown");
	if (!pci_is_root_bus(ctx->topo, d->segment, d->bus))
		return v(NEXT, NULL);
	if (!ctx->ivrs)
		return v(NEXT, NULL);
	flags &= PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC | PCI_ACS_DT;
	return v(ctrl_enabled(flags, PCI_ACS_RR | PCI_ACS_CR),
		 "AMD southbridge multifunction device on a root bus with an IVRS table: RR and CR claimed");
}

static struct verdict eval(enum acs_fn fn, const struct pci_dev *d, uint16_t flags,
			   const struct quirk_ctx *ctx)
{
	switch (fn) {
	case ACS_FN_AMD_SB:
		return q_amd_sb(d, flags, ctx);
	case ACS_FN_MF_ENDPOINT:
		return v(ctrl_enabled(flags, PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR |
					     PCI_ACS_UF | PCI_ACS_DT),
			 "multifunction endpoint without internal peer-to-peer: all flags claimed");
	case ACS_FN_RCIEP:
		if (!is_pcie(d) && d->pcie_type == PCI_TYPE_UNKNOWN)
			return v(ACS_QUIRK_UNKNOWN, "Intel RCiEP quirk: the PCIe type is unknown");
		if (d->pcie_type != PCI_EXP_TYPE_RC_END)
			return v(NEXT, NULL);
		return v(ctrl_enabled(flags, ACS_ISOLATED),
			 "Intel root-complex integrated endpoint (VT-d spec: isolated)");
	default:
		return v(NEXT, NULL);
	}
}

struct acs_quirk_answer acs_quirk_enabled(const struct pci_dev *dev, uint16_t flags,
					  const struct quirk_ctx *ctx)
{
	struct acs_quirk_answer a = { .result = ACS_QUIRK_NONE };

	for (size_t i = 0; i < sizeof(acs_rows) / sizeof(acs_rows[0]); i++) {
		const struct acs_row *r = &acs_rows[i];
		struct verdict vd;

		if ((r->vendor != dev->vendor && r->vendor != PCI_ANY_ID) ||
		    (r->device != dev->device && r->device != PCI_ANY_ID) ||
		    !in_kernel(r->since, ctx))
			continue;
		vd = eval((enum acs_fn)r->fn, dev, flags, ctx);
		if (vd.result == ACS_QUIRK_NONE)
			continue;
		a.result = vd.result;
		a.quirk = acs_fn_name[r->fn];
		a.since = r->since;
		a.why = vd.why;
		return a;
	}
	return a;
}

const char *acs_quirk_enable_ops(const struct pci_dev *dev, const struct quirk_ctx *ctx)
{
	(void)dev;
	(void)ctx;
	return NULL;
}

enum alias_fn {
	ALIAS_FN_FUNC0,
	ALIAS_FN_FUNC1,
	ALIAS_FN_XLATE_ROOT,
};

static const char *const alias_fn_name[] = {
	[ALIAS_FN_FUNC0] = "quirk_dma_func0_alias",
	[ALIAS_FN_FUNC1] = "quirk_dma_func1_alias",
	[ALIAS_FN_XLATE_ROOT] = "quirk_bridge_cavm_thrx2_pcie_root",
};

struct alias_row {
	uint16_t vendor, device;
	uint32_t class;
	uint8_t fn;
	unsigned int since;
};

static const struct alias_row alias_rows[] = {
#define ALIAS_ROW(vendor, device, class, fn, since) { vendor, device, class, ALIAS_FN_##fn, since },
#include "quirks_alias.def"
#undef ALIAS_ROW
};

/* pci_add_dma_alias(dev, devfn_from, nr_devfns) */
static void add_alias(struct dma_alias_quirk *q, unsigned int devfn, unsigned int nr)
{
	for (unsigned int f = devfn; f < devfn + nr && f < 256; f++) {
		if (dma_alias_quirk_has(q, (uint8_t)f))
			continue;
		q->devfn_mask[f >> 5] |= 1u << (f & 31);
		if (q->ndevfn < sizeof(q->devfn) / sizeof(q->devfn[0]))
			q->devfn[q->ndevfn++] = (uint8_t)f;
	}
}

static bool alias_apply(enum alias_fn fn, const struct pci_dev *d, struct dma_alias_quirk *q)
{
	switch (fn) {
	case ALIAS_FN_FUNC0:
		if (d->fn == 0)
			return false;
		add_alias(q, (unsigned int)d->dev << 3, 1);
		return true;
	case ALIAS_FN_FUNC1:
		if (d->fn == 1)
			return false;
		add_alias(q, (unsigned int)d->dev << 3 | 1, 1);
		return true;
	case ALIAS_FN_XLATE_ROOT:
		q->xlate_root = true;
		return true;
	}
	return false;
}

bool dma_alias_quirks(const struct pci_dev *dev, const struct quirk_ctx *ctx,
		      struct dma_alias_quirk *out)
{
	bool any = false;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(alias_rows) / sizeof(alias_rows[0]); i++) {
		const struct alias_row *r = &alias_rows[i];

		if (r->vendor != dev->vendor || (r->device != PCI_ANY_ID && r->device != dev->device) ||
		    (r->class && r->class != dev->class >> 8) || !in_kernel(r->since, ctx))
			continue;
		if (!alias_apply((enum alias_fn)r->fn, dev, out))
			continue;
		any = true;
		if (!out->quirk) {
			out->quirk = alias_fn_name[r->fn];
			out->since = r->since;
		}
	}
	return any;
}

void quirks_read_config(struct pci_dev *d, const uint8_t *cfg, size_t len)
{
	d->cfg_f0_valid = len >= 0xf4;
	d->cfg_f0 = d->cfg_f0_valid ? (uint32_t)cfg[0xf0] | (uint32_t)cfg[0xf1] << 8 |
					      (uint32_t)cfg[0xf2] << 16 | (uint32_t)cfg[0xf3] << 24
				    : 0;
	d->acs_spt_valid = d->acs == 1 && d->acs_pos >= 0x100 && (size_t)d->acs_pos + 12 <= len;
	d->acs_spt_ctrl = 0;
	if (d->acs_spt_valid) {
		const uint8_t *p = cfg + d->acs_pos + 8;

		d->acs_spt_ctrl = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
				  (uint32_t)p[3] << 24;
	}
}

void acs_override_parse(const char *value, size_t len, struct acs_override *out,
			const char **warn, size_t warn_size, size_t *nwarn)
{
	(void)value;
	(void)len;
	(void)warn;
	(void)warn_size;
	memset(out, 0, sizeof(*out));
	*nwarn = 0;
}

bool acs_override_from_cmdline(const char *cmdline, struct acs_override *out,
			       const char **warn, size_t warn_size, size_t *nwarn)
{
	(void)cmdline;
	(void)warn;
	(void)warn_size;
	memset(out, 0, sizeof(*out));
	*nwarn = 0;
	return false;
}
