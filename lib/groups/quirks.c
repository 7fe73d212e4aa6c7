// SPDX-License-Identifier: MIT
/*
 * The kernel's PCI quirks that change IOMMU groups, replayed on config
 * space (drivers/pci/quirks.c): pci_dev_specific_acs_enabled() over
 * pci_dev_acs_enabled[], the enable steps of pci_dev_acs_ops[], and the
 * header fixups that add DMA aliases. The rows are data, each with the
 * kernel version that has it: quirks_acs.def, quirks_ids.def,
 * quirks_alias.def (tests/groups/quirk-table.py keeps them current).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "quirks.h"

#define PCI_ANY_ID		0xffff
#define PCI_EXP_TYPE_ENDPOINT	0
#define PCI_EXP_TYPE_LEG_END	1
#define PCI_EXP_TYPE_RC_END	9

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define ACS_ISOLATED	(PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

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
	ACS_FN_OVERRIDE,
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

#define QUIRK_STABLE_MAX	6
#define STABLE(...)	{ __VA_ARGS__ }

struct quirk_row {
	uint16_t vendor, device;
	uint8_t fn;
	unsigned int since;
	unsigned int stable[QUIRK_STABLE_MAX];
};

static const struct quirk_row acs_rows[] = {
#define ACS_ROW(vendor, device, fn, since, stable) { vendor, device, ACS_FN_##fn, since, stable },
#define ACS_OPS(vendor, device, enable, disable, since)
#include "quirks_acs.def"
#undef ACS_OPS
#undef ACS_ROW
};

/*
 * The oldest source the rows were dated against (v5.10.13): a row it already
 * has is "v5.10 or older", and is taken as present in every older kernel
 * modelled (v5.3 on). Nearly all of them are much older (the Intel PCH and
 * multifunction rows date from v3.x); the table cannot date them further.
 */
#define QUIRK_BASELINE	QUIRK_KV(5, 10)

/*
 * Does a row with @since and @stable exist in kernel @kernel? Mainline from
 * @since on; a stable series listed in @stable from its release on, or
 * whatever its release when that is not known.
 */
static bool in_kernel(unsigned int since, const unsigned int *stable, unsigned int kernel)
{
	unsigned int series = kernel & ~0xffu, sub = kernel & 0xffu;

	if (!kernel)
		return since != QUIRK_NEVER;
	if (since != QUIRK_NEVER && (series >= since || since <= QUIRK_BASELINE))
		return true;
	for (size_t i = 0; i < QUIRK_STABLE_MAX && stable[i]; i++)
		if ((stable[i] & ~0xffu) == series && (!sub || sub >= (stable[i] & 0xffu)))
			return true;
	return false;
}

/*
 * Is @device in the ID list of quirk function @fn (quirks_ids.def), in
 * ctx's kernel? One switch with a case range per row, which the compiler
 * makes a binary search (a scan of the 139 rows was half of the groups'
 * time on a big Intel host, every Intel function asking twice); a device
 * listed twice for one function does not compile.
 */
static bool id_listed(enum acs_fn fn, uint16_t device, const struct quirk_ctx *ctx)
{
	switch ((uint32_t)fn << 16 | device) {
#define ACS_IDS(fn, first, last, since, stable)						\
	case (uint32_t)ACS_FN_##fn << 16 | (first) ... (uint32_t)ACS_FN_##fn << 16 | (last):	\
		return in_kernel(since, (const unsigned int[QUIRK_STABLE_MAX])stable, ctx->kernel);
#include "quirks_ids.def"
#undef ACS_IDS
	default:
		return false;
	}
}

struct verdict {
	enum acs_quirk_result result;
	const char *why;
};

/* A negative return of the quirk function: the next row is asked. */
static const struct verdict next_row = { ACS_QUIRK_NONE, NULL };

/* pci_acs_ctrl_enabled(): every requested flag is among those enabled. */
static struct verdict ctrl_enabled(uint16_t req, uint32_t ena, const char *why)
{
	return (struct verdict){ (req & ena) == req ? ACS_QUIRK_ENABLED : ACS_QUIRK_NOT, why };
}

