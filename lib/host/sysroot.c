// SPDX-License-Identifier: MIT
/*
 * Reading a root directory (/ or a snapshot) without leaving it. Paths are
 * walked here, one component at a time: each is looked up with O_NOFOLLOW
 * relative to the descriptor of the directory before it, and a link's text
 * is spliced into the rest of the path and checked like the rest. ".." is
 * taken on the path already walked, which holds no links, so it means the
 * physical parent, as it does for the kernel. A hostile snapshot cannot make
 * us read the host's files even by changing itself while we walk it: there
 * is no check-then-open gap. (openat2() RESOLVE_BENEATH would do the same
 * in the kernel, from Linux 5.6; this works everywhere and also tells where
 * a walk failed, which the messages and the snapshot command need.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysroot.h"

/* Snapshot files are small; anything larger is not a sysfs file. */
#define SYSFS_MAX_FILE (1u << 20)
/* include/linux/namei.h MAXSYMLINKS: the kernel gives up after as many. */
#define SYSROOT_MAX_LINKS 40

/*
 * What a walk learnt, kept for the next (issue 13: a host of 16,000
 * functions took ~300 system calls per function, every path walked again
 * from the root, and from the root again after each ".." of a link). Both
 * tables are direct-mapped by a hash of the path (relative, no links), of
 * fixed size, allocated with the sysroot: bounded, and nothing to allocate
 * while walking.
 *
 * - dirs: directories the walk reached, held open (O_PATH). A walk goes on
 *   from the longest one it meets instead of looking each component up
 *   again. Each was reached by a confined walk, component by component with
 *   O_NOFOLLOW; holding it open trusts it no more than the walk itself
 *   trusts the directory descriptor it holds between two components.
 * - links: the text of links already read, found by a tag (the path's
 *   hash) before the entry is touched. The text is only ever spliced into
 *   the path still to walk, which is checked as before, so a stale text can
 *   name a wrong object inside the root, never one outside it.
 * - memos: the directory part of a path asked for ("sys/bus/pci/devices/X"
 *   of ".../X/class"), where its walk led and the held directory there: the
 *   next path in the same directory (".../X/vendor") starts from there, with
 *   the links the walk met (count, last one) as they were. Only walks that
 *   report no links use them (the snapshot's see every link). A memo is
 *   dropped with its directory (gen), and trusts it no more than the cache.
 */
#define CACHE_SETS 16		/* held directories: 16 sets of 4, least recently used goes */
#define CACHE_WAYS 4
#define CACHE_DIRS (CACHE_SETS * CACHE_WAYS)
#define CACHE_LINKS 512	/* links walked again without a memo (snapshot, "..") */
#define CACHE_PATH 192		/* longer paths are not cached */
#define CACHE_MEMOS 64		/* directories of paths asked for, direct-mapped */

struct sysroot_cache {
	struct cached_dir {
		int fd;		/* -1: empty */
		bool links;	/* its last entry looked up (not cached) was a link */
		unsigned long used;
		unsigned long gen;	/* when it was filled */
		char path[CACHE_PATH];
	} dirs[CACHE_DIRS];
	unsigned long clock;
	struct walk_memo {
		struct cached_dir *dir;	/* NULL: empty; valid while dir->gen == gen */
		unsigned long gen;
		uint32_t path_hash;
		unsigned int links;	/* links met on the way */
		char rel[CACHE_PATH];	/* the directory as asked for */
		char beneath[CACHE_PATH];	/* the walk's w->beneath ("" for none) */
		char path[CACHE_PATH];	/* where it led, no links */
		char link_at[CACHE_PATH];	/* the last link met, "" if none */
		char link_target[CACHE_PATH];
	} memos[CACHE_MEMOS];
	uint32_t link_tag[CACHE_LINKS];	/* the path's hash | 1; 0: empty */
	struct cached_link {
		char path[CACHE_PATH];
		char text[CACHE_PATH];
	} links[CACHE_LINKS];
};

#define FNV_BASIS 2166136261u

/* FNV-1a of @p[0, @n) after @h: a path's hash grows with the path. */
static uint32_t hash_more(uint32_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 16777619u;
	return h;
}

