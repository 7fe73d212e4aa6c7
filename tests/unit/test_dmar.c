// SPDX-License-Identifier: MIT
/*
 * DMAR: every table of the shared corpus parsed, its RMRRs (base, end,
 * segment, every device scope with its full path) equal to what iasl
 * printed in the .dsl beside it; then every table cut at every byte and its
 * subtable lengths damaged, under the sanitizers: a diagnostic, never a
 * crash.
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

#include "dmar.h"


/* RMRRs as iasl shows them. */
struct dsl_scope {
	unsigned int type, enumeration_id, bus, npath;
	unsigned int path[16][2];
};
struct dsl_rmrr {
	unsigned long long base, end;
	unsigned int segment, nscopes;
	struct dsl_scope scopes[64];
};

static size_t dsl_rmrrs(const char *dsl, struct dsl_rmrr *v, size_t max)
{
	size_t n = 0;
	bool in_rmrr = false;
	struct dsl_scope *sc = NULL;
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
		if (strstr(line, "Unknown DMAR subtable type"))
			break;	/* iasl stops there */
		if ((x = iasl_value(line, "Subtable Type"))) {
			in_rmrr = strtoul(x, NULL, 16) == 1;
			sc = NULL;
			if (in_rmrr) {
				assert_true(n < max);
				memset(&v[n], 0, sizeof(v[n]));
				n++;
			}
			continue;
		}
		if (!in_rmrr)
			continue;
		struct dsl_rmrr *r = &v[n - 1];

		if ((x = iasl_value(line, "Base Address")))
			r->base = strtoull(x, NULL, 16);
		else if ((x = iasl_value(line, "End Address (limit)")))
			r->end = strtoull(x, NULL, 16);
		else if ((x = iasl_value(line, "PCI Segment Number")))
			r->segment = (unsigned int)strtoul(x, NULL, 16);
		else if ((x = iasl_value(line, "Device Scope Type"))) {
			assert_true(r->nscopes < 64);
			sc = &r->scopes[r->nscopes++];
			sc->type = (unsigned int)strtoul(x, NULL, 16);
		} else if (sc && (x = iasl_value(line, "Enumeration ID")))
			sc->enumeration_id = (unsigned int)strtoul(x, NULL, 16);
		else if (sc && (x = iasl_value(line, "PCI Bus Number")))
			sc->bus = (unsigned int)strtoul(x, NULL, 16);
		else if (sc && (x = iasl_value(line, "PCI Path"))) {
			char *comma;

			assert_true(sc->npath < 16);
			sc->path[sc->npath][0] = (unsigned int)strtoul(x, &comma, 16);
			sc->path[sc->npath][1] = (unsigned int)strtoul(comma + 1, NULL, 16);
			sc->npath++;
		}
	}
	return n;
}

static void compare(const char *path, const struct dmar *d, const struct dsl_rmrr *want,
		    size_t nwant)
{
	size_t k = 0;

	for (size_t i = 0; i < d->nentries; i++) {
		const struct dmar_entry *e = &d->entries[i];

		if (e->type != DMAR_RMRR)
			continue;
		if (k >= nwant)
			fail_msg("%s: more RMRRs than iasl shows", path);
		const struct dsl_rmrr *w = &want[k++];

		if (e->address != w->base || e->end != w->end || e->segment != w->segment ||
		    e->nscopes != w->nscopes)
			fail_msg("%s: RMRR #%u [%#llx-%#llx seg %u, %zu scopes], iasl [%#llx-%#llx seg %u, %u scopes]",
				 path, e->index, (unsigned long long)e->address,
				 (unsigned long long)e->end, e->segment, e->nscopes, w->base, w->end,
				 w->segment, w->nscopes);
		for (size_t s = 0; s < e->nscopes; s++) {
			const struct dmar_scope *a = &e->scopes[s];
			const struct dsl_scope *b = &w->scopes[s];

			if (a->type != b->type || a->enumeration_id != b->enumeration_id ||
			    a->start_bus != b->bus || a->npath != b->npath)
				fail_msg("%s: RMRR #%u scope %zu differs from iasl", path, e->index, s);
			for (size_t j = 0; j < a->npath; j++)
				if (a->path[j].device != b->path[j][0] ||
				    a->path[j].function != b->path[j][1])
					fail_msg("%s: RMRR #%u scope %zu path %zu differs", path,
						 e->index, s, j);
		}
	}
	if (k != nwant)
		fail_msg("%s: %zu RMRRs, iasl shows %zu", path, k, nwant);
}

