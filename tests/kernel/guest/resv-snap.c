// SPDX-License-Identifier: MIT
/*
 * resv-snap DIR: the guest half of the kernel bench (tests/kernel). The
 * library's own resv_snapshot_write() — the call `iommu-resv snapshot`
 * makes — copies / into DIR (created here, must not exist), linked
 * statically with the library's sources so that it runs in a busybox
 * initramfs on x86_64 and arm64. No lspci, no record file: only what the
 * library writes. Diagnostics go to stderr, one a line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iommu-resv.h>

int main(int argc, char **argv)
{
	struct resv_diags *diags = NULL;
	int dirfd, n;

	if (argc != 2) {
		fputs("usage: resv-snap DIR\n", stderr);
		return 2;
	}
	if (mkdir(argv[1], 0755) < 0) {
		fprintf(stderr, "resv-snap: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	dirfd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 || resv_diags_new(&diags) < 0) {
		fprintf(stderr, "resv-snap: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	n = resv_snapshot_write(dirfd, NULL, diags);
	for (size_t i = 0; i < resv_diags_count(diags); i++) {
		const struct resv_diag *d = resv_diags_get(diags, i);

		fprintf(stderr, "resv-snap: %s: %s %s: %s\n",
			resv_severity_name(d->severity), d->id,
			d->where ? d->where : "-", d->message);
	}
	resv_diags_free(diags);
	close(dirfd);
	if (n < 0) {
		fprintf(stderr, "resv-snap: snapshot failed: %s\n", strerror(-n));
		return 1;
	}
	fprintf(stderr, "resv-snap: %d files and links\n", n);
	return 0;
}