/* The held directory @path (of hash @h), or NULL. */
static struct cached_dir *cached_dir(const struct sysroot *sys, const char *path, uint32_t h)
{
	struct cached_dir *set;

	if (!sys->cache)
		return NULL;
	set = &sys->cache->dirs[h % CACHE_SETS * CACHE_WAYS];
	for (size_t i = 0; i < CACHE_WAYS; i++)
		if (set[i].fd >= 0 && strcmp(set[i].path, path) == 0) {
			set[i].used = ++sys->cache->clock;
			return &set[i];
		}
	return NULL;
}

/* Hold @fd as @path. Return: its place when the cache owns @fd now, or NULL. */
static struct cached_dir *cache_dir(const struct sysroot *sys, const char *path, uint32_t h,
				    int fd)
{
	struct cached_dir *set, *d;
	size_t n = strlen(path);

	if (!sys->cache || n >= CACHE_PATH)
		return NULL;
	set = d = &sys->cache->dirs[h % CACHE_SETS * CACHE_WAYS];
	for (size_t i = 1; i < CACHE_WAYS && d->fd >= 0; i++)
		if (set[i].fd < 0 || set[i].used < d->used)
			d = &set[i];
	d->used = ++sys->cache->clock;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = fd;
	d->links = false;
	d->gen = sys->cache->clock;
	memcpy(d->path, path, n + 1);
	return d;
}

static struct walk_memo *memo_slot(const struct sysroot *sys, const char *rel, size_t n)
{
	return &sys->cache->memos[hash_more(FNV_BASIS, rel, n) % CACHE_MEMOS];
}

/* Where the directory @rel[0, @n) led a walk beneath @beneath, or NULL. */
static const struct walk_memo *memo_find(const struct sysroot *sys, const char *rel, size_t n,
					 const char *beneath)
{
	const struct walk_memo *m;

	if (!sys->cache || n >= CACHE_PATH)
		return NULL;
	m = memo_slot(sys, rel, n);
	if (!m->dir || m->dir->gen != m->gen || strncmp(m->rel, rel, n) != 0 || m->rel[n] ||
	    strcmp(m->beneath, beneath ? beneath : "") != 0)
		return NULL;
	return m;
}

/* Remember that @rel[0, @n) led to @w->path[0, @plen), held as @dir. */
static void memo_keep(const struct sysroot *sys, const char *rel, size_t n,
		      const struct sysroot_walk *w, size_t plen, unsigned int links,
		      struct cached_dir *dir)
{
	const char *beneath = w->beneath ? w->beneath : "";
	size_t b = strlen(beneath), at = strlen(w->link_at), t = strlen(w->link_target);
	struct walk_memo *m;

	if (!sys->cache || n >= CACHE_PATH || plen >= CACHE_PATH || b >= CACHE_PATH ||
	    at >= CACHE_PATH || t >= CACHE_PATH)
		return;
	m = memo_slot(sys, rel, n);
	memcpy(m->rel, rel, n);
	m->rel[n] = '\0';
	memcpy(m->beneath, beneath, b + 1);
	memcpy(m->path, w->path, plen);
	m->path[plen] = '\0';
	memcpy(m->link_at, w->link_at, at + 1);
	memcpy(m->link_target, w->link_target, t + 1);
	m->links = links;
	m->path_hash = hash_more(FNV_BASIS, w->path, plen);
	m->dir = dir;
	m->gen = dir->gen;
}

/* The text of the link @path (of hash @h) read before, or NULL. */
static const char *cached_link(const struct sysroot *sys, const char *path, uint32_t h)
{
	struct cached_link *l;
	size_t i = h % CACHE_LINKS;

	/* The tag first: 2 KiB, where the entries are 192 KiB. */
	if (!sys->cache || sys->cache->link_tag[i] != (h | 1))
		return NULL;
	l = &sys->cache->links[i];
	return strcmp(l->path, path) == 0 ? l->text : NULL;
}

