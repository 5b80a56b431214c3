/*
 * faults.c - an LD_PRELOAD shim that makes one system call fail, for the
 * failure tests in tests/limits.sh (after jq's and SQLite's fault tests):
 *
 *   STSIFY_FAULT=CALL:ERRNO[:SUBSTRING] LD_PRELOAD=tests/faults.so stsify ...
 *
 * CALL is open, read, write, fsync, close, rename or mkstemp; ERRNO is
 * ENOSPC, EIO, EROFS, EACCES or EDQUOT.  With SUBSTRING, only calls on a
 * path containing it fail (open, rename, mkstemp; open covers openat, with
 * which the walk reads the files it finds, by their name in the folder);
 * calls on descriptors
 * (read, write, fsync, close) fail on descriptors above 2 only, so stdin,
 * stdout and stderr keep working.  write is the one call that fails like a
 * filling disk: its first faulty call writes half the bytes, the next fails.
 *
 *   STSIFY_FAULT_SIGNAL=SIG:CALL[:N] LD_PRELOAD=tests/faults.so stsify -w ...
 *
 * sends the process signal SIG (INT, TERM, HUP, PIPE or KILL) at its N-th
 * (default first) call of CALL (write or fsync) on a descriptor above 2:
 * while -w has a temporary file (write: after half of its bytes), for the
 * tests of what an interrupted run leaves (limits.sh, kill.sh).
 *
 *   STSIFY_FAULT_RUN='SHELL COMMAND' LD_PRELOAD=tests/faults.so stsify -w ...
 *
 * runs the command (system(3)) at the first fsync on a descriptor above 2,
 * the temporary file written and not yet renamed: another program editing,
 * replacing or deleting the file while stsify works on it.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <unistd.h>

static char fault_name[32], subst[256];
static int fault_errno;

/* once: stsify calls open and read from several threads */
static void parse_spec(void)
{
	const char *spec, *c;
	size_t n;

	if (!(spec = getenv("STSIFY_FAULT")) || !(c = strchr(spec, ':')))
		return;
	n = (size_t)(c - spec) < sizeof(fault_name) - 1 ? (size_t)(c - spec) : sizeof(fault_name) - 1;
	memcpy(fault_name, spec, n);
	fault_name[n] = '\0';
	c++;
	if (!strncmp(c, "ENOSPC", 6))
		fault_errno = ENOSPC;
	else if (!strncmp(c, "EIO", 3))
		fault_errno = EIO;
	else if (!strncmp(c, "EROFS", 5))
		fault_errno = EROFS;
	else if (!strncmp(c, "EACCES", 6))
		fault_errno = EACCES;
	else if (!strncmp(c, "EDQUOT", 6))
		fault_errno = EDQUOT;
	if ((c = strchr(c, ':')))
		snprintf(subst, sizeof(subst), "%s", c + 1);
}

static const char *fault_call(int *err, const char **sub)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, parse_spec);
	*err = fault_errno;
	*sub = subst;
	return fault_errno ? fault_name : "";
}

/* errno to fail with when call on path (or descriptor fd) must fail, else 0 */
static int should_fail(const char *call, const char *path, int fd)
{
	int e;
	const char *sub, *c = fault_call(&e, &sub);

	if (!e || strcmp(c, call))
		return 0;
	if (path)
		return !*sub || strstr(path, sub) ? e : 0;
	return fd > 2 ? e : 0;
}

#define REAL(name, type)                                                       \
	static type real_;                                                     \
	if (!real_)                                                            \
		*(void **)&real_ = dlsym(RTLD_NEXT, name)

/* Set errno and say so when call on path (or descriptor fd) must fail. */
static int failed(const char *call, const char *path, int fd)
{
	int e = should_fail(call, path, fd);

	if (e)
		errno = e;
	return e != 0;
}

/* The mode of an open call, an argument only when it may create a file. */
#define OPEN_MODE(flags, mode)                                                 \
	do {                                                                   \
		va_list ap;                                                    \
                                                                               \
		va_start(ap, flags);                                           \
		mode = flags & (O_CREAT | O_TMPFILE) ? (mode_t)va_arg(ap, int) : 0; \
		va_end(ap);                                                    \
	} while (0)