static struct verdict unknown(const char *why)
{
	return (struct verdict){ ACS_QUIRK_UNKNOWN, why };
}

/* pci_is_pcie(); pci_pcie_type() reads 0 (an endpoint) from a function without PCIe. */
static bool type_unknown(const struct pci_dev *d)
{
	return d->pcie_type == PCI_TYPE_UNKNOWN;
}

static bool is_pcie(const struct pci_dev *d)
{
	return d->pcie_type >= 0;
}

static int pcie_type(const struct pci_dev *d)
{
	return is_pcie(d) ? d->pcie_type : PCI_EXP_TYPE_ENDPOINT;
}

static bool is_root_port(const struct pci_dev *d)
{
	return d->pcie_type == PCI_EXP_TYPE_ROOT_PORT;
}

/*
 * pci_quirk_amd_sb_acs(): multifunction southbridge functions on a root
 * bus, and only with an ACPI IVRS table (the AMD IOMMU); they claim RR and
 * CR, the flags a multifunction device needs (-ENODEV otherwise).
 */
static struct verdict q_amd_sb(const struct pci_dev *d, uint16_t flags, const struct quirk_ctx *ctx)
{
	if (!d->multifunction)
		return next_row;
	if (!ctx->topo)
		return unknown("AMD southbridge quirk: whether the function sits on a root bus is not known");
	if (!pci_is_root_bus(ctx->topo, d->segment, d->bus) || !ctx->ivrs)
		return next_row;
	flags &= PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC | PCI_ACS_DT;
	return ctrl_enabled(flags, PCI_ACS_RR | PCI_ACS_CR,
			    "AMD southbridge function on a root bus with an IVRS table: no peer-to-peer (RR, CR)");
}

/*
 * pci_quirk_intel_pch_acs(): PCH root ports without an ACS capability
 * isolate once pci_quirk_enable_intel_pch_acs() ran at pci_enable_acs()
 * time. That step fails, leaving the ports not isolated, when the LPC
 * (D31:F0 on the port's bus) has the RCBA enable bit (config 0xf0 bit 0)
 * clear; otherwise it disables peer decode through RCBA MMIO (BSPR, UPDCR)
 * and marks the port (PCI_DEV_FLAGS_ACS_ENABLED_QUIRK) without reading
 * back whether the write took: the answer rests on config space alone, and
 * we assume, as the kernel does, that the MMIO write works.
 */
static struct verdict q_intel_pch(const struct pci_dev *d, uint16_t flags, const struct quirk_ctx *ctx)
{
	const struct pci_dev *lpc;

	if (!id_listed(ACS_FN_INTEL_PCH, d->device, ctx))
		return next_row;
	if (type_unknown(d))
		return unknown("Intel PCH root port quirk: the PCIe port type is not known");
	if (!is_root_port(d))
		return next_row;
	if (ctx->no_acs_enable)
		return ctrl_enabled(flags, 0, "Intel PCH root port: ACS was never enabled (no IOMMU asked)");
	if (!ctx->topo || !(lpc = pci_find(ctx->topo, d->segment, d->bus, 31, 0)))
		return unknown("Intel PCH root port: the LPC at 1f.0, whose RCBA decides, is not in the input");
	if (!lpc->cfg_f0_valid)
		return unknown("Intel PCH root port: the LPC's RCBA register (0xf0) is beyond the config space read");
	if (!(lpc->cfg_f0 & 1))
		return ctrl_enabled(flags, 0, "Intel PCH root port: RCBA disabled, the ACS workaround failed");
	return ctrl_enabled(flags, ACS_ISOLATED,
			    "Intel PCH root port: peer decode disabled through RCBA (SV, RR, CR, UF)");
}

/*
 * pci_quirk_intel_spt_pch_acs(): Sunrise/Union Point root ports have an
 * ACS capability whose control register is a dword at +8, not a word at
 * +6; the standard rule applies to that register.
 */