static void cache_link(const struct sysroot *sys, const char *path, uint32_t h,
		       const char *text)
{
	struct cached_link *l;
	size_t n = strlen(path), t = strlen(text), i = h % CACHE_LINKS;

	if (!sys->cache || n >= CACHE_PATH || t >= CACHE_PATH)
		return;
	l = &sys->cache->links[i];
	memcpy(l->path, path, n + 1);
	memcpy(l->text, text, t + 1);
	sys->cache->link_tag[i] = h | 1;
}

int sysroot_open(struct sysroot *sys, const char *path)
{
	char root[PATH_MAX];

	*sys = (struct sysroot){ .fd = -1 };
	if (!path || !*path)
		path = "/";
	if (!realpath(path, root))
		return errno == ENOMEM ? -ENOMEM : -ENOENT;
	sys->fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (sys->fd < 0) {
		int err = errno;

		return err == ENOMEM || err == EMFILE || err == ENFILE ? -err : -ENOENT;
	}
	sys->root = strdup(root);
	/* Messages show paths as the user wrote the root ("" for "/"). */
	sys->display = strdup(strcmp(root, "/") == 0 ? "" : path);
	sys->cache = calloc(1, sizeof(*sys->cache));
	if (!sys->root || !sys->display || !sys->cache) {
		sysroot_close(sys);
		return -ENOMEM;
	}
	for (size_t i = 0; i < CACHE_DIRS; i++)
		sys->cache->dirs[i].fd = -1;
	for (size_t n = strlen(sys->display); n > 1 && sys->display[n - 1] == '/';)
		sys->display[--n] = '\0';
	return 0;
}

void sysroot_close(struct sysroot *sys)
{
	if (sys->fd >= 0)
		close(sys->fd);
	if (sys->cache)
		for (size_t i = 0; i < CACHE_DIRS; i++)
			if (sys->cache->dirs[i].fd >= 0)
				close(sys->cache->dirs[i].fd);
	free(sys->cache);
	free(sys->root);
	free(sys->display);
	*sys = (struct sysroot){ .fd = -1 };
}

static bool is_host_root(const struct sysroot *sys)
{
	return strcmp(sys->root, "/") == 0;
}

/* @path (relative, no links) is @beneath or inside it. */
static bool path_beneath(const char *path, const char *beneath)
{
	size_t n = beneath ? strlen(beneath) : 0;

	return n == 0 || (strncmp(path, beneath, n) == 0 && (path[n] == '\0' || path[n] == '/'));
}

/* @path may be looked up on the way to @beneath: it is inside, or above it. */
static bool path_on_way(const char *path, const char *beneath)
{
	size_t n = strlen(path);

	return path_beneath(path, beneath) ||
	       (strncmp(beneath, path, n) == 0 && beneath[n] == '/');
}

/* Open the directory @path (relative, no links) again from the root. */
static int reopen_path(const struct sysroot *sys, const char *path)
{
	char copy[PATH_MAX], *save = NULL;
	int fd = fcntl(sys->fd, F_DUPFD_CLOEXEC, 3);

	if (fd < 0)
		return -errno;
	snprintf(copy, sizeof(copy), "%s", path);
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		int next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		close(fd);
		if (next < 0)	/* it was a directory a moment ago */
			return errno == ENOENT ? -ENOENT : -ESTALE;
		fd = next;
	}
	return fd;
}

/*
 * The object named @name in @dir, which fstatat() without following saw as
 * @st, opened as wanted: only a regular file is opened for reading (so a
 * FIFO cannot block us, nor a device node be opened), and the object opened
 * must be the one seen, not something put there since.
 */
static int open_final(int dir, const char *name, const struct stat *st, enum sysroot_want want)
{
	struct stat st2;
	int rfd;

	if (want == SYSROOT_DIR && !S_ISDIR(st->st_mode))
		return -ENOTDIR;
	if (want == SYSROOT_FILE && !S_ISREG(st->st_mode))
		return -EINVAL;
	if (want == SYSROOT_ANY)
		rfd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	else if (want == SYSROOT_DIR)
		rfd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	else
		rfd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (rfd < 0)
		return errno == ELOOP || errno == ENOTDIR ? -ESTALE : -errno;
	if (fstat(rfd, &st2) < 0 || st2.st_dev != st->st_dev || st2.st_ino != st->st_ino) {
		close(rfd);
		return -ESTALE;
	}
	return rfd;
}

