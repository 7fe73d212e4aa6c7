// SPDX-License-Identifier: MIT
/*
 * IOMMU groups from hand-made config spaces: each case builds a topology,
 * predicts its groups (pci_device_group replayed) and checks the members
 * of every group, the bounds and the undecided ports.
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
#include "iommu-resv.h"
#include "group.h"

enum { CONV = -2 };	/* conventional PCI: no PCIe capability */

struct fn {
	uint8_t bus, dev, fn;
	int type;		/* PCIe type, or CONV */
	bool mf;		/* header multifunction bit */
	int acs;		/* -1: none; else ACS Control (Capability 0x5f) */
	uint8_t sec, sub;	/* bridges */
	uint16_t len;		/* 64, 256 or 4096 */
	bool loop;		/* the extended capability list points back to itself */
};

static void make_cfg(uint8_t *c, const struct fn *f)
{
	bool bridge = f->sec != 0;

	memset(c, 0, 4096);
	c[0] = 0x86, c[1] = 0x80, c[2] = 0x34, c[3] = 0x12;
	c[0x0b] = bridge ? 0x06 : 0x02;
	c[0x0a] = bridge ? 0x04 : 0x00;
	c[0x0e] = (uint8_t)((bridge ? 1 : 0) | (f->mf ? 0x80 : 0));
	if (bridge) {
		c[0x18] = f->bus;
		c[0x19] = f->sec;
		c[0x1a] = f->sub;
	}
	if (f->type != CONV) {
		c[0x06] = 0x10;
		c[0x34] = 0x40;
		c[0x40] = 0x10;
		c[0x42] = (uint8_t)(f->type << 4 | 2);
	}
	if (f->acs >= 0) {
		c[0x100] = 0x0d;
		c[0x102] = 0x01;
		c[0x104] = 0x5f;
		c[0x106] = (uint8_t)f->acs;
	} else if (f->type != CONV) {
		c[0x100] = 0x01;	/* AER, last */
		c[0x102] = 0x01;
	}
	if (f->loop) {
		c[0x100] = 0x01;	/* AER whose next is itself */
		c[0x102] = 0x01;
		c[0x103] = 0x10;	/* next 0x100 */
	}
}

static void add(struct resv_machine *m, const struct fn *f)
{
	uint8_t c[4096];

	make_cfg(c, f);
	assert_int_equal(resv_machine_add_pci(m, 0, f->bus, f->dev, f->fn, c,
					      f->len ? f->len : 4096), 0);
}

/* "a b|c" lists every group of bound @b, each sorted, groups by name. */
static void check(const struct resv_group_prediction *p, enum resv_bound b, const char *want)
{
	char got[2048] = "";
	size_t at = 0;

	for (size_t i = 0; i < resv_group_prediction_count(p, b); i++) {
		const struct resv_pgroup *g = resv_group_prediction_group(p, b, i);

		for (size_t k = 0; k < g->n; k++)
			at += (size_t)snprintf(got + at, sizeof(got) - at, "%s%s",
					       k ? " " : i ? "|" : "", g->devices[k] + 5);
		assert_int_equal(g->nlinks, g->n - 1);
		for (size_t k = 0; k < g->nlinks; k++)
			assert_non_null(g->links[k].detail);
	}
	if (strcmp(got, want) != 0)
		fail_msg("bound %d: got \"%s\", want \"%s\"", b, got, want);
}

struct gcase {
	const char *name;
	const char *cmdline;
	unsigned int kernel;
	struct fn fns[12];
	const char *finest, *coarsest;	/* coarsest NULL: exact */
	const char *undecided;		/* space-separated, or NULL */
};

#define RP(b, d, s, acs, len) { b, d, 0, 4, false, acs, s, s, len, false }
#define EP(b, d, f, mf, acs, len) { b, d, f, 0, mf, acs, 0, 0, len, false }
#define KV(a, b) ((a) << 16 | (b) << 8)

