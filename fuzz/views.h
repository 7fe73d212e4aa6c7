/* SPDX-License-Identifier: MIT */
/* Every view of a parsed list, for the text targets; header-only. */
#ifndef RESV_FUZZ_VIEWS_H
#define RESV_FUZZ_VIEWS_H

#include <stdlib.h>

#include <iommu-resv.h>

#include "fuzz.h"

/*
 * The kernel view (printed: the strict parser takes the printer's output
 * with no finding), the resolved view and its index, the usable IOVA space
 * and the overlay.
 */
static void fuzz_views(const struct resv_list *l)
{
	struct resv_list *k = NULL, *r = NULL, *o = NULL, *back = NULL;
	struct resv_range_list *u = NULL;
	struct resv_index *x = NULL;
	char *text = NULL;
	size_t len;
	size_t pos;

	if (resv_list_kernel_view(&k, l, NULL) == 0 && resv_format_sysfs(k, &text, &len) == 0 &&
	    resv_list_new(&back) == 0)
		FUZZ_CHECK(resv_parse_sysfs(back, text, len, "view", NULL, NULL) == 0);
	if (resv_list_resolved_view(&r, l) == 0 && resv_index_new(&x, r, RESV_CLASS_ANY) == 0)
		resv_index_first(x, 0, UINT64_MAX, &pos);
	resv_list_usable(&u, l, (struct resv_range){ 0, UINT64_MAX }, 0);
	resv_list_overlay(&o, l);
	free(text);
	resv_index_free(x);
	resv_range_list_free(u);
	resv_list_free(o);
	resv_list_free(back);
	resv_list_free(r);
	resv_list_free(k);
}

#endif
