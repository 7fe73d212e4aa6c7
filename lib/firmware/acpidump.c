// SPDX-License-Identifier: MIT
/*
 * acpidump text: what users attach to bug reports. ACPICA's acpidump prints
 * each table as "SIG @ 0x%16.16llX" and then AcpiUtDumpBuffer lines:
 * "%8.4X: " offset, "%02X " for each of up to 16 bytes, padding, ASCII.
 * The ASCII column can hold anything, hex-looking text included, so bytes
 * are taken only as "HH " triples from the offset on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acpidump.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "SIG @ 0xHEX": a table starts. */
static bool table_line(const char *s, size_t n, char sig[5], uint64_t *addr)
{
	uint64_t a = 0;
	size_t i;

	if (n < 10 || memcmp(s + 4, " @ 0x", 5) != 0)
		return false;
	for (i = 0; i < 4; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	for (i = 9; i < n && s[i] != '\r'; i++) {
		int v = hexval(s[i]);

		if (v < 0 || i >= 9 + 16)
			return false;
		a = a << 4 | (uint64_t)v;
	}
	memcpy(sig, s, 4);
	sig[4] = '\0';
	*addr = a;
	return true;
}

/*
 * "    OOOO: HH HH ...": the offset and up to 16 bytes. Return the number of
 * bytes, or -1 when the line is not a dump line.
 */
static int dump_line(const char *s, size_t n, uint64_t *offset, uint8_t bytes[16])
{
	size_t i = 0;
	uint64_t off = 0;
	int digits = 0, count = 0;

	while (i < n && s[i] == ' ')
		i++;
	for (; i < n && hexval(s[i]) >= 0; i++, digits++) {
		if (digits == 16)
			return -1;
		off = off << 4 | (uint64_t)hexval(s[i]);
	}
	if (digits == 0 || i + 1 >= n || s[i] != ':' || s[i + 1] != ' ')
		return -1;
	i += 2;
	while (count < 16 && i + 2 < n + 1 && i + 1 < n && hexval(s[i]) >= 0 &&
	       hexval(s[i + 1]) >= 0 && (i + 2 == n || s[i + 2] == ' ')) {
		bytes[count++] = (uint8_t)(hexval(s[i]) << 4 | hexval(s[i + 1]));
		i += 3;
	}
	*offset = off;
	return count;
}

void acpidump_free(struct acpidump_table *tables, size_t n)
{
	for (size_t i = 0; tables && i < n; i++)
		free(tables[i].data);
	free(tables);
}

/* Close the current table: keep it when whole, else say why not. */
static int finish(struct acpidump_table *t, bool broken, struct resv_diags *d,
		  const char *where, size_t *n)
{
	uint32_t hlen;
	int rc;

	if (broken) {
		free(t->data);
		t->data = NULL;
		return 0;
	}
	if (t->len < 8) {
		rc = diags_add(d, "ACPIDUMP_SHORT_TABLE", RESV_SEV_ERROR, where, t->line, -1,
			       "table %s has %zu bytes, too few for an ACPI header; dropped",
			       t->signature, t->len);
		free(t->data);
		t->data = NULL;
		return rc;
	}
	hlen = (uint32_t)t->data[4] | (uint32_t)t->data[5] << 8 | (uint32_t)t->data[6] << 16 |
	       (uint32_t)t->data[7] << 24;
	if (hlen != t->len) {
		rc = diags_add(d, "ACPIDUMP_LENGTH", RESV_SEV_WARNING, where, t->line, -1,
			       "table %s: %zu bytes dumped, its header says %u", t->signature,
			       t->len, hlen);
		if (rc < 0)
			return rc;
	}
	if (memcmp(t->data, t->signature, 4) != 0) {
		rc = diags_add(d, "ACPIDUMP_SIGNATURE", RESV_SEV_WARNING, where, t->line, -1,
			       "table announced as %s starts with \"%.4s\"", t->signature,
			       (const char *)t->data);
		if (rc < 0)
			return rc;
	}
	(*n)++;
	return 0;
}

int acpidump_parse(const char *text, size_t len, struct acpidump_table **tables,
		   struct resv_diags *diags, const char *where)
{
	struct acpidump_table *v = NULL, *cur = NULL;
	size_t n = 0, cap = 0, bcap = 0;
	uint64_t lineno = 0;
	bool broken = false;
	int rc = 0;

	for (size_t off = 0; off < len;) {
		const char *s = text + off;
		const char *nl = memchr(s, '\n', len - off);
		size_t ln = nl ? (size_t)(nl - s) : len - off;
		char sig[5];
		uint64_t addr, at;
		uint8_t bytes[16];
		int count;

		lineno++;
		off += ln + (nl ? 1 : 0);
		if (ln && s[ln - 1] == '\r')
			ln--;
		if (table_line(s, ln, sig, &addr)) {
			if (cur && (rc = finish(cur, broken, diags, where, &n)) < 0)
				goto fail;
			if (n == cap) {
				size_t c2 = cap ? cap * 2 : 8;
				struct acpidump_table *nv = realloc(v, c2 * sizeof(*nv));

				if (!nv) {
					rc = -ENOMEM;
					goto fail;
				}
				v = nv;
				cap = c2;
			}
			cur = &v[n];
			memset(cur, 0, sizeof(*cur));
			memcpy(cur->signature, sig, 5);
			cur->address = addr;
			cur->line = lineno;
			broken = false;
			bcap = 0;
			continue;
		}
		count = dump_line(s, ln, &at, bytes);
		if (count >= 0 && !cur) {
			rc = diags_add(diags, "ACPIDUMP_NO_TABLE", RESV_SEV_WARNING, where, lineno, -1,
				       "a dump line before any \"SIG @ 0x...\" line; ignored");
			if (rc < 0)
				goto fail;
			continue;
		}
		if (count < 0) {
			bool blank = true;

			for (size_t i = 0; i < ln; i++)
				blank &= s[i] == ' ' || s[i] == '\t';
			if (blank)
				continue;
			if (cur && !broken) {
				rc = diags_add(diags, "ACPIDUMP_BAD_LINE", RESV_SEV_WARNING, where,
					       lineno, -1, "not a dump line; ignored");
				if (rc < 0)
					goto fail;
			}
			continue;
		}
		if (broken || count == 0)
			continue;
		if (at != cur->len) {
			rc = diags_add(diags, "ACPIDUMP_OFFSET", RESV_SEV_ERROR, where, lineno, -1,
				       "table %s: offset 0x%llx where 0x%zx was expected; table dropped",
				       cur->signature, (unsigned long long)at, cur->len);
			if (rc < 0)
				goto fail;
			broken = true;
			continue;
		}
		if (cur->len + (size_t)count > bcap) {
			size_t b2 = bcap ? bcap * 2 : 256;
			uint8_t *nb;

			if (cur->len > (1u << 30)) {
				rc = -ENOMEM;
				goto fail;
			}
			nb = realloc(cur->data, b2);
			if (!nb) {
				rc = -ENOMEM;
				goto fail;
			}
			cur->data = nb;
			bcap = b2;
		}
		memcpy(cur->data + cur->len, bytes, (size_t)count);
		cur->len += (size_t)count;
	}
	if (cur && (rc = finish(cur, broken, diags, where, &n)) < 0)
		goto fail;
	*tables = v;
	return (int)n;
fail:
	if (cur && cur == &v[n])
		free(cur->data);
	acpidump_free(v, n);
	return rc;
}