static const struct gcase cases[] = {
	{ "root port with ACS isolates its endpoint",
	  NULL, 0, { RP(0, 1, 1, 0x1d, 0), EP(1, 0, 0, false, -1, 0) },
	  "00:01.0|01:00.0", NULL, NULL },
	{ "the kernel enables advertised ACS itself (firmware left Control 0)",
	  NULL, 0, { RP(0, 1, 1, 0x00, 0), EP(1, 0, 0, false, -1, 0) },
	  "00:01.0|01:00.0", NULL, NULL },
	{ "root port without ACS takes its endpoint",
	  NULL, 0, { RP(0, 1, 1, -1, 0), EP(1, 0, 0, false, -1, 0) },
	  "00:01.0 01:00.0", NULL, NULL },
	{ "switch: a downstream port without ACS takes what is below it, not its siblings",
	  NULL, 0, { RP(0, 1, 1, 0x1d, 0), { 1, 0, 0, 5, false, -1, 2, 4, 0, false },
		     { 2, 0, 0, 6, false, -1, 3, 3, 0, false },
		     { 2, 1, 0, 6, false, -1, 4, 4, 0, false },
		     EP(3, 0, 0, false, -1, 0), EP(4, 0, 0, false, -1, 0) },
	  "00:01.0|01:00.0|02:00.0 03:00.0|02:01.0 04:00.0", NULL, NULL },
	{ "switch with ACS downstream ports: one group per endpoint",
	  NULL, 0, { RP(0, 1, 1, 0x1d, 0), { 1, 0, 0, 5, false, -1, 2, 4, 0, false },
		     { 2, 0, 0, 6, false, 0x1d, 3, 3, 0, false },
		     { 2, 1, 0, 6, false, 0x1d, 4, 4, 0, false },
		     EP(3, 0, 0, false, -1, 0), EP(4, 0, 0, false, -1, 0) },
	  "00:01.0|01:00.0|02:00.0|02:01.0|03:00.0|04:00.0", NULL, NULL },
	{ "PCIe-to-PCI bridge: everything behind it aliases to it",
	  NULL, 0, { RP(0, 1, 1, 0x1d, 0), { 1, 0, 0, 7, false, -1, 2, 2, 0, false },
		     EP(2, 1, 0, false, -1, 256), EP(2, 2, 0, false, -1, 256) },
	  "00:01.0|01:00.0 02:01.0 02:02.0", NULL, NULL },
	{ "multifunction without ACS: functions share",
	  NULL, 0, { EP(0, 3, 0, true, -1, 0), EP(0, 3, 1, false, -1, 0) },
	  "00:03.0 00:03.1", NULL, NULL },
	{ "multifunction with ACS: each function alone",
	  NULL, 0, { EP(0, 3, 0, true, 0x1d, 0), EP(0, 3, 1, false, 0x1d, 0) },
	  "00:03.0|00:03.1", NULL, NULL },
	{ "multifunction: a function with ACS alone, the two without together",
	  NULL, 0, { EP(0, 3, 0, true, 0x1d, 0), EP(0, 3, 1, false, -1, 0), EP(0, 3, 2, false, -1, 0) },
	  "00:03.0|00:03.1 00:03.2", NULL, NULL },
	{ "multifunction, 256 bytes: both functions decide",
	  NULL, 0, { EP(0, 3, 0, true, 0x1d, 256), EP(0, 3, 1, false, 0x1d, 256) },
	  "00:03.0|00:03.1", "00:03.0 00:03.1", "0000:00:03.0 0000:00:03.1" },
	{ "64 bytes: the bridge's kind and ACS are unknown",
	  NULL, 0, { RP(0, 1, 1, 0x1d, 64), EP(1, 0, 0, false, -1, 64) },
	  "00:01.0|01:00.0", "00:01.0 01:00.0", "0000:00:01.0" },
	{ "RCiEP single function: its own group",
	  NULL, 0, { { 0, 4, 0, 9, false, -1, 0, 0, 0, false }, EP(0, 5, 0, false, -1, 0) },
	  "00:04.0|00:05.0", NULL, NULL },
	{ "256 bytes: the root port's ACS is unknown, bounds and the port named",
	  NULL, 0, { RP(0, 1, 1, 0x1d, 256), EP(1, 0, 0, false, -1, 256), RP(0, 3, 2, 0x1d, 0),
		     EP(2, 0, 0, false, -1, 0) },
	  "00:01.0|00:03.0|01:00.0|02:00.0", "00:01.0 01:00.0|00:03.0|02:00.0", "0000:00:01.0" },
	{ "disable_acs_redir= clears RR and CR: the port stops isolating",
	  "quiet pci=disable_acs_redir=0000:00:01.0", 0,
	  { RP(0, 1, 1, 0x1d, 0), EP(1, 0, 0, false, -1, 0), RP(0, 3, 2, 0x1d, 0),
	    EP(2, 0, 0, false, -1, 0) },
	  "00:01.0 01:00.0|00:03.0|02:00.0", NULL, NULL },
	{ "disable_acs_redir= by path: 00:01.0/00.0 names the endpoint, not the port",
	  "pci=disable_acs_redir=00:01.0/00.0", 0,
	  { RP(0, 1, 1, 0x1d, 0), EP(1, 0, 0, false, -1, 0) },
	  "00:01.0|01:00.0", NULL, NULL },
	{ "config_acs= (v6.11) sets Control bits: RR off",
	  "pci=config_acs=xx0xx@0000:00:01.0", KV(6, 12),
	  { RP(0, 1, 1, 0x1d, 0), EP(1, 0, 0, false, -1, 0) },
	  "00:01.0 01:00.0", NULL, NULL },
	{ "config_acs= before v6.11 does not exist",
	  "pci=config_acs=xx0xx@0000:00:01.0", KV(6, 10),
	  { RP(0, 1, 1, 0x1d, 0), EP(1, 0, 0, false, -1, 0) },
	  "00:01.0|01:00.0", NULL, NULL },
	{ "config_acs= on 6.11-6.14: the second entry is not read",
	  "pci=\"config_acs=11111@0000:00:03.0;xx0xx@0000:00:01.0\"", KV(6, 12),
	  { RP(0, 1, 1, 0x1d, 0), EP(1, 0, 0, false, -1, 0) },
	  "00:01.0|01:00.0", NULL, NULL },
	{ "config_acs= fixed (6.15+): every entry is read",
	  "pci=\"config_acs=11111@0000:00:03.0;xx0xx@0000:00:01.0\"", KV(6, 15),
	  { RP(0, 1, 1, 0x1d, 0), EP(1, 0, 0, false, -1, 0) },
	  "00:01.0 01:00.0", NULL, NULL },
	{ "config_acs= on 6.11-6.14 starts from the firmware's Control, losing what the kernel enabled",
	  "pci=config_acs=xxxx1@0000:00:01.0", KV(6, 12),
	  { RP(0, 1, 1, 0x00, 0), EP(1, 0, 0, false, -1, 0) },
	  "00:01.0 01:00.0", NULL, NULL },
	{ "config_acs= from 6.15 starts from the kernel's Control",
	  "pci=config_acs=xxxx1@0000:00:01.0", KV(6, 15),
	  { RP(0, 1, 1, 0x00, 0), EP(1, 0, 0, false, -1, 0) },
	  "00:01.0|01:00.0", NULL, NULL },
	{ "an extended capability list that loops ends the walk: no ACS",
	  NULL, 0, { { 0, 1, 0, 4, false, -1, 1, 1, 0, true }, EP(1, 0, 0, false, -1, 0) },
	  "00:01.0 01:00.0", NULL, NULL },
};

