// SPDX-License-Identifier: MIT
/*
 * Arm prediction (predict_arm): a hand-built IORT whose every field is set
 * at its DEN0049 E.e offset, a table of PCI functions and the regions each
 * must get; the ID-mapping walk's corner cases; then every root complex of
 * every corpus IORT.
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

#include "predict.h"

/*
 * The table's nodes, by offset. Lengths: ITS group 16 + 4 + 4 per ITS;
 * SMMUv3 68 + mappings (§3.1.4.2); SMMUv1/v2 76 (§3.1.4.1, its interrupt
 * arrays left empty); root complex 40 + mappings (§3.1.1.4, node rev 4);
 * RMR 28 + mappings + 20 per descriptor (§3.1.8).
 */
#define ITS	0x030	/* ITS group, one ITS */
#define SMMU3	0x048	/* SMMUv3, IDs onward to the ITS */
#define SMMU2	0x0a0	/* SMMUv2 (generic), no mappings */
#define RC0	0x0ec	/* segment 0 -> SMMUv3, three ranges */
#define RC1	0x150	/* segment 1 -> straight to the ITS */
#define RC2	0x18c	/* segment 2 -> SMMUv3, single mapping */
#define RC3	0x1c8	/* segment 3 -> SMMUv2 */
#define RMR_A	0x204	/* remapping permitted, write-back: stream 0x1000 */
#define RMR_B	0x25c	/* privileged device memory: streams 0x10-0x1f */
#define RMR_C	0x2c8	/* normal non-cacheable: stream 0x20ff (and 0x28 on the ITS) */
#define IORT_LEN 0x320
#define NODES	10

/* Node header (§3.1, table 4): type, length, revision, identifier, mappings. */
static uint8_t *node(uint8_t *t, size_t off, uint8_t type, uint16_t len, uint8_t rev,
		     uint32_t nmap, uint32_t mapoff)
{
	uint8_t *n = t + off;

	n[0] = type;
	put16(n + 1, len);
	n[3] = rev;
	put32(n + 4, (uint32_t)off);	/* identifier: unique, so the offset */
	put32(n + 8, nmap);
	put32(n + 12, mapoff);
	return n;
}

/* ID mapping (§3.1.1.2, table 5): input base, count (IDs - 1), output, ref, flags. */
static void mapping(uint8_t *m, uint32_t in, uint32_t count, uint32_t out, uint32_t ref,
		    uint32_t flags)
{
	put32(m, in);
	put32(m + 4, count);
	put32(m + 8, out);
	put32(m + 12, ref);
	put32(m + 16, flags);
}

/* RMR memory range descriptor (§3.1.8, table 19): base, length, reserved. */
static void rmr_desc(uint8_t *d, uint64_t base, uint64_t len)
{
	put64(d, base);
	put64(d + 8, len);
}

static void root_complex(uint8_t *t, size_t off, uint32_t segment, uint32_t nmap)
{
	uint8_t *n = node(t, off, IORT_ROOT_COMPLEX, (uint16_t)(40 + 20 * nmap), 4, nmap, 40);

	put32(n + 16, 1);		/* memory access: cache coherent */
	put32(n + 24, 0);		/* ATS attribute */
	put32(n + 28, segment);		/* PCI segment number */
	n[32] = 48;			/* memory address size limit */
}

static void rmr_node(uint8_t *t, size_t off, uint32_t flags, uint32_t nmap, uint32_t ndesc)
{
	uint16_t len = (uint16_t)(28 + 20 * nmap + 20 * ndesc);
	uint8_t *n = node(t, off, IORT_RMR, len, 3, nmap, 28);

	put32(n + 16, flags);		/* RMR flags */
	put32(n + 20, ndesc);		/* number of memory range descriptors */
	put32(n + 24, 28 + 20 * nmap);	/* offset of the descriptor array */
}

