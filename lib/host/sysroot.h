/* SPDX-License-Identifier: MIT */
/* A root directory read without leaving it; internal. */
#ifndef RESV_SYSROOT_H
#define RESV_SYSROOT_H

#include <limits.h>
#include <sys/types.h>

#include "internal.h"

struct sysroot {
	char *root;	/* resolved, no trailing '/' unless "/" */
	char *display;	/* as given, for messages; "" for "/" */
	int fd;		/* the root directory (O_PATH), -1 when closed */
	/* Directories already walked, held open, and links already read
	 * (sysroot.c): a path is walked from there, not from the root. */
	struct sysroot_cache *cache;
};

/* Return: 0; -ENOENT if @path does not exist; -ENOTDIR; -ENOMEM; -EMFILE. */
int sysroot_open(struct sysroot *sys, const char *path);
void sysroot_close(struct sysroot *sys);

/*
 * How a path is walked, and where the walk went. Every component is looked
 * up with O_NOFOLLOW from the directory before it, and links are expanded
 * here, so a link cannot take the walk out of the root even if the tree
 * changes under us.
 */
struct sysroot_walk {
	/* In: every object looked up lies under this relative path ("sys"),
	 * or above it on the way there; NULL or "" for the whole root. */
	const char *beneath;
	/* In, optional: called for each link met, with its path (relative,
	 * no links) and its text; a negative return stops the walk with it. */
	int (*on_link)(void *arg, const char *at, const char *target);
	void *arg;
	/* Out: the object reached (relative to the root, no links, "" for
	 * the root), or on failure the path that failed. */
	char path[PATH_MAX];
	/* Out: the last link met ("" if none), and whether the walk failed
	 * while following its text (a dangling link, a loop, a way out). */
	char link_at[PATH_MAX];
	char link_target[PATH_MAX];
	bool in_link;
	/* Out: the size of the object reached, as it was looked at
	 * (SYSROOT_FILE, SYSROOT_ANY; 0 when it was not looked at). */
	off_t size;
};

enum sysroot_want { SYSROOT_ANY, SYSROOT_FILE, SYSROOT_DIR, SYSROOT_PATH };

/*
 * Walk @rel from the root and open what it names: SYSROOT_FILE a regular
 * file for reading, SYSROOT_DIR a directory for reading, SYSROOT_ANY an
 * O_PATH descriptor of anything; SYSROOT_PATH opens nothing, only walks to
 * the object (@w->path says where). @w may be NULL.
 * Return: a descriptor (SYSROOT_PATH: 0); -EXDEV when the path or a link leaves the root (or
 * @w->beneath), an absolute link included unless the root is "/"; -ELOOP
 * after 40 links; -EINVAL when a file is wanted and the object is not a
 * regular one (never opened, so a FIFO cannot block us); -ENOTDIR;
 * -ENAMETOOLONG; -ENOMEM; -ENOENT, -EACCES, ... from the lookups.
 */
int sysroot_walk(const struct sysroot *sys, const char *rel, enum sysroot_want want,
		 struct sysroot_walk *w);
/* @rel resolved as sysroot_walk() does, as an absolute path. */
int sysroot_resolve(const struct sysroot *sys, const char *rel, char resolved[PATH_MAX]);
/* "@display/@rel", for messages. */
void sysroot_display(const struct sysroot *sys, const char *rel, char *out, size_t size);
/*
 * A regular file of at most 1 MiB, read to its end (sysfs sizes say 4096 or
 * 0, whatever the content), NUL-terminated; free() *buf. -EFBIG when larger.
 */
int sysroot_read(const struct sysroot *sys, const char *rel, char **buf, size_t *len);
int sysroot_read_walk(const struct sysroot *sys, const char *rel, struct sysroot_walk *w,
		      char **buf, size_t *len);
/* Sorted entry names of a directory, without "." and "..". */
int sysroot_list(const struct sysroot *sys, const char *rel, char ***names, size_t *count);
int sysroot_list_walk(const struct sysroot *sys, const char *rel, struct sysroot_walk *w,
		      char ***names, size_t *count);
void sysroot_free_names(char **v, size_t n);
/* A phrase for an error of the functions above ("resolves outside ..."). */
const char *sysroot_strerror(int rc);

#endif
