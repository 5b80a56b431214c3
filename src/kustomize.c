/*
 * kustomize.c - run the real Kustomize on root builds and map what it
 * renders back to the sources (kustomize.h).
 *
 * Each build gets a temporary folder holding the wrapper kustomization and
 * the files its command's stdout and stderr go to; the commands run as
 * child processes (posix_spawnp), at most `jobs` at a time, polled every
 * few milliseconds so that one that hangs is killed at its deadline.  The
 * output is parsed with the span tree (ytree.h); the two build-metadata
 * annotations are small YAML documents of their own, read line by line
 * (Kustomize writes them in one fixed shape).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kustomize.h"
#include "util.h"

extern char **environ;

#define ORIGIN "config.kubernetes.io/origin"
#define TRANSFORMS "alpha.config.kubernetes.io/transformations"

/* ---- the command ---- */

static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	bool found = false;
	char *copy, *save = NULL;

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	if (!path || !*path)
		return false;
	copy = xstrdup(path);
	for (char *d = strtok_r(copy, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
		char *f = xasprintf("%s/%s", *d ? d : ".", prog);

		found = access(f, X_OK) == 0;
		free(f);
	}
	free(copy);
	return found;
}

static char **split_words(const char *s)
{
	size_t n = 0;
	char **v = xcalloc(strlen(s) / 2 + 2, sizeof(*v));

	while (*s) {
		size_t len;

		s += strspn(s, " \t");
		len = strcspn(s, " \t");
		if (len)
			v[n++] = xstrndup(s, len);
		s += len;
	}
	return v;
}

char **kz_command(const char *cmd)
{
	char **v;

	if (cmd && *cmd)
		v = split_words(cmd);
	else if (in_path("kustomize"))
		v = split_words("kustomize build");
	else
		v = split_words("kubectl kustomize");
	if (!v[0] || !in_path(v[0])) {
		kz_command_free(v);
		return NULL;
	}
	return v;
}

void kz_command_free(char **cmd)
{
	for (size_t i = 0; cmd && cmd[i]; i++)
		free(cmd[i]);
	free(cmd);
}

/* ---- paths ---- */

char *kz_path_norm(const char *path)
{
	size_t len = strlen(path), n = 0, *at = xcalloc(len / 2 + 2, sizeof(*at));
	bool abs = path[0] == '/';
	char *out = xmalloc(len + 2), *o = out;

	if (abs)
		*o++ = '/';
	for (const char *p = path; *p;) {
		size_t seg = strcspn(p, "/");

		if (!seg || (seg == 1 && p[0] == '.')) {
			/* an empty or "." component: nothing */
		} else if (seg == 2 && p[0] == '.' && p[1] == '.' && n && strcmp(out + at[n - 1], "..")) {
			o = out + at[--n];
			o -= o > out + abs;	/* the '/' before it */
			*o = 0;
		} else if (!(seg == 2 && p[0] == '.' && p[1] == '.' && abs && !n)) {
			if (o > out + abs)
				*o++ = '/';
			at[n++] = (size_t)(o - out);
			memcpy(o, p, seg);
			o += seg;
			*o = 0;
		}
		p += seg;
		p += *p == '/';
	}
	*o = 0;
	if (o == out) {
		o[0] = '.';
		o[1] = 0;
	}
	free(at);
	return out;
}

/* The path of target (absolute) relative to folder dir (absolute). */
static char *relative_to(const char *dir, const char *target)
{
	struct strbuf sb;

	strbuf_init(&sb);
	for (const char *p = dir; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			strbuf_addstr(&sb, "../");
	strbuf_addstr(&sb, target + (target[0] == '/'));
	return strbuf_detach(&sb, NULL);
}

/* ---- one rendering ---- */

struct job {
	struct kz_build *b;
	char *tmp;		/* the wrapper's folder, or NULL */
	pid_t pid;		/* 0: not running */
	struct timespec deadline;
};

static void fail(struct kz_build *b, const char *fmt, const char *arg)
{
	free(b->error);
	b->error = xasprintf(fmt, arg);
	b->ok = false;
}

static bool put_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");
	bool ok = fp && fputs(text, fp) >= 0;

	if (fp && fclose(fp))
		ok = false;
	return ok;
}