static struct verdict q_intel_spt(const struct pci_dev *d, uint16_t flags, const struct quirk_ctx *ctx)
{
	if (!id_listed(ACS_FN_INTEL_SPT_PCH, d->device, ctx))
		return next_row;
	if (type_unknown(d))
		return unknown("Intel SPT root port quirk: the PCIe port type is not known");
	if (!is_root_port(d) || d->acs == 0)
		return next_row;
	if (d->acs < 0 || !d->acs_spt_valid)
		return unknown("Intel SPT root port: its ACS capability is beyond the config space read");
	flags &= d->acs_cap | PCI_ACS_EC;
	return ctrl_enabled(flags, d->acs_spt_ctrl,
			    "Intel Sunrise/Union Point root port: ACS control read at capability + 8");
}

/* pci_quirk_cavium_acs(): ThunderX root ports, whatever the vendor field matched. */
static struct verdict q_cavium(const struct pci_dev *d, uint16_t flags, const struct quirk_ctx *ctx)
{
	if (!id_listed(ACS_FN_CAVIUM, d->device, ctx))
		return next_row;
	if (type_unknown(d))
		return unknown("Cavium quirk: the PCIe port type is not known");
	if (!is_root_port(d))
		return next_row;
	return ctrl_enabled(flags, ACS_ISOLATED, "Cavium ThunderX root port: isolation built in (SV, RR, CR, UF)");
}

/* pci_quirk_al_acs(): Annapurna Labs root ports; any other flag than the four fails. */
static struct verdict q_al(const struct pci_dev *d, uint16_t flags)
{
	if (type_unknown(d))
		return unknown("Annapurna Labs quirk: the PCIe port type is not known");
	if (pcie_type(d) != PCI_EXP_TYPE_ROOT_PORT)
		return next_row;
	flags &= (uint16_t)~ACS_ISOLATED;
	return (struct verdict){ flags ? ACS_QUIRK_NOT : ACS_QUIRK_ENABLED,
				 "Amazon Annapurna Labs root port: no peer-to-peer, own segment" };
}

/*
 * pci_quirk_zhaoxin_pcie_ports_acs(): root and downstream ports; a Zhaoxin
 * port that is not in the list answers "not enabled" (the function returns
 * false), which ends the search.
 */
static struct verdict q_zhaoxin(const struct pci_dev *d, uint16_t flags, const struct quirk_ctx *ctx)
{
	if (type_unknown(d))
		return unknown("Zhaoxin port quirk: the PCIe port type is not known");
	if (!is_pcie(d) || (d->pcie_type != PCI_EXP_TYPE_ROOT_PORT &&
			    d->pcie_type != PCI_EXP_TYPE_DOWNSTREAM))
		return next_row;
	if (!id_listed(ACS_FN_ZHAOXIN_PORTS, d->device, ctx))
		return ctrl_enabled(flags, 0, "Zhaoxin port not in the quirk's list: taken as not isolated");
	return ctrl_enabled(flags, ACS_ISOLATED, "Zhaoxin root/downstream port: no peer-to-peer (SV, RR, CR, UF)");
}

/* pci_quirk_wangxun_nic_acs(): listed NICs isolate; any other Wangxun device answers "not". */
static struct verdict q_wangxun(const struct pci_dev *d, uint16_t flags, const struct quirk_ctx *ctx)
{
	if (!id_listed(ACS_FN_WANGXUN_NIC, d->device, ctx))
		return ctrl_enabled(flags, 0, "Wangxun device not in the quirk's list: taken as not isolated");
	return ctrl_enabled(flags, ACS_ISOLATED, "Wangxun NIC: functions isolated (SV, RR, CR, UF)");
}

static bool override_id(const struct acs_override *o, const struct pci_dev *d)
{
	for (size_t i = 0; i < o->nids && i < ACS_OVERRIDE_IDS; i++)
		if (o->ids[i].vendor == d->vendor && o->ids[i].device == d->device)
			return true;
	return false;
}

/*
 * pcie_acs_overrides() of the out-of-tree patch: never for conventional
 * PCI or a function with an ACS capability; a listed ID, a root or
 * downstream port with "downstream", a multifunction endpoint or upstream
 * port with "multifunction" claim every flag asked for.
 */
