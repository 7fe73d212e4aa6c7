// SPDX-License-Identifier: MIT
/*
 * The engine against the naive models of tests/model: the bytes are a list
 * of regions (coordinates from a small set near 0, 4 GiB and UINT64_MAX, so
 * they meet), and the kernel view must equal the kernel's own list
 * algorithm, region by region with prot and contributors; the resolved and
 * usable views must agree with per-address evaluation at every endpoint.
 */
#include <stdio.h>
#include <stdlib.h>

#include <iommu-resv.h>

#include "fuzz.h"
#include "model.h"

#define MAX_REGIONS 48

static uint64_t coord(uint8_t b)
{
	static const uint64_t base[4] = { 0, 0xfee00000, 0x100000000ull, UINT64_MAX - 0x3f };

	return base[b >> 6] + (b & 0x3f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct model_region in[MAX_REGIONS];
	struct model_list want = { 0 };
	struct resv_list *l = NULL, *k = NULL, *r = NULL;
	struct resv_range_list *u = NULL;
	size_t n = 0;

	if (resv_list_new(&l) < 0)
		return 0;
	for (size_t i = 0; i + 4 <= size && n < MAX_REGIONS; i += 4) {
		uint64_t a = coord(data[i]), b = coord(data[i + 1]);
		int type = data[i + 2] % 5;
		uint32_t prot = data[i + 3] & 0x3f;

		if (a > b) {
			uint64_t t = a;

			a = b;
			b = t;
		}
		if (resv_list_add(l, a, b, (enum resv_type)type, prot, "f", NULL) < 0)
			goto out;
		in[n] = (struct model_region){ .start = a, .last = b, .type = type,
					       .prot = prot, .id = (uint32_t)n };
		n++;
	}
	unsigned int q1 = 0, q2 = 0;

	FUZZ_CHECK(resv_list_kernel_view(&k, l, &q1) == 0);
	FUZZ_CHECK(kernel_list_view(&want, in, n, true, &q2) == 0);
	FUZZ_CHECK(q1 == q2);
	FUZZ_CHECK(resv_list_count(k) == want.count);
	for (size_t i = 0; i < want.count; i++) {
		const struct resv_region *g = resv_list_region(k, i);
		const struct model_out *w = &want.v[i];

		FUZZ_CHECK(g->start == w->start && g->last == w->last);
		FUZZ_CHECK((int)g->type == w->type && g->prot == w->prot);
		FUZZ_CHECK(g->nsources == w->nids);
	}
	FUZZ_CHECK(resv_list_resolved_view(&r, l) == 0);
	FUZZ_CHECK(resv_list_usable(&u, l, (struct resv_range){ 0, UINT64_MAX }, 0) == 0);
	/* Every region's ends, and one past them: the views' edges are there. */
	for (size_t i = 0; i < resv_list_count(r); i++) {
		const struct resv_region *g = resv_list_region(r, i);

		FUZZ_CHECK(naive_resolved_covers(in, n, (int)g->type, g->start));
		FUZZ_CHECK(naive_resolved_covers(in, n, (int)g->type, g->last));
	}
	for (size_t i = 0; i < u->count; i++) {
		FUZZ_CHECK(naive_usable(in, n, 0, UINT64_MAX, false, u->ranges[i].start));
		FUZZ_CHECK(naive_usable(in, n, 0, UINT64_MAX, false, u->ranges[i].last));
		/* Maximal: the address before and after is not usable. */
		if (u->ranges[i].start)
			FUZZ_CHECK(!naive_usable(in, n, 0, UINT64_MAX, false, u->ranges[i].start - 1));
		if (u->ranges[i].last != UINT64_MAX)
			FUZZ_CHECK(!naive_usable(in, n, 0, UINT64_MAX, false, u->ranges[i].last + 1));
	}
out:
	model_list_free(&want);
	resv_range_list_free(u);
	resv_list_free(r);
	resv_list_free(k);
	resv_list_free(l);
	return 0;
}
