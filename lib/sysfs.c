// SPDX-License-Identifier: MIT
/*
 * Reading IOMMU groups from sysfs or a snapshot of it (SPEC §6):
 *   sys/kernel/iommu_groups/N/{reserved_regions,type,devices/}
 *   sys/bus/pci/devices/NAME/{class,vendor,device}
 * Every path is resolved and must stay inside the root, so a snapshot's
 * links cannot make us read the host's files.
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

#include "config.h"
#include "internal.h"

/* Snapshot files are small; anything larger is not a sysfs file. */
#define SYSFS_MAX_FILE (1u << 20)

struct resv_system {
	char *root;		/* resolved root, no trailing '/' unless "/" */
	char *display_root;	/* as given, for messages; "" for "/" */
	struct resv_group *groups;
	size_t ngroups;
	struct resv_diags *diags;
};


/*
 * Resolve @rel (relative to the root) and check that the result is inside
 * the root. Return: 0; -ENOENT, -EACCES, ... from realpath(); -EXDEV when the
 * path leaves the root.
 */
static int resolve(const struct resv_system *sys, const char *rel,
		   char resolved[PATH_MAX])
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

static void display_path(const struct resv_system *sys, const char *rel,
			 char *out, size_t size)
{
	snprintf(out, size, "%s/%s", sys->display_root, rel);
}