/* open and open64, openat and openat64: the same but for the symbol. */
#define WRAP_OPEN(sym)                                                         \
	int sym(const char *path, int flags, ...)                              \
	{                                                                      \
		typedef int (*fn)(const char *, int, ...);                     \
		mode_t mode;                                                   \
		REAL(#sym, fn);                                                \
                                                                               \
		OPEN_MODE(flags, mode);                                        \
		return failed("open", path, -1) ? -1 : real_(path, flags, mode); \
	}
#define WRAP_OPENAT(sym)                                                       \
	int sym(int dirfd, const char *path, int flags, ...)                   \
	{                                                                      \
		typedef int (*fn)(int, const char *, int, ...);                \
		mode_t mode;                                                   \
		REAL(#sym, fn);                                                \
                                                                               \
		OPEN_MODE(flags, mode);                                        \
		return failed("open", path, -1) ? -1 : real_(dirfd, path, flags, mode); \
	}

WRAP_OPEN(open)
WRAP_OPEN(open64)
WRAP_OPENAT(openat)
WRAP_OPENAT(openat64)

static int stdin_done;	/* STSIFY_FAULT_OOM, below */

/* STSIFY_FAULT_SIGNAL: die of the signal at the first call of call. */
static void maybe_signal(const char *call, int fd)
{
	static const struct { const char *name; int sig; } sigs[] = {
		{ "INT", SIGINT }, { "TERM", SIGTERM }, { "HUP", SIGHUP },
		{ "PIPE", SIGPIPE }, { "KILL", SIGKILL },
	};
	static int calls;
	const char *spec = getenv("STSIFY_FAULT_SIGNAL"), *c, *n;
	size_t len;

	if (!spec || fd <= 2 || !(c = strchr(spec, ':')))
		return;
	n = strchr(c + 1, ':');
	len = n ? (size_t)(n - c - 1) : strlen(c + 1);
	if (len != strlen(call) || strncmp(c + 1, call, len) || ++calls < (n ? strtol(n + 1, NULL, 10) : 1))
		return;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (strlen(sigs[i].name) == (size_t)(c - spec) && !strncmp(spec, sigs[i].name, (size_t)(c - spec)))
			raise(sigs[i].sig);
}

ssize_t read(int fd, void *buf, size_t n)
{
	typedef ssize_t (*fn)(int, void *, size_t);
	ssize_t got;
	REAL("read", fn);

	if (failed("read", NULL, fd))
		return -1;
	got = real_(fd, buf, n);
	if (fd == 0 && got == 0)
		stdin_done = 1;
	return got;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	typedef ssize_t (*fn)(int, const void *, size_t);
	static int written_half;
	int e;
	REAL("write", fn);

	if (getenv("STSIFY_FAULT_SIGNAL") && fd > 2 && n > 1) {
		ssize_t half = real_(fd, buf, n / 2);

		maybe_signal("write", fd);
		return half;
	}
	if ((e = should_fail("write", NULL, fd))) {
		if (!written_half && n > 1) {
			written_half = 1;
			return real_(fd, buf, n / 2);
		}
		errno = e;
		return -1;
	}
	return real_(fd, buf, n);
}

int fsync(int fd)
{
	typedef int (*fn)(int);
	REAL("fsync", fn);

	maybe_signal("fsync", fd);
	if (fd > 2 && getenv("STSIFY_FAULT_RUN")) {
		static int ran;

		if (!ran++ && system(getenv("STSIFY_FAULT_RUN")) != 0)
			fputs("faults.so: STSIFY_FAULT_RUN failed\n", stderr);
	}
	return failed("fsync", NULL, fd) ? -1 : real_(fd);
}

int close(int fd)
{
	typedef int (*fn)(int);
	int e;
	REAL("close", fn);

	if ((e = should_fail("close", NULL, fd))) {
		/* the descriptor is gone all the same, as Linux does */
		real_(fd);
		errno = e;
		return -1;
	}
	return real_(fd);
}

int rename(const char *from, const char *to)
{
	typedef int (*fn)(const char *, const char *);
	REAL("rename", fn);

	return failed("rename", to, -1) ? -1 : real_(from, to);
}

#define WRAP_MKSTEMP(sym)                                                      \
	int sym(char *tmpl)                                                    \
	{                                                                      \
		typedef int (*fn)(char *);                                     \
		REAL(#sym, fn);                                                \
                                                                               \
		return failed("mkstemp", tmpl, -1) ? -1 : real_(tmpl);         \
	}

WRAP_MKSTEMP(mkstemp)
WRAP_MKSTEMP(mkstemp64)

/*
 * STSIFY_FAULT_SHRINK=1: once stdin is mapped (read_stdin() in util.c),
 * cut the file to one byte, as another program truncating it would (stdin
 * must be open for writing: stsify <>file).  The next access to the lost
 * pages is a SIGBUS, which stsify must turn into an error.
 */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	typedef void *(*fn)(void *, size_t, int, int, int, off_t);
	void *p;
	REAL("mmap", fn);

	p = real_(addr, len, prot, flags, fd, off);
	if (fd == 0 && p != (void *)-1 && getenv("STSIFY_FAULT_SHRINK") && ftruncate(0, 1))
		perror("faults.so: ftruncate");
	return p;
}

/*
 * STSIFY_FAULT_OOM=1: once standard input reached its end (a read() of
 * descriptor 0 returned 0), every allocation of 4 KiB or more fails, as
 * when memory runs out while the input is processed.
 */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

static int oom(size_t n)
{
	static int on = -1;

	if (on < 0)
		on = getenv("STSIFY_FAULT_OOM") != NULL;
	return on && stdin_done && n >= 4096;
}

void *malloc(size_t n)
{
	if (oom(n)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *calloc(size_t m, size_t n)
{
	if (n && m > (size_t)-1 / n) {
		errno = ENOMEM;
		return NULL;
	}
	if (oom(m * n)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(m, n);
}

void *realloc(void *p, size_t n)
{
	if (oom(n)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}