static void test_cases(void **state)
{
	char *dmar;
	size_t len;

	(void)state;
	dmar = slurp(SRCDIR "/tests/data/dmar.aml", &len);
	assert_non_null(dmar);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct gcase *c = &cases[i];
		struct resv_machine *m;
		struct resv_group_prediction *p;
		const char *const *und;
		size_t nund;
		char ulist[512] = "";

		printf("case: %s\n", c->name);
		assert_int_equal(resv_machine_new(&m), 0);
		assert_true(resv_machine_add_tables(m, dmar, len, "dmar.aml") >= 0);
		for (size_t k = 0; k < 12 && (c->fns[k].dev || c->fns[k].bus || c->fns[k].type ||
					     c->fns[k].acs || k == 0); k++)
			add(m, &c->fns[k]);
		resv_machine_set_kernel(m, c->kernel);
		resv_machine_set_cmdline(m, c->cmdline);
		assert_int_equal(resv_machine_predict_groups(m, &p), 0);
		check(p, RESV_BOUND_FINEST, c->finest);
		check(p, RESV_BOUND_COARSEST, c->coarsest ? c->coarsest : c->finest);
		assert_int_equal(resv_group_prediction_exact(p), c->coarsest == NULL);
		nund = resv_group_prediction_undecided(p, &und);
		for (size_t k = 0; k < nund; k++)
			snprintf(ulist + strlen(ulist), sizeof(ulist) - strlen(ulist), "%s%s",
				 k ? " " : "", und[k]);
		assert_string_equal(ulist, c->undecided ? c->undecided : "");
		resv_group_prediction_free(p);
		resv_machine_free(m);
	}
	free(dmar);
}