static int read_file(const struct resv_system *sys, const char *rel,
		     char **buf, size_t *len)
{
	char path[PATH_MAX];
	struct stat st;
	size_t n = 0, cap = 4096;
	char *b;
	int fd, rc;

	rc = resolve(sys, rel, path);
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

/* A sysfs attribute like "0x030000\n" with at most @max. */
static int read_hex_attr(const struct resv_system *sys, const char *rel,
			 uint32_t max, uint32_t *out)
{
	char *buf, *end;
	size_t len;
	unsigned long v;
	int rc = read_file(sys, rel, &buf, &len);

	if (rc < 0)
		return rc;
	errno = 0;
	if (len < 3 || buf[0] != '0' || buf[1] != 'x') {
		rc = -EBADMSG;
	} else {
		v = strtoul(buf + 2, &end, 16);
		if (errno || end == buf + 2 || v > max ||
		    !(*end == '\0' || (*end == '\n' && end[1] == '\0')))
			rc = -EBADMSG;
		else
			*out = (uint32_t)v;
	}
	free(buf);
	return rc;
}

static const char *errno_text(int rc)
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

static int diag_file(struct resv_system *sys, const char *id,
		     enum resv_severity sev, const char *rel, long group, int err)
{
	char where[PATH_MAX + 64];

	display_path(sys, rel, where, sizeof(where));
	return diags_add(sys->diags, id, sev, where, 0, group, "%s %s",
			 where, errno_text(err));
}

/* "dddd:bb:dd.f", lower-case hex as the kernel names PCI devices. */
static bool is_pci_name(const char *s)
{
	static const char pat[] = "hhhh:hh:hh.d";

	if (strlen(s) != sizeof(pat) - 1)
		return false;
	for (size_t i = 0; pat[i]; i++) {
		char c = s[i];

		if (pat[i] == 'h' && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
		if (pat[i] == 'd' && !(c >= '0' && c <= '7'))
			return false;
		if ((pat[i] == ':' || pat[i] == '.') && c != pat[i])
			return false;
	}
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of a directory's entries, without "." and "..". */
static int list_dir(const struct resv_system *sys, const char *rel,
		    char ***names, size_t *count)
{
	char path[PATH_MAX];
	char **v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int rc = resolve(sys, rel, path);

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

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void group_clear(struct resv_group *g)
{
	for (size_t i = 0; i < g->ndevices; i++)
		free(unconst(g->devices[i].name));
	free(unconst(g->devices));
	free(unconst(g->type));
	free(unconst(g->aperture_source));
	resv_list_free(unconst(g->regions));
}

/* One device of a group: its PCI identity when it is a PCI device. */
static int load_device(struct resv_system *sys, struct resv_device *dev,
		       long group, bool *complete)
{
	static const struct {
		const char *attr;
		uint32_t max;
	} attrs[] = { { "class", 0xffffff }, { "vendor", 0xffff }, { "device", 0xffff } };
	uint32_t val[3];
	char rel[PATH_MAX];
	int rc;

	if (!is_pci_name(dev->name))
		return 0;	/* a platform device: no PCI identity */
	for (size_t i = 0; i < ARRAY_SIZE(attrs); i++) {
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/%s", dev->name,
			 attrs[i].attr);
		rc = read_hex_attr(sys, rel, attrs[i].max, &val[i]);
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0) {
			*complete = false;
			return diag_file(sys, "SYSFS_DEVICE_ATTR", RESV_SEV_WARNING,
					 rel, group, rc);
		}
	}
	dev->pci = true;
	dev->class = val[0];
	dev->vendor = (uint16_t)val[1];
	dev->device = (uint16_t)val[2];
	return 0;
}

/*
 * The aperture of the group: each PCI device's "iommu" link names its
 * remapping unit; an Intel unit's intel-iommu/cap holds the register as
 * "%llx\n" (intel/iommu.c cap_show).
 */
static int load_aperture(struct resv_system *sys, struct resv_group *g)
{
	unsigned int best = 65;
	char best_unit[NAME_MAX + 1] = "";

	for (size_t i = 0; i < g->ndevices; i++) {
		char rel[PATH_MAX], path[PATH_MAX], *buf, *end;
		const char *unit;
		size_t len;
		unsigned long long cap;
		unsigned int mgaw;
		int rc;

		if (!g->devices[i].pci)
			continue;
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/iommu", g->devices[i].name);
		if (resolve(sys, rel, path) < 0)
			return 0;	/* no link: unknown */
		unit = strrchr(path, '/') + 1;
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/%s/iommu/intel-iommu/cap",
			 g->devices[i].name);
		rc = read_file(sys, rel, &buf, &len);
		if (rc == -ENOMEM)
			return rc;
		if (rc < 0)
			return 0;	/* not Intel, or not recorded */
		errno = 0;
		cap = strtoull(buf, &end, 16);
		if (errno || end == buf || !(*end == '\0' || (*end == '\n' && !end[1]))) {
			free(buf);
			g->complete = false;
			return diag_file(sys, "SYSFS_INTEL_CAP", RESV_SEV_WARNING, rel, g->id,
					 -EBADMSG);
		}
		free(buf);
		mgaw = (unsigned int)((cap >> 16) & 0x3f) + 1;
		if (mgaw < best) {
			best = mgaw;
			snprintf(best_unit, sizeof(best_unit), "%s", unit);
		}
	}
	if (best > 64)
		return 0;
	char src[NAME_MAX + 32];

	snprintf(src, sizeof(src), "%s MGAW %u", best_unit, best);
	g->aperture_source = strdup(src);
	if (!g->aperture_source)
		return -ENOMEM;
	g->aperture_known = true;
	g->aperture = (struct resv_range){ 0, best == 64 ? UINT64_MAX : (1ull << best) - 1 };
	return 0;
}

static int load_group(struct resv_system *sys, struct resv_group *g)
{
	char rel[PATH_MAX], where[PATH_MAX + 64];
	char **names = NULL;
	size_t nnames = 0, first;
	char *buf;
	size_t len;
	int rc;

	g->complete = true;

	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%ld/type", g->id);
	rc = read_file(sys, rel, &buf, &len);
	if (rc == 0) {
		buf[strcspn(buf, "\n")] = '\0';
		g->type = buf;
	} else if (rc == -ENOMEM) {
		return rc;
	} else if (rc != -ENOENT) {	/* no "type" before v5.11: fine */
		g->complete = false;
		rc = diag_file(sys, "SYSFS_GROUP_TYPE", RESV_SEV_WARNING, rel, g->id, rc);
		if (rc < 0)
			return rc;
	}

	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%ld/devices", g->id);
	rc = list_dir(sys, rel, &names, &nnames);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		g->complete = false;
		rc = diag_file(sys, "SYSFS_GROUP_DEVICES", RESV_SEV_ERROR, rel, g->id, rc);
		if (rc < 0)
			return rc;
	} else if (nnames) {
		struct resv_device *devs = calloc(nnames, sizeof(*devs));

		if (!devs) {
			free_names(names, nnames);
			return -ENOMEM;
		}
		for (size_t i = 0; i < nnames; i++)
			devs[i].name = names[i];
		free(names);
		g->devices = devs;
		g->ndevices = nnames;
		for (size_t i = 0; i < nnames; i++) {
			rc = load_device(sys, &devs[i], g->id, &g->complete);
			if (rc < 0)
				return rc;
		}
	} else {
		free(names);
	}

	rc = load_aperture(sys, g);
	if (rc < 0)
		return rc;

	snprintf(rel, sizeof(rel), "sys/kernel/iommu_groups/%ld/reserved_regions", g->id);
	display_path(sys, rel, where, sizeof(where));
	rc = read_file(sys, rel, &buf, &len);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		g->complete = false;
		return diag_file(sys, "SYSFS_RESERVED_REGIONS", RESV_SEV_ERROR, rel,
				 g->id, rc);
	}

	struct resv_list *l;

	rc = resv_list_new(&l);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	first = resv_diags_count(sys->diags);
	rc = resv_parse_sysfs(l, buf, len, where, NULL, sys->diags);
	free(buf);
	if (rc < 0) {
		resv_list_free(l);
		return rc;
	}
	diags_set_group(sys->diags, first, g->id);
	if (rc > 0)
		g->complete = false;
	g->regions = l;
	return 0;
}