/* Write the wrapper for b in a new temporary folder; false (b->error) on failure. */
static bool make_wrapper(struct job *j)
{
	const char *td = getenv("TMPDIR");
	char *tmpl = xasprintf("%s/stsify-kustomize.XXXXXX", td && *td ? td : "/tmp");
	char *real_tmp = NULL, *real_dir = NULL, *rel = NULL, *k, *text;
	bool ok = false;

	if (!mkdtemp(tmpl)) {
		fail(j->b, "cannot make a temporary folder: %s", strerror(errno));
		free(tmpl);
		return false;
	}
	j->tmp = tmpl;
	real_tmp = realpath(tmpl, NULL);
	real_dir = realpath(j->b->dir, NULL);
	if (!real_tmp || !real_dir) {
		fail(j->b, "cannot resolve the build's folder: %s", strerror(errno));
		goto out;
	}
	rel = relative_to(real_tmp, real_dir);
	text = xasprintf("# written by stsify to render one build; removed when done\n"
			 "resources:\n- \"%s\"\n"
			 "buildMetadata: [originAnnotations, transformerAnnotations]\n", rel);
	k = xasprintf("%s/kustomization.yaml", tmpl);
	ok = put_file(k, text);
	if (!ok)
		fail(j->b, "cannot write the wrapper kustomization: %s", strerror(errno));
	free(k);
	free(text);
out:
	free(real_tmp);
	free(real_dir);
	free(rel);
	return ok;
}

static bool start(struct job *j, char *const *cmd, unsigned timeout)
{
	posix_spawn_file_actions_t fa;
	size_t n = 0;
	char **argv, *out, *err;
	int rc;

	if (!make_wrapper(j))
		return false;
	while (cmd[n])
		n++;
	argv = xcalloc(n + 2, sizeof(*argv));
	memcpy(argv, cmd, n * sizeof(*argv));
	argv[n] = j->tmp;
	out = xasprintf("%s/out", j->tmp);
	err = xasprintf("%s/err", j->tmp);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	rc = posix_spawnp(&j->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	free(out);
	free(err);
	free(argv);
	if (rc) {
		j->pid = 0;
		fail(j->b, "cannot run Kustomize: %s", strerror(rc));
		return false;
	}
	clock_gettime(CLOCK_MONOTONIC, &j->deadline);
	j->deadline.tv_sec += timeout;
	return true;
}

/* Kustomize's complaint (kubectl's err=..., on one line or as an err=<
 * block), without the wrapper's own layer of it, at most 300 bytes. */
static char *first_error(const char *text)
{
	const char *e = strstr(text, "err="), *cut;
	struct strbuf sb;
	char *msg;

	strbuf_init(&sb);
	if (e && !strncmp(e + 4, "<\n", 2)) {
		for (const char *p = strchr(e, '\n'); p && p[1] && strncmp(p + 1, " >", 2);) {
			const char *q = strchr(p + 1, '\n');
			size_t len = q ? (size_t)(q - p - 1) : strlen(p + 1);

			strbuf_addch(&sb, ' ');
			strbuf_add(&sb, p + 1, len);
			p = q;
		}
	} else {
		const char *from = e ? e + 4 : text;

		strbuf_add(&sb, from, strcspn(from, "\n"));
	}
	msg = sb.buf ? sb.buf : "";
	if ((cut = strstr(msg, "recursed accumulation of path '")) && (cut = strstr(cut, "': ")))
		msg = (char *)cut + 3;
	msg += strspn(msg, " \t\"");
	msg = xstrndup(msg, strlen(msg) > 300 ? 300 : strlen(msg));
	for (size_t n = strlen(msg); n && strchr(" \t\"\r", msg[n - 1]); n--)
		msg[n - 1] = 0;
	for (char *t = msg; *t; t++)
		if (*t == '\t')
			*t = ' ';
	strbuf_release(&sb);
	return *msg ? msg : (free(msg), xstrdup("no message"));
}

static void finish(struct job *j, int status)
{
	char *out = xasprintf("%s/out", j->tmp), *err = xasprintf("%s/err", j->tmp);
	char *ebuf = NULL, *real = NULL;
	size_t elen = 0;

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    read_file(out, &j->b->out, &j->b->outlen) == 0 && (real = realpath(j->tmp, NULL))) {
		if (kz_parse(j->b, real) == 0)
			j->b->ok = true;
	} else if (read_file(err, &ebuf, &elen) == 0 && elen) {
		free(j->b->error);
		j->b->error = first_error(ebuf);
	} else {
		fail(j->b, "Kustomize failed (%s)", WIFSIGNALED(status) ? "killed" : "no message");
	}
	free(ebuf);
	free(real);
	free(out);
	free(err);
	j->pid = 0;
}

