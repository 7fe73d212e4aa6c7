// SPDX-License-Identifier: MIT
/*
 * IORT: every table of the shared corpus parsed; its nodes (offset, type,
 * length, revision, identifier), every ID mapping and every RMR descriptor
 * equal to what iasl printed in the .dsl beside it; then every table cut at
 * every byte and its node lengths damaged.
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

#include "iort.h"


struct wnode {
	size_t offset;
	unsigned long type, length, revision, identifier, nmap, ndesc;
	unsigned long map[256][5];
	unsigned long long desc[16][2];
};

static size_t read_dsl(const char *dsl, struct wnode *w, size_t max)
{
	size_t n = 0;
	int field = -1;		/* next ID mapping field, or -1 */
	char line[512];

	for (const char *p = dsl; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *x;

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		p = eol ? eol + 1 : p + len;
		if (strncmp(line, "Raw Table Data", 14) == 0)
			break;
		if ((x = iasl_value(line, "Type"))) {
			assert_true(n < max);
			memset(&w[n], 0, sizeof(w[n]));
			w[n].offset = strtoul(line + 6, NULL, 10);
			w[n].type = strtoul(x, NULL, 16);
			w[n].length = w[n].revision = w[n].identifier = ~0ul;
			n++;
			field = -1;
			continue;
		}
		if (!n)
			continue;
		struct wnode *c = &w[n - 1];

		if (c->length == ~0ul && (x = iasl_value(line, "Length")))
			c->length = strtoul(x, NULL, 16);
		else if (c->revision == ~0ul && (x = iasl_value(line, "Revision")))
			c->revision = strtoul(x, NULL, 16);
		else if (c->identifier == ~0ul && strtoul(line + 6, NULL, 10) == c->offset + 4 &&
			 ((x = iasl_value(line, "Identifier")) || (x = iasl_value(line, "Reserved"))))
			c->identifier = strtoul(x, NULL, 16);	/* "Reserved" before rev E */
		else if ((x = iasl_value(line, "Input base"))) {
			assert_true(c->nmap < 256);
			c->map[c->nmap++][0] = strtoul(x, NULL, 16);
			field = 1;
		} else if (field == 1 && (x = iasl_value(line, "ID Count"))) {
			c->map[c->nmap - 1][1] = strtoul(x, NULL, 16);
			field = 2;
		} else if (field == 2 && (x = iasl_value(line, "Output Base"))) {
			c->map[c->nmap - 1][2] = strtoul(x, NULL, 16);
			field = 3;
		} else if (field == 3 && (x = iasl_value(line, "Output Reference"))) {
			c->map[c->nmap - 1][3] = strtoul(x, NULL, 16);
			field = 4;
		} else if (field == 4 && (x = iasl_value(line, "Flags (decoded below)"))) {
			c->map[c->nmap - 1][4] = strtoul(x, NULL, 16);
			field = -1;
		} else if ((x = iasl_value(line, "Base Address of RMR"))) {
			assert_true(c->ndesc < 16);
			c->desc[c->ndesc++][0] = strtoull(x, NULL, 16);
		} else if (c->ndesc && (x = iasl_value(line, "Length of RMR"))) {
			c->desc[c->ndesc - 1][1] = strtoull(x, NULL, 16);
		}
	}
	return n;
}

/*
 * @partial: iasl gave up on a malformed table ("terminates in the middle of
 * a data structure"); compare the node headers it did show, no more.
 */
