/* SPDX-License-Identifier: MIT */
/*
 * Fake root trees for the tests: directories, files and links made under a
 * temporary directory; any failure fails the test.
 */
#ifndef RESV_TEST_TREE_H
#define RESV_TEST_TREE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* A new empty directory /tmp/resv-@tag-XXXXXX, into @out. */
void tree_new(char out[PATH_MAX], const char *tag);
/* @rel under @root, with its parents ("a/b/c"). */
void tree_mkdirs(const char *root, const char *rel);
/* A file @rel holding @text (its parents made). */
void tree_put(const char *root, const char *rel, const char *text);
/* A link @rel with the text @target (its parents made). */
void tree_link(const char *root, const char *rel, const char *target);
/* @root and everything under it; links are removed, never followed. */
void tree_remove(const char *root);
/* Every regular file under @root holding @needle, for the first; links not followed. */
bool tree_grep(const char *root, const char *needle, char found[PATH_MAX]);

#endif
