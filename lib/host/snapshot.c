// SPDX-License-Identifier: MIT
/*
 * A snapshot: what the readers read from a root, copied into a directory
 * at the same paths (SPEC §6). Every source path is walked by sysroot_walk()
 * confined below sys/ (or proc/), and the links met on the way are made
 * again in the copy with the same text (an absolute one, possible only from
 * "/", made relative), so the copy resolves exactly as the source did.
 * Nothing is created until a walk has succeeded. The copy is written with
 * *at() calls from the caller's directory, every component opened with
 * O_NOFOLLOW: no link is followed while writing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sysroot.h"

struct snap_link {
	char *at;	/* relative to the root, no links */
	char *target;	/* the link's text */
};

struct snap {
	struct sysroot sr;
	int dest;
	struct resv_diags *diags;
	struct snap_link *links;	/* met by the current walk */
	size_t nlinks, cap;
	int written;
};

/* Result of fetching one source path besides errors. */
enum { FETCHED = 0, SKIPPED = 1 };

static void drop_links(struct snap *s)
{
	for (size_t i = 0; i < s->nlinks; i++) {
		free(s->links[i].at);
		free(s->links[i].target);
	}
	s->nlinks = 0;
}

static int collect_link(void *arg, const char *at, const char *target)
{
	struct snap *s = arg;
	struct snap_link *l;

	if (s->nlinks == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;

		l = realloc(s->links, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		s->links = l;
		s->cap = cap;
	}
	l = &s->links[s->nlinks];
	l->at = strdup(at);
	l->target = strdup(target);
	if (!l->at || !l->target) {
		free(l->at);
		free(l->target);
		return -ENOMEM;
	}
	s->nlinks++;
	return 0;
}

/* A SNAPSHOT_FAILED error: "@where: @what <why>"; returns @rc. */
static int fail(struct snap *s, const char *where, int rc, const char *what)
{
	int r = diags_add(s->diags, "SNAPSHOT_FAILED", RESV_SEV_ERROR, where, 0, -1,
			  "%s: %s%s%s", where, what, sysroot_strerror(rc),
			  rc == -EACCES ? " (run as root: the ACPI tables are root's)" : "");

	return r < 0 ? r : rc;
}

/*
 * The directory @path (relative, no links) of the copy, made as needed.
 * Return: an O_PATH descriptor of it, or a negative errno (-ENOTDIR or
 * -ELOOP when the copy has a link there: the source changed under us).
 */
static int dest_dir(struct snap *s, const char *path)
{
	char copy[PATH_MAX], *save = NULL;
	int fd = fcntl(s->dest, F_DUPFD_CLOEXEC, 3);

	if (fd < 0)
		return -errno;
	snprintf(copy, sizeof(copy), "%s", path);
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		int next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (next < 0 && errno == ENOENT) {
			if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
				int err = -errno;

				close(fd);
				return err;
			}
			next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		close(fd);
		if (next < 0)
			return -errno;
		fd = next;
	}
	return fd;
}

/* Split "a/b/c" into its directory "a/b" (in @dir) and "c". */
static const char *split(const char *path, char dir[PATH_MAX])
{
	const char *slash = strrchr(path, '/');

	snprintf(dir, PATH_MAX, "%.*s", slash ? (int)(slash - path) : 0, path);
	return slash ? slash + 1 : path;
}

/* The link @l in the copy; one already there must say the same. */
static int dest_link(struct snap *s, const struct snap_link *l)
{
	char dir[PATH_MAX], text[PATH_MAX], old[PATH_MAX];
	const char *name = split(l->at, dir);
	ssize_t n;
	int fd, rc = 0;

	if (l->target[0] == '/') {
		/* Only from "/": the same place, relative to the link's directory. */
		size_t len = 0;
		const char *t = l->target;

		for (const char *p = dir; *p; p++)
			if (p == dir || p[-1] == '/')
				len += (size_t)snprintf(text + len, sizeof(text) - len, "../");
		while (*t == '/')
			t++;
		if ((size_t)snprintf(text + len, sizeof(text) - len, "%s", *t || len ? t : ".") >=
		    sizeof(text) - len)
			return -ENAMETOOLONG;
	} else {
		snprintf(text, sizeof(text), "%s", l->target);
	}
	fd = dest_dir(s, dir);
	if (fd < 0)
		return fd;
	if (symlinkat(text, fd, name) == 0) {
		s->written++;
	} else if (errno != EEXIST) {
		rc = -errno;
	} else {
		n = readlinkat(fd, name, old, sizeof(old) - 1);
		if (n < 0 || (size_t)n != strlen(text) || memcmp(old, text, (size_t)n) != 0)
			rc = -ESTALE;	/* a file, or another link: the source changed */
	}
	close(fd);
	return rc;
}