/* An IVRS with one IVHD 0x10 covering everything, and an alias select entry. */
static size_t make_ivrs(uint8_t *b, uint16_t alias_dev, uint16_t alias_to)
{
	size_t len = 48 + 24 + 4 + 8;

	memset(b, 0, len);
	memcpy(b, "IVRS", 4);
	b[4] = (uint8_t)len;
	b[8] = 2;			/* revision */
	memcpy(b + 10, "OEMID ", 6);
	b[36] = 0x00, b[37] = 0x28;	/* IVinfo: 40-bit VA */
	b[48] = 0x10;			/* IVHD type 0x10 */
	b[49] = 0x00;
	b[50] = 24 + 4 + 8;
	b[52] = 0x02;			/* the IOMMU: 00:00.2 */
	b[54] = 0x40;
	b[56 + 2] = 0xd8, b[56 + 3] = 0xfe;	/* base 0xfed80000 */
	b[72] = 0x01;			/* IVHD_DEV_ALL */
	b[76] = 0x42;			/* alias select */
	b[77] = (uint8_t)alias_dev, b[78] = (uint8_t)(alias_dev >> 8);
	b[81] = (uint8_t)alias_to, b[82] = (uint8_t)(alias_to >> 8);
	acpi_fix_checksum(b, len);
	return len;
}

/* amd/iommu.c setup_aliases: an IVRS alias on the same bus joins two groups; on another bus not. */
static void test_ivrs_alias(void **state)
{
	static const struct { uint16_t dev, to; const char *want; } v[] = {
		{ 0x0030, 0x0028, "00:05.0 00:06.0|01:00.0" },	/* 00:06.0 -> 00:05.0 */
		{ 0x0100, 0x0028, "00:05.0|00:06.0|01:00.0" },	/* 01:00.0 -> 00:05.0: other bus */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		const struct fn fns[] = { EP(0, 5, 0, false, -1, 0), EP(0, 6, 0, false, -1, 0),
					  EP(1, 0, 0, false, -1, 0) };
		uint8_t ivrs[128];
		size_t len = make_ivrs(ivrs, v[i].dev, v[i].to);
		struct resv_machine *m;
		struct resv_group_prediction *p;
		const struct resv_pgroup *g;

		assert_int_equal(resv_machine_new(&m), 0);
		assert_true(resv_machine_add_tables(m, ivrs, len, "IVRS") >= 0);
		assert_int_equal(resv_machine_iommu(m), RESV_IOMMU_AMD);
		for (size_t k = 0; k < 3; k++)
			add(m, &fns[k]);
		assert_int_equal(resv_machine_predict_groups(m, &p), 0);
		check(p, RESV_BOUND_FINEST, v[i].want);
		g = resv_group_prediction_find(p, RESV_BOUND_FINEST, "0000:00:06.0");
		assert_non_null(g);
		if (g->nlinks)
			assert_int_equal(g->links[0].why, RESV_JOIN_IVRS_ALIAS);
		resv_group_prediction_free(p);
		resv_machine_free(m);
	}
}