static void compare(const char *path, const struct iort *t, const struct wnode *w, size_t nw,
		    bool partial)
{
	if (partial ? t->nnodes < nw : t->nnodes != nw)
		fail_msg("%s: %zu nodes, iasl shows %zu", path, t->nnodes, nw);
	for (size_t i = 0; i < nw; i++) {
		const struct iort_node *n = &t->nodes[i];

		if (n->offset != w[i].offset || n->type != w[i].type || n->length != w[i].length ||
		    n->revision != w[i].revision || n->identifier != w[i].identifier)
			fail_msg("%s: node %zu at %zu type %u differs from iasl", path, i, n->offset,
				 n->type);
		if (partial)
			continue;
		if (n->nmappings != w[i].nmap || n->ndescs != w[i].ndesc)
			fail_msg("%s: node %zu at %zu type %u differs from iasl (%zu type %lu, %lu maps, %lu descs)",
				 path, i, n->offset, n->type, w[i].offset, w[i].type, w[i].nmap,
				 w[i].ndesc);
		for (size_t k = 0; k < n->nmappings; k++) {
			const struct iort_id_mapping *m = &n->mappings[k];

			if (m->input_base != w[i].map[k][0] || m->count != w[i].map[k][1] ||
			    m->output_base != w[i].map[k][2] || m->output_reference != w[i].map[k][3] ||
			    m->flags != w[i].map[k][4])
				fail_msg("%s: node %zu mapping %zu differs from iasl", path, i, k);
		}
		for (size_t k = 0; k < n->ndescs; k++)
			if (n->descs[k].base != w[i].desc[k][0] || n->descs[k].length != w[i].desc[k][1])
				fail_msg("%s: node %zu RMR descriptor %zu differs from iasl", path, i, k);
	}
}

static int parse_iort(const void *buf, size_t len, struct resv_diags *d, const char *where)
{
	struct iort *t = NULL;
	int rc = iort_parse(&t, buf, len, d, where);

	iort_free(t);
	return rc;
}

/* Nodes are found by offset; each node's length is at +1. */
static size_t damage(const char *path, const uint8_t *buf, size_t len, const struct iort *t)
{
	static const uint16_t bad[] = { 0, 1, 15, 0xffff };	/* 15: below the header */
	size_t runs = damage_cuts(parse_iort, buf, len, path);

	for (size_t i = 0; i < t->nnodes; i++)
		runs += damage_length(parse_iort, buf, len, path, t->nodes[i].offset + 1, bad);
	return runs;
}

struct totals {
	size_t tables, nodes, rmrs, runs;
};

static void check_machine(const char *dir, void *ctx)
{
	struct totals *tot = ctx;
	static struct wnode w[64];
	char path[1100];
	size_t len, nw;
	char *buf, *dsl;
	struct iort *t;
	struct resv_diags *diags;

	if (!corpus_table(dir, "IORT", path, sizeof(path), &buf, &len, &dsl))
		return;
	assert_int_equal(resv_diags_new(&diags), 0);
	if (iort_parse(&t, buf, len, diags, path) != 0)
		fail_msg("%s: refused", path);
	nw = read_dsl(dsl, w, 64);
	bool partial = strstr(dsl, "terminates in the middle of a data structure");

	compare(path, t, w, nw, partial);
	/* Where iasl gives up, we must have said what is wrong. */
	if (partial && resv_diags_max_severity(diags) < RESV_SEV_ERROR)
		fail_msg("%s: malformed for iasl, no error from us", path);
	tot->tables++;
	tot->nodes += nw;
	for (size_t i = 0; i < t->nnodes; i++)
		tot->rmrs += t->nodes[i].ndescs;
	tot->runs += damage(path, (const uint8_t *)buf, len, t);
	iort_free(t);
	resv_diags_free(diags);
	free(dsl);
	free(buf);
}

static void test_corpus(void **state)
{
	struct totals tot = { 0 };

	(void)state;
	if (!corpus_foreach(check_machine, &tot))
		skip();
	print_message("corpus: %zu IORTs, %zu nodes, %zu RMR descriptors as iasl reads them; %zu damaged copies parsed\n",
		      tot.tables, tot.nodes, tot.rmrs, tot.runs);
	assert_true(tot.tables >= 20);
}

/*
 * An IORT (rev 5, DEN0049 E.d) with an SMMUv3 node at 0x30 and an RMR node
 * at 0x74: flags remapping-permitted | privileged | attributes 0x05,
 * three descriptors (a good one, an unaligned one overlapping it, a
 * zero-length one) and one ID mapping to the SMMUv3 (stream 0x10).
 */
