// SPDX-License-Identifier: MIT
/*
 * The text parsers: reserved_regions (strict) and the calculator's input,
 * each followed by every view and the sysfs printer. What the strict
 * parser accepts, printed back and parsed again, must not change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iommu-resv.h>

#include "fuzz.h"

static void views(const struct resv_list *l)
{
	struct resv_list *k = NULL, *r = NULL;
	struct resv_range_list *u = NULL;
	struct resv_index *x = NULL;
	char *text;
	size_t len;
	size_t pos;

	if (resv_list_kernel_view(&k, l, NULL) == 0 && resv_format_sysfs(k, &text, &len) == 0)
		free(text);
	if (resv_list_resolved_view(&r, l) == 0 && resv_index_new(&x, r, RESV_CLASS_ANY) == 0)
		resv_index_first(x, 0, UINT64_MAX, &pos);
	resv_list_usable(&u, l, (struct resv_range){ 0, UINT64_MAX }, 0);
	resv_index_free(x);
	resv_range_list_free(u);
	resv_list_free(r);
	resv_list_free(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resv_list *a = NULL, *b = NULL;
	struct resv_diags *d = NULL;
	char *text = NULL, *again = NULL;
	size_t len, len2;

	if (resv_list_new(&a) < 0 || resv_list_new(&b) < 0 || resv_diags_new(&d) < 0)
		goto out;
	if (resv_parse_sysfs(a, (const char *)data, size, "fuzz", NULL, d) == 0) {
		/* Accepted whole: printing gives the same bytes back. */
		FUZZ_CHECK(resv_format_sysfs(a, &text, &len) == 0);
		FUZZ_CHECK(len == size && memcmp(text, data, size) == 0);
	}
	views(a);
	if (resv_parse_regions(b, (const char *)data, size, "fuzz", d) >= 0)
		views(b);
	if (text) {
		resv_list_free(a);
		a = NULL;
		FUZZ_CHECK(resv_list_new(&a) == 0);
		FUZZ_CHECK(resv_parse_sysfs(a, text, len, "again", NULL, NULL) == 0);
		FUZZ_CHECK(resv_format_sysfs(a, &again, &len2) == 0);
		FUZZ_CHECK(len2 == len && memcmp(again, text, len) == 0);
	}
out:
	free(again);
	free(text);
	resv_diags_free(d);
	resv_list_free(b);
	resv_list_free(a);
	return 0;
}