/* Let go of the walk's directory: close it unless the cache or the sysroot holds it. */
static void release(int fd, bool held)
{
	if (!held)
		close(fd);
}

/*
 * A component not walked before, and not the last: a directory (the usual
 * case) opens in one call, without following; a link or anything else fails
 * that with ENOTDIR (fs/namei.c: O_DIRECTORY is checked with d_can_lookup()
 * in path_lookupat() for O_PATH, in do_open() before may_open()'s ELOOP for
 * a link; ELOOP is taken alike), and readlinkat() tells which. In a directory
 * whose last new entry was a link (bus/pci/devices, a group's devices/)
 * readlinkat() goes first. Either way nothing is followed and nothing but a
 * directory is opened (O_PATH).
 * Return: 1 with *fd a directory, 0 with @text holding a link's text
 * (*len bytes, not terminated), or -errno (-ENOTDIR: neither).
 */
static int open_dir_or_link(int dir, const char *name, bool links_first, int *fd,
			    char *text, size_t size, ssize_t *len)
{
	if (links_first) {
		*len = readlinkat(dir, name, text, size);
		if (*len >= 0)
			return 0;
		if (errno != EINVAL)
			return -errno;
	}
	*fd = openat(dir, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd >= 0)
		return 1;
	if (links_first || (errno != ENOTDIR && errno != ELOOP))
		return errno == ELOOP ? -ENOTDIR : -errno;
	*len = readlinkat(dir, name, text, size);
	if (*len >= 0)
		return 0;
	return errno == EINVAL ? -ENOTDIR : -errno;	/* EINVAL: not a link */
}

int sysroot_walk(const struct sysroot *sys, const char *rel, enum sysroot_want want,
		 struct sysroot_walk *w)
{
	struct sysroot_walk local;	/* only its inputs set: 12 KiB not cleared per walk */
	char todo[PATH_MAX], next[PATH_MAX], text[PATH_MAX], *p;
	size_t plen = 0, link_end = 0;	/* todo[0, link_end) came from links */
	uint32_t ph = FNV_BASIS;	/* hash of w->path[0, plen) when ph_ok */
	bool ph_ok = true;
	unsigned int links = 0;
	bool stale = false;	/* cur is not the directory of w->path */
	bool held = true;	/* cur belongs to the cache or is sys->fd: not ours to close */
	struct cached_dir *ent = NULL;	/* cur's place in the cache, if it has one */
	int cur, fd = -1, rc;
	size_t rlen, dlen;	/* of @rel, and of its directory part */
	bool memo;		/* that directory is to be remembered */