/* The walk of a looping extended capability list ends, with a diagnostic naming the offset. */
static void test_cap_loop_diag(void **state)
{
	const struct fn f = { 0, 1, 0, 4, false, -1, 1, 1, 0, true };
	struct resv_machine *m;
	const struct resv_diags *d;
	bool seen = false;
	struct resv_acs acs;

	(void)state;
	assert_int_equal(resv_machine_new(&m), 0);
	add(m, &f);
	d = resv_machine_diags(m);
	for (size_t i = 0; i < resv_diags_count(d); i++)
		seen = seen || strcmp(resv_diags_get(d, i)->id, "PCI_CONFIG_CAP_LIST") == 0;
	assert_true(seen);
	assert_int_equal(resv_machine_pci_acs(m, "0000:00:01.0", &acs), 0);
	assert_int_equal(acs.present, 0);
	assert_int_equal(acs.isolated, 0);
	assert_int_equal(resv_machine_pci_acs(m, "0000:09:00.0", &acs), -ENOENT);
	resv_machine_free(m);
}

/*
 * Random topologies with unknown ACS: the ports named as deciding must be
 * the same whether judged from the bounds or by replaying each one.
 */
static void test_undecided_shortcut(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	char *dmar;
	size_t len, total = 0;

	(void)state;
	dmar = slurp(SRCDIR "/tests/data/dmar.aml", &len);
	assert_non_null(dmar);
	for (int round = 0; round < 300; round++) {
		struct resv_machine *m;
		struct resv_group_prediction *p[2];
		const char *const *u[2];
		size_t nu[2];
		uint8_t nextbus = 1;

#define RND(n) ((seed = seed * 6364136223846793005ULL + 1442695040888963407ULL), \
		(unsigned int)((seed >> 33) % (n)))
		assert_int_equal(resv_machine_new(&m), 0);
		assert_true(resv_machine_add_tables(m, dmar, len, "dmar.aml") >= 0);
		/* root ports 00:03..00:05, each with a switch or endpoints below */
		for (uint8_t rp = 3; rp < 6; rp++) {
			uint16_t l = RND(3) == 0 ? 256 : 4096;
			struct fn f = { 0, rp, 0, 4, false, RND(3) ? 0x1d : -1, (uint8_t)(nextbus + rp * 20),
					(uint8_t)(nextbus + rp * 20 + 5), l, false };

			add(m, &f);
		}
		for (uint8_t rp = 3; rp < 6; rp++) {
			uint8_t b = (uint8_t)(nextbus + rp * 20);

			if (RND(2)) {	/* a switch: upstream port, two downstream ports */
				struct fn us = { b, 0, 0, 5, false, -1, (uint8_t)(b + 1), (uint8_t)(b + 3),
						 RND(3) == 0 ? 256 : 4096, false };

				add(m, &us);
				for (uint8_t d = 0; d < 2; d++) {
					struct fn ds = { (uint8_t)(b + 1), d, 0, 6, false,
							 RND(3) ? 0x1d : -1, (uint8_t)(b + 2 + d),
							 (uint8_t)(b + 2 + d), RND(2) ? 256 : 4096, false };

					add(m, &ds);
				}
				for (uint8_t d = 0; d < 2; d++) {
					unsigned int nf = 1 + RND(3);

					for (uint8_t f = 0; f < nf; f++) {
						struct fn ep = { (uint8_t)(b + 2 + d), 0, f, 0, nf > 1 && f == 0,
								 RND(2) ? 0x1d : -1, 0, 0,
								 RND(2) ? 256 : 4096, false };

						add(m, &ep);
					}
				}
			} else {
				unsigned int nf = 1 + RND(4);

				for (uint8_t f = 0; f < nf; f++) {
					struct fn ep = { b, 0, f, 0, nf > 1 && f == 0, RND(2) ? 0x1d : -1,
							 0, 0, RND(2) ? 256 : 4096, false };

					add(m, &ep);
				}
			}
		}
		for (int k = 0; k < 2; k++) {
			groups_replay_only = k == 1;
			assert_int_equal(resv_machine_predict_groups(m, &p[k]), 0);
			nu[k] = resv_group_prediction_undecided(p[k], &u[k]);
		}
		groups_replay_only = false;
		assert_int_equal(nu[0], nu[1]);
		total += nu[0];
		for (size_t i = 0; i < nu[0]; i++)
			assert_string_equal(u[0][i], u[1][i]);
		resv_group_prediction_free(p[0]);
		resv_group_prediction_free(p[1]);
		resv_machine_free(m);
	}
	printf("%zu deciding functions in 300 topologies\n", total);
	assert_true(total > 300);	/* not vacuous */
	free(dmar);
}

