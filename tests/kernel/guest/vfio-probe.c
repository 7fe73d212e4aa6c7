// SPDX-License-Identifier: MIT
/*
 * vfio-probe: what the running kernel's VFIO says about each IOMMU group,
 * for the kernel bench (tests/kernel). Runs in the guest as init's child,
 * statically linked, after the snapshot was taken.
 *
 * For every group whose devices are all PCI: bind each endpoint to vfio-pci
 * (driver_override, unbind, drivers_probe), then the legacy container path
 * (VFIO_GROUP_GET_STATUS, VFIO_GROUP_SET_CONTAINER, VFIO_SET_IOMMU type1v2,
 * VFIO_IOMMU_GET_INFO's IOVA-range capability), then, where the kernel has
 * iommufd and VFIO device cdevs, the iommufd path per device
 * (IOMMU_IOAS_ALLOC, VFIO_DEVICE_BIND_IOMMUFD, VFIO_DEVICE_ATTACH_IOMMUFD_PT,
 * IOMMU_IOAS_IOVA_RANGES).
 *
 * Output, one result a line, read by tests/kernel/compare.py:
 *   group N devices BDF...
 *   group N skip REASON
 *   group N bind BDF ok|error ERRNO|driver NAME
 *   group N open ok|error ERRNO
 *   group N viable yes|no
 *   group N set-container ok|error ERRNO
 *   group N set-iommu ok|error ERRNO
 *   group N get-info ok|error ERRNO
 *   group N iova 0x%016llx 0x%016llx        (repeated, in the kernel's order)
 *   group N iova-cap yes|no
 *   iommufd N BDF STEP ok|error ERRNO|n/a REASON   (STEP: cdev ioas-alloc bind attach ranges)
 *   iommufd N BDF iova 0x%016llx 0x%016llx
 *   iommufd N BDF alignment 0x%llx
 * Errno names come from errno_name(); an unknown one prints as its number.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfio.h>

#define GROUPS_DIR "/sys/kernel/iommu_groups"
#define MAX_DEVS 64
#define MAX_RANGES 256

/*
 * iommufd and VFIO cdev uAPI, newer than the build host's linux-libc-dev
 * (6.1): the values of include/uapi/linux/iommufd.h (v6.2+) and
 * include/uapi/linux/vfio.h (VFIO_DEVICE_BIND_IOMMUFD and
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT, v6.6+). Later kernels append fields; they
 * take the size from argsz/size, so these first versions stay valid.
 */
#define PROBE_IOMMUFD_TYPE ';'
#define PROBE_IOMMU_IOAS_ALLOC _IO(PROBE_IOMMUFD_TYPE, 0x81)
#define PROBE_IOMMU_IOAS_IOVA_RANGES _IO(PROBE_IOMMUFD_TYPE, 0x84)
#define PROBE_VFIO_DEVICE_BIND_IOMMUFD _IO(VFIO_TYPE, VFIO_BASE + 18)
#define PROBE_VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(VFIO_TYPE, VFIO_BASE + 19)

struct probe_ioas_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_ioas_id;
};

struct probe_iova_range {
	uint64_t start;
	uint64_t last;
};

struct probe_ioas_iova_ranges {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved;
	uint64_t allowed_iovas;
	uint64_t out_iova_alignment;
};

struct probe_bind_iommufd {
	uint32_t argsz;
	uint32_t flags;
	int32_t iommufd;
	uint32_t out_devid;
};

struct probe_attach_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pt_id;
};

/* The errno names the report shows; the ones these ioctls return. */
static const char *errno_name(int e)
{
	static char buf[16];

	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case ENXIO: return "ENXIO";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EAGAIN: return "EAGAIN";
	case ENOMEM: return "ENOMEM";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOSPC: return "ENOSPC";
	case ENOTTY: return "ENOTTY";
	case ERANGE: return "ERANGE";
	case EOVERFLOW: return "EOVERFLOW";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EMSGSIZE: return "EMSGSIZE";
	case ENOSYS: return "ENOSYS";
	}
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

/* Write @val to the sysfs file @path; 0 or -errno. */
static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;
	int rc = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Read the first line of a small sysfs file into @buf; 0 or -errno. */
