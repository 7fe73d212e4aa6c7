// SPDX-License-Identifier: MIT
/*
 * The kernel's PCI quirks as data (lib/groups/quirks*.c): rows exist only
 * from the kernel version (or stable release) that has them; each quirk
 * function answers as drivers/pci/quirks.c does for hand-made functions;
 * the first row that answers wins; the DMA-alias fixups; and
 * pcie_acs_override= parsed as the Proxmox and Zen patches parse it,
 * malformed input included.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "quirks.h"

#define KV QUIRK_KV
#define KV3 QUIRK_KV3
#define REQ REQ_ACS_FLAGS
#define NONE ACS_QUIRK_NONE
#define NOT ACS_QUIRK_NOT
#define YES ACS_QUIRK_ENABLED
#define UNK ACS_QUIRK_UNKNOWN
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* PCIe port types (pci.h has the bridge ones) */
#define EP 0
#define RP PCI_EXP_TYPE_ROOT_PORT
#define USP PCI_EXP_TYPE_UPSTREAM
#define DSP PCI_EXP_TYPE_DOWNSTREAM
#define RCIEP 9
#define CONV PCI_TYPE_CONVENTIONAL
#define UNKT PCI_TYPE_UNKNOWN

static struct pci_dev fn(uint16_t vendor, uint16_t device, int8_t type, uint8_t bus, uint8_t dev,
			 uint8_t f)
{
	struct pci_dev d = { .vendor = vendor, .device = device, .pcie_type = type, .bus = bus,
			     .dev = dev, .fn = f, .acs = 0, .cfg_len = 4096 };

	snprintf(d.name, sizeof(d.name), "0000:%02x:%02x.%c", bus, dev & 31, '0' + (f & 7));
	return d;
}

/* A topology of @n functions given in (bus, dev, fn) order. */
struct topo {
	struct pci_topology t;
	struct pci_dev devs[8];
	uint32_t child[8];
};

static void topo_init(struct topo *tp, const struct pci_dev *devs, size_t n)
{
	assert_true(n <= N(tp->devs));
	memset(tp, 0, sizeof(*tp));
	memcpy(tp->devs, devs, n * sizeof(*devs));
	tp->t.n = tp->t.cap = n;
	tp->t.devs = tp->devs;
	tp->t.child_buses = tp->child;
	tp->t.child_cap = N(tp->child);
	pci_topology_reindex(&tp->t);
}

/* One bus-0 topology for the ACS cases: the function itself, and an LPC at 1f.0 when asked. */
static struct acs_quirk_answer ask(struct pci_dev d, uint16_t flags, unsigned int kernel)
{
	struct topo tp;
	struct quirk_ctx ctx = { .kernel = kernel };

	topo_init(&tp, &d, 1);
	ctx.topo = &tp.t;
	return acs_quirk_enabled(&tp.devs[0], flags, &ctx);
}

struct version_case {
	const char *what;
	uint16_t vendor, device;
	int8_t type;
	bool multifunction;
	unsigned int kernel;
	enum acs_quirk_result want;
	const char *quirk;
};

