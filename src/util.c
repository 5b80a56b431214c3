/*
 * util.c - see util.h.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stsify.h"

static stsify_fatal_fn *fatal_hook;
static void *fatal_data;
static _Thread_local struct recover *recover_top;

void stsify_set_fatal_hook(stsify_fatal_fn *fn, void *data)
{
	fatal_hook = fn;
	fatal_data = data;
}

void recover_push(struct recover *rc)
{
	rc->prev = recover_top;
	rc->bug = false;
	rc->msg[0] = '\0';
	recover_top = rc;
}

void recover_pop(struct recover *rc)
{
	BUG_ON(recover_top != rc);
	recover_top = rc->prev;
}

struct recover *recover_current(void)
{
	return recover_top;
}

void recover_raise(const char *msg, bool is_bug)
{
	struct recover *rc = recover_top;

	if (!rc) {
		fprintf(stderr, "stsify: %s: %s\n", is_bug ? "BUG" : "fatal", msg);
		abort();
	}
	recover_top = rc->prev;
	rc->bug = is_bug;
	if (msg != rc->msg)
		snprintf(rc->msg, sizeof(rc->msg), "%s", msg);
	longjmp(rc->jb, 1);
}

/* The message is formatted on the stack: there may be no memory left. */
static ATTR_NORETURN void fatal(bool is_bug, const char *msg)
{
	if (fatal_hook)
		fatal_hook(msg, is_bug, fatal_data);
	recover_raise(msg, is_bug);
}

void bug(const char *file, int line, const char *what)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s:%d: %s", file, line, what);
	fatal(true, msg);
}

