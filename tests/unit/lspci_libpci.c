// SPDX-License-Identifier: MIT
/*
 * The reference for cli/lspci.c, in the test only: an `lspci -x` dump read
 * through libpci's dump access method, the one `lspci -F FILE` uses
 * (pciutils lib/dump.c), with the checks lspci_read() adds (sorted, one
 * function twice, no bytes, VMD domains). This was the CLI's reader until
 * it took 5 s for a big host's dump. What libpci does, as of the pciutils
 * 3.9.0 that Debian 12 ships:
 *
 * - dump_init() parses the whole file inside pci_init(): a line starting
 *   "bb:dd.f ", "dddd:bb:dd.f " or "ddddd:bb:dd.f " opens a function (no
 *   domain means domain 0); "xx: " .. "xxxxxxxx: " rows fill its bytes;
 *   any other line is ignored, so a file of garbage is an empty dump, not
 *   an error. The functions are linked in reverse file order.
 * - It errors (a->error, which by default prints and exit()s) on a file it
 *   cannot open, a line of 255 characters or more, a row with a token that
 *   is not two hex digits, or an offset past 4095.
 * - dump_read() serves [pos, pos + len) only below the highest offset the
 *   dump wrote; bytes the rows skipped read as 0xff. That is the only way
 *   to learn how many bytes a function has: it is not in struct pci_dev.
 *
 * libpci's error callback must not return and has no context argument:
 * ours longjmp()s back to the one place that armed it (a thread-local
 * pointer), and pci_cleanup() frees what the reader had linked.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pci/pci.h>

#include "lspci.h"
#include "lspci_libpci.h"

/* lib/dump.c dump_init(): "At most 4096 bytes of config space are supported". */
#define LSPCI_CONFIG_MAX 4096

struct lspci_func {
	int domain;
	uint8_t bus, dev, fn;
	size_t len;
	uint8_t config[LSPCI_CONFIG_MAX];
};

struct lspci_state {
	jmp_buf env;
	struct pci_access *pacc;
	struct pci_dev **devs;	/* here, not in a local: it outlives longjmp() */
	struct lspci_func *funcs;
	int nfuncs;
	char msg[256];		/* libpci's error, or our own */
	char note[256];		/* first warning or skipped function */
};

/* Armed only while lspci_load() runs libpci. */
static _Thread_local struct lspci_state *lspci_trap;

static void lspci_error(char *msg, ...) PCI_PRINTF(1, 2) PCI_NONRET;
static void lspci_error(char *msg, ...)
{
	struct lspci_state *s = lspci_trap;
	va_list ap;

	if (!s)
		abort();
	va_start(ap, msg);
	vsnprintf(s->msg, sizeof(s->msg), msg, ap);
	va_end(ap);
	longjmp(s->env, 1);
}

static void lspci_warning(char *msg, ...) PCI_PRINTF(1, 2);
static void lspci_warning(char *msg, ...)
{
	struct lspci_state *s = lspci_trap;
	va_list ap;

	if (!s || s->note[0])
		return;
	va_start(ap, msg);
	vsnprintf(s->note, sizeof(s->note), msg, ap);
	va_end(ap);
}

static void lspci_debug(char *msg, ...) PCI_PRINTF(1, 2);
static void lspci_debug(char *msg, ...)
{
}

static int cmp_dev(const void *pa, const void *pb)
{
	const struct pci_dev *a = *(struct pci_dev *const *)pa;
	const struct pci_dev *b = *(struct pci_dev *const *)pb;

	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->func != b->func)
		return a->func < b->func ? -1 : 1;
	return 0;
}

/*
 * The byte count of @d: dump_read() succeeds exactly for the bytes below
 * the dump's highest offset, so read them one by one until it refuses.
 */
static size_t read_config(struct pci_dev *d, uint8_t *buf)
{
	size_t n;

	for (n = 0; n < LSPCI_CONFIG_MAX; n++)
		if (!pci_read_block(d, (int)n, buf + n, 1))
			break;
	return n;
}

/* Parse @path into s->funcs, sorted and checked. Everything that may call
 * lspci_error() runs here, under setjmp(). */