static void cleanup(struct job *j)
{
	static const char *const files[] = { "kustomization.yaml", "out", "err" };

	if (!j->tmp)
		return;
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		char *f = xasprintf("%s/%s", j->tmp, files[i]);

		unlink(f);
		free(f);
	}
	rmdir(j->tmp);
	free(j->tmp);
	j->tmp = NULL;
}

static bool past(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* Check running job j; true when it is done (finished, failed or killed). */
static bool poll_job(struct job *j, unsigned timeout)
{
	int status;
	pid_t r = waitpid(j->pid, &status, WNOHANG);

	if (r == j->pid) {
		finish(j, status);
		return true;
	}
	if (r < 0 && errno != EINTR) {
		j->pid = 0;
		fail(j->b, "lost the Kustomize process: %s", strerror(errno));
		return true;
	}
	if (r == 0 && past(&j->deadline)) {
		char s[32];

		kill(j->pid, SIGKILL);
		waitpid(j->pid, &status, 0);
		j->pid = 0;
		snprintf(s, sizeof(s), "%u", timeout);
		fail(j->b, "Kustomize did not finish in %s s", s);
		return true;
	}
	return false;
}

void kz_render(struct kz_build *b, size_t n, char *const *cmd, unsigned jobs, unsigned timeout)
{
	struct job *j = xcalloc(n ? n : 1, sizeof(*j));
	size_t next = 0, running = 0, done = 0;
	const struct timespec tick = { 0, 2 * 1000 * 1000 };

	if (!jobs)
		jobs = 1;
	for (size_t i = 0; i < n; i++)
		j[i].b = &b[i];
	while (done < n) {
		while (running < jobs && next < n) {
			if (start(&j[next], cmd, timeout))
				running++;
			else {
				cleanup(&j[next]);
				done++;
			}
			next++;
		}
		for (size_t i = 0; i < next; i++)
			if (j[i].pid && poll_job(&j[i], timeout)) {
				cleanup(&j[i]);
				running--;
				done++;
			}
		if (running)
			nanosleep(&tick, NULL);
	}
	free(j);
}

/* ---- the rendered output ---- */

/* The value of "KEY: value" in a line of an annotation's text, malloc'd. */
static char *field(const char *line, size_t len, const char *key)
{
	size_t k = strlen(key);

	while (len && (*line == ' ' || *line == '-')) {
		line++;
		len--;
	}
	if (len <= k + 1 || strncmp(line, key, k) || line[k] != ':' || line[k + 1] != ' ')
		return NULL;
	return xstrndup(line + k + 2, len - k - 2);
}

static char *absolute(const char *wrapper, const char *rel)
{
	char *joined = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", wrapper, rel);
	char *n = kz_path_norm(joined);

	free(joined);
	return n;
}

static void read_origin(struct kz_object *o, const char *text, const char *wrapper)
{
	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *v = field(p, len, "path");

		if (!v && (v = field(p, len, "configuredIn")))
			o->generated = true;
		if (v && !o->origin)
			o->origin = absolute(wrapper, v);
		free(v);
		p = e ? e + 1 : NULL;
	}
}

static void read_transforms(struct kz_object *o, const char *text, const char *wrapper)
{
	size_t alloc = 0;

	for (const char *p = text; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char *v;

		if ((v = field(p, len, "configuredIn"))) {
			if (o->ntr == alloc) {
				alloc = alloc ? 2 * alloc : 4;
				o->tr = xrealloc(o->tr, alloc * sizeof(*o->tr));
			}
			o->tr[o->ntr++] = (struct kz_transform){ absolute(wrapper, v), NULL };
			free(v);
		} else if (o->ntr && !o->tr[o->ntr - 1].kind && (v = field(p, len, "kind"))) {
			o->tr[o->ntr - 1].kind = v;
		}
		p = e ? e + 1 : NULL;
	}
}

