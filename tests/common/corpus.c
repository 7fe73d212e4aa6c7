// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "corpus.h"

char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf) {
			buf[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return buf;
}

const char *iasl_value(const char *line, const char *field)
{
	const char *p = strchr(line, ']');

	if (!p)
		return NULL;
	while (*++p == ' ')
		;
	if (strncmp(p, field, strlen(field)) != 0 || strncmp(p + strlen(field), " : ", 3) != 0)
		return NULL;
	return p + strlen(field) + 3;
}

size_t corpus_foreach(void (*fn)(const char *dir, void *ctx), void *ctx)
{
	DIR *top = opendir(CORPUS);
	struct dirent *src;
	size_t n = 0;

	if (!top)
		return 0;
	while ((src = readdir(top))) {
		char sdir[512];
		DIR *machines;
		struct dirent *m;

		if (src->d_name[0] == '.')
			continue;
		snprintf(sdir, sizeof(sdir), "%s/%s", CORPUS, src->d_name);
		if (!(machines = opendir(sdir)))
			continue;
		while ((m = readdir(machines))) {
			char mdir[1024];

			if (m->d_name[0] == '.')
				continue;
			snprintf(mdir, sizeof(mdir), "%s/%s", sdir, m->d_name);
			fn(mdir, ctx);
			n++;
		}
		closedir(machines);
	}
	closedir(top);
	return n;
}

size_t damage_cuts(table_parse_fn parse, const uint8_t *buf, size_t len, const char *path)
{
	uint8_t *copy = malloc(len ? len : 1);

	for (size_t cut = 0; cut <= len; cut++) {
		struct resv_diags *d;
		int rc;

		memcpy(copy, buf, cut);
		assert_int_equal(resv_diags_new(&d), 0);
		rc = parse(copy, cut, d, path);
		if ((rc != 0 && rc != -EBADMSG) || (cut < len && resv_diags_count(d) == 0))
			fail_msg("%s cut at %zu: rc %d, %zu diagnostics", path, cut, rc,
				 resv_diags_count(d));
		resv_diags_free(d);
	}
	free(copy);
	return len + 1;
}

size_t damage_length(table_parse_fn parse, const uint8_t *buf, size_t len, const char *path,
		     size_t at, const uint16_t bad[4])
{
	uint8_t *copy = malloc(len);

	assert_true(at + 2 <= len);
	for (size_t b = 0; b < 4; b++) {
		struct resv_diags *d;

		memcpy(copy, buf, len);
		copy[at] = (uint8_t)bad[b];
		copy[at + 1] = (uint8_t)(bad[b] >> 8);
		assert_int_equal(resv_diags_new(&d), 0);
		assert_int_equal(parse(copy, len, d, path), 0);
		if (resv_diags_max_severity(d) < RESV_SEV_ERROR)
			fail_msg("%s: length at offset %zu set to %u: no error", path, at, bad[b]);
		resv_diags_free(d);
	}
	free(copy);
	return 4;
}

void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

size_t damage_subtables(table_parse_fn parse, const uint8_t *buf, size_t len, const char *path,
			size_t first)
{
	static const uint16_t bad[] = { 0, 1, 3, 0xffff };
	size_t runs = damage_cuts(parse, buf, len, path);

	for (size_t off = first; off + 4 <= len;) {
		uint16_t sublen = (uint16_t)(buf[off + 2] | buf[off + 3] << 8);

		runs += damage_length(parse, buf, len, path, off + 2, bad);
		if (sublen < 4)
			break;
		off += sublen;
	}
	return runs;
}

bool corpus_table(const char *dir, const char *sig, char *path, size_t path_size, char **buf,
		  size_t *len, char **dsl)
{
	char dslpath[1100];
	size_t dlen;

	snprintf(path, path_size, "%s/%s.dat", dir, sig);
	snprintf(dslpath, sizeof(dslpath), "%s/%s.dsl", dir, sig);
	if (!(*buf = slurp(path, len)))
		return false;
	*dsl = slurp(dslpath, &dlen);
	if (!*dsl)
		fail_msg("%s: no iasl disassembly %s beside it", path, dslpath);
	return true;
}
