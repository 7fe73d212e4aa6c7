// SPDX-License-Identifier: MIT
/*
 * The strict reserved_regions parser: what it accepts whole, printed back,
 * is the same bytes; whatever it keeps goes through every view.
 */
#include <stdio.h>
#include <string.h>

#include "views.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct resv_list *a = NULL;
	struct resv_diags *d = NULL;
	char *text = NULL;
	size_t len;
	int bad;

	if (resv_list_new(&a) < 0 || resv_diags_new(&d) < 0)
		goto out;
	bad = resv_parse_sysfs(a, (const char *)data, size, "fuzz", NULL, d);
	if (bad < 0)
		goto out;
	/* Each bad line is one error; warnings (order) come on top. */
	FUZZ_CHECK((size_t)bad <= resv_diags_count(d));
	if (bad == 0) {
		FUZZ_CHECK(resv_format_sysfs(a, &text, &len) == 0);
		FUZZ_CHECK(len == size && memcmp(text, data, size) == 0);
	}
	fuzz_views(a);
out:
	free(text);
	resv_diags_free(d);
	resv_list_free(a);
	return 0;
}