static struct verdict q_override(const struct pci_dev *d, const struct acs_override *o)
{
	int type;

	if (type_unknown(d))
		return unknown("pcie_acs_override: whether the function is PCI Express is not known");
	if (!is_pcie(d) || d->acs == 1)
		return next_row;
	if (d->acs < 0)
		return unknown("pcie_acs_override: whether the function has an ACS capability is not known");
	if (override_id(o, d))
		return (struct verdict){ ACS_QUIRK_ENABLED, "pcie_acs_override=id: this vendor:device claims ACS" };
	type = d->pcie_type;
	if ((type == PCI_EXP_TYPE_DOWNSTREAM || type == PCI_EXP_TYPE_ROOT_PORT) && o->downstream)
		return (struct verdict){ ACS_QUIRK_ENABLED, "pcie_acs_override=downstream: the port claims ACS" };
	if ((type == PCI_EXP_TYPE_ENDPOINT || type == PCI_EXP_TYPE_UPSTREAM ||
	     type == PCI_EXP_TYPE_LEG_END || type == PCI_EXP_TYPE_RC_END) &&
	    o->multifunction && d->multifunction)
		return (struct verdict){ ACS_QUIRK_ENABLED,
					 "pcie_acs_override=multifunction: the function claims ACS" };
	return next_row;
}

static struct verdict eval(enum acs_fn fn, const struct pci_dev *d, uint16_t flags,
			   const struct quirk_ctx *ctx)
{
	switch (fn) {
	case ACS_FN_AMD_SB:
		return q_amd_sb(d, flags, ctx);
	case ACS_FN_MF_ENDPOINT:
		/* SV, TB, UF do not apply to a multifunction endpoint; RR, CR, DT are hard-wired */
		return ctrl_enabled(flags, ACS_ISOLATED | PCI_ACS_TB | PCI_ACS_DT,
				    "multifunction device without peer-to-peer between functions (vendor-verified)");
	case ACS_FN_RCIEP:
		if (type_unknown(d))
			return unknown("Intel RCiEP quirk: the PCIe type is not known");
		if (pcie_type(d) != PCI_EXP_TYPE_RC_END)
			return next_row;
		return ctrl_enabled(flags, ACS_ISOLATED,
				    "Intel root-complex integrated endpoint: peer traffic must be translated (VT-d 3.16)");
	case ACS_FN_INTEL_PCH:
		return q_intel_pch(d, flags, ctx);
	case ACS_FN_INTEL_SPT_PCH:
		return q_intel_spt(d, flags, ctx);
	case ACS_FN_CAVIUM:
		return q_cavium(d, flags, ctx);
	case ACS_FN_XGENE:
		return ctrl_enabled(flags, ACS_ISOLATED, "APM X-Gene / Ampere root port: no peer-to-peer");
	case ACS_FN_QCOM_RP:
		return ctrl_enabled(flags, ACS_ISOLATED,
				    "Qualcomm/HXT root port: its own root complex and segment");
	case ACS_FN_NXP_RP:
		return ctrl_enabled(flags, ACS_ISOLATED, "NXP LX2 root port: its own root complex and segment");
	case ACS_FN_AL:
		return q_al(d, flags);
	case ACS_FN_BRCM:
		return ctrl_enabled(flags, ACS_ISOLATED, "Broadcom iProc PAXB root port: no peer-to-peer");
	case ACS_FN_ZHAOXIN_PORTS:
		return q_zhaoxin(d, flags, ctx);
	case ACS_FN_WANGXUN_NIC:
		return q_wangxun(d, flags, ctx);
	case ACS_FN_LOONGSON:
		return ctrl_enabled(flags, ACS_ISOLATED, "Loongson root port: no peer-to-peer between ports");
	case ACS_FN_OVERRIDE:
		return ctx->override ? q_override(d, ctx->override) : next_row;
	}
	return next_row;
}

static bool row_matches(uint16_t vendor, uint16_t device, const struct pci_dev *d)
{
	return (vendor == d->vendor || vendor == PCI_ANY_ID) &&
	       (device == d->device || device == PCI_ANY_ID);
}