static size_t build_iort(uint8_t *t, uint8_t revision)
{
	uint8_t *n, sum = 0;

	memset(t, 0, IORT_LEN);
	memcpy(t, "IORT", 4);			/* ACPI header (36 bytes) */
	put32(t + 4, IORT_LEN);
	t[8] = revision;			/* 5 = E.d: the kernel's RMR floor */
	memcpy(t + 10, "RESVTS", 6);
	put32(t + 36, NODES);			/* number of IORT nodes */
	put32(t + 40, ITS);			/* offset of the node array */

	n = node(t, ITS, IORT_ITS_GROUP, 24, 1, 0, 0);
	put32(n + 16, 1);			/* number of ITSs */
	put32(n + 20, 0);			/* GIC ITS identifier 0 */

	n = node(t, SMMU3, IORT_SMMU_V3, 68 + 20, 4, 1, 68);
	put64(n + 16, 0x2b400000);		/* base address */
	put32(n + 40, 0);			/* model: generic SMMUv3 */
	put32(n + 44, 0x100);			/* event, PRI, GERR, sync GSIVs: */
	put32(n + 48, 0x101);			/* all wired, so no DeviceID */
	put32(n + 52, 0x102);			/* mapping index */
	put32(n + 56, 0x103);
	mapping(n + 68, 0, 0xffff, 0, ITS, 0);	/* stream IDs -> ITS device IDs */

	n = node(t, SMMU2, IORT_SMMU, 76, 3, 0, 0);
	put64(n + 16, 0x2c000000);		/* base address */
	put64(n + 24, 0x10000);			/* span */
	put32(n + 32, 0);			/* model: generic SMMUv2 */

	root_complex(t, RC0, 0, 3);
	n = t + RC0 + 40;
	/* Bus 0, but count 0x100 (a common firmware slip): 0x0100 ends it. */
	mapping(n, 0x0000, 0x0100, 0x0000, SMMU3, 0);
	/* Bus 1 starts at 0x0100 and so takes that ID (iort_id_map -EAGAIN). */
	mapping(n + 20, 0x0100, 0x00ff, 0x1000, SMMU3, 0);
	/* Bus 4: its last ID is held back, and with no taker it stands. */
	mapping(n + 40, 0x0400, 0x00ff, 0x2000, SMMU3, 0);

	root_complex(t, RC1, 1, 1);
	mapping(t + RC1 + 40, 0, 0xffff, 0x10000, ITS, 0);

	root_complex(t, RC2, 2, 1);
	mapping(t + RC2 + 40, 0x9999, 0, 0x7777, SMMU3, IORT_ID_SINGLE_MAPPING);

	root_complex(t, RC3, 3, 1);
	mapping(t + RC3 + 40, 0, 0xffff, 0, SMMU2, 0);

	/* Flags: bit 0 remapping permitted, bit 1 privileged, 9:2 attributes. */
	rmr_node(t, RMR_A, 1u | 0x05u << 2, 1, 2);
	n = t + RMR_A + 28;
	mapping(n, 0, 0, 0x1000, SMMU3, 0);	/* one stream ID (count 0) */
	rmr_desc(n + 20, 0x80000000, 0x100000);
	rmr_desc(n + 40, 0x90000800, 0x1000);	/* unaligned: becomes 2 pages */

	rmr_node(t, RMR_B, 2u | 0x00u << 2, 2, 2);
	n = t + RMR_B + 28;
	mapping(n, 0, 0x0f, 0x10, SMMU3, 0);	/* streams 0x10-0x1f */
	mapping(n + 20, 0, 3, 0x5000, SMMU3, 0);	/* nobody's */
	rmr_desc(n + 40, 0xa0000000, 0x10000);
	rmr_desc(n + 60, 0xb0000000, 0);	/* zero length: kept */

	rmr_node(t, RMR_C, 0x04u << 2, 2, 1);
	n = t + RMR_C + 28;
	mapping(n, 0, 0, 0x28, ITS, 0);		/* not an SMMU: never matches */
	mapping(n + 20, 0, 0, 0x20ff, SMMU3, 0);
	rmr_desc(n + 40, 0xc0000000, 0x20000);

	for (size_t i = 0; i < IORT_LEN; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)-sum;
	return IORT_LEN;
}