static int dest_file(struct snap *s, const char *path, const char *buf, size_t len)
{
	char dir[PATH_MAX];
	const char *name = split(path, dir);
	int dfd, fd, rc = 0;

	dfd = dest_dir(s, dir);
	if (dfd < 0)
		return dfd;
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	close(dfd);
	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;	/* reached before by another way */
	while (len && rc == 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			rc = -errno;
		else
			buf += w, len -= (size_t)w;
	}
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0)
		s->written++;
	return rc;
}

/*
 * A walk that failed: the source's own problems are reported and skipped,
 * anything else stops the snapshot.
 */
static int walk_failed(struct snap *s, const char *rel, const struct sysroot_walk *w, int rc)
{
	char where[PATH_MAX + 64], via[2 * PATH_MAX + 32] = "";
	int r;

	drop_links(s);
	if (rc == -ENOMEM)
		return rc;
	if (rc == -ENOENT && !w->in_link)
		return SKIPPED;		/* not there: an optional file */
	sysroot_display(&s->sr, rel, where, sizeof(where));
	if (w->link_at[0])
		snprintf(via, sizeof(via), ": link %s -> %s", w->link_at, w->link_target);
	switch (rc) {
	case -EXDEV:
		r = diags_add(s->diags, "SNAPSHOT_LINK_OUTSIDE", RESV_SEV_WARNING, where, 0, -1,
			      "%s%s leads out of %s%s; not followed, not copied", where, via,
			      w->beneath ? w->beneath : "the root", w->beneath ? "/" : "");
		break;
	case -ENOENT:
		r = diags_add(s->diags, "SNAPSHOT_LINK_DANGLING", RESV_SEV_WARNING, where, 0, -1,
			      "%s%s: %s does not exist; not copied", where, via, w->path);
		break;
	case -ELOOP:
		r = diags_add(s->diags, "SNAPSHOT_LINK_LOOP", RESV_SEV_WARNING, where, 0, -1,
			      "%s%s: more than 40 links (a loop); not copied", where, via);
		break;
	case -ENOTDIR:
	case -EINVAL:
	case -ENAMETOOLONG:
		r = diags_add(s->diags, "SNAPSHOT_NOT_COPIED", RESV_SEV_WARNING, where, 0, -1,
			      "%s%s: %s %s; not copied", where, via, w->path,
			      rc == -ENOTDIR ? "is not a directory" :
			      rc == -EINVAL ? "is not a regular file" : "is too long a path");
		break;
	default:
		return fail(s, where, rc, rc == -EFBIG ? "" : "cannot read it: ");
	}
	return r < 0 ? r : SKIPPED;
}

/* Make the links of the last walk, then its directory @dir if any. */
static int materialize(struct snap *s, const char *rel, const char *dir)
{
	char where[PATH_MAX + 64];
	int rc = 0;

	for (size_t i = 0; i < s->nlinks && rc == 0; i++)
		rc = dest_link(s, &s->links[i]);
	if (rc == 0 && dir) {
		int fd = dest_dir(s, dir);

		if (fd >= 0)
			close(fd);
		rc = fd < 0 ? fd : 0;
	}
	drop_links(s);
	if (rc == 0 || rc == -ENOMEM)
		return rc;
	sysroot_display(&s->sr, rel, where, sizeof(where));
	return fail(s, where, rc, rc == -ESTALE || rc == -ENOTDIR || rc == -ELOOP ?
			"the source changed while it was copied; try again: " :
			"cannot write its copy: ");
}

static int copy_file(struct snap *s, const char *rel, const char *beneath)
{
	struct sysroot_walk w = { .beneath = beneath, .on_link = collect_link, .arg = s };
	char where[PATH_MAX + 64];
	char *buf;
	size_t len;
	int rc = sysroot_read_walk(&s->sr, rel, &w, &buf, &len);

	if (rc < 0)
		return walk_failed(s, rel, &w, rc);
	rc = materialize(s, rel, NULL);
	if (rc == 0) {
		rc = dest_file(s, w.path, buf, len);
		if (rc < 0 && rc != -ENOMEM) {
			sysroot_display(&s->sr, rel, where, sizeof(where));
			rc = fail(s, where, rc, "cannot write its copy: ");
		}
	}
	free(buf);
	return rc;
}

