// SPDX-License-Identifier: MIT
/*
 * iommu-resv snapshot DIR: what the other commands read, copied from this
 * system (or --sysroot) into a new directory for --sysroot. The library
 * copies (resv_snapshot_write); this file owns the transaction: a temporary
 * directory beside DIR, renamed into place only when complete, removed on
 * any failure, and the few things only a command may do: run lspci, record
 * how the snapshot was taken.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define INFO_FILE "iommu-resv-snapshot.txt"
#define LSPCI_FILE "lspci-xxx.txt"

extern char **environ;

static void usage(FILE *f)
{
	fputs("Usage:\n"
	      " " PROG " snapshot [options] <dir>\n"
	      "\n"
	      "Copy what " PROG " reads from this system into <dir>, a new directory, for\n"
	      "--sysroot <dir> later or elsewhere. Links are kept when they stay inside\n"
	      "sys/; the others are reported, not copied.\n"
	      "\n"
	      "Options:\n"
	      "     --sysroot <dir>      copy from this root instead of / (lspci is not run)\n"
	      "     --no-lspci           do not record lspci -xxx\n"
	      " -h, --help               display this help\n"
	      " -V, --version            display version\n"
	      "\nSee iommu-resv(8).\n", f);
}

/* Remove @name in @dirfd and everything under it, following no link. */
static int remove_tree(int at, const char *name)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int fd, rc = 0;

	if (fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlinkat(at, name, 0) < 0 ? -errno : 0;
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && rc == 0)
			rc = remove_tree(dirfd(d), de->d_name);
	closedir(d);
	if (rc == 0 && unlinkat(at, name, AT_REMOVEDIR) < 0)
		rc = -errno;
	return rc;
}

/* @s on one line of the record: controls and backslashes as \xNN. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f || c == '\\')
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

/*
 * `lspci -D -xxx` into LSPCI_FILE (the --lspci format; -D: domains, as
 * machines with several segments need). Never fatal: @note says what
 * happened, for the record.
 */
