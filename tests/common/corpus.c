// SPDX-License-Identifier: MIT
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