static const char *str_or_empty(const struct ynode *n)
{
	const char *s = ynode_is_scalar(n) ? ynode_str(n) : NULL;

	return s ? s : "";
}

static unsigned line_of(const char *buf, size_t off)
{
	unsigned line = 1;

	for (size_t i = 0; i < off; i++)
		line += buf[i] == '\n';
	return line;
}

int kz_parse(struct kz_build *b, const char *wrapper)
{
	size_t alloc = 0;

	if (ystream_parse(&b->ys, b->out ? b->out : "", b->outlen)) {
		fail(b, "cannot parse Kustomize's output: %s", b->ys.err_msg ? b->ys.err_msg : "?");
		return -1;
	}
	for (size_t d = 0; d < b->ys.ndoc; d++) {
		const struct ynode *root = b->ys.doc[d].root, *ann;
		struct kz_object *o;

		if (!root || root->kind != YNODE_MAP)
			continue;
		if (b->nobj == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			b->obj = xrealloc(b->obj, alloc * sizeof(*b->obj));
		}
		o = &b->obj[b->nobj++];
		*o = (struct kz_object){ .root = root, .start = root->start };
		o->kind = str_or_empty(ynode_get(root, "kind"));
		o->ns = str_or_empty(ynode_path(root, "metadata", "namespace", NULL));
		o->name = str_or_empty(ynode_path(root, "metadata", "name", NULL));
		o->line = line_of(b->out, root->start);
		ann = ynode_path(root, "metadata", "annotations", NULL);
		if (ynode_is_scalar(ynode_get(ann, ORIGIN)))
			read_origin(o, ynode_str(ynode_get(ann, ORIGIN)), wrapper);
		if (ynode_is_scalar(ynode_get(ann, TRANSFORMS)))
			read_transforms(o, ynode_str(ynode_get(ann, TRANSFORMS)), wrapper);
	}
	return 0;
}

void kz_release(struct kz_build *b)
{
	for (size_t i = 0; i < b->nobj; i++) {
		free(b->obj[i].origin);
		for (size_t t = 0; t < b->obj[i].ntr; t++) {
			free(b->obj[i].tr[t].in);
			free(b->obj[i].tr[t].kind);
		}
		free(b->obj[i].tr);
	}
	free(b->obj);
	ystream_release(&b->ys);
	free(b->out);
	free(b->error);
	b->obj = NULL;
	b->nobj = 0;
	b->out = b->error = NULL;
}

/* what can change replicas, volumes, claims, images or the objects
 * themselves is any field not listed here (a new field counts too) */
static const char *const inert[] = {
	"apiVersion", "kind", "metadata", "resources", "bases", "buildMetadata", "namespace",
	"namePrefix", "nameSuffix", "commonLabels", "labels", "commonAnnotations",
	"configMapGenerator", "secretGenerator", "generatorOptions", "crds", "openapi",
	"sortOptions", "configurations",
};

static bool inert_key(const char *key, size_t len)
{
	for (size_t i = 0; i < sizeof(inert) / sizeof(*inert); i++)
		if (strlen(inert[i]) == len && !memcmp(inert[i], key, len))
			return true;
	return false;
}

bool kz_may_transform(const char *text, size_t len)
{
	for (size_t at = 0; at < len;) {
		const char *line = text + at, *nl = memchr(line, '\n', len - at);
		size_t ll = nl ? (size_t)(nl - line) : len - at, k = 0;

		at += ll + 1;
		if (!ll || strchr(" \t\r#-", line[0]) || (ll >= 3 && !memcmp(line, "---", 3)))
			continue;
		while (k < ll && line[k] != ':' && line[k] != ' ')
			k++;
		if (k == ll || line[k] != ':' || !inert_key(line, k))
			return true;	/* a field that transforms, or not block YAML */
		if (k == 4 && memmem(line, ll, "Component", 9))
			return true;
	}
	return false;
}

bool kz_transforms(const struct ynode *root)
{
	if (!root || root->kind != YNODE_MAP)
		return false;
	if (ynode_is(ynode_get(root, "kind"), "Component"))
		return true;
	for (size_t k = 0; k + 1 < root->nkid; k += 2) {
		const char *key = ynode_is_scalar(root->kid[k]) ? ynode_str(root->kid[k]) : "";

		if (!inert_key(key, strlen(key)))
			return true;
	}
	return false;
}