static bool answer(struct acs_quirk_answer *a, enum acs_fn fn, unsigned int since,
		   const struct pci_dev *d, uint16_t flags, const struct quirk_ctx *ctx)
{
	struct verdict v = eval(fn, d, flags, ctx);

	if (v.result == ACS_QUIRK_NONE)
		return false;
	a->result = v.result;
	a->quirk = acs_fn_name[fn];
	a->since = since;
	a->why = v.why;
	return true;
}

/*
 * Where the override patch puts its row: Proxmox's after the APM X-Gene
 * row (0x10e8:0xe004), Zen's and the original last (see quirks_override.c).
 */
static bool override_before(const struct quirk_row *r, const struct acs_override *o)
{
	return o->place == ACS_OVERRIDE_PVE && r > acs_rows && r[-1].fn == ACS_FN_XGENE &&
	       r[-1].vendor == 0x10e8 && r[-1].device == 0xe004;
}

struct acs_quirk_answer acs_quirk_enabled(const struct pci_dev *dev, uint16_t flags,
					  const struct quirk_ctx *ctx)
{
	struct acs_quirk_answer a = { .result = ACS_QUIRK_NONE };
	const struct acs_override *o = ctx->override;
	bool override_done = false;

	for (const struct quirk_row *r = acs_rows; r < acs_rows + ARRAY_LEN(acs_rows); r++) {
		if (o && !override_done && override_before(r, o)) {
			override_done = true;
			if (answer(&a, ACS_FN_OVERRIDE, 0, dev, flags, ctx))
				return a;
		}
		if (!row_matches(r->vendor, r->device, dev) || !in_kernel(r->since, r->stable, ctx->kernel))
			continue;
		if (answer(&a, (enum acs_fn)r->fn, r->since, dev, flags, ctx))
			return a;
	}
	if (o && !override_done)
		answer(&a, ACS_FN_OVERRIDE, 0, dev, flags, ctx);
	return a;
}

/* pci_dev_acs_ops[]: its matching rests on the same device lists. */
static bool spt_handles(const struct pci_dev *d, const struct quirk_ctx *ctx)
{
	return id_listed(ACS_FN_INTEL_SPT_PCH, d->device, ctx) && is_root_port(d) && d->acs == 1;
}

static bool pch_handles(const struct pci_dev *d, const struct quirk_ctx *ctx)
{
	return id_listed(ACS_FN_INTEL_PCH, d->device, ctx) && is_root_port(d);
}

const char *acs_quirk_enable_ops(const struct pci_dev *dev, const struct quirk_ctx *ctx)
{
	if (dev->vendor != 0x8086)
		return NULL;
	if (pch_handles(dev, ctx))
		return "pci_quirk_enable_intel_pch_acs";
	if (spt_handles(dev, ctx))
		return "pci_quirk_enable_intel_spt_pch_acs";
	return NULL;
}

bool acs_quirk_enable(struct pci_dev *dev, const struct quirk_ctx *ctx, bool tb)
{
	uint16_t bits = ACS_ISOLATED | (tb ? PCI_ACS_TB : 0);

	if (dev->vendor != 0x8086)
		return false;
	/* pci_quirk_enable_intel_pch_acs() returns 0 even when it fails */
	if (pch_handles(dev, ctx))
		return true;
	if (!spt_handles(dev, ctx))
		return false;
	if (dev->acs_spt_valid)
		dev->acs_spt_ctrl |= dev->acs_cap & bits;
	return true;
}

bool acs_quirk_disable_redir(struct pci_dev *dev, const struct quirk_ctx *ctx)
{
	if (dev->vendor != 0x8086 || !spt_handles(dev, ctx))
		return false;
	if (dev->acs_spt_valid)
		dev->acs_spt_ctrl &= ~(uint32_t)(PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC);
	return true;
}