	if (!w) {
		local.beneath = NULL;
		local.on_link = NULL;
		w = &local;
	}
	w->path[0] = w->link_at[0] = w->link_target[0] = '\0';
	w->in_link = false;
	w->size = 0;
	rlen = strlen(rel);
	if (rlen >= sizeof(todo))
		return -ENAMETOOLONG;
	memcpy(todo, rel, rlen + 1);
	cur = sys->fd;
	p = todo;
	/* @rel is DIR/NAME: DIR may have been walked just before (a memo). */
	for (dlen = rlen; dlen > 0 && rel[dlen - 1] != '/';)
		dlen--;
	memo = dlen > 1 && dlen < rlen && strcmp(rel + dlen, ".") != 0 &&
	       strcmp(rel + dlen, "..") != 0;
	dlen -= dlen > 0;
	if (memo && !w->on_link) {
		const struct walk_memo *m = memo_find(sys, rel, dlen, w->beneath);

		if (m) {
			plen = strlen(m->path);
			memcpy(w->path, m->path, plen + 1);
			ph = m->path_hash;
			strcpy(w->link_at, m->link_at);
			strcpy(w->link_target, m->link_target);
			links = m->links;
			ent = m->dir;
			ent->used = ++sys->cache->clock;
			cur = ent->fd;
			p = todo + dlen + 1;
			memo = false;	/* nothing new to keep */
		}
	}
	for (;;) {
		struct stat st;
		struct cached_dir *d;
		size_t clen;
		ssize_t n = -1;	/* >= 0: the component is a link, its text in text[] */
		char *c;
		bool last, from_link;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		c = p;
		clen = strcspn(c, "/");
		p = c + clen;
		from_link = (size_t)(c - todo) < link_end;
		if (*p)
			*p++ = '\0';
		while (*p == '/')
			p++;
		last = !*p;
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			if (plen == 0) {
				if (is_host_root(sys))
					continue;	/* "/.." is "/" */
				rc = -EXDEV;
				w->in_link = from_link;
				goto fail;
			}
			while (plen > 0 && w->path[plen - 1] != '/')
				plen--;
			plen = plen > 0 ? plen - 1 : 0;
			w->path[plen] = '\0';
			ph_ok = false;
			stale = true;
			continue;
		}
		if (memo && last && !from_link && !stale) {
			/* @rel's last component, from its directory: held? */
			if (ent)
				memo_keep(sys, rel, dlen, w, plen, links, ent);
			memo = false;
		}
		if (plen + 1 + clen >= sizeof(w->path)) {
			rc = -ENAMETOOLONG;
			goto fail;
		}
		if (!ph_ok)
			ph = hash_more(FNV_BASIS, w->path, plen);
		ph_ok = true;
		if (plen) {
			w->path[plen++] = '/';
			ph = hash_more(ph, "/", 1);
		}
		memcpy(w->path + plen, c, clen + 1);
		plen += clen;
		ph = hash_more(ph, c, clen);
		w->in_link = from_link;
		if (!path_on_way(w->path, w->beneath)) {
			rc = -EXDEV;
			goto fail;
		}
		if (stale) {
			char parent[PATH_MAX];

			snprintf(parent, sizeof(parent), "%.*s", (int)(plen - clen - (plen > clen)),
				 w->path);
			release(cur, held);
			uint32_t hp = hash_more(FNV_BASIS, parent, strlen(parent));

			ent = parent[0] ? cached_dir(sys, parent, hp) : NULL;
			cur = ent ? ent->fd : parent[0] ? -1 : sys->fd;
			held = cur >= 0;
			if (!held) {
				cur = reopen_path(sys, parent);
				if (cur < 0)
					return cur;
				ent = cache_dir(sys, parent, hp, cur);
				held = ent != NULL;
			}
			stale = false;
		}
		const char *known = cached_link(sys, w->path, ph);

