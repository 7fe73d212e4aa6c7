// SPDX-License-Identifier: MIT
/*
 * The acpidump text loader alone. Every table it keeps has a header's worth
 * of bytes; printed back the way ACPICA's acpidump prints (the signature
 * line, then AcpiUtDumpBuffer's 16-byte lines with the ASCII column) and
 * read again, the same tables come out, byte for byte.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpidump.h"
#include "fuzz.h"

struct text {
	char *s;
	size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	FUZZ_CHECK(n >= 0);
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = (t->len + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		FUZZ_CHECK(t->s != NULL);
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static void print_table(struct text *t, const struct acpidump_table *tb)
{
	put(t, "%s @ 0x%016llX\n", tb->signature, (unsigned long long)tb->address);
	for (size_t off = 0; off < tb->len; off += 16) {
		size_t n = tb->len - off < 16 ? tb->len - off : 16;

		put(t, "%8.4zX: ", off);
		for (size_t i = 0; i < 16; i++)
			put(t, i < n ? "%02X " : "   ", i < n ? tb->data[off + i] : 0);
		put(t, " ");
		for (size_t i = 0; i < n; i++) {
			uint8_t c = tb->data[off + i];

			put(t, "%c", c >= 0x20 && c < 0x7f ? c : '.');
		}
		put(t, "\n");
	}
	put(t, "\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpidump_table *a = NULL, *b = NULL;
	struct resv_diags *d = NULL, *d2 = NULL;
	struct text t = { 0 };
	int n, n2;

	if (resv_diags_new(&d) < 0 || resv_diags_new(&d2) < 0)
		goto out;
	n = acpidump_parse((const char *)data, size, &a, d, "fuzz");
	if (n < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(a[i].len >= 8 && a[i].data != NULL);
		FUZZ_CHECK(strlen(a[i].signature) == 4);
		FUZZ_CHECK(a[i].line >= 1);
		print_table(&t, &a[i]);
	}
	n2 = acpidump_parse(t.s ? t.s : "", t.len, &b, d2, "again");
	FUZZ_CHECK(n2 == n);
	for (int i = 0; i < n; i++) {
		FUZZ_CHECK(strcmp(a[i].signature, b[i].signature) == 0);
		FUZZ_CHECK(a[i].address == b[i].address && a[i].len == b[i].len);
		FUZZ_CHECK(memcmp(a[i].data, b[i].data, a[i].len) == 0);
	}
	acpidump_free(b, (size_t)n2);
	acpidump_free(a, (size_t)n);
out:
	for (size_t i = 0; d && i < resv_diags_count(d); i++)
		FUZZ_CHECK(resv_diags_get(d, i)->line >= 1);
	free(t.s);
	resv_diags_free(d2);
	resv_diags_free(d);
	return 0;
}