/* DMA alias fixups. */
enum alias_fn {
	ALIAS_FN_FUNC0,
	ALIAS_FN_FUNC1,
	ALIAS_FN_FIXED,
	ALIAS_FN_PCIE_BRIDGE,
	ALIAS_FN_MIC_X200,
	ALIAS_FN_PEX_VCA,
	ALIAS_FN_XLATE_ROOT,
	ALIAS_FN_BRIDGE_NO_ALIAS,
	ALIAS_FN_SWITCHTEC,
	ALIAS_FN_PLX_NTB,
};

static const char *const alias_fn_name[] = {
	[ALIAS_FN_FUNC0] = "quirk_dma_func0_alias",
	[ALIAS_FN_FUNC1] = "quirk_dma_func1_alias",
	[ALIAS_FN_FIXED] = "quirk_fixed_dma_alias",
	[ALIAS_FN_PCIE_BRIDGE] = "quirk_use_pcie_bridge_dma_alias",
	[ALIAS_FN_MIC_X200] = "quirk_mic_x200_dma_alias",
	[ALIAS_FN_PEX_VCA] = "quirk_pex_vca_alias",
	[ALIAS_FN_XLATE_ROOT] = "quirk_bridge_cavm_thrx2_pcie_root",
	[ALIAS_FN_BRIDGE_NO_ALIAS] = "quirk_aspeed_pci_bridge_no_alias",
	[ALIAS_FN_SWITCHTEC] = "quirk_switchtec_ntb_dma_alias",
	[ALIAS_FN_PLX_NTB] = "quirk_plx_ntb_dma_alias",
};

struct alias_row {
	uint16_t vendor, device;
	uint16_t class;		/* 0: any; else class >> 8 */
	uint8_t fn;
	unsigned int since;
	unsigned int stable[QUIRK_STABLE_MAX];
};

struct fixed_alias {
	uint16_t vendor, device, subvendor, subdevice;
	uint8_t devfn;
	unsigned int since;
};