static void run_lspci(int dirfd, char *note, size_t size)
{
	/* posix_spawnp() takes char *const[]; it does not write to them. */
	static char arg0[] = "lspci", arg1[] = "-D", arg2[] = "-xxx";
	char *const args[] = { arg0, arg1, arg2, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	pid_t pid;
	int fd, rc, status;

	fd = openat(dirfd, LSPCI_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(note, size, "not recorded: %s", strerror(errno));
		return;
	}
	sigemptyset(&none);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawnattr_init(&attr);
	/* The child can be interrupted even while we hold the signals. */
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawnp(&pid, "lspci", &fa, &attr, args, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(fd);
	if (rc != 0) {
		snprintf(note, size, "not recorded: cannot run lspci: %s%s", strerror(rc),
			 rc == ENOENT ? " (pciutils is not installed)" : "");
		unlinkat(dirfd, LSPCI_FILE, 0);
		return;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (status == 0) {
		snprintf(note, size, LSPCI_FILE " (lspci -D -xxx%s)",
			 geteuid() == 0 ? "" : "; not root: 64 bytes of config space");
		return;
	}
	if (status != -1 && WIFEXITED(status))
		snprintf(note, size, "not recorded: lspci exited with status %d", WEXITSTATUS(status));
	else
		snprintf(note, size, "not recorded: lspci failed");
	unlinkat(dirfd, LSPCI_FILE, 0);
}

/* The first line of a file of the copy, for the record. */
static void read_line(int dirfd, const char *rel, char *out, size_t size)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, out, size - 1);

	if (fd >= 0)
		close(fd);
	out[n > 0 ? n : 0] = '\0';
	out[strcspn(out, "\n")] = '\0';
}

/* INFO_FILE: how, when and from where the snapshot was taken. */
static int write_record(int dirfd, int argc, char **argv, const char *source, int written,
			const char *lspci, const struct resv_diags *diags)
{
	char when[64], kernel[256];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;
	int fd;

	fd = openat(dirfd, INFO_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -errno;
	}
	if (!gmtime_r(&now, &tm) || !strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(when, sizeof(when), "unknown");
	read_line(dirfd, "proc/sys/kernel/osrelease", kernel, sizeof(kernel));
	fprintf(f, "# An iommu-resv snapshot: iommu-resv <command> --sysroot <this directory>\n"
		"version: %s\ndate: %s\nsource: ", resv_version(), when);
	put_escaped(f, source);
	fputs("\ncommand: " PROG, f);
	for (int i = 0; i < argc; i++) {
		fputc(' ', f);
		put_escaped(f, argv[i]);
	}
	fprintf(f, "\neuid: %u\nkernel: ", (unsigned int)geteuid());
	put_escaped(f, *kernel ? kernel : "unknown (no proc/sys/kernel/osrelease)");
	fprintf(f, "\nlspci: %s\ncopied: %d files and links\n", lspci, written);
	for (size_t i = 0; i < resv_diags_count(diags); i++) {
		const struct resv_diag *g = resv_diags_get(diags, i);

		fputs("not copied: ", f);
		put_escaped(f, g->message);
		fprintf(f, " [%s]\n", g->id);
	}
	if (fflush(f) != 0 || ferror(f)) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) == 0 ? 0 : -errno;
}

/* DIR, or -EEXIST when something is there (even a dangling link). */
static int must_not_exist(const char *dir)
{
	struct stat st;

	if (lstat(dir, &st) == 0)
		return -EEXIST;
	return errno == ENOENT ? 0 : -errno;
}

/* rename() that never replaces: an empty directory DIR would be replaced. */
static int rename_noreplace(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* A file system without RENAME_NOREPLACE: check, then rename. */
	if (must_not_exist(to) < 0)
		return -EEXIST;
	return rename(from, to) == 0 ? 0 : -errno;
}

int cmd_snapshot(int argc, char **argv)
{
	enum { OPT_SYSROOT = 0x100, OPT_NO_LSPCI };
	static const struct option longopts[] = {
		{ "sysroot", required_argument, NULL, OPT_SYSROOT },
		{ "no-lspci", no_argument, NULL, OPT_NO_LSPCI },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sysroot = NULL;
	char dir[PATH_MAX], tmp[PATH_MAX + 16], source[PATH_MAX], lspci[512];
	struct resv_diags *diags = NULL;
	sigset_t hold, old, pending;
	bool no_lspci = false;
	int c, tfd = -1, written, rc, status = EXIT_FAIL;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SYSROOT: sysroot = optarg; break;
		case OPT_NO_LSPCI: no_lspci = true; break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf(PROG " %s\n", resv_version());
			return EXIT_OK;
		default:
			errtryhelp("snapshot");
			return EXIT_FAIL;
		}
	}
	if (argc - optind != 1) {
		warnx_("snapshot: %s", argc == optind ? "no directory given" :
			"give one directory");
		errtryhelp("snapshot");
		return EXIT_FAIL;
	}
	if ((size_t)snprintf(dir, sizeof(dir), "%s", argv[optind]) >= sizeof(dir) || !*dir) {
		warnx_("snapshot: bad directory name");
		return EXIT_FAIL;
	}
	for (size_t n = strlen(dir); n > 1 && dir[n - 1] == '/';)
		dir[--n] = '\0';
	rc = must_not_exist(dir);
	if (rc < 0) {
		if (rc == -EEXIST)
			warnx_("snapshot: %s already exists; give a new directory (nothing "
			       "is overwritten)", dir);
		else
			warnx_("snapshot: %s: %s", dir, strerror(-rc));
		return EXIT_FAIL;
	}
	if (!realpath(sysroot ? sysroot : "/", source)) {
		warnx_("sysroot '%s' does not exist", sysroot ? sysroot : "/");
		return EXIT_FAIL;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", dir);

	/* Interrupted, we clean up first: the signals wait until we know. */
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigaddset(&hold, SIGQUIT);
	sigprocmask(SIG_BLOCK, &hold, &old);

	if (!mkdtemp(tmp)) {
		/* The temporary name is ours; the user asked for @dir. */
		warnx_("snapshot: cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	tfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (tfd < 0) {
		warnx_("snapshot: cannot create %s: %s", dir, strerror(errno));
		goto cleanup;
	}
	if (resv_diags_new(&diags) < 0)
		goto nomem;
	written = resv_snapshot_write(tfd, sysroot, diags);
	print_diags(diags);
	if (written == -ENOMEM)
		goto nomem;
	if (written < 0) {
		if (resv_diags_max_severity(diags) < RESV_SEV_ERROR)
			warnx_("snapshot: %s: %s", source, strerror(-written));
		goto cleanup;
	}
	/* Host lspci describes the host, not another root. */
	if (no_lspci)
		snprintf(lspci, sizeof(lspci), "not run (--no-lspci)");
	else if (strcmp(source, "/") != 0)
		snprintf(lspci, sizeof(lspci), "not run (the source is not the live system)");
	else
		run_lspci(tfd, lspci, sizeof(lspci));
	if (strncmp(lspci, "not recorded", 12) == 0)
		warnx_("snapshot: note: lspci -xxx %s", lspci);
	rc = write_record(tfd, argc, argv, source, written, lspci, diags);
	if (rc < 0) {
		warnx_("snapshot: cannot write %s/" INFO_FILE ": %s", dir, strerror(-rc));
		goto cleanup;
	}
	/* mkdtemp() made it 0700; a snapshot is made to be shared, as mkdir would. */
	mode_t mask = umask(0);

	umask(mask);
	if (fchmod(tfd, 0777 & ~mask) < 0) {
		warnx_("snapshot: cannot create %s: %s", dir, strerror(errno));
		goto cleanup;
	}
	sigpending(&pending);
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&hold, s) == 1 && sigismember(&pending, s) == 1)
			goto cleanup;	/* the signal is delivered when we unblock */
	rc = rename_noreplace(tmp, dir);
	if (rc < 0) {
		warnx_("snapshot: cannot create %s: %s", dir,
		       rc == -EEXIST ? "it appeared meanwhile; nothing is overwritten" :
		       strerror(-rc));
		goto cleanup;
	}
	status = EXIT_OK;
	goto out;
nomem:
	warnx_("out of memory");
cleanup:
	rc = remove_tree(AT_FDCWD, tmp);
	if (rc < 0)
		warnx_("snapshot: cannot remove the partial copy %s: %s", tmp, strerror(-rc));
out:
	if (tfd >= 0)
		close(tfd);
	resv_diags_free(diags);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return status;
}