static int read_line(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The name of the driver bound to PCI device @bdf, or "" for none. */
static void driver_of(const char *bdf, char *out, size_t size)
{
	char path[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	const char *slash;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, target, sizeof(target) - 1);
	out[0] = '\0';
	if (n <= 0)
		return;
	target[n] = '\0';
	slash = strrchr(target, '/');
	snprintf(out, size, "%s", slash ? slash + 1 : target);
}

/* A PCI-to-PCI bridge (class 0x0604xx) is left with its driver. */
static int is_bridge(const char *bdf)
{
	char path[PATH_MAX], cls[32];

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/class", bdf);
	if (read_line(path, cls, sizeof(cls)) < 0)
		return 0;
	return strtoul(cls, NULL, 16) >> 8 == 0x0604;
}

/*
 * A bridge's driver that would make the group not viable, unbound as an
 * operator does. From v5.19 a group is viable only while no bound driver
 * claims DMA ownership (iommu.c iommu_group_dma_owner_claimed; vfio
 * group.c vfio_group_ioctl_get_status): only drivers with
 * driver_managed_dma (vfio-pci, pci-stub, pcieport) do not. shpchp (built
 * into Debian's arm64 kernels, bound to a conventional PCIe-to-PCI
 * bridge) does: SET_CONTAINER then fails with EPERM. Before v5.19 any
 * driver of a bridge was allowed (vfio.c vfio_dev_driver_allowed).
 */
static void unbind_bridge_driver(unsigned int group, const char *bdf)
{
	static const char *const managed[] = { "pcieport", "pci-stub", "vfio-pci" };
	char path[PATH_MAX], drv[64];
	int rc;

	driver_of(bdf, drv, sizeof(drv));
	if (!drv[0])
		return;
	for (size_t i = 0; i < sizeof(managed) / sizeof(managed[0]); i++)
		if (strcmp(drv, managed[i]) == 0)
			return;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
	rc = write_file(path, bdf);
	printf("group %u unbind-bridge %s %s %s\n", group, bdf, drv, rc < 0 ? errno_name(-rc) : "ok");
}

/* Bind @bdf to vfio-pci; print the outcome. 0 when vfio-pci holds it. */
static int bind_vfio(unsigned int group, const char *bdf)
{
	char path[PATH_MAX], drv[64];
	int rc;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver_override", bdf);
	rc = write_file(path, "vfio-pci");
	if (rc < 0) {
		printf("group %u bind %s error %s\n", group, bdf, errno_name(-rc));
		return rc;
	}
	driver_of(bdf, drv, sizeof(drv));
	if (drv[0] && strcmp(drv, "vfio-pci")) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
		rc = write_file(path, bdf);
		if (rc < 0) {
			printf("group %u bind %s error %s\n", group, bdf, errno_name(-rc));
			return rc;
		}
	}
	if (!drv[0] || strcmp(drv, "vfio-pci"))
		write_file("/sys/bus/pci/drivers_probe", bdf);
	driver_of(bdf, drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci")) {
		printf("group %u bind %s driver %s\n", group, bdf, drv[0] ? drv : "none");
		return -ENODEV;
	}
	printf("group %u bind %s ok\n", group, bdf);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The devices of @group, sorted; -1 when one is not a PCI function. */
static int group_devices(unsigned int group, char **devs, int *ndevs)
{
	char path[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n = 0, all_pci = 1;

	snprintf(path, sizeof(path), GROUPS_DIR "/%u/devices", group);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)) && n < MAX_DEVS) {
		ssize_t len;
		char link[PATH_MAX];

		if (de->d_name[0] == '.')
			continue;
		snprintf(link, sizeof(link), "%s/%s/subsystem", path, de->d_name);
		len = readlink(link, target, sizeof(target) - 1);
		if (len <= 0)
			all_pci = 0;
		else {
			target[len] = '\0';
			if (strcmp(strrchr(target, '/') ? strrchr(target, '/') + 1 : target, "pci"))
				all_pci = 0;
		}
		devs[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(devs, n, sizeof(*devs), cmp_str);
	*ndevs = n;
	return all_pci ? 0 : -1;
}

/* The IOVA-range capability of type1's info, in the kernel's order. */
static void print_type1_ranges(unsigned int group, int container)
{
	struct vfio_iommu_type1_info probe = { .argsz = sizeof(probe) };
	struct vfio_iommu_type1_info *info;
	uint32_t off, steps = 0;
	int found = 0;

	if (ioctl(container, VFIO_IOMMU_GET_INFO, &probe) < 0) {
		printf("group %u get-info error %s\n", group, errno_name(errno));
		return;
	}
	if (probe.argsz < sizeof(probe) || probe.argsz > (1u << 20)) {
		printf("group %u get-info error argsz=%u\n", group, probe.argsz);
		return;
	}
	info = calloc(1, probe.argsz);
	if (!info)
		return;
	info->argsz = probe.argsz;
	if (ioctl(container, VFIO_IOMMU_GET_INFO, info) < 0) {
		printf("group %u get-info error %s\n", group, errno_name(errno));
		free(info);
		return;
	}
	printf("group %u get-info ok\n", group);
	off = (info->flags & VFIO_IOMMU_INFO_CAPS) ? info->cap_offset : 0;
	/* The chain lives inside argsz; every offset is checked, at most 64 hops. */
	while (off && off + sizeof(struct vfio_info_cap_header) <= info->argsz && steps++ < 64) {
		struct vfio_info_cap_header *hdr = (void *)((char *)info + off);

		if (hdr->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *cap = (void *)hdr;
			size_t need = off + sizeof(*cap);

			found = 1;
			if (need <= info->argsz &&
			    cap->nr_iovas <= (info->argsz - need) / sizeof(cap->iova_ranges[0]))
				for (uint32_t i = 0; i < cap->nr_iovas; i++)
					printf("group %u iova 0x%016llx 0x%016llx\n", group,
					       (unsigned long long)cap->iova_ranges[i].start,
					       (unsigned long long)cap->iova_ranges[i].end);
			else
				printf("group %u get-info error bad-cap\n", group);
		}
		if (hdr->next <= off)
			break;
		off = hdr->next;
	}
	printf("group %u iova-cap %s\n", group, found ? "yes" : "no");
	free(info);
}

/* The legacy container path for one group. */
static void probe_type1(unsigned int group)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];
	int container, fd;

	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0) {
		printf("group %u open error container-%s\n", group, errno_name(errno));
		return;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%u", group);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("group %u open error %s\n", group, errno_name(errno));
		close(container);
		return;
	}
	printf("group %u open ok\n", group);
	if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status) < 0)
		printf("group %u viable error %s\n", group, errno_name(errno));
	else
		printf("group %u viable %s\n", group,
		       (status.flags & VFIO_GROUP_FLAGS_VIABLE) ? "yes" : "no");
	if (ioctl(fd, VFIO_GROUP_SET_CONTAINER, &container) < 0) {
		printf("group %u set-container error %s\n", group, errno_name(errno));
		goto out;
	}
	printf("group %u set-container ok\n", group);
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0) {
		printf("group %u set-iommu error %s\n", group, errno_name(errno));
		goto out;
	}
	printf("group %u set-iommu ok\n", group);
	print_type1_ranges(group, container);
