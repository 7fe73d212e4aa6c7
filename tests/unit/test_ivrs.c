// SPDX-License-Identifier: MIT
/*
 * IVRS: every table of the shared corpus parsed; its IVMD blocks (type,
 * flags, device, aux, start, length) and every IVHD device entry (offset,
 * type, device id) equal to what iasl printed in the .dsl beside it; then
 * every table cut at every byte and its block lengths damaged.
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

#include "ivrs.h"


struct want {
	size_t nivmd, nentries;
	struct {
		unsigned int type, flags, devid, aux;
		unsigned long long start, length;
	} ivmd[16];
	struct {
		size_t offset;
		unsigned int type, devid, source, handle, variety, uid_length;
		unsigned long ext;
		char uid[64];	/* iasl's UID string, quotes removed */
	} entry[512];
};

static void read_dsl(const char *dsl, struct want *w)
{
	char line[512];
	enum { NONE, IVMD, ENTRY } in = NONE;

	memset(w, 0, sizeof(*w));
	for (const char *p = dsl; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *x;

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		p = eol ? eol + 1 : p + len;
		if (strstr(line, "Unknown IVRS subtable type"))
			break;
		if ((x = iasl_value(line, "Subtable Type"))) {
			unsigned int t = (unsigned int)strtoul(x, NULL, 16);

			if (strstr(line, "Memory Definition Block")) {
				in = IVMD;
				assert_true(w->nivmd < 16);
				w->ivmd[w->nivmd++].type = t;
			} else if (strstr(line, "Hardware Definition Block")) {
				in = NONE;
			} else {
				in = ENTRY;
				assert_true(w->nentries < 512);
				w->entry[w->nentries].offset = strtoul(line + 6, NULL, 10);
				w->entry[w->nentries++].type = t;
			}
			continue;
		}
		if (in == IVMD) {
			typeof(w->ivmd[0]) *m = &w->ivmd[w->nivmd - 1];

			if ((x = iasl_value(line, "Flags (decoded below)")))
				m->flags = (unsigned int)strtoul(x, NULL, 16);
			else if ((x = iasl_value(line, "DeviceId")))
				m->devid = (unsigned int)strtoul(x, NULL, 16);
			else if ((x = iasl_value(line, "Auxiliary Data")))
				m->aux = (unsigned int)strtoul(x, NULL, 16);
			else if ((x = iasl_value(line, "Start Address")))
				m->start = strtoull(x, NULL, 16);
			else if ((x = iasl_value(line, "Memory Length")))
				m->length = strtoull(x, NULL, 16);
		} else if (in == ENTRY) {
			typeof(w->entry[0]) *e = &w->entry[w->nentries - 1];

			if ((x = iasl_value(line, "Device ID")))
				e->devid = (unsigned int)strtoul(x, NULL, 16);
			else if ((x = iasl_value(line, "Source Used Device ID")))
				e->source = (unsigned int)strtoul(x, NULL, 16);
			else if ((x = iasl_value(line, "Handle")))
				e->handle = (unsigned int)strtoul(x, NULL, 16);
			else if ((x = iasl_value(line, "Variety")))
				e->variety = (unsigned int)strtoul(x, NULL, 16);
			else if ((x = iasl_value(line, "Extended Data")))
				e->ext = strtoul(x, NULL, 16);
			else if ((x = iasl_value(line, "UID Length")))
				e->uid_length = (unsigned int)strtoul(x, NULL, 16);
			else if ((x = iasl_value(line, "UID")) && *x == '"')
				snprintf(e->uid, sizeof(e->uid), "%.*s", (int)strcspn(x + 1, "\""),
					 x + 1);
		}
	}
}

static void compare(const char *path, const struct ivrs *v, const struct want *w)
{
	size_t nivmd = 0, nent = 0;

	for (size_t i = 0; i < v->nblocks; i++) {
		const struct ivrs_block *b = &v->blocks[i];

		if (b->type >= 0x20 && b->type <= 0x22) {
			if (nivmd >= w->nivmd)
				fail_msg("%s: more IVMDs than iasl shows", path);
			typeof(w->ivmd[0]) const *m = &w->ivmd[nivmd++];

			if (b->type != m->type || b->flags != m->flags || b->devid != m->devid ||
			    b->aux != m->aux || b->start != m->start || b->mem_length != m->length)
				fail_msg("%s: IVMD #%u differs from iasl", path, b->index);
			continue;
		}
		for (size_t k = 0; k < b->nentries; k++, nent++) {
			const struct ivrs_device_entry *e = &b->entries[k];

			if (nent >= w->nentries)
				fail_msg("%s: more device entries than iasl shows", path);
			typeof(w->entry[0]) const *x = &w->entry[nent];

			if (e->offset != x->offset || e->type != x->type || e->devid != x->devid ||
			    e->source_devid != x->source || e->handle != x->handle ||
			    e->variety != x->variety || e->ext_data != x->ext ||
			    e->uid_length != x->uid_length ||
			    (e->uid_format == 2 && (strlen(x->uid) > e->uid_length ||
						     memcmp(e->uid, x->uid, strlen(x->uid)) != 0)))
				fail_msg("%s: device entry at %zu type %#x devid %#x; iasl: %zu %#x %#x",
					 path, e->offset, e->type, e->devid, w->entry[nent].offset,
					 w->entry[nent].type, w->entry[nent].devid);
		}
	}
	if (nivmd != w->nivmd || nent != w->nentries)
		fail_msg("%s: %zu IVMDs, %zu entries; iasl %zu, %zu", path, nivmd, nent, w->nivmd,
			 w->nentries);
}

static int parse_ivrs(const void *buf, size_t len, struct resv_diags *d, const char *where)
{
	struct ivrs *v = NULL;
	int rc = ivrs_parse(&v, buf, len, d, where);

	ivrs_free(v);
	return rc;
}

struct totals {
	size_t tables, ivmds, entries, runs;
};

static void check_machine(const char *dir, void *ctx)
{
	struct totals *tot = ctx;
	static struct want w;
	char path[1100];
	size_t len;
	char *buf, *dsl;
	struct ivrs *v;
	struct resv_diags *diags;

	if (!corpus_table(dir, "IVRS", path, sizeof(path), &buf, &len, &dsl))
		return;
	assert_int_equal(resv_diags_new(&diags), 0);
	if (ivrs_parse(&v, buf, len, diags, path) != 0)
		fail_msg("%s: refused", path);
	read_dsl(dsl, &w);
	compare(path, v, &w);
	tot->tables++;
	tot->ivmds += w.nivmd;
	tot->entries += w.nentries;
	tot->runs += damage_subtables(parse_ivrs, (const uint8_t *)buf, len, path, 48);
	ivrs_free(v);
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
	print_message("corpus: %zu IVRS, %zu IVMDs and %zu device entries as iasl reads them; %zu damaged copies parsed\n",
		      tot.tables, tot.ivmds, tot.entries, tot.runs);
	assert_true(tot.tables >= 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