#define RW (RESV_PROT_READ | RESV_PROT_WRITE)
#define SW_MSI { RESV_TYPE_SW_MSI, RESV_PROT_WRITE | RESV_PROT_NOEXEC | RESV_PROT_MMIO, \
		 0x8000000, 0x100000 }

struct want_region {
	enum resv_type type;
	uint32_t prot;
	uint64_t start, length;	/* length 0: a zero-length region */
};

struct arm_case {
	const char *what;
	uint16_t segment;
	uint8_t bus, dev, fn;
	int rc;			/* predict_arm's result */
	size_t smmu;		/* node offset, when rc == 0 */
	uint32_t sid;
	size_t n;
	struct want_region r[4];
	const char *origin;	/* a substring of the last region's origin */
};

static const struct arm_case cases[] = {
	{ "first ID of segment 0", 0, 0, 0, 0, 0, SMMU3, 0x0000, 1, { SW_MSI },
	  "SMMUv3 @0x48 software MSI window" },
	{ "stream in RMR B's range: privileged device memory, and a zero length",
	  0, 0, 2, 3, 0, SMMU3, 0x13, 3,
	  { SW_MSI, { RESV_TYPE_DIRECT, RW | RESV_PROT_PRIV | RESV_PROT_MMIO, 0xa0000000, 0x10000 },
	    { RESV_TYPE_DIRECT, RW | RESV_PROT_PRIV | RESV_PROT_MMIO, 0xb0000000, 0 } },
	  "IORT RMR @0x25c desc #1 (stream ID 0x13 via SMMUv3 @0x48)" },
	{ "RMR maps stream 0x28 onto the ITS, not the SMMU", 0, 0, 5, 0, 0, SMMU3, 0x28, 1,
	  { SW_MSI }, "software MSI window" },
	{ "last function of bus 0", 0, 0, 0x1f, 7, 0, SMMU3, 0xff, 1, { SW_MSI }, NULL },
	{ "0x0100 ends bus 0's range and starts bus 1's: bus 1 wins; RMR A (count 0)",
	  0, 1, 0, 0, 0, SMMU3, 0x1000, 3,
	  { SW_MSI, { RESV_TYPE_DIRECT_RELAXABLE, RW | RESV_PROT_CACHE, 0x80000000, 0x100000 },
	    { RESV_TYPE_DIRECT_RELAXABLE, RW | RESV_PROT_CACHE, 0x90000000, 0x2000 } },
	  "IORT RMR @0x204 desc #1 (stream ID 0x1000 via SMMUv3 @0x48), remapping permitted, widened to 4 KiB pages" },
	{ "next stream misses RMR A", 0, 1, 0, 1, 0, SMMU3, 0x1001, 1, { SW_MSI }, NULL },
	{ "bus 2: outside every mapping", 0, 2, 0, 0, 1, 0, 0, 0, { { 0 } }, NULL },
	{ "last ID of bus 4, held back, stands: RMR C, normal non-cacheable",
	  0, 4, 0x1f, 7, 0, SMMU3, 0x20ff, 2,
	  { SW_MSI, { RESV_TYPE_DIRECT, RW, 0xc0000000, 0x20000 } },
	  "IORT RMR @0x2c8 desc #0 (stream ID 0x20ff via SMMUv3 @0x48)" },
	{ "one before it", 0, 4, 0x1f, 6, 0, SMMU3, 0x20fe, 1, { SW_MSI }, NULL },
	{ "segment 1 goes straight to the ITS", 1, 0, 0, 0, 1, 0, 0, 0, { { 0 } }, NULL },
	{ "segment 2: single mapping, whatever the ID", 2, 0x85, 3, 1, 0, SMMU3, 0x7777, 1,
	  { SW_MSI }, NULL },
	{ "segment 3 behind an SMMUv2", 3, 0, 1, 0, 0, SMMU2, 0x08, 1, { SW_MSI },
	  "SMMUv1/v2 @0xa0 software MSI window (arm_smmu_get_resv_regions)" },
	{ "segment 4: no root complex", 4, 0, 0, 0, 1, 0, 0, 0, { { 0 } }, NULL },
};

