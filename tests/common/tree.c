// SPDX-License-Identifier: MIT
/* Fake root trees for the tests. */
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tree.h"

void tree_new(char out[PATH_MAX], const char *tag)
{
	snprintf(out, PATH_MAX, "/tmp/resv-%s-XXXXXX", tag);
	if (!mkdtemp(out))
		fail_msg("mkdtemp %s: %s", out, strerror(errno));
}

static void path_of(char *out, const char *root, const char *rel)
{
	if ((size_t)snprintf(out, PATH_MAX, "%s/%s", root, rel) >= PATH_MAX)
		fail_msg("path too long: %s/%s", root, rel);
}

static void make_parents(char *path, size_t from)
{
	for (char *p = path + from; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = '/';
	}
}

void tree_mkdirs(const char *root, const char *rel)
{
	char path[PATH_MAX];

	path_of(path, root, rel);
	make_parents(path, 1);
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		fail_msg("mkdir %s: %s", path, strerror(errno));
}

void tree_put(const char *root, const char *rel, const char *text)
{
	char path[PATH_MAX];
	FILE *f;

	path_of(path, root, rel);
	make_parents(path, 1);
	f = fopen(path, "w");
	if (!f)
		fail_msg("create %s: %s", path, strerror(errno));
	fputs(text, f);
	if (fclose(f) != 0)
		fail_msg("write %s: %s", path, strerror(errno));
}

void tree_link(const char *root, const char *rel, const char *target)
{
	char path[PATH_MAX];

	path_of(path, root, rel);
	make_parents(path, 1);
	if (symlink(target, path) < 0)
		fail_msg("symlink %s: %s", path, strerror(errno));
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 ? -1 : 0;
}

void tree_remove(const char *root)
{
	if (nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0 && errno != ENOENT)
		fail_msg("remove %s: %s", root, strerror(errno));
}

static const char *grep_needle;
static char *grep_found;

static int grep_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char buf[4096];
	size_t n;
	FILE *f;

	(void)ftw;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	if (!strstr(buf, grep_needle))
		return 0;
	snprintf(grep_found, PATH_MAX, "%s", path);
	return 1;
}

bool tree_grep(const char *root, const char *needle, char found[PATH_MAX])
{
	grep_needle = needle;
	grep_found = found;
	found[0] = '\0';
	return nftw(root, grep_one, 16, FTW_PHYS) == 1;
}