/* Rows exist from their mainline version, or from the stable release they were backported to. */
static void test_rows_by_version(void **state)
{
	static const struct version_case cases[] = {
		{ "Loongson root port before v6.18", 0x0014, 0x3c09, RP, false, KV(6, 14), NONE, NULL },
		{ "Loongson root port in v6.18", 0x0014, 0x3c09, RP, false, KV(6, 18), YES,
		  "pci_quirk_loongson_acs" },
		{ "Loongson in the newest", 0x0014, 0x7a69, RP, false, 0, YES, "pci_quirk_loongson_acs" },
		{ "Loongson backported: Debian 6.12.117", 0x0014, 0x3c09, RP, false, KV3(6, 12, 117), YES,
		  "pci_quirk_loongson_acs" },
		{ "Loongson not in 6.12.19", 0x0014, 0x3c09, RP, false, KV3(6, 12, 19), NONE, NULL },
		{ "Loongson in 6.12, release unknown: the newest 6.12", 0x0014, 0x3c09, RP, false,
		  KV(6, 12), YES, "pci_quirk_loongson_acs" },
		{ "Loongson never in 5.10", 0x0014, 0x3c09, RP, false, KV3(5, 10, 223), NONE, NULL },
		{ "Wangxun before v6.3", 0x8088, 0x1001, EP, true, KV(6, 2), NONE, NULL },
		{ "Wangxun from v6.3", 0x8088, 0x1001, EP, true, KV(6, 3), YES, "pci_quirk_wangxun_nic_acs" },
		{ "Wangxun in Debian 5.10.223", 0x8088, 0x1001, EP, true, KV3(5, 10, 223), YES,
		  "pci_quirk_wangxun_nic_acs" },
		{ "Wangxun FF5xxx before its IDs (v6.3): not isolated", 0x8088, 0x5010, EP, true, KV(6, 3),
		  NOT, "pci_quirk_wangxun_nic_acs" },
		{ "Wangxun FF5xxx from v6.12", 0x8088, 0x5010, EP, true, KV(6, 12), YES,
		  "pci_quirk_wangxun_nic_acs" },
		{ "Zhaoxin port 0x0740 in v6.5: not in the list", 0x1d17, 0x0740, RP, false, KV(6, 5), NOT,
		  "pci_quirk_zhaoxin_pcie_ports_acs" },
		{ "Zhaoxin port 0x0740 from v6.8", 0x1d17, 0x0740, RP, false, KV(6, 8), YES,
		  "pci_quirk_zhaoxin_pcie_ports_acs" },
		{ "Zhaoxin port 0x0725 in v5.10", 0x1d17, 0x0725, DSP, false, KV(5, 10), YES,
		  "pci_quirk_zhaoxin_pcie_ports_acs" },
		{ "Qualcomm Glymur not in v6.19", 0x17cb, 0x0120, RP, false, KV(6, 19), NONE, NULL },
		{ "Qualcomm Glymur from v7.0", 0x17cb, 0x0120, RP, false, KV(7, 0), YES,
		  "pci_quirk_qcom_rp_acs" },
		{ "Qualcomm Glymur in Debian 6.1.176", 0x17cb, 0x0120, RP, false, KV3(6, 1, 176), YES,
		  "pci_quirk_qcom_rp_acs" },
		{ "NXP LX2 not in v5.14", 0x1957, 0x8d81, RP, false, KV(5, 14), NONE, NULL },
		{ "NXP LX2 from v5.15", 0x1957, 0x8d81, RP, false, KV(5, 15), YES, "pci_quirk_nxp_rp_acs" },
		{ "BCM5750x from v6.0", 0x14e4, 0x1750, EP, true, KV(6, 0), YES,
		  "pci_quirk_mf_endpoint_acs" },
		{ "BCM5750x not in v5.19", 0x14e4, 0x1750, EP, true, KV(5, 19), NONE, NULL },
		{ "AMD-era row in every version", 0x8086, 0x10fb, EP, true, KV(5, 10), YES,
		  "pci_quirk_mf_endpoint_acs" },
		/* A row the oldest dated source (v5.10.13) has is taken as older than 5.10. */
		{ "a v5.10-or-older row in v5.4", 0x8086, 0x10fb, EP, true, KV(5, 4), YES,
		  "pci_quirk_mf_endpoint_acs" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		const struct version_case *c = &cases[i];
		struct pci_dev d = fn(c->vendor, c->device, c->type, 0, 2, 0);
		struct acs_quirk_answer a;

		d.multifunction = c->multifunction;
		a = ask(d, REQ, c->kernel);
		if (a.result != c->want || (c->quirk && (!a.quirk || strcmp(a.quirk, c->quirk)))) {
			print_error("%s: result %d quirk %s\n", c->what, a.result, a.quirk ? a.quirk : "-");
			fail();
		}
	}
}

struct fn_case {
	const char *what;
	struct pci_dev d;
	uint16_t flags;
	bool ivrs;
	bool no_topo;
	enum acs_quirk_result want;
	const char *quirk;
};

static struct pci_dev mf(struct pci_dev d)
{
	d.multifunction = true;
	return d;
}

static struct pci_dev with_acs(struct pci_dev d, int8_t acs, uint16_t cap, uint32_t spt_ctrl)
{
	d.acs = acs;
	d.acs_pos = 0x100;
	d.acs_cap = cap;
	d.acs_ctrl = 0xffff;	/* the standard word does not count for SPT */
	d.acs_spt_valid = acs == 1;
	d.acs_spt_ctrl = spt_ctrl;
	return d;
}

#define ISO (PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

/* Every quirk function of pci_dev_acs_enabled[], one device each way. */
static void test_quirk_functions(void **state)
{
	const struct fn_case cases[] = {
		/* pci_quirk_amd_sb_acs */
		{ "AMD SB, IVRS, root bus", mf(fn(0x1002, 0x4385, CONV, 0, 0x14, 0)), REQ, true, false, YES,
		  "pci_quirk_amd_sb_acs" },
		{ "AMD SB without IVRS", mf(fn(0x1002, 0x4385, CONV, 0, 0x14, 0)), REQ, false, false, NONE, NULL },
		{ "AMD SB single-function", fn(0x1022, 0x780f, CONV, 0, 0x14, 4), REQ, true, false, NONE, NULL },
		{ "AMD SB asked for EC", mf(fn(0x1002, 0x4385, CONV, 0, 0x14, 0)), REQ | PCI_ACS_EC, true,
		  false, NOT, "pci_quirk_amd_sb_acs" },
		{ "AMD SB, no topology", mf(fn(0x1002, 0x4385, CONV, 0, 0x14, 0)), REQ, true, true, UNK,
		  "pci_quirk_amd_sb_acs" },
		/* pci_quirk_mf_endpoint_acs */
		{ "Intel 82599", mf(fn(0x8086, 0x10fb, EP, 0, 3, 0)), REQ | PCI_ACS_TB | PCI_ACS_DT, false,
		  false, YES, "pci_quirk_mf_endpoint_acs" },
		{ "Intel 82599 asked for EC", mf(fn(0x8086, 0x10fb, EP, 0, 3, 0)), PCI_ACS_EC, false, false,
		  NOT, "pci_quirk_mf_endpoint_acs" },
		{ "Emulex Skyhawk-R (own vendor)", fn(0x10df, 0x0720, EP, 0, 3, 0), REQ, false, false, YES,
		  "pci_quirk_mf_endpoint_acs" },
		/* pci_quirk_rciep_acs */
		{ "Intel RCiEP", fn(0x8086, 0x9a0b, RCIEP, 0, 4, 0), REQ, false, false, YES,
		  "pci_quirk_rciep_acs" },
		{ "Intel endpoint: no quirk", fn(0x8086, 0x9a0b, EP, 0, 4, 0), REQ, false, false, NONE, NULL },
		{ "Intel conventional: no quirk", fn(0x8086, 0x2918, CONV, 0, 0x1f, 0), REQ, false, false, NONE,
		  NULL },
		{ "Intel, type unknown (64 bytes)", fn(0x8086, 0x9a0b, UNKT, 0, 4, 0), REQ, false, false, UNK,
		  "pci_quirk_rciep_acs" },
		/* pci_quirk_intel_spt_pch_acs: control dword at +8 */
		{ "SPT root port, control at +8 set", with_acs(fn(0x8086, 0xa110, RP, 0, 0x1c, 0), 1, ISO, ISO),
		  REQ, false, false, YES, "pci_quirk_intel_spt_pch_acs" },
		{ "SPT root port, +8 lacks RR (word at +6 all set)",
		  with_acs(fn(0x8086, 0xa110, RP, 0, 0x1c, 0), 1, ISO, ISO & ~PCI_ACS_RR), REQ, false, false,
		  NOT, "pci_quirk_intel_spt_pch_acs" },
		{ "SPT root port, UF not in the capability: taken as enabled",
		  with_acs(fn(0x8086, 0x9d10, RP, 0, 0x1d, 0), 1, ISO & ~PCI_ACS_UF, ISO & ~PCI_ACS_UF), REQ,
		  false, false, YES, "pci_quirk_intel_spt_pch_acs" },
		{ "SPT root port without an ACS capability", with_acs(fn(0x8086, 0xa29f, RP, 0, 0x1c, 0), 0, 0, 0),
		  REQ, false, false, NONE, NULL },
		{ "SPT root port, ACS unknown (256 bytes)", with_acs(fn(0x8086, 0xa2e7, RP, 0, 0x1c, 0), -1, 0, 0),
		  REQ, false, false, UNK, "pci_quirk_intel_spt_pch_acs" },
		{ "SPT ID as an endpoint", with_acs(fn(0x8086, 0xa110, EP, 0, 0x1c, 0), 1, ISO, ISO), REQ, false,
		  false, NONE, NULL },
		/* pci_quirk_cavium_acs */
		{ "ThunderX1 root port", fn(0x177d, 0xa100, RP, 0, 1, 0), REQ, false, false, YES,
		  "pci_quirk_cavium_acs" },
		{ "ThunderX2 root port", fn(0x177d, 0xaf84, RP, 0, 1, 0), REQ, false, false, YES,
		  "pci_quirk_cavium_acs" },
		{ "ThunderX endpoint", fn(0x177d, 0xa100, EP, 0, 1, 0), REQ, false, false, NONE, NULL },
		{ "Cavium root port outside the ranges", fn(0x177d, 0xb000, RP, 0, 1, 0), REQ, false, false, NONE,
		  NULL },
		{ "Cavium multifunction device", fn(0x177d, 0xa026, EP, 0, 1, 0), REQ, false, false, YES,
		  "pci_quirk_mf_endpoint_acs" },
		/* pci_quirk_xgene_acs, qcom, nxp, brcm, loongson: any type */
		{ "APM X-Gene", fn(0x10e8, 0xe004, RP, 0, 0, 0), REQ, false, false, YES, "pci_quirk_xgene_acs" },
		{ "Ampere", fn(0x1def, 0xe00c, RP, 0, 0, 0), REQ, false, false, YES, "pci_quirk_xgene_acs" },
		{ "X-Gene asked for EC", fn(0x10e8, 0xe004, RP, 0, 0, 0), REQ | PCI_ACS_EC, false, false, NOT,
		  "pci_quirk_xgene_acs" },
		{ "QDF2xxx", fn(0x17cb, 0x0400, RP, 0, 0, 0), REQ, false, false, YES, "pci_quirk_qcom_rp_acs" },
		{ "HXT SD4800", fn(0x1dbf, 0x0401, RP, 0, 0, 0), REQ, false, false, YES, "pci_quirk_qcom_rp_acs" },
		{ "NXP LX2160A", fn(0x1957, 0x8d9b, RP, 0, 0, 0), REQ, false, false, YES, "pci_quirk_nxp_rp_acs" },
		{ "iProc PAXB", fn(0x14e4, 0xd714, RP, 0, 0, 0), REQ, false, false, YES, "pci_quirk_brcm_acs" },
		{ "Loongson 7A2000", fn(0x0014, 0x7a49, RP, 0, 0, 0), REQ, false, false, YES,
		  "pci_quirk_loongson_acs" },
		/* pci_quirk_al_acs */
		{ "Annapurna root port", fn(0x1c36, 0x0031, RP, 0, 0, 0), REQ, false, false, YES,
		  "pci_quirk_al_acs" },
		{ "Annapurna root port asked for TB", fn(0x1c36, 0x0031, RP, 0, 0, 0), REQ | PCI_ACS_TB, false,
		  false, NOT, "pci_quirk_al_acs" },
		{ "Annapurna endpoint", fn(0x1c36, 0x0031, EP, 0, 0, 0), REQ, false, false, NONE, NULL },
		/* pci_quirk_zhaoxin_pcie_ports_acs */
		{ "Zhaoxin root port", fn(0x1d17, 0x0715, RP, 0, 0, 0), REQ, false, false, YES,
		  "pci_quirk_zhaoxin_pcie_ports_acs" },
		{ "Zhaoxin port 0x0722 (a gap)", fn(0x1d17, 0x0722, RP, 0, 0, 0), REQ, false, false, NOT,
		  "pci_quirk_zhaoxin_pcie_ports_acs" },
		{ "Zhaoxin endpoint", fn(0x1d17, 0x0715, EP, 0, 0, 0), REQ, false, false, NONE, NULL },
		{ "Zhaoxin multifunction device", fn(0x1d17, 0x3038, EP, 0, 0, 0), REQ, false, false, YES,
		  "pci_quirk_mf_endpoint_acs" },
		/* pci_quirk_wangxun_nic_acs */
		{ "Wangxun EM", fn(0x8088, 0x0105, EP, 0, 0, 0), REQ, false, false, YES,
		  "pci_quirk_wangxun_nic_acs" },
		{ "Wangxun other device", fn(0x8088, 0x0200, EP, 0, 0, 0), REQ, false, false, NOT,
		  "pci_quirk_wangxun_nic_acs" },
		/* no row at all */
		{ "Red Hat root port", fn(0x1b36, 0x000c, RP, 0, 1, 0), REQ, false, false, NONE, NULL },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		const struct fn_case *c = &cases[i];
		struct topo tp;
		struct quirk_ctx ctx = { .ivrs = c->ivrs };
		struct acs_quirk_answer a;

		topo_init(&tp, &c->d, 1);
		ctx.topo = c->no_topo ? NULL : &tp.t;
		a = acs_quirk_enabled(&tp.devs[0], c->flags, &ctx);
		if (a.result != c->want || (c->quirk && (!a.quirk || strcmp(a.quirk, c->quirk))) ||
		    (a.result != NONE && (!a.why || !a.since)) || (a.result == NONE && a.quirk)) {
			print_error("%s: result %d quirk %s\n", c->what, a.result, a.quirk ? a.quirk : "-");
			fail();
		}
	}
}

/* An AMD SB function below a bridge is not on a root bus: the quirk does not apply. */
static void test_amd_sb_below_bridge(void **state)
{
	struct pci_dev devs[2] = { fn(0x1022, 0x1453, RP, 0, 1, 1), mf(fn(0x1002, 0x4385, CONV, 1, 0, 0)) };
	struct topo tp;
	struct quirk_ctx ctx = { .ivrs = true };

	(void)state;
	devs[0].bridge = true;
	devs[0].header_type = 1;
	devs[0].secondary = devs[0].subordinate = 1;
	topo_init(&tp, devs, 2);
	ctx.topo = &tp.t;
	assert_int_equal(acs_quirk_enabled(&tp.devs[1], REQ, &ctx).result, NONE);
}

/* pci_quirk_intel_pch_acs: decided by the LPC's RCBA enable bit, once the enable step ran. */
static void test_intel_pch(void **state)
{
	struct {
		const char *what;
		bool lpc, lpc_cfg, no_enable;
		uint32_t rcba;
		enum acs_quirk_result want;
	} cases[] = {
		{ "RCBA enabled", true, true, false, 0xfed1c001, YES },
		{ "RCBA disabled: the workaround failed", true, true, false, 0xfed1c000, NOT },
		{ "no LPC in the input", false, false, false, 0, UNK },
		{ "LPC read with 64 bytes", true, false, false, 0xfed1c001, UNK },
		{ "no IOMMU asked for ACS", true, true, true, 0xfed1c001, NOT },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct pci_dev devs[2] = { fn(0x8086, 0x1c10, RP, 0, 0x1c, 0), fn(0x8086, 0x1c44, CONV, 0, 0x1f, 0) };
		struct topo tp;
		struct quirk_ctx ctx = { .no_acs_enable = cases[i].no_enable };
		struct acs_quirk_answer a;

		devs[1].cfg_f0_valid = cases[i].lpc_cfg;
		devs[1].cfg_f0 = cases[i].rcba;
		topo_init(&tp, devs, cases[i].lpc ? 2 : 1);
		ctx.topo = &tp.t;
		a = acs_quirk_enabled(&tp.devs[0], REQ, &ctx);
		if (a.result != cases[i].want || strcmp(a.quirk, "pci_quirk_intel_pch_acs")) {
			print_error("%s: %d %s\n", cases[i].what, a.result, a.quirk);
			fail();
		}
	}
}

/* pci_dev_acs_ops[]: the enable step and disable_acs_redir= on the Sunrise Point register. */
static void test_enable_ops(void **state)
{
	struct quirk_ctx ctx = { 0 };
	struct pci_dev spt = with_acs(fn(0x8086, 0xa114, RP, 0, 0x1c, 4), 1,
				      ISO | PCI_ACS_TB | PCI_ACS_EC, 0);
	struct pci_dev pch = fn(0x8086, 0x8c10, RP, 0, 0x1c, 0);
	struct pci_dev other = with_acs(fn(0x8086, 0x3420, RP, 0, 1, 0), 1, ISO, 0);

	(void)state;
	assert_string_equal(acs_quirk_enable_ops(&spt, &ctx), "pci_quirk_enable_intel_spt_pch_acs");
	assert_string_equal(acs_quirk_enable_ops(&pch, &ctx), "pci_quirk_enable_intel_pch_acs");
	assert_null(acs_quirk_enable_ops(&other, &ctx));

	assert_true(acs_quirk_enable(&spt, &ctx, false));
	assert_int_equal(spt.acs_spt_ctrl, ISO);
	assert_int_equal(ask(spt, REQ, 0).result, YES);
	assert_true(acs_quirk_enable(&spt, &ctx, true));
	assert_int_equal(spt.acs_spt_ctrl, ISO | PCI_ACS_TB);
	spt.acs_spt_ctrl |= PCI_ACS_EC;
	assert_true(acs_quirk_disable_redir(&spt, &ctx));
	assert_int_equal(spt.acs_spt_ctrl, PCI_ACS_SV | PCI_ACS_UF | PCI_ACS_TB);
	assert_int_equal(ask(spt, REQ, 0).result, NOT);

	assert_true(acs_quirk_enable(&pch, &ctx, false));	/* handled, nothing to write */
	assert_false(acs_quirk_disable_redir(&pch, &ctx));	/* no redirect quirk for it */
	assert_false(acs_quirk_enable(&other, &ctx, false));
	assert_false(acs_quirk_disable_redir(&other, &ctx));
}

/* The first row that answers wins; an answer of "not" stops the search too. */
static void test_first_match_wins(void **state)
{
	struct acs_override down = { .place = ACS_OVERRIDE_END, .downstream = true };
	struct acs_override down_pve = { .place = ACS_OVERRIDE_PVE, .downstream = true };
	struct {
		const char *what;
		struct pci_dev d;
		const struct acs_override *o;
		enum acs_quirk_result want;
		const char *quirk;
	} cases[] = {
		/* the I219 row comes before the Intel RCiEP catch-all */
		{ "I219 as an RCiEP", fn(0x8086, 0x15b7, RCIEP, 0, 0x1f, 6), NULL, YES,
		  "pci_quirk_mf_endpoint_acs" },
		/* the Zhaoxin multifunction row before the ports row */
		{ "Zhaoxin 0x3038 as a root port", fn(0x1d17, 0x3038, RP, 0, 0, 0), NULL, YES,
		  "pci_quirk_mf_endpoint_acs" },
		/* an unlisted Zhaoxin port says "not" before Zen's override (the last row) */
		{ "Zhaoxin unlisted port, Zen override", fn(0x1d17, 0x0800, RP, 0, 0, 0), &down, NOT,
		  "pci_quirk_zhaoxin_pcie_ports_acs" },
		/* Proxmox's override row sits after X-Gene, before the Zhaoxin rows */
		{ "Zhaoxin unlisted port, Proxmox override", fn(0x1d17, 0x0800, RP, 0, 0, 0), &down_pve, YES,
		  "pcie_acs_overrides" },
		{ "Ampere root port, Proxmox override first", fn(0x1def, 0xe005, RP, 0, 0, 0), &down_pve, YES,
		  "pcie_acs_overrides" },
		{ "Ampere root port, Zen: Ampere's own row", fn(0x1def, 0xe005, RP, 0, 0, 0), &down, YES,
		  "pci_quirk_xgene_acs" },
		{ "X-Gene root port, Proxmox: X-Gene's row is before the override",
		  fn(0x10e8, 0xe004, RP, 0, 0, 0), &down_pve, YES, "pci_quirk_xgene_acs" },
		{ "Wangxun unlisted device, Zen override", fn(0x8088, 0x0200, RP, 0, 0, 0), &down, NOT,
		  "pci_quirk_wangxun_nic_acs" },
		{ "plain root port, override", fn(0x1b36, 0x000c, RP, 0, 1, 0), &down, YES, "pcie_acs_overrides" },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct topo tp;
		struct quirk_ctx ctx = { .override = cases[i].o };
		struct acs_quirk_answer a;

		topo_init(&tp, &cases[i].d, 1);
		ctx.topo = &tp.t;
		a = acs_quirk_enabled(&tp.devs[0], REQ, &ctx);
		if (a.result != cases[i].want || !a.quirk || strcmp(a.quirk, cases[i].quirk)) {
			print_error("%s: %d %s\n", cases[i].what, a.result, a.quirk ? a.quirk : "-");
			fail();
		}
	}
}

/* pcie_acs_overrides(): which functions each option makes claim ACS. */
static void test_override_claims(void **state)
{
	struct acs_override o = { .place = ACS_OVERRIDE_END };
	struct {
		const char *what;
		struct pci_dev d;
		bool down, multi, id;
		enum acs_quirk_result want;
	} cases[] = {
		{ "downstream: root port", fn(0x1b36, 0x000c, RP, 0, 1, 0), true, false, false, YES },
		{ "downstream: switch downstream port", fn(0x104c, 0x8233, DSP, 2, 0, 0), true, false, false, YES },
		{ "downstream: not an upstream port", fn(0x104c, 0x8232, USP, 1, 0, 0), true, false, false, NONE },
		{ "multifunction: a multifunction endpoint", mf(fn(0x1af4, 0x1041, EP, 3, 0, 0)), false, true,
		  false, YES },
		{ "multifunction: a multifunction upstream port", mf(fn(0x104c, 0x8232, USP, 1, 0, 0)), false,
		  true, false, YES },
		{ "multifunction: single-function endpoint", fn(0x1af4, 0x1041, EP, 3, 0, 0), false, true, false,
		  NONE },
		{ "multifunction: not a root port", mf(fn(0x1b36, 0x000c, RP, 0, 1, 0)), false, true, false, NONE },
		{ "id: the listed device", fn(0x10de, 0x1b80, EP, 4, 0, 0), false, false, true, YES },
		{ "an ACS capability: never overridden", with_acs(fn(0x1b36, 0x000c, RP, 0, 1, 0), 1, ISO, 0),
		  true, true, false, NONE },
		{ "ACS not known: unknown", with_acs(fn(0x1b36, 0x000c, RP, 0, 1, 0), -1, 0, 0), true, false,
		  false, UNK },
		{ "conventional PCI: never", mf(fn(0x8086, 0x2918, CONV, 0, 0x1f, 0)), true, true, false, NONE },
		{ "no option set", fn(0x1b36, 0x000c, RP, 0, 1, 0), false, false, false, NONE },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct topo tp;
		struct quirk_ctx ctx = { .override = &o };
		struct acs_quirk_answer a;

		o.downstream = cases[i].down;
		o.multifunction = cases[i].multi;
		o.nids = cases[i].id;
		o.ids[0].vendor = 0x10de;
		o.ids[0].device = 0x1b80;
		topo_init(&tp, &cases[i].d, 1);
		ctx.topo = &tp.t;
		/* the override claims any flags, EC and TB included */
		a = acs_quirk_enabled(&tp.devs[0], REQ | PCI_ACS_EC | PCI_ACS_TB, &ctx);
		if (a.result != cases[i].want ||
		    (a.result != NONE && strcmp(a.quirk, "pcie_acs_overrides"))) {
			print_error("%s: %d %s\n", cases[i].what, a.result, a.quirk ? a.quirk : "-");
			fail();
		}
	}
}

struct parse_case {
	const char *what;
	const char *value;
	size_t len;	/* 0: strlen */
	bool down, multi;
	uint8_t nids;
	uint16_t ids[4][2];
	size_t nwarn;
};

/* pcie_acs_override_setup(): what each option string gives, malformed ones included. */
static void test_override_parse(void **state)
{
	static const struct parse_case cases[] = {
		{ "both", "downstream,multifunction", 0, true, true, 0, { { 0 } }, 0 },
		{ "ids", "id:8086:1234,id:10de:1B80", 0, false, false, 2, { { 0x8086, 0x1234 }, { 0x10de, 0x1b80 } }, 0 },
		{ "options are prefixes", "downstreamXYZ,multifunctionally", 0, true, true, 0, { { 0 } }, 0 },
		{ "a misspelt option is ignored", "downstrea,multi", 0, false, false, 0, { { 0 } }, 0 },
		{ "three-digit vendor: parse error", "id:10b:1234,downstream", 0, true, false, 0, { { 0 } }, 1 },
		{ "no device: invalid", "id:8086", 0, false, false, 0, { { 0 } }, 1 },
		{ "device looked for past the comma", "id:8086,id:1234:5678", 0, false, false, 1,
		  { { 0x8086, 0x1234 } }, 0 },
		{ "0x prefixes", "id:0x10:0x20", 0, false, false, 1, { { 0x10, 0x20 } }, 0 },
		{ "not hex", "id:zzzz:1234,multifunction", 0, false, true, 0, { { 0 } }, 1 },
		{ "bad device", "id:8086:12g4", 0, false, false, 0, { { 0 } }, 1 },
		{ "only four digits are read", "id:808612:3456", 0, false, false, 1, { { 0x8086, 0x3456 } }, 0 },
		{ "empty", "", 0, false, false, 0, { { 0 } }, 0 },
		{ "commas only", ",,,", 0, false, false, 0, { { 0 } }, 0 },
		{ "length bounds the value", "downstream", 4, false, false, 0, { { 0 } }, 0 },
		{ "length cuts an ID", "id:8086:1234", 9, false, false, 1, { { 0x8086, 0x1 } }, 0 },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		const struct parse_case *c = &cases[i];
		struct acs_override o = { 0 };
		const char *warns[4] = { 0 };
		size_t nwarn = 0;

		acs_override_parse(c->value, c->len ? c->len : strlen(c->value), &o, warns, N(warns), &nwarn);
		if (o.downstream != c->down || o.multifunction != c->multi || o.nids != c->nids ||
		    nwarn != c->nwarn) {
			print_error("%s: down %d multi %d nids %u nwarn %zu\n", c->what, o.downstream,
				    o.multifunction, o.nids, nwarn);
			fail();
		}
		for (size_t k = 0; k < c->nids; k++) {
			assert_int_equal(o.ids[k].vendor, c->ids[k][0]);
			assert_int_equal(o.ids[k].device, c->ids[k][1]);
		}
		for (size_t k = 0; k < nwarn && k < N(warns); k++)
			assert_non_null(warns[k]);
	}
}

/* Sixteen IDs: the patch keeps fifteen (max_acs_id >= NUM_ACS_IDS - 1) and warns once. */
static void test_override_slots(void **state)
{
	char value[16 * 14 + 1] = "";
	struct acs_override o = { 0 };
	const char *warns[2];
	size_t nwarn = 0;

	(void)state;
	for (int i = 0; i < 16; i++) {
		char one[16];

		snprintf(one, sizeof(one), "%sid:10de:%04x", i ? "," : "", 0x1b00 + i);
		strcat(value, one);
	}
	acs_override_parse(value, strlen(value), &o, warns, N(warns), &nwarn);
	assert_int_equal(o.nids, 15);
	assert_int_equal(o.ids[14].device, 0x1b0e);
	assert_int_equal(nwarn, 1);
	assert_non_null(strstr(warns[0], "slots"));
}

/* The kernel command line: every occurrence counts, '-' is '_', quotes, "--" ends it. */
static void test_override_cmdline(void **state)
{
	struct {
		const char *cmdline;
		bool found, down, multi;
		uint8_t nids;
	} cases[] = {
		{ "BOOT_IMAGE=/vmlinuz root=/dev/sda1 quiet", false, false, false, 0 },
		{ "quiet pcie_acs_override=downstream intel_iommu=on pcie_acs_override=id:8086:1234", true, true,
		  false, 1 },
		{ "pcie-acs-override=multifunction", true, false, true, 0 },
		{ "pcie_acs_override=\"downstream,multifunction\" ro", true, true, true, 0 },
		{ "\"pcie_acs_override=downstream\"", true, true, false, 0 },
		{ "ro -- pcie_acs_override=downstream", false, false, false, 0 },
		{ "xpcie_acs_override=downstream pcie_acs_overrides=downstream", false, false, false, 0 },
		{ "pcie_acs_override", false, false, false, 0 },
		{ "pcie_acs_override=", true, false, false, 0 },
		{ "\tpcie_acs_override=downstream\n", true, true, false, 0 },
		{ "pcie_acs_override=\"downstream", true, true, false, 0 },
		{ "", false, false, false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct acs_override o;
		size_t nwarn;
		bool found = acs_override_from_cmdline(cases[i].cmdline, &o, NULL, 0, &nwarn);

		if (found != cases[i].found || o.downstream != cases[i].down ||
		    o.multifunction != cases[i].multi || o.nids != cases[i].nids) {
			print_error("\"%s\": found %d down %d multi %d nids %u\n", cases[i].cmdline, found,
				    o.downstream, o.multifunction, o.nids);
			fail();
		}
	}
	assert_false(acs_override_from_cmdline(NULL, &(struct acs_override){ 0 }, NULL, 0, NULL));
}

/* A long malformed command line is walked to its end, bounded. */
static void test_override_cmdline_long(void **state)
{
	size_t n = 1 << 16;
	char *s = malloc(n + 64);
	struct acs_override o;
	size_t nwarn;

	(void)state;
	assert_non_null(s);
	strcpy(s, "pcie_acs_override=");
	for (size_t i = strlen(s), at = i; i < n; i++)
		s[i] = "id:,:"[(i - at) % 5];
	s[n] = '\0';
	assert_true(acs_override_from_cmdline(s, &o, NULL, 0, &nwarn));
	assert_int_equal(o.nids, 0);
	assert_true(nwarn > 0);
	free(s);
}

static void test_kernel_version(void **state)
{
	(void)state;
	assert_int_equal(acs_override_place_of("6.17.9-zen1-1-zen"), ACS_OVERRIDE_END);
	assert_int_equal(acs_override_place_of("6.16.3-lqx1-1-lqx"), ACS_OVERRIDE_END);
	assert_int_equal(acs_override_place_of("6.8.12-4-pve"), ACS_OVERRIDE_PVE);
	assert_int_equal(acs_override_place_of("6.12.117+deb13-amd64"), ACS_OVERRIDE_PVE);
	assert_int_equal(acs_override_place_of(NULL), ACS_OVERRIDE_PVE);
	assert_int_equal(quirk_kernel_version("6.12.117+deb13-amd64"), KV3(6, 12, 117));
	assert_int_equal(quirk_kernel_version("5.10.0-32-amd64"), KV(5, 10));
	assert_int_equal(quirk_kernel_version("7.0-rc3"), KV(7, 0));
	assert_int_equal(quirk_kernel_version("6.1.300"), KV3(6, 1, 255));
	assert_int_equal(quirk_kernel_version("6"), 0);
	assert_int_equal(quirk_kernel_version("v6.1"), 0);
	assert_int_equal(quirk_kernel_version("6.x"), 0);
	assert_int_equal(quirk_kernel_version(""), 0);
	assert_int_equal(quirk_kernel_version(NULL), 0);
}

static unsigned int popcount_mask(const struct dma_alias_quirk *q)
{
	unsigned int n = 0;

	for (unsigned int f = 0; f < 256; f++)
		n += dma_alias_quirk_has(q, (uint8_t)f);
	return n;
}

/* The DMA-alias fixups: which requester IDs each adds, from which version. */
static void test_dma_aliases(void **state)
{
	struct quirk_ctx ctx = { 0 };
	struct dma_alias_quirk q;
	struct pci_dev d;

	(void)state;
	d = fn(0x1180, 0xe832, EP, 3, 0, 2);	/* Ricoh: function 0 */
	assert_true(dma_alias_quirks(&d, &ctx, &q));
	assert_string_equal(q.quirk, "quirk_dma_func0_alias");
	assert_int_equal(q.ndevfn, 1);
	assert_int_equal(q.devfn[0], 0x00);
	d.fn = 0;
	assert_false(dma_alias_quirks(&d, &ctx, &q));

	d = fn(0x1b4b, 0x9230, EP, 3, 0, 0);	/* Marvell 88SE9230: function 1 */
	assert_true(dma_alias_quirks(&d, &ctx, &q));
	assert_int_equal(q.devfn[0], 0x01);
	assert_int_equal(popcount_mask(&q), 1);

	d = fn(0x6766, 0x3d40, EP, 3, 0, 1);	/* Glenfly: from v6.12, in 6.1.176 */
	ctx.kernel = KV(6, 10);
	assert_false(dma_alias_quirks(&d, &ctx, &q));
	ctx.kernel = KV(6, 12);
	assert_true(dma_alias_quirks(&d, &ctx, &q));
	ctx.kernel = KV3(6, 1, 176);
	assert_true(dma_alias_quirks(&d, &ctx, &q));
	ctx.kernel = 0;

	d = fn(0x9005, 0x0285, CONV, 4, 0x0e, 0);	/* Adaptec 3405: private device 01.0 */
	d.subsys_vendor = 0x9005;
	d.subsys_device = 0x02bb;
	assert_true(dma_alias_quirks(&d, &ctx, &q));
	assert_string_equal(q.quirk, "quirk_fixed_dma_alias");
	assert_int_equal(q.devfn[0], 0x08);
	d.subsys_device = 0x0200;
	assert_false(dma_alias_quirks(&d, &ctx, &q));

	d = fn(0x8086, 0x2264, EP, 5, 0, 0);	/* MIC x200 */
	assert_true(dma_alias_quirks(&d, &ctx, &q));
	assert_int_equal(q.ndevfn, 3);
	assert_true(dma_alias_quirk_has(&q, 0x80) && dma_alias_quirk_has(&q, 0x88) &&
		    dma_alias_quirk_has(&q, 0x93));

	d = fn(0x8086, 0x2956, EP, 5, 0, 0);	/* VCA: functions 0-4 of all 32 slots */
	assert_true(dma_alias_quirks(&d, &ctx, &q));
	assert_int_equal(popcount_mask(&q), 160);
	assert_int_equal(q.ndevfn, 8);
	assert_true(dma_alias_quirk_has(&q, 0xfc) && !dma_alias_quirk_has(&q, 0xfd));

	d = fn(0x10b5, 0x87b0, EP, 5, 0, 0);	/* PLX NTB: all 256 */
	assert_true(dma_alias_quirks(&d, &ctx, &q));
	assert_int_equal(popcount_mask(&q), 256);

	d = fn(0x14e4, 0x9084, RP, 0, 1, 0);	/* ThunderX2 root bridge */
	assert_true(dma_alias_quirks(&d, &ctx, &q));
	assert_true(q.xlate_root);
	assert_int_equal(q.ndevfn, 0);

	d = fn(0x1a03, 0x1150, PCI_EXP_TYPE_PCI_BRIDGE, 7, 0, 0);	/* AST1150: v7.0 */
	assert_true(dma_alias_quirks(&d, &ctx, &q));
	assert_true(q.bridge_no_alias);
	ctx.kernel = KV(6, 19);
	assert_false(dma_alias_quirks(&d, &ctx, &q));
	ctx.kernel = 0;

	d = fn(0x11f8, 0x8531, EP, 5, 0, 1);	/* Switchtec NTB: aliases from BAR 0 */
	d.class = 0x068000;
	assert_true(dma_alias_quirks(&d, &ctx, &q));
	assert_true(q.unknown);
	d.class = 0x058000;	/* the switch's management function: class does not match */
	assert_false(dma_alias_quirks(&d, &ctx, &q));

	d = fn(0x1055, 0x1008, EP, 5, 0, 1);	/* only in Debian's 6.12.117 */
	d.class = 0x068000;
	assert_false(dma_alias_quirks(&d, &ctx, &q));
	ctx.kernel = KV3(6, 12, 117);
	assert_true(dma_alias_quirks(&d, &ctx, &q));
	ctx.kernel = 0;

	d = fn(0x1b36, 0x0010, EP, 1, 0, 0);
	assert_false(dma_alias_quirks(&d, &ctx, &q));
	assert_int_equal(q.ndevfn, 0);
	assert_null(q.quirk);
}

static struct pci_dev bridge(struct pci_dev d, uint8_t secondary)
{
	d.bridge = true;
	d.header_type = 1;
	d.secondary = d.subordinate = secondary;
	return d;
}

/* quirk_use_pcie_bridge_dma_alias: the ASM1083 acts as a PCIe-to-PCI bridge below a PCIe port. */
static void test_pcie_bridge_alias(void **state)
{
	struct {
		const char *what;
		int8_t up_type;
		bool on_root;
		bool want_flag, want_unknown;
	} cases[] = {
		{ "below a root port", RP, false, true, false },
		{ "below a PCIe-to-PCI bridge", PCI_EXP_TYPE_PCI_BRIDGE, false, false, false },
		{ "below a conventional bridge", CONV, false, false, false },
		{ "upstream kind unknown", UNKT, false, false, true },
		{ "on the root bus", RP, true, false, false },
	};

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		struct pci_dev devs[2];
		struct topo tp;
		struct quirk_ctx ctx = { 0 };
		struct dma_alias_quirk q;
		size_t n = 0;

		if (!cases[i].on_root)
			devs[n++] = bridge(fn(0x8086, 0x1c10, cases[i].up_type, 0, 0x1c, 0), 1);
		devs[n++] = bridge(fn(0x1b21, 0x1080, CONV, cases[i].on_root ? 0 : 1, 0, 0), 2);
		topo_init(&tp, devs, n);
		ctx.topo = &tp.t;
		dma_alias_quirks(&tp.devs[n - 1], &ctx, &q);
		if (q.pcie_bridge_alias != cases[i].want_flag || q.unknown != cases[i].want_unknown) {
			print_error("%s: flag %d unknown %d\n", cases[i].what, q.pcie_bridge_alias, q.unknown);
			fail();
		}
	}
}

/* The raw config words: LPC RCBA at 0xf0, Sunrise Point control at ACS + 8. */
static void test_read_config(void **state)
{
	uint8_t cfg[4096] = { 0 };
	struct pci_dev d = { .acs = 1, .acs_pos = 0x140 };

	(void)state;
	cfg[0xf0] = 0x01;
	cfg[0xf1] = 0xc0;
	cfg[0xf2] = 0xd1;
	cfg[0xf3] = 0xfe;
	cfg[0x148] = 0x1d;
	cfg[0x14b] = 0x80;
	quirks_read_config(&d, cfg, sizeof(cfg));
	assert_true(d.cfg_f0_valid);
	assert_int_equal(d.cfg_f0, 0xfed1c001);
	assert_true(d.acs_spt_valid);
	assert_int_equal(d.acs_spt_ctrl, 0x8000001d);
	quirks_read_config(&d, cfg, 256);	/* the capability is beyond 256 bytes */
	assert_true(d.cfg_f0_valid);
	assert_false(d.acs_spt_valid);
	quirks_read_config(&d, cfg, 64);
	assert_false(d.cfg_f0_valid);
	d.acs_pos = 4090;			/* +8..+11 past the end */
	quirks_read_config(&d, cfg, sizeof(cfg));
	assert_false(d.acs_spt_valid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_by_version),
		cmocka_unit_test(test_quirk_functions),
		cmocka_unit_test(test_amd_sb_below_bridge),
		cmocka_unit_test(test_intel_pch),
		cmocka_unit_test(test_enable_ops),
		cmocka_unit_test(test_first_match_wins),
		cmocka_unit_test(test_override_claims),
		cmocka_unit_test(test_override_parse),
		cmocka_unit_test(test_override_slots),
		cmocka_unit_test(test_override_cmdline),
		cmocka_unit_test(test_override_cmdline_long),
		cmocka_unit_test(test_kernel_version),
		cmocka_unit_test(test_dma_aliases),
		cmocka_unit_test(test_pcie_bridge_alias),
		cmocka_unit_test(test_read_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
