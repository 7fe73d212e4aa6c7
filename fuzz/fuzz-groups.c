// SPDX-License-Identifier: MIT
/*
 * IOMMU groups from hostile config space: up to 16 functions whose config
 * bytes (64, 256 or 4096 of them) come from the input, behind one VT-d unit
 * that takes every device, with a kernel command line from the input's
 * tail; the prediction must keep its invariants (every group named by its
 * first member, one link per member beyond the first, lookups agreeing
 * with the lists, no deciding port when exact).
 *
 * Input: byte 0: the number of functions (1-16); then per function: bus,
 * devfn, size (0: 64, 1: 256, else 4096) and an offset byte; the config
 * bytes are the input read cyclically from that offset. The last up to 96
 * bytes after a 0xff byte are the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "iommu-resv.h"

static const uint8_t dmar[64] = {
	'D', 'M', 'A', 'R', 64, 0, 0, 0, 1, 0, 'F', 'U', 'Z', 'Z', ' ', ' ',
	[36] = 38,
	[48] = 0, 0, 16, 0, 1, 0, 0, 0, 0, 0, 0xd9, 0xfe, 0, 0, 0, 0,
};

static void check_bound(const struct resv_group_prediction *p, enum resv_bound b)
{
	const char *prev = "";

	for (size_t i = 0; i < resv_group_prediction_count(p, b); i++) {
		const struct resv_pgroup *g = resv_group_prediction_group(p, b, i);

		FUZZ_CHECK(g && g->n >= 1 && g->nlinks == g->n - 1);
		FUZZ_CHECK(strcmp(g->name, g->devices[0]) == 0 && strcmp(prev, g->name) < 0);
		prev = g->name;
		for (size_t k = 0; k < g->n; k++) {
			FUZZ_CHECK(resv_group_prediction_find(p, b, g->devices[k]) == g);
			FUZZ_CHECK(k == 0 || strcmp(g->devices[k - 1], g->devices[k]) < 0);
		}
		for (size_t k = 0; k < g->nlinks; k++)
			FUZZ_CHECK(g->links[k].device && g->links[k].with && g->links[k].detail);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t cfg[4096];
	uint8_t table[64];
	struct resv_machine *m;
	struct resv_group_prediction *p = NULL;
	char cmdline[97] = "";
	size_t n, pos = 1;

	if (size < 5)
		return 0;
	for (size_t i = size; i-- > 1 && size - i <= 96;) {
		if (data[i] == 0xff) {
			memcpy(cmdline, data + i + 1, size - i - 1);
			cmdline[size - i - 1] = 0;
			break;
		}
	}
	if (resv_machine_new(&m) < 0)
		return 0;
	memcpy(table, dmar, sizeof(table));
	{
		uint8_t sum = 0;

		for (size_t i = 0; i < sizeof(table); i++)
			sum = (uint8_t)(sum + table[i]);
		table[9] = (uint8_t)-sum;
	}
	if (resv_machine_add_tables(m, table, sizeof(table), "fuzz DMAR") < 0)
		goto out;
	n = 1 + data[0] % 16;
	for (size_t f = 0; f < n && pos + 4 <= size; f++, pos += 4) {
		size_t len = data[pos + 2] == 0 ? 64 : data[pos + 2] == 1 ? 256 : 4096;

		for (size_t k = 0; k < len; k++)
			cfg[k] = data[(data[pos + 3] + k) % size];
		(void)resv_machine_add_pci(m, 0, data[pos], (uint8_t)(data[pos + 1] >> 3),
					   data[pos + 1] & 7, cfg, len);
	}
	resv_machine_set_cmdline(m, cmdline);
	if (resv_machine_predict_groups(m, &p) == 0) {
		const char *const *u;
		size_t nu = resv_group_prediction_undecided(p, &u);

		check_bound(p, RESV_BOUND_FINEST);
		check_bound(p, RESV_BOUND_COARSEST);
		FUZZ_CHECK(!resv_group_prediction_exact(p) || nu == 0);
		for (size_t i = 0; i < nu; i++)
			FUZZ_CHECK(u[i] != NULL);
	}
	for (size_t i = 0; i < resv_machine_device_count(m); i++) {
		struct resv_acs a;

		FUZZ_CHECK(resv_machine_pci_acs(m, resv_machine_device(m, i)->name, &a) == 0);
		FUZZ_CHECK(a.present >= -1 && a.present <= 1 && a.reason);
	}
out:
	resv_group_prediction_free(p);
	resv_machine_free(m);
	return 0;
}