/*
 * arm-smmu.c arm_smmu_device_group (SMMUv1/v2): a master sharing a stream
 * map entry joins the group it holds; entries holding two different groups
 * fail the probe (no group).
 */
static void test_smmu_v2_streams(void **state)
{
	static const struct fn fns[] = {
		EP(0, 3, 0, false, -1, 0), EP(0, 4, 0, false, -1, 0), EP(0, 5, 0, false, -1, 0),
		EP(0, 6, 0, false, -1, 0), EP(0, 7, 0, false, -1, 0),
	};
	/* 03.0 and 04.0 share 0x10; 06.0 has 0x30; 07.0 has 0x10 and 0x30: two groups */
	static const uint32_t sids[][2] = { { 0x10 }, { 0x10 }, { 0x20 }, { 0x30 }, { 0x30, 0x10 } };
	static const uint8_t nsids[] = { 1, 1, 1, 1, 2 };
	struct pci_topology t = { 0 };
	struct group_streams st[5] = { 0 };
	uint8_t behind[5] = { 1, 1, 1, 1, 1 };
	struct group_input in = { .topo = &t, .behind = behind, .acs_requested = true,
				  .streams = st };
	struct resv_group_prediction *p;
	const struct resv_pgroup *g;
	uint8_t c[4096];

	(void)state;
	for (size_t i = 0; i < 5; i++) {
		make_cfg(c, &fns[i]);
		assert_int_equal(pci_topology_add(&t, 0, 0, fns[i].dev, 0, c, 4096), 0);
		st[i].smmu = &t;
		st[i].n = nsids[i];
		memcpy(st[i].sid, sids[i], sizeof(sids[i]));
	}
	assert_int_equal(groups_predict(&in, &p), 0);
	check(p, RESV_BOUND_FINEST, "00:03.0 00:04.0|00:05.0|00:06.0");
	g = resv_group_prediction_find(p, RESV_BOUND_FINEST, "0000:00:04.0");
	assert_int_equal(g->links[0].why, RESV_JOIN_STREAM_ID);
	assert_string_equal(g->links[0].with, "0000:00:03.0");
	assert_null(resv_group_prediction_find(p, RESV_BOUND_FINEST, "0000:00:07.0"));
	resv_group_prediction_free(p);
	pci_topology_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_ivrs_alias),
		cmocka_unit_test(test_cap_loop_diag),
		cmocka_unit_test(test_undecided_shortcut),
		cmocka_unit_test(test_smmu_v2_streams),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