static const struct alias_row alias_rows[] = {
#define ALIAS_ROW(vendor, device, class, fn, since, stable) \
	{ vendor, device, class, ALIAS_FN_##fn, since, stable },
#define FIXED_ALIAS(vendor, device, subvendor, subdevice, devfn, since)
#include "quirks_alias.def"
#undef FIXED_ALIAS
#undef ALIAS_ROW
};

static const struct fixed_alias fixed_aliases[] = {
#define ALIAS_ROW(vendor, device, class, fn, since, stable)
#define FIXED_ALIAS(vendor, device, subvendor, subdevice, devfn, since) \
	{ vendor, device, subvendor, subdevice, devfn, since },
#include "quirks_alias.def"
#undef FIXED_ALIAS
#undef ALIAS_ROW
};

/* pci_add_dma_alias(dev, devfn_from, nr_devfns) */
static void add_alias(struct dma_alias_quirk *q, unsigned int devfn, unsigned int nr)
{
	for (unsigned int f = devfn; f < devfn + nr && f < 256; f++) {
		if (dma_alias_quirk_has(q, (uint8_t)f))
			continue;
		q->devfn_mask[f >> 5] |= 1u << (f & 31);
		if (q->ndevfn < ARRAY_LEN(q->devfn))
			q->devfn[q->ndevfn++] = (uint8_t)f;
	}
}

/*
 * quirk_use_pcie_bridge_dma_alias(): a bridge without a PCIe capability,
 * not on a root bus, whose upstream bridge is PCIe but not a PCIe-to-PCI
 * bridge, is itself the PCIe-to-PCI bridge.
 */
static bool pcie_bridge_alias(const struct pci_dev *d, const struct quirk_ctx *ctx,
			      struct dma_alias_quirk *q)
{
	const struct pci_dev *up;

	if (d->header_type != 1)
		return false;
	if (!ctx->topo || type_unknown(d)) {
		q->unknown = true;
		return true;
	}
	if (is_pcie(d) || pci_is_root_bus(ctx->topo, d->segment, d->bus))
		return false;
	up = pci_bus_bridge(ctx->topo, d->segment, d->bus);
	if (!up || type_unknown(up)) {
		q->unknown = true;
		return true;
	}
	if (!is_pcie(up) || up->pcie_type == PCI_EXP_TYPE_PCI_BRIDGE)
		return false;
	q->pcie_bridge_alias = true;
	return true;
}

static bool alias_apply(enum alias_fn fn, const struct pci_dev *d, const struct quirk_ctx *ctx,
			struct dma_alias_quirk *q)
{
	unsigned int slot = (unsigned int)d->dev << 3;

	switch (fn) {
	case ALIAS_FN_FUNC0:
		if (d->fn == 0)
			return false;
		add_alias(q, slot, 1);
		return true;
	case ALIAS_FN_FUNC1:
		if (d->fn == 1)
			return false;
		add_alias(q, slot | 1, 1);
		return true;
	case ALIAS_FN_FIXED:
		for (size_t i = 0; i < ARRAY_LEN(fixed_aliases); i++) {
			const struct fixed_alias *f = &fixed_aliases[i];

			if (f->vendor == d->vendor && f->device == d->device &&
			    f->subvendor == d->subsys_vendor && f->subdevice == d->subsys_device &&
			    in_kernel(f->since, (const unsigned int[QUIRK_STABLE_MAX]){ 0 }, ctx->kernel)) {
				add_alias(q, f->devfn, 1);
				return true;
			}
		}
		return false;
	case ALIAS_FN_PCIE_BRIDGE:
		return pcie_bridge_alias(d, ctx, q);
	case ALIAS_FN_MIC_X200:
		add_alias(q, 0x10 << 3, 1);
		add_alias(q, 0x11 << 3, 1);
		add_alias(q, 0x12 << 3 | 3, 1);
		return true;
	case ALIAS_FN_PEX_VCA:
		for (unsigned int s = 0; s < 32; s++)
			add_alias(q, s << 3, 5);
		return true;
	case ALIAS_FN_XLATE_ROOT:
		q->xlate_root = true;
		return true;
	case ALIAS_FN_BRIDGE_NO_ALIAS:
		q->bridge_no_alias = true;
		return true;
	case ALIAS_FN_SWITCHTEC:
		/* the proxy IDs come from the NTB's BAR 0 partition tables */
		q->unknown = true;
		return true;
	case ALIAS_FN_PLX_NTB:
		add_alias(q, 0, 256);
		return true;
	}
	return false;
}

bool dma_alias_quirks(const struct pci_dev *dev, const struct quirk_ctx *ctx,
		      struct dma_alias_quirk *out)
{
	bool any = false;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < ARRAY_LEN(alias_rows); i++) {
		const struct alias_row *r = &alias_rows[i];

		if (r->vendor != dev->vendor || r->device != dev->device ||
		    (r->class && r->class != (dev->class >> 8)) ||
		    !in_kernel(r->since, r->stable, ctx->kernel))
			continue;
		if (!alias_apply((enum alias_fn)r->fn, dev, ctx, out))
			continue;
		if (!any) {
			out->quirk = alias_fn_name[r->fn];
			out->since = r->since;
		}
		any = true;
	}
	return any;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void quirks_read_config(struct pci_dev *d, const uint8_t *cfg, size_t len)
{
	d->cfg_f0_valid = len >= 0xf4;
	d->cfg_f0 = d->cfg_f0_valid ? le32(cfg + 0xf0) : 0;
	d->acs_spt_valid = d->acs == 1 && d->acs_pos >= 0x100 && (size_t)d->acs_pos + 12 <= len;
	d->acs_spt_ctrl = d->acs_spt_valid ? le32(cfg + d->acs_pos + 8) : 0;
}

unsigned int quirk_kernel_version(const char *release)
{
	unsigned long major, minor, sub = 0;
	char *end;

	if (!release || *release < '0' || *release > '9')
		return 0;
	major = strtoul(release, &end, 10);
	if (*end != '.' || end[1] < '0' || end[1] > '9')
		return 0;
	minor = strtoul(end + 1, &end, 10);
	if (*end == '.' && end[1] >= '0' && end[1] <= '9')
		sub = strtoul(end + 1, &end, 10);
	if (!major || major > 255 || minor > 255)
		return 0;
	return QUIRK_KV3(major, minor, sub);
}