static int lspci_load(struct lspci_state *s, char *path)
{
	static char dump_name[] = "dump.name";	/* libpci takes char * */
	struct pci_dev **devs;
	struct pci_dev *d;
	int n = 0, i, ret;

	if (setjmp(s->env)) {
		lspci_trap = NULL;
		return -EBADMSG;
	}
	lspci_trap = s;

	s->pacc = pci_alloc();
	if (!s->pacc) {
		ret = -ENOMEM;
		goto out;
	}
	s->pacc->error = lspci_error;
	s->pacc->warning = lspci_warning;
	s->pacc->debug = lspci_debug;
	s->pacc->method = PCI_ACCESS_DUMP;
	if (pci_set_param(s->pacc, dump_name, path)) {
		snprintf(s->msg, sizeof(s->msg), "libpci has no dump.name parameter");
		ret = -EBADMSG;
		goto out;
	}
	pci_init(s->pacc);	/* dump_init() reads the whole file */
	pci_scan_bus(s->pacc);	/* dump_scan() is empty: for form's sake */

	for (d = s->pacc->devices; d; d = d->next)
		n++;
	if (!n) {
		snprintf(s->msg, sizeof(s->msg),
			 "no PCI function in the dump (not the output of lspci -x?)");
		ret = -EBADMSG;
		goto out;
	}
	devs = s->devs = calloc(n, sizeof(*devs));
	s->funcs = calloc(n, sizeof(*s->funcs));
	if (!devs || !s->funcs) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0, d = s->pacc->devices; d; d = d->next)
		devs[i++] = d;
	qsort(devs, n, sizeof(*devs), cmp_dev);

	for (i = 0; i < n; i++) {
		struct lspci_func *f = &s->funcs[s->nfuncs];

		d = devs[i];
		if (i && !cmp_dev(&devs[i - 1], &devs[i])) {
			snprintf(s->msg, sizeof(s->msg),
				 "%04x:%02x:%02x.%d appears twice in the dump",
				 d->domain, d->bus, d->dev, d->func);
			ret = -EBADMSG;
			goto out;
		}
		/*
		 * Linux numbers VMD's domains from 0x10000 (drivers/pci/
		 * controller/vmd.c vmd_find_free_domain()) so that they clash
		 * with no ACPI segment; the IOMMU sees their DMA as the VMD
		 * endpoint's (pci_real_dma_dev()), which the dump also has.
		 */
		if (d->domain < 0 || d->domain > 0xffff) {
			if (!s->note[0])
				snprintf(s->note, sizeof(s->note),
					 "%04x:%02x:%02x.%d skipped: domain past 0xffff (VMD?)",
					 d->domain, d->bus, d->dev, d->func);
			continue;
		}
		f->domain = d->domain;
		f->bus = d->bus;
		f->dev = d->dev;
		f->fn = d->func;
		f->len = read_config(d, f->config);
		if (!f->len) {
			snprintf(s->msg, sizeof(s->msg),
				 "%04x:%02x:%02x.%d has no config bytes (lspci without -x?)",
				 d->domain, d->bus, d->dev, d->func);
			ret = -EBADMSG;
			goto out;
		}
		s->nfuncs++;
	}
	ret = s->nfuncs;
out:
	lspci_trap = NULL;
	return ret;
}

int libpci_dump_read(const char *path, lspci_fn fn, void *ctx, char *err,
		     size_t errlen)
{
	struct lspci_state *s;
	struct stat st;
	char *name;
	int fd, ret, i;

	if (errlen)
		err[0] = '\0';
	/*
	 * libpci's "Cannot open" is an error like any other; opening the
	 * file first keeps its errno, and refuses a directory, which fopen()
	 * accepts and dump_init() would read as an empty dump.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(-ret));
		return ret;
	}
	ret = fstat(fd, &st) ? -errno : S_ISDIR(st.st_mode) ? -EISDIR : 0;
	close(fd);
	if (ret) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-ret));
		return ret;
	}

	s = calloc(1, sizeof(*s));
	name = strdup(path);	/* pci_set_param() takes a char * */
	if (!s || !name) {
		free(s);
		free(name);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -ENOMEM;
	}
	ret = lspci_load(s, name);
	if (ret == -ENOMEM && !s->msg[0])
		snprintf(s->msg, sizeof(s->msg), "%s", strerror(ENOMEM));
	for (i = 0; ret >= 0 && i < s->nfuncs; i++) {
		const struct lspci_func *f = &s->funcs[i];
		int r = fn(ctx, (uint16_t)f->domain, f->bus, f->dev, f->fn,
			   f->config, f->len);

		if (r < 0)
			ret = r;
	}
	if (ret < 0 && s->msg[0])
		snprintf(err, errlen, "%s: %s", path, s->msg);
	else if (ret >= 0 && s->note[0])
		snprintf(err, errlen, "%s: %s", path, s->note);
	if (s->pacc)
		pci_cleanup(s->pacc);
	free(s->devs);
	free(s->funcs);
	free(s);
	free(name);
	return ret;
}
