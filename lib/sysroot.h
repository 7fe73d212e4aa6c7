/* SPDX-License-Identifier: MIT */
/* A root directory read without leaving it; internal. */
#ifndef RESV_SYSROOT_H
#define RESV_SYSROOT_H

#include <limits.h>

#include "internal.h"

struct sysroot {
	char *root;	/* resolved, no trailing '/' unless "/" */
	char *display;	/* as given, for messages; "" for "/" */
};

/* Return: 0; -ENOENT if @path does not exist; -ENOMEM. */
int sysroot_open(struct sysroot *sys, const char *path);
void sysroot_close(struct sysroot *sys);
/* @rel resolved; -EXDEV when it leaves the root, else realpath()'s errno. */
int sysroot_resolve(const struct sysroot *sys, const char *rel, char resolved[PATH_MAX]);
/* "@display/@rel", for messages. */
void sysroot_display(const struct sysroot *sys, const char *rel, char *out, size_t size);
/* A regular file of at most 1 MiB, NUL-terminated; free() *buf. */
int sysroot_read(const struct sysroot *sys, const char *rel, char **buf, size_t *len);
/* Sorted entry names of a directory, without "." and "..". */
int sysroot_list(const struct sysroot *sys, const char *rel, char ***names, size_t *count);
void sysroot_free_names(char **v, size_t n);
/* A phrase for an error of the functions above ("resolves outside ..."). */
const char *sysroot_strerror(int rc);

#endif