/* Every cut and every damaged subtable length: parsed or refused, never a crash. */
static int parse_dmar(const void *buf, size_t len, struct resv_diags *d, const char *where)
{
	struct dmar *dm = NULL;
	int rc = dmar_parse(&dm, buf, len, d, where);

	dmar_free(dm);
	return rc;
}

struct totals {
	size_t tables, rmrrs, runs;
};

static void check_machine(const char *dir, void *ctx)
{
	struct totals *tot = ctx;
	char path[1100];
	static struct dsl_rmrr want[64];
	size_t len, nwant;
	char *buf, *dsl;
	struct dmar *d;
	struct resv_diags *diags;

	if (!corpus_table(dir, "DMAR", path, sizeof(path), &buf, &len, &dsl))
		return;
	assert_int_equal(resv_diags_new(&diags), 0);
	if (dmar_parse(&d, buf, len, diags, path) != 0)
		fail_msg("%s: refused", path);
	nwant = dsl_rmrrs(dsl, want, 64);
	compare(path, d, want, nwant);
	tot->rmrrs += nwant;
	tot->tables++;
	tot->runs += damage_subtables(parse_dmar, (const uint8_t *)buf, len, path, 48);
	dmar_free(d);
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
	print_message("corpus: %zu DMARs, %zu RMRRs as iasl reads them; %zu damaged copies parsed\n",
		      tot.tables, tot.rmrrs, tot.runs);
	assert_true(tot.tables >= 100);
}

/* A table with the defects the lint must name. */
static void test_lint(void **state)
{
	/* Header, width 38 / flags 1, then RMRRs: unaligned; end before base;
	 * overlapping the first; one with a 5-byte scope. */
	static const uint8_t rmrr[][32] = {
		{ 1, 0, 32, 0, 0, 0, 0, 0, 0x00, 0x18, 0, 0, 0, 0, 0, 0,
		  0xff, 0x2f, 0, 0, 0, 0, 0, 0, 1, 8, 0, 0, 0, 0, 0x14, 0 },
		{ 1, 0, 24, 0, 0, 0, 0, 0, 0x00, 0x50, 0, 0, 0, 0, 0, 0,
		  0xff, 0x4f, 0, 0, 0, 0, 0, 0 },
		{ 1, 0, 24, 0, 0, 0, 0, 0, 0x00, 0x20, 0, 0, 0, 0, 0, 0,
		  0xff, 0x2f, 0, 0, 0, 0, 0, 0 },
		{ 1, 0, 32, 0, 0, 0, 0, 0, 0x00, 0x60, 0, 0, 0, 0, 0, 0,
		  0xff, 0x6f, 0, 0, 0, 0, 0, 0, 1, 5, 0, 0, 0, 0, 0x14, 0 },
	};
	static const char *const expect[] = { "DMAR_RMRR_UNALIGNED", "DMAR_RMRR_END_BEFORE_BASE",
					      "DMAR_SCOPE_BAD_LENGTH", "DMAR_RMRR_OVERLAP" };
	uint8_t t[36 + 12 + 32 * 4];
	size_t len = 48, n;
	uint8_t sum = 0;
	struct dmar *d;
	struct resv_diags *diags;

	(void)state;
	memset(t, 0, sizeof(t));
	memcpy(t, "DMAR", 4);
	t[8] = 1;
	t[36] = 38;
	t[37] = 1;
	for (size_t i = 0; i < 4; i++) {
		memcpy(t + len, rmrr[i], rmrr[i][2]);
		len += rmrr[i][2];
	}
	t[4] = (uint8_t)len;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + t[i]);
	t[9] = (uint8_t)-sum;

	assert_int_equal(resv_diags_new(&diags), 0);
	assert_int_equal(dmar_parse(&d, t, len, diags, "lint"), 0);
	n = resv_diags_count(diags);
	for (size_t i = 0; i < 4; i++) {
		bool found = false;

		for (size_t k = 0; k < n; k++)
			found |= strcmp(resv_diags_get(diags, k)->id, expect[i]) == 0;
		if (!found)
			fail_msg("no %s among %zu diagnostics", expect[i], n);
	}
	/* Bad RMRRs are kept, as the kernel keeps them. */
	assert_int_equal(d->nentries, 4);
	assert_int_equal(d->entries[0].nscopes, 1);
	assert_int_equal(d->entries[0].scopes[0].path[0].device, 0x14);
	assert_int_equal(d->entries[3].nscopes, 0);
	assert_int_equal(d->host_address_width, 38);
	dmar_free(d);
	resv_diags_free(diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lint),
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