static void test_rmr(void **state)
{
	uint8_t t[256] = { 0 };
	size_t len = 0x74 + 28 + 3 * 20 + 20;
	uint8_t *smmu = t + 0x30, *rmr = t + 0x74;
	struct resv_diags *d;
	struct iort *io;
	static const char *const expect[] = { "IORT_RMR_UNALIGNED", "IORT_RMR_OVERLAP",
					      "IORT_RMR_ZERO_LENGTH" };

	(void)state;
	memcpy(t, "IORT", 4);
	put32(t + 4, (uint32_t)len);
	t[8] = 5;
	put32(t + 36, 2);		/* node count */
	put32(t + 40, 0x30);		/* node array offset */
	smmu[0] = IORT_SMMU_V3;		/* §3.1.4: node header, then base at 16 */
	put16(smmu + 1, 0x44);
	smmu[3] = 4;
	put32(smmu + 4, 7);		/* identifier */
	put64(smmu + 16, 0x2b400000);	/* base */
	put32(smmu + 40, 0);		/* model: generic */
	rmr[0] = IORT_RMR;		/* §3.1.8 */
	put16(rmr + 1, (uint16_t)(len - 0x74));
	rmr[3] = 3;
	put32(rmr + 4, 8);
	put32(rmr + 8, 1);		/* one ID mapping ... */
	put32(rmr + 12, 28 + 60);	/* ... after the descriptors */
	put32(rmr + 16, 1u | 2u | 5u << 2);	/* flags */
	put32(rmr + 20, 3);		/* descriptors */
	put32(rmr + 24, 28);		/* right after this field */
	put64(rmr + 28, 0x80000000);	/* [0x80000000, +1 MiB) */
	put64(rmr + 36, 0x100000);
	put64(rmr + 48, 0x800ff000);	/* unaligned, overlaps the first */
	put64(rmr + 56, 0x2000);
	put64(rmr + 68, 0x90000000);	/* zero length */
	put64(rmr + 76, 0);
	put32(rmr + 88, 0x10);		/* input base */
	put32(rmr + 92, 0);		/* one id */
	put32(rmr + 96, 0x10);		/* output base */
	put32(rmr + 100, 0x30);		/* -> the SMMUv3 */
	put32(rmr + 104, 1);		/* single mapping */
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)-sum;

	assert_int_equal(resv_diags_new(&d), 0);
	assert_int_equal(iort_parse(&io, t, len, d, "rmr"), 0);
	assert_int_equal(io->nnodes, 2);
	assert_int_equal(io->nodes[0].base, 0x2b400000);
	assert_int_equal(io->nodes[0].identifier, 7);
	const struct iort_node *n = &io->nodes[1];

	assert_int_equal(n->flags & IORT_RMR_REMAP_PERMITTED, 1);
	assert_true(n->flags & IORT_RMR_ACCESS_PRIVILEGE);
	assert_int_equal(IORT_RMR_ACCESS_ATTR(n->flags), 5);
	assert_int_equal(n->ndescs, 3);
	assert_int_equal(n->descs[0].base, 0x80000000);
	assert_int_equal(n->descs[0].length, 0x100000);
	assert_int_equal(n->descs[1].base, 0x800ff000);
	assert_int_equal(n->descs[1].offset, 0x74 + 48);
	assert_int_equal(n->nmappings, 1);
	assert_int_equal(n->mappings[0].output_reference, 0x30);
	assert_int_equal(n->mappings[0].input_base, 0x10);
	for (size_t i = 0; i < 3; i++) {
		bool found = false;

		for (size_t k = 0; k < resv_diags_count(d); k++)
			found |= strcmp(resv_diags_get(d, k)->id, expect[i]) == 0;
		if (!found)
			fail_msg("no %s", expect[i]);
	}
	/* The mapping reference is good: no IORT_BAD_OUTPUT_REFERENCE. */
	for (size_t k = 0; k < resv_diags_count(d); k++)
		assert_string_not_equal(resv_diags_get(d, k)->id, "IORT_BAD_OUTPUT_REFERENCE");
	iort_free(io);
	resv_diags_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rmr),
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