/* A directory (and the links to it), with its entry names if @names. */
static int copy_dir(struct snap *s, const char *rel, const char *beneath, char ***names,
		    size_t *count)
{
	struct sysroot_walk w = { .beneath = beneath, .on_link = collect_link, .arg = s };
	int rc;

	if (names) {
		rc = sysroot_list_walk(&s->sr, rel, &w, names, count);
	} else {
		rc = sysroot_walk(&s->sr, rel, SYSROOT_DIR, &w);
		if (rc >= 0)
			close(rc);
	}
	if (rc < 0)
		return walk_failed(s, rel, &w, rc);
	rc = materialize(s, rel, w.path);
	if (rc < 0 && names) {
		sysroot_free_names(*names, *count);
		*names = NULL;
		*count = 0;
	}
	return rc;
}

/* Every regular file directly in @rel (an IOMMU's attribute group). */
static int copy_files_in(struct snap *s, const char *rel)
{
	char **names = NULL, sub[PATH_MAX];
	size_t n = 0;
	int rc = copy_dir(s, rel, "sys", &names, &n);

	if (rc != FETCHED)
		return rc;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", rel, names[i]) >= sizeof(sub))
			rc = -ENAMETOOLONG;
		else
			rc = copy_file(s, sub, "sys");
	}
	sysroot_free_names(names, n);
	return rc < 0 ? rc : 0;
}

static int copy_groups(struct snap *s)
{
	static const char base[] = "sys/kernel/iommu_groups";
	char **groups = NULL, rel[PATH_MAX];
	size_t ngroups = 0;
	int rc = copy_dir(s, base, "sys", &groups, &ngroups);

	if (rc != FETCHED)
		return rc;
	for (size_t i = 0; i < ngroups && rc >= 0; i++) {
		char **devs = NULL;
		size_t ndevs = 0;

		snprintf(rel, sizeof(rel), "%s/%s", base, groups[i]);
		rc = copy_dir(s, rel, "sys", NULL, NULL);
		if (rc != FETCHED)
			continue;
		snprintf(rel, sizeof(rel), "%s/%s/type", base, groups[i]);
		rc = copy_file(s, rel, "sys");
		if (rc >= 0) {
			snprintf(rel, sizeof(rel), "%s/%s/reserved_regions", base, groups[i]);
			rc = copy_file(s, rel, "sys");
		}
		if (rc >= 0) {
			snprintf(rel, sizeof(rel), "%s/%s/devices", base, groups[i]);
			rc = copy_dir(s, rel, "sys", &devs, &ndevs);
		}
		/* Each entry is a link to the device's directory: made, with it. */
		for (size_t d = 0; d < ndevs && rc >= 0; d++) {
			snprintf(rel, sizeof(rel), "%s/%s/devices/%s", base, groups[i], devs[d]);
			rc = copy_dir(s, rel, "sys", NULL, NULL);
		}
		sysroot_free_names(devs, ndevs);
	}
	sysroot_free_names(groups, ngroups);
	return rc < 0 ? rc : 0;
}

/* The attribute groups of IOMMU unit @rel that the readers may read. */
static int copy_unit(struct snap *s, const char *rel)
{
	static const char *const sub[] = { "intel-iommu", "amd-iommu" };
	char path[PATH_MAX];
	int rc = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sub) && rc >= 0; i++) {
		snprintf(path, sizeof(path), "%s/%s", rel, sub[i]);
		rc = copy_files_in(s, path);
	}
	return rc < 0 ? rc : 0;
}

static int copy_pci(struct snap *s)
{
	static const char base[] = "sys/bus/pci/devices";
	static const char *const files[] = { "class", "vendor", "device", "uevent", "config" };
	char **names = NULL, rel[PATH_MAX];
	size_t n = 0;
	int rc = copy_dir(s, base, "sys", &names, &n);

	if (rc != FETCHED)
		return rc;
	/*
	 * The drivers' directory, empty: its presence tells the reader that
	 * bindings were recorded, so that a device without a driver link is
	 * unbound rather than unknown (sysfs.c load_driver).
	 */
	rc = copy_dir(s, "sys/bus/pci/drivers", "sys", NULL, NULL);
	for (size_t i = 0; i < n && rc >= 0; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", base, names[i]);
		rc = copy_dir(s, rel, "sys", NULL, NULL);
		if (rc != FETCHED)
			continue;
		/*
		 * The driver bound to it (VFIO viability): the link, made again
		 * as it is, and the driver's directory it leads to, empty, so
		 * that it does not dangle. Unbound: no link, nothing copied.
		 */
		snprintf(rel, sizeof(rel), "%s/%s/driver", base, names[i]);
		rc = copy_dir(s, rel, "sys", NULL, NULL);
		for (size_t f = 0; f < ARRAY_SIZE(files) && rc >= 0; f++) {
			snprintf(rel, sizeof(rel), "%s/%s/%s", base, names[i], files[f]);
			rc = copy_file(s, rel, "sys");
		}
		if (rc >= 0) {
			snprintf(rel, sizeof(rel), "%s/%s/iommu_group", base, names[i]);
			rc = copy_dir(s, rel, "sys", NULL, NULL);
		}
		/* The link to the device's IOMMU unit: its aperture (sysfs.c). */
		if (rc >= 0) {
			snprintf(rel, sizeof(rel), "%s/%s/iommu", base, names[i]);
			rc = copy_dir(s, rel, "sys", NULL, NULL);
			if (rc == FETCHED)
				rc = copy_unit(s, rel);
		}
	}
	sysroot_free_names(names, n);
	return rc < 0 ? rc : 0;
}