/* A device alone (no bridge above it): its own requester ID is its only alias. */
static int predict_dev(struct resv_list *l, const struct iort *io, const struct pci_dev *d,
		       bool preserve_config, bool *rmr_named)
{
	static const struct pci_topology none;
	struct arm_streams s;

	if (arm_streams(io, &none, d, &s) != 0)
		return 1;
	return predict_arm(l, io, &s, d, preserve_config, 0, 4096, rmr_named);
}

static struct pci_dev make_dev(uint16_t segment, uint8_t bus, uint8_t dev, uint8_t fn)
{
	struct pci_dev d = { .segment = segment, .bus = bus, .dev = dev, .fn = fn };

	snprintf(d.name, sizeof(d.name), "%04x:%02x:%02x.%x", segment, bus, dev & 0x1fu, fn & 7u);
	return d;
}

static void check_case(const struct iort *io, const struct arm_case *c)
{
	struct pci_dev d = make_dev(c->segment, c->bus, c->dev, c->fn);
	const struct iort_node *rc = iort_root_complex(io, c->segment), *smmu = NULL;
	struct resv_list *l;
	uint32_t sid = 0;
	int ret;

	assert_int_equal(resv_list_new(&l), 0);
	ret = predict_dev(l, io, &d, true, NULL);
	if (ret != c->rc)
		fail_msg("%s (%s): predict_arm gave %d, not %d", c->what, d.name, ret, c->rc);
	if (c->rc == 0) {
		assert_non_null(rc);
		assert_int_equal(iort_map_to_smmu(io, rc, (uint32_t)(c->bus << 8 | c->dev << 3 | c->fn),
						  &smmu, &sid), 0);
		if (smmu->offset != c->smmu || sid != c->sid)
			fail_msg("%s: stream 0x%x via node @0x%zx, not 0x%x via @0x%zx", c->what, sid,
				 smmu->offset, c->sid, c->smmu);
	}
	if (resv_list_count(l) != c->n)
		fail_msg("%s: %zu regions, not %zu", c->what, resv_list_count(l), c->n);
	for (size_t i = 0; i < c->n; i++) {
		const struct resv_region *r = resv_list_region(l, i);
		const struct want_region *w = &c->r[i];
		bool zero = w->length == 0;

		if (r->type != w->type || r->prot != w->prot || r->start != w->start ||
		    r->zero_length != zero || r->last != w->start + w->length - 1)
			fail_msg("%s: region %zu is type %d prot 0x%x [0x%llx, 0x%llx]%s", c->what, i,
				 r->type, r->prot, (unsigned long long)r->start,
				 (unsigned long long)r->last, r->zero_length ? " zero-length" : "");
		assert_string_equal(resv_list_source(l, r->sources[0])->device, d.name);
	}
	if (c->origin) {
		const struct resv_region *r = resv_list_region(l, c->n - 1);
		const char *o = resv_list_source(l, r->sources[0])->origin;

		if (!strstr(o, c->origin))
			fail_msg("%s: origin \"%s\" lacks \"%s\"", c->what, o, c->origin);
	}
	resv_list_free(l);
}