void die(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fatal(false, msg);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die("out of memory allocating %zu bytes", n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die("out of memory allocating %zu x %zu bytes", nmemb, size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		die("out of memory allocating %zu bytes", n);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return strbuf_detach(&sb, NULL);
}

void strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}

void strbuf_release(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

char *strbuf_detach(struct strbuf *sb, size_t *lenp)
{
	char *p;

	strbuf_grow(sb, 0);
	p = sb->buf;
	if (lenp)
		*lenp = sb->len;
	strbuf_init(sb);
	return p;
}

void strbuf_attach(struct strbuf *sb, char *buf, size_t len, size_t alloc)
{
	BUG_ON(len >= alloc || buf[len]);
	strbuf_release(sb);
	sb->buf = buf;
	sb->len = len;
	sb->alloc = alloc;
}

void strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;

	if (need < sb->len)
		die("strbuf size overflow");
	if (need > sb->alloc) {
		size_t na = sb->alloc ? sb->alloc : 64;

		while (na < need)
			na *= 2;
		sb->buf = xrealloc(sb->buf, na);
		sb->alloc = na;
		sb->buf[sb->len] = '\0';
	}
}

void strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	strbuf_grow(sb, len);
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void strbuf_addstr(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_addch(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_addchars(struct strbuf *sb, char c, size_t n)
{
	strbuf_grow(sb, n);
	memset(sb->buf + sb->len, c, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	strbuf_grow(sb, 64);
	va_copy(cp, ap);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		die("vsnprintf failed");
	if ((size_t)n >= sb->alloc - sb->len) {
		strbuf_grow(sb, (size_t)n);
		n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

int read_file(const char *path, char **bufp, size_t *lenp)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY) : 0;

	if (fd < 0)
		return -1;
	return read_fd(fd, bufp, lenp);
}

static size_t max_input = STSIFY_MAX_INPUT;

size_t stsify_max_input(void)
{
	return max_input;
}

void stsify_set_max_input(size_t bytes)
{
	max_input = bytes && bytes < STSIFY_MAX_INPUT ? bytes : STSIFY_MAX_INPUT;
}

int read_fd(int fd, char **bufp, size_t *lenp)
{
	struct stat st;

	return read_fd_stat(fd, &st, bufp, lenp);
}

int read_fd_stat(int fd, struct stat *stp, char **bufp, size_t *lenp)
{
	enum read_end end;

	if (read_fd_part(fd, stp, bufp, lenp, &end))
		return -1;
	if (end == READ_TOO_LARGE) {
		free(*bufp);
		*bufp = NULL;
		*lenp = 0;
		errno = EFBIG;
		return -1;
	}
	return 0;
}

/* read() into sb until the end, a NUL byte or the size limit */
static int read_blocks(int fd, bool reg, struct strbuf *sb, enum read_end *end)
{
	size_t max = stsify_max_input();

	for (;;) {
		ssize_t n;
		size_t want;

		if (sb->len > max) {
			/* a pipe or a file that grew: stop before memory runs out */
			*end = READ_TOO_LARGE;
			return 0;
		}
		if (sb->alloc - sb->len < 2)
			strbuf_grow(sb, sb->alloc > 65536 ? sb->alloc : 65536);
		want = sb->alloc - sb->len - 1;
		n = read(fd, sb->buf + sb->len, want);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			return 0;
		sb->len += (size_t)n;
		sb->buf[sb->len] = '\0';
		/* not text: no need to read on (/dev/zero has no end) */
		if (memchr(sb->buf + sb->len - (size_t)n, '\0', (size_t)n)) {
			*end = READ_BINARY;
			return 0;
		}
		/* a regular file gives less than asked only at its end: no
		 * second call to be told so (10,000 calls in a repository) */
		if (reg && (size_t)n < want)
			return 0;
	}
}

int read_fd_part(int fd, struct stat *stp, char **bufp, size_t *lenp, enum read_end *end)
{
	struct strbuf sb = STRBUF_INIT;
	struct stat st;
	bool reg;
	int ret = 0, e;

	if (fstat(fd, &st))
		memset(&st, 0, sizeof(st));
	*stp = st;
	*end = READ_ALL;
	reg = S_ISREG(st.st_mode);
	if (reg && (size_t)st.st_size > stsify_max_input()) {
		/* refused before it is read */
		*end = READ_TOO_LARGE;
	} else {
		/* a regular file is read into a buffer of its size (a
		 * repository is thousands of small files), asking for a byte
		 * more than it holds; a pipe grows as it comes */
		if (reg && st.st_size > 0)
			strbuf_grow(&sb, (size_t)st.st_size + 2);
		ret = read_blocks(fd, reg, &sb, end);
	}
	e = errno;
	if (fd)
		close(fd);
	if (ret) {
		strbuf_release(&sb);
		errno = e;
		return -1;
	}
	*bufp = strbuf_detach(&sb, lenp);
	return 0;
}

int read_stdin(char **bufp, size_t *lenp, bool *mapped, enum read_end *end)
{
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct stat st;
	off_t at;
	char *map;

	*mapped = false;
	*end = READ_ALL;
	/* large enough to be worth it; the byte after the last one must be
	 * in the mapping (a '\0', as read_fd() puts there) */
	if (fstat(0, &st) || !S_ISREG(st.st_mode) || st.st_size < ((off_t)1 << 20) ||
	    (size_t)st.st_size > stsify_max_input() || (size_t)st.st_size % page == 0 ||
	    (at = lseek(0, 0, SEEK_CUR)) < 0 || at >= st.st_size)
		return read_fd_part(0, &st, bufp, lenp, end);
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, 0, 0);
	if (map == MAP_FAILED)
		return read_fd_part(0, &st, bufp, lenp, end);
	/* as read() would leave it; the pages before the offset are not used */
	lseek(0, 0, SEEK_END);
	if ((size_t)at >= page)
		munmap(map, (size_t)at / page * page);
	*bufp = map + at;
	*lenp = (size_t)(st.st_size - at);
	*mapped = true;
	return 0;
}

static const char *guard_what;

static void on_sigbus(int sig)
{
	static const char msg[] = ": error: the input file shrank while stsify was reading it [read-error]\n";

	(void)sig;
	/* only what is safe in a signal handler; exit 3 as for unreadable input */
	if (write(2, guard_what, strlen(guard_what)) >= 0)
		(void)!write(2, msg, sizeof(msg) - 1);
	_exit(3);
}

void stdin_map_guard(const char *what)
{
	struct sigaction sa;

	guard_what = what;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
}

void input_release(char *buf, size_t len, bool mapped)
{
	if (!mapped) {
		free(buf);
		return;
	}
	{
		const size_t page = (size_t)sysconf(_SC_PAGESIZE);
		char *map = (char *)((uintptr_t)buf & ~(uintptr_t)(page - 1));

		munmap(map, len + (size_t)(buf - map));
	}
}

uint64_t hash_str(uint64_t h, const char *s)
{
	/* FNV-1a, then a separator so that ("ab", "c") != ("a", "bc") */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

uint64_t hash_u64(uint64_t z)
{
	/* splitmix64's finaliser: every input bit reaches the low bits, which
	 * pick the bucket */
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t hash_ptr(const void *p)
{
	return hash_u64((uint64_t)(uintptr_t)p);
}

static size_t hidx_slot(const struct hidx *h, uint64_t hash)
{
	size_t i = (size_t)hash & (h->cap - 1);

	while (h->head[i] && h->hash[i] != hash)
		i = (i + 1) & (h->cap - 1);
	return i;
}

static void hidx_grow(struct hidx *h)
{
	struct hidx old = *h;

	h->cap = old.cap ? old.cap * 2 : 64;
	h->hash = xcalloc(h->cap, sizeof(*h->hash));
	h->head = xcalloc(h->cap, sizeof(*h->head));
	h->tail = xcalloc(h->cap, sizeof(*h->tail));
	for (size_t i = 0; i < old.cap; i++) {
		size_t j;

		if (!old.head[i])
			continue;
		j = hidx_slot(h, old.hash[i]);
		h->hash[j] = old.hash[i];
		h->head[j] = old.head[i];
		h->tail[j] = old.tail[i];
	}
	free(old.hash);
	free(old.head);
	free(old.tail);
}

void hidx_add(struct hidx *h, uint64_t hash, size_t item)
{
	size_t i;

	if (2 * (h->used + 1) > h->cap)
		hidx_grow(h);
	if (item >= h->anext) {
		size_t na = h->anext ? h->anext : 64;

		while (na <= item)
			na *= 2;
		h->next = xrealloc(h->next, na * sizeof(*h->next));
		memset(h->next + h->anext, 0, (na - h->anext) * sizeof(*h->next));
		h->anext = na;
	}
	h->next[item] = 0;
	i = hidx_slot(h, hash);
	if (!h->head[i]) {
		h->hash[i] = hash;
		h->head[i] = h->tail[i] = item + 1;
		h->used++;
		return;
	}
	h->next[h->tail[i] - 1] = item + 1;
	h->tail[i] = item + 1;
}

size_t hidx_first(const struct hidx *h, uint64_t hash)
{
	size_t i;

	if (!h->cap)
		return HIDX_NONE;
	i = hidx_slot(h, hash);
	return h->head[i] ? h->head[i] - 1 : HIDX_NONE;
}

size_t hidx_next(const struct hidx *h, size_t item)
{
	return h->next[item] ? h->next[item] - 1 : HIDX_NONE;
}

void hidx_release(struct hidx *h)
{
	free(h->hash);
	free(h->head);
	free(h->tail);
	free(h->next);
	memset(h, 0, sizeof(*h));
}

/* STSIFY_DEBUG_TIMING: seconds since debug_phase_start(). */
static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double phase_t0;
static bool phase_on;

void debug_phase_start(bool on)
{
	phase_on = on;
	phase_t0 = seconds();
}

bool debug_phase_enabled(void)
{
	return phase_on;
}

void debug_phase(const char *what)
{
	FILE *fp;
	unsigned long size = 0, resident = 0;

	if (!phase_on || !what)
		return;
	/* and the resident memory, where Linux tells it */
	if ((fp = fopen("/proc/self/statm", "r"))) {
		if (fscanf(fp, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(fp);
	}
	{
		/* and the processor time of all threads so far (how much a
		 * phase costs, beside how long it takes) */
		struct rusage ru;
		double cpu = 0;

		if (!getrusage(RUSAGE_SELF, &ru))
			cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
			      (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
		fprintf(stderr, "stsify: %-16s %8.3f s %8.1f MB resident %8.3f s cpu\n", what, seconds() - phase_t0,
			(double)resident * 4096 / 1048576, cpu);
	}
}
