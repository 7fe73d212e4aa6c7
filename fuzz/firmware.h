/* SPDX-License-Identifier: MIT */
/*
 * What the table targets share: a small PCI topology to predict for, and
 * the checks every parser's diagnostics must pass. Header-only, so each
 * target stays one file plus this.
 */
#ifndef RESV_FUZZ_FIRMWARE_H
#define RESV_FUZZ_FIRMWARE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "internal.h"
#include "pci.h"

/*
 * Functions of every kind the producers treat differently: a bridge with
 * buses below it, USB and display (relaxable RMRRs), an ISA bridge (the
 * floppy workaround), endpoints behind the bridge, one on segment 1.
 * Built once; the targets only read it.
 */
static const struct pci_topology *fuzz_topology(void)
{
	static struct pci_topology t;
	static int built;
	static const struct {
		uint16_t seg;
		uint8_t bus, dev, fn;
		uint8_t class[3];	/* prog-if, subclass, class */
		uint8_t header, secondary, subordinate;
	} fns[] = {
		{ 0, 0, 0x02, 0, { 0x00, 0x00, 0x03 }, 0, 0, 0 },
		{ 0, 0, 0x14, 0, { 0x30, 0x03, 0x0c }, 0, 0, 0 },
		{ 0, 0, 0x1c, 0, { 0x00, 0x04, 0x06 }, 1, 1, 4 },
		{ 0, 0, 0x1f, 0, { 0x00, 0x01, 0x06 }, 0, 0, 0 },
		{ 0, 1, 0x00, 0, { 0x00, 0x00, 0x02 }, 0, 0, 0 },
		{ 0, 4, 0x1f, 7, { 0x00, 0x08, 0x01 }, 0, 0, 0 },
		{ 1, 0, 0x00, 0, { 0x00, 0x00, 0x02 }, 0, 0, 0 },
	};

	if (!built) {
		for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
			uint8_t config[64] = { 0x86, 0x80, (uint8_t)i, 0x10 };

			memcpy(config + 0x09, fns[i].class, 3);
			config[0x0e] = fns[i].header;
			config[0x19] = fns[i].secondary;
			config[0x1a] = fns[i].subordinate;
			FUZZ_CHECK(pci_topology_add(&t, fns[i].seg, fns[i].bus, fns[i].dev,
						    fns[i].fn, config, sizeof(config)) == 0);
		}
		built = 1;
	}
	return &t;
}

/*
 * A parser's findings: a known severity, an id and a sentence, and the byte
 * offset (kept in `line` until the machine marks the table) inside the
 * table or just past its end. The sentence is one printable line: firmware
 * bytes in it must have been escaped.
 */
static void fuzz_check_diags(const struct resv_diags *d, size_t len)
{
	for (size_t i = 0; i < resv_diags_count(d); i++) {
		const struct resv_diag *g = resv_diags_get(d, i);

		FUZZ_CHECK(g->id && g->message && g->message[0]);
		FUZZ_CHECK(g->severity <= RESV_SEV_ERROR);
		FUZZ_CHECK(g->line <= len);
		for (const char *s = g->message; *s; s++)
			FUZZ_CHECK((unsigned char)*s >= 0x20 && *s != 0x7f);
	}
}

/* What a producer appended: closed ranges, each with its provenance. */
static void fuzz_check_list(const struct resv_list *l)
{
	for (size_t i = 0; i < resv_list_count(l); i++) {
		const struct resv_region *r = resv_list_region(l, i);

		FUZZ_CHECK(r->zero_length || r->start <= r->last);
		FUZZ_CHECK(r->nsources >= 1);
		for (size_t k = 0; k < r->nsources; k++)
			FUZZ_CHECK(resv_list_source(l, r->sources[k]) != NULL);
	}
}

/* Walk a value tree (the `tables` view of a parsed table) to its leaves. */
static size_t fuzz_walk_value(const struct resv_value *v)
{
	size_t n = 1;

	if (v->kind == RESV_VALUE_STRING)
		FUZZ_CHECK(v->s != NULL);
	if (v->kind == RESV_VALUE_OBJECT || v->kind == RESV_VALUE_ARRAY)
		for (size_t i = 0; i < v->n; i++) {
			FUZZ_CHECK((v->kind == RESV_VALUE_OBJECT) == (v->items[i].key != NULL));
			n += fuzz_walk_value(&v->items[i]);
		}
	return n;
}

#endif