static void test_hand_built(void **state)
{
	static uint8_t t[IORT_LEN];
	struct resv_diags *d;
	struct iort *io;
	size_t len = build_iort(t, 5);

	(void)state;
	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(iort_parse(&io, t, len, d, "hand-built"), 0);
	assert_int_equal(io->nnodes, NODES);
	/* The offsets above are where the nodes really are. */
	static const size_t at[NODES] = { ITS, SMMU3, SMMU2, RC0, RC1, RC2, RC3, RMR_A, RMR_B,
					  RMR_C };
	for (size_t i = 0; i < NODES; i++)
		assert_int_equal(io->nodes[i].offset, at[i]);
	assert_int_equal(io->nodes[NODES - 1].offset + io->nodes[NODES - 1].length, IORT_LEN);
	/* Only the unaligned and zero-length descriptors are findings. */
	for (size_t k = 0; k < resv_diags_count(d); k++) {
		const char *id = resv_diags_get(d, k)->id;

		if (strcmp(id, "IORT_RMR_UNALIGNED") != 0 && strcmp(id, "IORT_RMR_ZERO_LENGTH") != 0)
			fail_msg("unexpected diagnostic %s", id);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(io, &cases[i]);
	iort_free(io);
	resv_diags_free(d);
}

/* Before E.d (table revision 5) the kernel reads no RMR (iort_find_rmrs). */
static void test_rmr_needs_revision_5(void **state)
{
	static uint8_t t[IORT_LEN];
	struct pci_dev d = make_dev(0, 1, 0, 0);
	struct resv_list *l;
	struct iort *io;

	(void)state;
	assert_int_equal(iort_parse(&io, t, build_iort(t, 4), NULL, "rev 4"), 0);
	assert_int_equal(resv_list_new(&l), 0);
	assert_int_equal(predict_dev(l, io, &d, true, NULL), 0);
	assert_int_equal(resv_list_count(l), 1);
	assert_int_equal(resv_list_region(l, 0)->type, RESV_TYPE_SW_MSI);
	resv_list_free(l);
	iort_free(io);
}

/*
 * Walks the kernel would not survive: references that loop, or lead to no
 * node. Built on the model directly, as no parser would hand them over
 * unremarked.
 */
static void test_walk_ends(void **state)
{
	struct iort_id_mapping loop = { .count = 0xffff, .output_reference = 0x40 };
	struct iort_id_mapping nowhere = { .count = 0xffff, .output_reference = 0x44 };
	struct iort_id_mapping null_ref = { .count = 0xffff, .output_reference = 0 };
	struct iort_node nodes[] = {
		{ .offset = 0x30, .type = IORT_ROOT_COMPLEX, .nmappings = 1, .mappings = &loop },
		{ .offset = 0x40, .type = IORT_NAMED_COMPONENT, .nmappings = 1, .mappings = &loop },
	};
	struct iort io = { .nnodes = 2, .nodes = nodes };
	const struct iort_node *smmu;
	uint32_t sid;

	(void)state;
	assert_int_equal(iort_map_to_smmu(&io, &nodes[0], 5, &smmu, &sid), 1);
	nodes[0].mappings = &nowhere;
	assert_int_equal(iort_map_to_smmu(&io, &nodes[0], 5, &smmu, &sid), 1);
	nodes[0].mappings = &null_ref;
	assert_int_equal(iort_map_to_smmu(&io, &nodes[0], 5, &smmu, &sid), 1);
	assert_ptr_equal(iort_node_at(&io, 0x40), &nodes[1]);
	assert_null(iort_node_at(&io, 0x38));
}

/*
 * A single mapping outside a root complex or named component is a firmware
 * bug the kernel skips (iort_id_map): here a named component in the middle
 * of a walk.
 */
static void test_single_mapping_only_at_the_start(void **state)
{
	struct iort_id_mapping to_nc = { .count = 0xffff, .output_reference = 0x40 };
	struct iort_id_mapping single = { .output_base = 7, .output_reference = 0x50,
					  .flags = IORT_ID_SINGLE_MAPPING };
	struct iort_node nodes[] = {
		{ .offset = 0x30, .type = IORT_ROOT_COMPLEX, .nmappings = 1, .mappings = &to_nc },
		{ .offset = 0x40, .type = IORT_PMCG, .nmappings = 1, .mappings = &single },
		{ .offset = 0x50, .type = IORT_SMMU_V3 },
	};
	struct iort io = { .nnodes = 3, .nodes = nodes };
	const struct iort_node *smmu = NULL;
	uint32_t sid = 0;

	(void)state;
	assert_int_equal(iort_map_to_smmu(&io, &nodes[0], 5, &smmu, &sid), 1);
	nodes[1].type = IORT_NAMED_COMPONENT;
	assert_int_equal(iort_map_to_smmu(&io, &nodes[0], 5, &smmu, &sid), 0);
	assert_ptr_equal(smmu, &nodes[2]);
	assert_int_equal(sid, 7);
}

struct corpus_totals {
	size_t tables, complexes, ids, behind, not_behind;
};

/*
 * Every root complex of a corpus IORT, for the requester ID at the start of
 * each of its mappings: no crash, a defined answer, and behind an SMMU
 * exactly the software MSI window (the corpus has no RMR descriptor).
 */
static void corpus_machine(const char *dir, void *ctx)
{
	struct corpus_totals *tot = ctx;
	char path[1100];
	struct iort *io;
	size_t len;
	char *buf;

	snprintf(path, sizeof(path), "%s/IORT.dat", dir);
	if (!(buf = slurp(path, &len)))
		return;
	if (iort_parse(&io, buf, len, NULL, path) != 0)
		fail_msg("%s: refused", path);
	tot->tables++;
	for (size_t i = 0; i < io->nnodes; i++) {
		const struct iort_node *rc = &io->nodes[i];

		if (rc->type != IORT_ROOT_COMPLEX || rc->segment > 0xffff)
			continue;
		tot->complexes++;
		for (size_t k = 0; k < rc->nmappings; k++) {
			uint32_t rid = rc->mappings[k].input_base;
			struct pci_dev d;
			struct resv_list *l;
			int ret;

			if (rid > 0xffff)
				continue;
			d = make_dev((uint16_t)rc->segment, (uint8_t)(rid >> 8),
				     (uint8_t)(rid >> 3 & 0x1f), (uint8_t)(rid & 7));
			assert_int_equal(resv_list_new(&l), 0);
			ret = predict_dev(l, io, &d, true, NULL);
			tot->ids++;
			if (ret == 1) {
				tot->not_behind++;
				assert_int_equal(resv_list_count(l), 0);
			} else {
				const struct resv_region *r = resv_list_region(l, 0);

				if (ret != 0 || resv_list_count(l) != 1)
					fail_msg("%s %s: result %d, %zu regions", path, d.name, ret,
						 resv_list_count(l));
				tot->behind++;
				assert_int_equal(r->type, RESV_TYPE_SW_MSI);
				assert_int_equal(r->start, 0x8000000);
				assert_int_equal(r->last, 0x80fffff);
				assert_int_equal(r->prot, RESV_PROT_WRITE | RESV_PROT_NOEXEC |
								  RESV_PROT_MMIO);
			}
			resv_list_free(l);
		}
	}
	iort_free(io);
	free(buf);
}

static void test_corpus(void **state)
{
	struct corpus_totals tot = { 0 };

	(void)state;
	if (!corpus_foreach(corpus_machine, &tot))
		skip();
	print_message("corpus: %zu IORTs, %zu root complexes, %zu requester IDs: %zu behind an SMMU, %zu not\n",
		      tot.tables, tot.complexes, tot.ids, tot.behind, tot.not_behind);
	assert_true(tot.tables >= 20);
	assert_true(tot.behind > 0);
}

/* tests/data/arm/IORT, used by the golden tests, is this table, byte for byte. */
static void test_fixture_is_the_hand_built_table(void **state)
{
	uint8_t t[IORT_LEN];
	size_t len;
	char *file = slurp(SRCDIR "/tests/data/arm/IORT", &len);

	(void)state;
	assert_non_null(file);
	assert_int_equal(len, build_iort(t, 5));
	assert_memory_equal(file, t, len);
	free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_built),
		cmocka_unit_test(test_rmr_needs_revision_5),
		cmocka_unit_test(test_walk_ends),
		cmocka_unit_test(test_single_mapping_only_at_the_start),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_fixture_is_the_hand_built_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
