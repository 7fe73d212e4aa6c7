// SPDX-License-Identifier: MIT
/*
 * The region calculator's input parser: whatever it keeps goes through
 * every view, and the kernel's text of what it kept is valid input again,
 * giving the same ranges (sw-msi comes back as msi: the kernel prints both
 * as "msi").
 */
#include <stdio.h>
#include <string.h>

#include "views.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resv_list *a = NULL, *b = NULL;
	struct resv_diags *d = NULL;
	char *text = NULL;
	size_t len;
	int bad;

	if (resv_list_new(&a) < 0 || resv_list_new(&b) < 0 || resv_diags_new(&d) < 0)
		goto out;
	bad = resv_parse_regions(a, (const char *)data, size, "fuzz", d);
	if (bad < 0)
		goto out;
	FUZZ_CHECK((size_t)bad <= resv_diags_count(d));
	fuzz_views(a);
	if (resv_format_sysfs(a, &text, &len) < 0)
		goto out;
	FUZZ_CHECK(resv_parse_regions(b, text, len, "again", NULL) == 0);
	FUZZ_CHECK(resv_list_count(b) == resv_list_count(a));
	for (size_t i = 0; i < resv_list_count(a); i++) {
		const struct resv_region *x = resv_list_region(a, i), *y = resv_list_region(b, i);

		FUZZ_CHECK(x->start == y->start && x->last == y->last);
		FUZZ_CHECK(x->type == y->type ||
			   (x->type == RESV_TYPE_SW_MSI && y->type == RESV_TYPE_MSI));
	}
out:
	free(text);
	resv_diags_free(d);
	resv_list_free(b);
	resv_list_free(a);
	return 0;
}