/* A group directory's name: a decimal id without sign or leading zero. */
static bool parse_group_id(const char *s, long *id)
{
	char *end;

	if (!(s[0] >= '1' && s[0] <= '9') && strcmp(s, "0") != 0)
		return false;
	errno = 0;
	*id = strtol(s, &end, 10);
	return !errno && *end == '\0';
}

static int cmp_group(const void *a, const void *b)
{
	const struct resv_group *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

RESV_EXPORT void resv_system_free(struct resv_system *sys)
{
	if (!sys)
		return;
	for (size_t i = 0; i < sys->ngroups; i++)
		group_clear(&sys->groups[i]);
	free(sys->groups);
	resv_diags_free(sys->diags);
	free(sys->root);
	free(sys->display_root);
	free(sys);
}

RESV_EXPORT int resv_system_load(struct resv_system **out, const char *sysroot)
{
	static const char groups_rel[] = "sys/kernel/iommu_groups";
	struct resv_system *sys;
	char root[PATH_MAX];
	char **names = NULL;
	size_t nnames = 0;
	int rc;

	if (!sysroot || !*sysroot)
		sysroot = "/";
	if (!realpath(sysroot, root))
		return errno == ENOMEM ? -ENOMEM : -ENOENT;
	sys = calloc(1, sizeof(*sys));
	if (!sys)
		return -ENOMEM;
	sys->root = strdup(root);
	/* Messages show paths as the user wrote the root ("" for "/"). */
	sys->display_root = strdup(strcmp(root, "/") == 0 ? "" : sysroot);
	rc = resv_diags_new(&sys->diags);
	if (!sys->root || !sys->display_root || rc < 0) {
		rc = -ENOMEM;
		goto fail;
	}
	if (sys->display_root[0]) {
		size_t n = strlen(sys->display_root);

		while (n > 1 && sys->display_root[n - 1] == '/')
			sys->display_root[--n] = '\0';
	}

	rc = list_dir(sys, groups_rel, &names, &nnames);
	if (rc == -ENOMEM)
		goto fail;
	if (rc < 0) {
		char where[PATH_MAX + 64];

		display_path(sys, groups_rel, where, sizeof(where));
		rc = diags_add(sys->diags, "SYSFS_NO_GROUPS", RESV_SEV_INFO, where, 0, -1,
			       "no IOMMU groups: %s: %s (IOMMU off, or not a Linux sysfs root)",
			       where, errno_text(rc));
		if (rc < 0)
			goto fail;
		*out = sys;
		return 0;
	}
	sys->groups = calloc(nnames ? nnames : 1, sizeof(*sys->groups));
	if (!sys->groups) {
		rc = -ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < nnames; i++) {
		long id;

		if (!parse_group_id(names[i], &id)) {
			char rel[PATH_MAX], where[PATH_MAX + 64];

			snprintf(rel, sizeof(rel), "%s/%s", groups_rel, names[i]);
			display_path(sys, rel, where, sizeof(where));
			rc = diags_add(sys->diags, "SYSFS_GROUP_NAME", RESV_SEV_WARNING,
				       where, 0, -1,
				       "%s is not named by a group number; skipped", where);
			if (rc < 0)
				goto fail;
			continue;
		}
		sys->groups[sys->ngroups++].id = id;
	}
	qsort(sys->groups, sys->ngroups, sizeof(*sys->groups), cmp_group);
	for (size_t i = 0; i < sys->ngroups; i++) {
		rc = load_group(sys, &sys->groups[i]);
		if (rc < 0)
			goto fail;
	}
	free_names(names, nnames);
	*out = sys;
	return 0;
fail:
	free_names(names, nnames);
	resv_system_free(sys);
	return rc;
}

RESV_EXPORT size_t resv_system_group_count(const struct resv_system *sys)
{
	return sys->ngroups;
}

RESV_EXPORT const struct resv_group *resv_system_group(
	const struct resv_system *sys, size_t i)
{
	return i < sys->ngroups ? &sys->groups[i] : NULL;
}

RESV_EXPORT const struct resv_group *resv_system_find_group(
	const struct resv_system *sys, long id)
{
	for (size_t i = 0; i < sys->ngroups; i++)
		if (sys->groups[i].id == id)
			return &sys->groups[i];
	return NULL;
}

RESV_EXPORT const struct resv_diags *resv_system_diags(
	const struct resv_system *sys)
{
	return sys->diags;
}

RESV_EXPORT const char *resv_version(void)
{
	return RESV_VERSION;
}