static int copy_class_iommu(struct snap *s)
{
	static const char base[] = "sys/class/iommu";
	char **names = NULL, rel[PATH_MAX];
	size_t n = 0;
	int rc = copy_dir(s, base, "sys", &names, &n);

	if (rc != FETCHED)
		return rc;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", base, names[i]);
		rc = copy_dir(s, rel, "sys", NULL, NULL);
		if (rc == FETCHED)
			rc = copy_unit(s, rel);
	}
	sysroot_free_names(names, n);
	return rc < 0 ? rc : 0;
}

/* drivers/firmware/memmap.c: N/{start,end,type}. */
static int copy_memmap(struct snap *s)
{
	static const char base[] = "sys/firmware/memmap";
	static const char *const files[] = { "start", "end", "type" };
	char **names = NULL, rel[PATH_MAX];
	size_t n = 0;
	int rc = copy_dir(s, base, "sys", &names, &n);

	if (rc != FETCHED)
		return rc;
	for (size_t i = 0; i < n && rc >= 0; i++) {
		snprintf(rel, sizeof(rel), "%s/%s", base, names[i]);
		rc = copy_dir(s, rel, "sys", NULL, NULL);
		for (size_t f = 0; f < ARRAY_SIZE(files) && rc == FETCHED; f++) {
			snprintf(rel, sizeof(rel), "%s/%s/%s", base, names[i], files[f]);
			rc = copy_file(s, rel, "sys");
			rc = rc < 0 ? rc : FETCHED;
		}
	}
	sysroot_free_names(names, n);
	return rc < 0 ? rc : 0;
}

RESV_EXPORT int resv_snapshot_write(int dirfd, const char *sysroot, struct resv_diags *diags)
{
	static const char *const tables[] = { "DMAR", "IVRS", "IORT", "VIOT", "APIC" };
	struct snap s = { .dest = dirfd, .diags = diags };
	char rel[64];
	int rc;

	rc = sysroot_open(&s.sr, sysroot);
	if (rc < 0)
		return rc;
	/* The kernel version and its command line, to know what ran. */
	rc = copy_file(&s, "proc/sys/kernel/osrelease", "proc");
	if (rc >= 0)
		rc = copy_file(&s, "proc/cmdline", "proc");
	/* The PMD size, which gives the kernel's page size (resv_page_size). */
	if (rc >= 0)
		rc = copy_file(&s, "sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "sys");
	for (size_t i = 0; i < ARRAY_SIZE(tables) && rc >= 0; i++) {
		snprintf(rel, sizeof(rel), "sys/firmware/acpi/tables/%s", tables[i]);
		rc = copy_file(&s, rel, "sys");
	}
	/* The AML, which says whether a PCI _DSM exists (preserve-config). */
	for (int i = 0; i <= 64 && rc >= 0; i++) {
		if (i == 0)
			snprintf(rel, sizeof(rel), "sys/firmware/acpi/tables/DSDT");
		else
			snprintf(rel, sizeof(rel), "sys/firmware/acpi/tables/SSDT%d", i);
		rc = copy_file(&s, rel, "sys");
	}
	if (rc >= 0)
		rc = copy_memmap(&s);
	if (rc >= 0)
		rc = copy_groups(&s);
	if (rc >= 0)
		rc = copy_pci(&s);
	if (rc >= 0)
		rc = copy_class_iommu(&s);
	drop_links(&s);
	free(s.links);
	sysroot_close(&s.sr);
	return rc < 0 ? rc : s.written;
}
