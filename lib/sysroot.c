// SPDX-License-Identifier: MIT
/*
 * Reading a root directory (/ or a snapshot) without leaving it: every path
 * is resolved and must stay under the resolved root, so a snapshot's links
 * cannot make us read the host's files. (Between the check and the open a
 * hostile snapshot could race us; the snapshot command will use openat2
 * RESOLVE_IN_ROOT.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysroot.h"

/* Snapshot files are small; anything larger is not a sysfs file. */
#define SYSFS_MAX_FILE (1u << 20)

int sysroot_open(struct sysroot *sys, const char *path)
{
	char root[PATH_MAX];

	*sys = (struct sysroot){ 0 };
	if (!path || !*path)
		path = "/";
	if (!realpath(path, root))
		return errno == ENOMEM ? -ENOMEM : -ENOENT;
	sys->root = strdup(root);
	/* Messages show paths as the user wrote the root ("" for "/"). */
	sys->display = strdup(strcmp(root, "/") == 0 ? "" : path);
	if (!sys->root || !sys->display) {
		sysroot_close(sys);
		return -ENOMEM;
	}
	for (size_t n = strlen(sys->display); n > 1 && sys->display[n - 1] == '/';)
		sys->display[--n] = '\0';
	return 0;
}

void sysroot_close(struct sysroot *sys)
{
	free(sys->root);
	free(sys->display);
	*sys = (struct sysroot){ 0 };
}

/*
 * Resolve @rel (relative to the root) and check that the result is inside
 * the root. Return: 0; -ENOENT, -EACCES, ... from realpath(); -EXDEV when the
 * path leaves the root.
 */
int sysroot_resolve(const struct sysroot *sys, const char *rel, char resolved[PATH_MAX])
{
	char path[PATH_MAX];
	size_t rlen = strlen(sys->root);

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", sys->root, rel) >= sizeof(path))
		return -ENAMETOOLONG;
	if (!realpath(path, resolved))
		return -errno;
	if (strcmp(sys->root, "/") == 0)
		return 0;
	if (strncmp(resolved, sys->root, rlen) != 0 ||
	    (resolved[rlen] != '\0' && resolved[rlen] != '/'))
		return -EXDEV;
	return 0;
}

void sysroot_display(const struct sysroot *sys, const char *rel, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", sys->display, rel);
}

int sysroot_read(const struct sysroot *sys, const char *rel, char **buf, size_t *len)
{
	char path[PATH_MAX];
	struct stat st;
	size_t n = 0, cap = 4096;
	char *b;
	int fd, rc;

	rc = sysroot_resolve(sys, rel, path);
	if (rc < 0)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	b = malloc(cap + 1);
	if (!b) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap >= SYSFS_MAX_FILE) {
				rc = -EFBIG;
				goto fail;
			}
			char *nb = realloc(b, cap * 2 + 1);

			if (!nb) {
				rc = -ENOMEM;
				goto fail;
			}
			b = nb;
			cap *= 2;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
fail:
	close(fd);
	free(b);
	return rc;
}

const char *sysroot_strerror(int rc)
{
	switch (rc) {
	case -EXDEV:
		return "resolves outside the sysroot (not followed)";
	case -EFBIG:
		return "is larger than 1 MiB, not a sysfs file";
	case -EBADMSG:
		return "does not hold the value the kernel writes there";
	case -EINVAL:
		return "is not a regular file";
	default:
		return strerror(-rc);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of a directory's entries, without "." and "..". */
int sysroot_list(const struct sysroot *sys, const char *rel, char ***names, size_t *count)
{
	char path[PATH_MAX];
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int rc = sysroot_resolve(sys, rel, path);

	if (rc < 0)
		return rc;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			size_t c2 = cap ? cap * 2 : 16;
			char **nv = realloc(v, c2 * sizeof(*nv));

			if (!nv)
				goto nomem;
			v = nv;
			cap = c2;
		}
		v[n] = strdup(de->d_name);
		if (!v[n])
			goto nomem;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*names = v;
	*count = n;
	return 0;
nomem:
	closedir(d);
	while (n)
		free(v[--n]);
	free(v);
	return -ENOMEM;
}

void sysroot_free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