		if (known) {
			n = (ssize_t)strlen(known);
			memcpy(text, known, (size_t)n);
		} else if (!last) {
			d = cached_dir(sys, w->path, ph);
			if (d) {	/* walked before: go on from there */
				release(cur, held);
				cur = d->fd;
				ent = d;
				held = true;
				continue;
			}
			rc = open_dir_or_link(cur, c, ent && ent->links, &fd, text, sizeof(text), &n);
			if (rc < 0)
				goto fail;
			if (ent)
				ent->links = rc == 0;
			if (rc == 1) {
				release(cur, held);
				cur = fd;
				ent = cache_dir(sys, w->path, ph, fd);
				held = ent != NULL;
				continue;
			}
		} else if (want == SYSROOT_PATH && cached_dir(sys, w->path, ph)) {
			break;	/* a directory walked before: there */
		} else if (want == SYSROOT_DIR && path_beneath(w->path, w->beneath)) {
			/* Opening a directory does nothing, and O_DIRECTORY refuses
			 * anything else before it is opened (fs/namei.c do_open()
			 * checks it before vfs_open()): no look first. */
			fd = openat(cur, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (fd >= 0) {
				release(cur, held);
				w->in_link = false;
				return fd;
			}
			if (errno != ENOTDIR && errno != ELOOP) {
				rc = -errno;
				goto fail;
			}
			n = readlinkat(cur, c, text, sizeof(text));
			if (n < 0) {
				rc = errno == EINVAL ? -ENOTDIR : -errno;
				goto fail;
			}
		} else if (want == SYSROOT_PATH &&
			   (n = readlinkat(cur, c, text, sizeof(text))) < 0 && errno != EINVAL) {
			rc = -errno;	/* walked to resolve a link, mostly: read it first */
			goto fail;
		} else if (n < 0) {
			/* What is there, not following it; opened below as what it was. */
			if (fstatat(cur, c, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				rc = -errno;
				goto fail;
			}
			if (S_ISLNK(st.st_mode)) {
				n = readlinkat(cur, c, text, sizeof(text));
				if (n < 0) {	/* EINVAL: no longer a link */
					rc = errno == EINVAL ? -ESTALE : -errno;
					goto fail;
				}
			}
		}
		if (n >= 0) {
			size_t rest = strlen(p);

			if (++links > SYSROOT_MAX_LINKS) {
				rc = -ELOOP;
				w->in_link = true;
				goto fail;
			}
			if ((size_t)n >= sizeof(w->link_target)) {
				rc = -ENAMETOOLONG;
				goto fail;
			}
			memcpy(w->link_target, text, (size_t)n);
			w->link_target[n] = '\0';
			if (!known)
				cache_link(sys, w->path, ph, w->link_target);
			memcpy(w->link_at, w->path, plen + 1);
			w->in_link = true;
			if (n == 0) {	/* the kernel's answer to an empty link */
				rc = -ENOENT;
				goto fail;
			}
			if (w->on_link) {
				rc = w->on_link(w->arg, w->link_at, w->link_target);
				if (rc < 0)
					goto fail;
			}
			/* The link is replaced by its text, from its directory. */
			while (plen > 0 && w->path[plen - 1] != '/')
				plen--;
			plen = plen > 0 ? plen - 1 : 0;
			w->path[plen] = '\0';
			ph_ok = false;
			if (w->link_target[0] == '/') {
				/* An absolute link names the host's file, not the snapshot's. */
				if (!is_host_root(sys)) {
					rc = -EXDEV;
					goto fail;
				}
				plen = 0;
				w->path[0] = '\0';
				stale = true;
			}
			if ((size_t)n + 1 + rest >= sizeof(next)) {
				rc = -ENAMETOOLONG;
				goto fail;
			}
			/* Bytes still to walk that came from earlier links stay so. */
			size_t old_link = link_end > (size_t)(p - todo) ? link_end - (size_t)(p - todo) : 0;

			memcpy(next, w->link_target, (size_t)n);
			next[n] = '/';
			memcpy(next + n + 1, p, rest + 1);
			if (!rest)
				next[n] = '\0';
			memcpy(todo, next, (size_t)n + 2 + rest);
			link_end = (size_t)n + (old_link ? 1 + old_link : 0);
			p = todo;
			continue;
		}
		if (last) {
			if (!path_beneath(w->path, w->beneath)) {
				rc = -EXDEV;
				goto fail;
			}
			w->size = st.st_size;
			if (want == SYSROOT_PATH) {
				release(cur, held);
				w->in_link = false;
				return 0;
			}
			rc = open_final(cur, c, &st, want);
			release(cur, held);
			if (rc < 0)
				return rc;
			w->in_link = false;
			return rc;
		}
		/* Not last, not a link: fstatat() is not used there. */
		rc = -ENOTDIR;
		goto fail;
	}
	/* The path ended on a directory: the root, after "..", "." or "/", or
	 * (SYSROOT_PATH) one walked before. */
	w->in_link = false;
	if (!path_beneath(w->path, w->beneath)) {
		rc = -EXDEV;
		goto fail;
	}
	if (want == SYSROOT_PATH) {	/* nothing to open */
		rc = 0;
		goto fail;
	}
	if (stale) {
		release(cur, held);
		held = false;
		cur = reopen_path(sys, w->path);
		if (cur < 0)
			return cur;
	}
	if (want == SYSROOT_ANY) {
		if (!held)
			return cur;
		rc = fcntl(cur, F_DUPFD_CLOEXEC, 3);	/* the caller's to close */
		return rc < 0 ? -errno : rc;
	}
	if (want == SYSROOT_FILE) {
		rc = -EINVAL;
		goto fail;
	}
	rc = openat(cur, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rc < 0)
		rc = -errno;
fail:
	release(cur, held);
	return rc;
}

/*
 * @rel walked as sysroot_walk() does, as an absolute path (the root's, then
 * the path inside it).
 */
int sysroot_resolve(const struct sysroot *sys, const char *rel, char resolved[PATH_MAX])
{
	struct sysroot_walk w;
	int rc;

	w.beneath = NULL;
	w.on_link = NULL;
	rc = sysroot_walk(sys, rel, SYSROOT_PATH, &w);
	if (rc < 0)
		return rc;
	if ((size_t)snprintf(resolved, PATH_MAX, "%s/%s", is_host_root(sys) ? "" : sys->root,
			     w.path) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

void sysroot_display(const struct sysroot *sys, const char *rel, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", sys->display, rel);
}

int sysroot_read_walk(const struct sysroot *sys, const char *rel, struct sysroot_walk *w,
		      char **buf, size_t *len)
{
	struct sysroot_walk local;
	size_t n = 0, cap = 4096;
	char *b;
	int fd, rc;

	if (!w) {
		local.beneath = NULL;
		local.on_link = NULL;
		w = &local;
	}
	fd = sysroot_walk(sys, rel, SYSROOT_FILE, w);
	if (fd < 0)
		return fd;
	/* Room for the size it has and a byte more, so one read finds the end
	 * (sysfs's attributes say 4096 or 0 whatever they hold: read on). */
	if (w->size > 0 && w->size < SYSFS_MAX_FILE)
		cap = (size_t)w->size + 1;
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
			size_t c2 = cap * 2 < SYSFS_MAX_FILE ? cap * 2 : SYSFS_MAX_FILE;
			char *nb = realloc(b, c2 + 1);

			if (!nb) {
				rc = -ENOMEM;
				goto fail;
			}
			b = nb;
			cap = c2;
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
		/* A snapshot's file, read to the size it has: no read just to see
		 * the end (sysfs's attributes say 4096 and go on to read 0). */
		if (n == (size_t)w->size && n < cap)
			break;
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

int sysroot_read(const struct sysroot *sys, const char *rel, char **buf, size_t *len)
{
	return sysroot_read_walk(sys, rel, NULL, buf, len);
}

const char *sysroot_strerror(int rc)
{
	switch (rc) {
	case -EXDEV:
		return "resolves outside the sysroot (not followed)";
	case -ELOOP:
		return "goes through more than 40 links (a loop)";
	case -ESTALE:
		return "changed while it was read";
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

int sysroot_list_walk(const struct sysroot *sys, const char *rel, struct sysroot_walk *w,
		      char ***names, size_t *count)
{
	/* getdents64() itself: readdir() would look at the descriptor first
	 * (fstat, fcntl: four calls per directory, 4,096 groups). */
	char buf[32768] __attribute__((aligned(8)));
	char **v = NULL;
	size_t n = 0, cap = 0;
	int rc = 0, fd = sysroot_walk(sys, rel, SYSROOT_DIR, w);

	if (fd < 0)
		return fd;
	for (;;) {
		ssize_t got = getdents64(fd, buf, sizeof(buf));

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = -errno;
			goto fail;
		}
		if (got == 0)
			break;
		for (size_t off = 0; off < (size_t)got;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);

			off += de->d_reclen;
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			if (n == cap) {
				size_t c2 = cap ? cap * 2 : 16;
				char **nv = realloc(v, c2 * sizeof(*nv));

				if (!nv) {
					rc = -ENOMEM;
					goto fail;
				}
				v = nv;
				cap = c2;
			}
			v[n] = strdup(de->d_name);
			if (!v[n]) {
				rc = -ENOMEM;
				goto fail;
			}
			n++;
		}
	}
	close(fd);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*names = v;
	*count = n;
	return 0;
fail:
	close(fd);
	sysroot_free_names(v, n);
	return rc;
}

/* Sorted names of a directory's entries, without "." and "..". */
int sysroot_list(const struct sysroot *sys, const char *rel, char ***names, size_t *count)
{
	return sysroot_list_walk(sys, rel, NULL, names, count);
}

void sysroot_free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