out:
	close(fd);
	close(container);
}

/* The vfioN cdev of @bdf, from its vfio-dev directory (v6.6+). */
static int find_cdev(const char *bdf, char *name, size_t size)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int rc = -ENOENT;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vfio-dev", bdf);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "vfio", 4)) {
			snprintf(name, size, "%s", de->d_name);
			rc = 0;
			break;
		}
	closedir(d);
	return rc;
}

/* The iommufd path for one device. */
static void probe_iommufd(unsigned int group, const char *bdf)
{
	struct probe_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct probe_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct probe_attach_pt attach = { .argsz = sizeof(attach) };
	struct probe_ioas_iova_ranges ranges = { .size = sizeof(ranges) };
	static struct probe_iova_range r[MAX_RANGES];
	char cdev[256], path[PATH_MAX];
	int iommufd, dev;

	if (access("/dev/iommu", F_OK) < 0) {
		printf("iommufd %u %s cdev n/a no-/dev/iommu\n", group, bdf);
		return;
	}
	if (find_cdev(bdf, cdev, sizeof(cdev)) < 0) {
		printf("iommufd %u %s cdev n/a no-vfio-cdev\n", group, bdf);
		return;
	}
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", cdev);
	iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (iommufd < 0) {
		printf("iommufd %u %s cdev error iommu-%s\n", group, bdf, errno_name(errno));
		return;
	}
	dev = open(path, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		printf("iommufd %u %s cdev error %s\n", group, bdf, errno_name(errno));
		close(iommufd);
		return;
	}
	printf("iommufd %u %s cdev ok\n", group, bdf);
	if (ioctl(iommufd, PROBE_IOMMU_IOAS_ALLOC, &alloc) < 0) {
		printf("iommufd %u %s ioas-alloc error %s\n", group, bdf, errno_name(errno));
		goto out;
	}
	printf("iommufd %u %s ioas-alloc ok\n", group, bdf);
	bind.iommufd = iommufd;
	if (ioctl(dev, PROBE_VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0) {
		printf("iommufd %u %s bind error %s\n", group, bdf, errno_name(errno));
		goto out;
	}
	printf("iommufd %u %s bind ok\n", group, bdf);
	attach.pt_id = alloc.out_ioas_id;
	if (ioctl(dev, PROBE_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) < 0) {
		printf("iommufd %u %s attach error %s\n", group, bdf, errno_name(errno));
		goto out;
	}
	printf("iommufd %u %s attach ok\n", group, bdf);
	ranges.ioas_id = alloc.out_ioas_id;
	ranges.num_iovas = MAX_RANGES;
	ranges.allowed_iovas = (uintptr_t)r;
	if (ioctl(iommufd, PROBE_IOMMU_IOAS_IOVA_RANGES, &ranges) < 0) {
		printf("iommufd %u %s ranges error %s\n", group, bdf, errno_name(errno));
		goto out;
	}
	printf("iommufd %u %s ranges ok\n", group, bdf);
	for (uint32_t i = 0; i < ranges.num_iovas && i < MAX_RANGES; i++)
		printf("iommufd %u %s iova 0x%016llx 0x%016llx\n", group, bdf,
		       (unsigned long long)r[i].start, (unsigned long long)r[i].last);
	printf("iommufd %u %s alignment 0x%llx\n", group, bdf,
	       (unsigned long long)ranges.out_iova_alignment);
out:
	close(dev);
	close(iommufd);
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

int main(void)
{
	static unsigned int groups[4096];
	struct dirent *de;
	size_t ngroups = 0;
	DIR *d;

	setvbuf(stdout, NULL, _IOLBF, 0);
	d = opendir(GROUPS_DIR);
	if (!d) {
		printf("vfio-probe: no %s (%s)\n", GROUPS_DIR, errno_name(errno));
		return 0;
	}
	while ((de = readdir(d)) && ngroups < sizeof(groups) / sizeof(groups[0]))
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			groups[ngroups++] = strtoul(de->d_name, NULL, 10);
	closedir(d);
	qsort(groups, ngroups, sizeof(groups[0]), cmp_uint);

	for (size_t g = 0; g < ngroups; g++) {
		unsigned int group = groups[g];
		char *devs[MAX_DEVS];
		int ndevs = 0, all_pci, bound = 1;

		all_pci = group_devices(group, devs, &ndevs) == 0;
		printf("group %u devices", group);
		for (int i = 0; i < ndevs; i++)
			printf(" %s", devs[i]);
		printf("\n");
		if (!all_pci) {
			printf("group %u skip not-all-pci\n", group);
			goto next;
		}
		for (int i = 0; i < ndevs; i++)
			if (is_bridge(devs[i]))
				unbind_bridge_driver(group, devs[i]);
		for (int i = 0; i < ndevs; i++)
			if (!is_bridge(devs[i]) && bind_vfio(group, devs[i]) < 0)
				bound = 0;
		if (!bound)
			printf("group %u skip not-bound\n", group);
		probe_type1(group);
		for (int i = 0; i < ndevs; i++)
			if (!is_bridge(devs[i]))
				probe_iommufd(group, devs[i]);
next:
		for (int i = 0; i < ndevs; i++)
			free(devs[i]);
	}
	printf("vfio-probe: done\n");
	return 0;
}
