/*
 * rules.c - pcre2 patterns of the conversion policy (see rules.h).
 */
#include "rules.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util.h"
#include "workload.h"
#include "ytree.h"

/*
 * Stateful images: the last path component of the repository is a known
 * database, queue or object store, with or without a registry, a path, a
 * tag or a digest ("registry:5000/team/postgres:16-alpine@sha256:...").
 */
const char stsify_stateful_images[] =
	"(?:^|/)(?:postgres(?:ql)?|postgis|timescaledb(?:-ha)?|mysql(?:-server)?|mariadb"
	"|percona(?:-server(?:-mongodb)?|-xtradb-cluster)?|mongo(?:db)?|redis(?:-stack-server)?"
	"|valkey|elasticsearch|opensearch|cassandra|scylla|(?:cp-)?kafka|zookeeper|etcd"
	"|rabbitmq|nats|minio|influxdb|clickhouse(?:-server)?|cockroach(?:db)?|neo4j|couchdb)"
	"(?::[^/@]*)?(?:@.*)?$";

/*
 * Single-writer images: a database that does not replicate by itself, so
 * that each replica of a StatefulSet starts a database of its own.  The
 * last path component of the repository is the database's name, after
 * optional words ("docker-postgres", "crunchy-postgres",
 * "percona-server-mongodb") and before optional variant words ("-alpine",
 * "-ha", "-15"), never before another word ("postgres-exporter",
 * "redis-sentinel", "mariadb-galera" and "percona-xtradb-cluster", which
 * replicate, are not).
 */
const char stsify_single_writer_images[] =
	"(?:^|/)(?:[a-z0-9]+[-_.])*(?:postgres(?:ql)?|postgis|timescaledb|pgvector|mysql|mariadb|percona"
	"|mongo(?:db)?|redis|valkey|keydb|influxdb|neo4j|sqlite3?|vaultwarden|uptime-kuma|pocketbase)"
	"(?:[-_](?:server|alpine|ha|stack|community|enterprise|oss|debian|bookworm|bullseye|ubi[0-9]*"
	"|[0-9][0-9a-z.]*))*(?::[^/@]*)?(?:@.*)?$";

static const char helm_action_re[] =
	"\\{\\{-?\\s*(?:[-.$\"(/]|if\\b|range\\b|with\\b|end\\b|include\\b|define\\b|template\\b|toYaml\\b|else\\b|printf\\b|tpl\\b|default\\b|quote\\b)";
/*
 * Text naming a workload the way kubectl commands do: "deployment/pg",
 * "deployments pg", "deploy/pg", "deployment.apps/pg", "rs/pg", "dc pg"...
 * Made from the table (workload.h) by reference_pattern(): group k + 1
 * holds the kind's word when row ru->ref_row[k] matched, the last group
 * the name (a DNS subdomain), which must end there ("pg" is not "pg-0").
 */
static const char reference_name_re[] = "(?:/|[ \\t]+)([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)(?![-A-Za-z0-9.])";

static void add_needle(struct rules *ru, const char *name, unsigned kinds)
{
	size_t len = strlen(name) < RULES_NEEDLE ? strlen(name) : RULES_NEEDLE;

	for (size_t k = 0; k < ru->nneedle; k++) {
		if (ru->needle[k].len == len && !memcmp(ru->needle[k].s, name, len)) {
			ru->needle[k].kinds |= kinds;
			return;
		}
	}
	BUG_ON(ru->nneedle == ARRAY_SIZE(ru->needle));
	memcpy(ru->needle[ru->nneedle].s, name, len);
	ru->needle[ru->nneedle].len = len;
	ru->needle[ru->nneedle++].kinds = kinds;
}

/* Add each regex metacharacter of s escaped. */
static void add_quoted(struct strbuf *sb, const char *s)
{
	for (; *s; s++) {
		if (strchr(".\\+*?()[]{}|^$", *s))
			strbuf_addch(sb, '\\');
		strbuf_addch(sb, *s);
	}
}

/*
 * The reference pattern of every row that has kubectl names, and the
 * needles that find where a match may start: each name's first bytes
 * (up to RULES_NEEDLE), once, with the rows that start with them.
 */
static char *reference_pattern(struct rules *ru)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "(?i)\\b(?:");
	for (size_t i = 0; i < nworkloads; i++) {
		const struct workload *w = &workloads[i];

		if (!w->ref_names)
			continue;
		if (ru->nref_row)
			strbuf_addch(&sb, '|');
		ru->ref_row[ru->nref_row++] = (unsigned char)i;
		strbuf_addch(&sb, '(');
		for (const char *const *n = w->ref_names; *n; n++) {
			strbuf_addstr(&sb, n == w->ref_names ? "" : "|");
			add_quoted(&sb, *n);
			add_needle(ru, *n, 1u << i);
		}
		strbuf_addch(&sb, ')');
		if (w->group) {
			strbuf_addstr(&sb, "(?:\\.");
			add_quoted(&sb, w->group);
			strbuf_addstr(&sb, ")?");
		}
	}
	strbuf_addch(&sb, ')');
	strbuf_addstr(&sb, reference_name_re);
	return strbuf_detach(&sb, NULL);
}

void *rules_compile(const char *re, const char *what, char **err)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *c = pcre2_compile((PCRE2_SPTR)re, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &off, NULL);

	if (!c) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(code, msg, sizeof(msg));
		*err = xasprintf("invalid %s pattern \"%s\" at offset %zu: %s", what, re, (size_t)off,
				 (char *)msg);
	}
	return c;
}

int rules_init(struct rules *ru, const struct stsify_options *opt, char **err)
{
	char *ref;

	memset(ru, 0, sizeof(*ru));
	ru->opt = opt;
	*err = NULL;
	if (opt->select && !(ru->select = rules_compile(opt->select, "--select", err)))
		goto fail;
	if (opt->exclude && !(ru->exclude = rules_compile(opt->exclude, "--exclude", err)))
		goto fail;
	if (!(ru->stateful = rules_compile(opt->stateful_images ? opt->stateful_images : stsify_stateful_images,
				     "--stateful-images", err)))
		goto fail;
	if (!(ru->single_writer = rules_compile(opt->single_writer_images ? opt->single_writer_images
									  : stsify_single_writer_images,
						"--single-writer-images", err)))
		goto fail;
	ru->helm = rules_compile(helm_action_re, "helm", err);
	BUG_ON(!ru->helm);
	ref = reference_pattern(ru);
	ru->reference = rules_compile(ref, "reference", err);
	free(ref);
	if (!ru->reference)
		goto fail;
	return 0;
fail:
	rules_release(ru);
	return -1;
}

void rules_release(struct rules *ru)
{
	pcre2_code_free(ru->select);
	pcre2_code_free(ru->exclude);
	pcre2_code_free(ru->stateful);
	pcre2_code_free(ru->single_writer);
	pcre2_code_free(ru->helm);
	pcre2_code_free(ru->reference);
	ru->select = ru->exclude = ru->stateful = ru->single_writer = ru->helm = ru->reference = NULL;
}

bool rules_match(void *code, const char *s, size_t len)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(code, NULL);
	int rc = pcre2_match(code, (PCRE2_SPTR)s, len, 0, 0, md, NULL);

	pcre2_match_data_free(md);
	return rc >= 0;
}

bool rules_selected(const struct rules *ru, const char *name)
{
	if (ru->select && !rules_match(ru->select, name, strlen(name)))
		return false;
	if (ru->exclude && rules_match(ru->exclude, name, strlen(name)))
		return false;
	return true;
}

bool rules_stateful_image(const struct rules *ru, const char *image)
{
	return rules_match(ru->stateful, image, strlen(image));
}

bool rules_single_writer_image(const struct rules *ru, const char *image)
{
	return rules_match(ru->single_writer, image, strlen(image));
}

/* Is offset off inside a quoted or block scalar of the tree? */
static bool in_string(const struct ynode *n, size_t off)
{
	if (!n || off < n->start || off >= n->end)
		return false;
	if (n->kind == YNODE_SCALAR)
		return n->style != YSTYLE_PLAIN;
	for (size_t i = 0; i < n->nkid; i++)
		if (in_string(n->kid[i], off))
			return true;
	return false;
}

size_t rules_helm_offset(const struct rules *ru, const char *buf, size_t len,
			 const struct ystream *ys, bool parsed)
{
	return rules_helm_range(ru, buf, len, 0, len, ys, parsed);
}

size_t rules_helm_range(const struct rules *ru, const char *buf, size_t len, size_t from, size_t to,
			const struct ystream *ys, bool parsed)
{
	pcre2_code *re = ru->helm;
	pcre2_match_data *md;
	size_t off = from, found = NOPOS;

	md = pcre2_match_data_create_from_pattern(re, NULL);
	while (off < len && pcre2_match(re, (PCRE2_SPTR)buf, len, off, 0, md, NULL) >= 0) {
		size_t at = pcre2_get_ovector_pointer(md)[0];
		bool inside = false;

		if (at >= to)
			break;

		for (size_t d = 0; parsed && d < ys->ndoc && !inside; d++)
			inside = in_string(ys->doc[d].root, at);
		/* "{{" inside a comment is not a template action either */
		if (!inside) {
			size_t ls = at;

			while (ls > 0 && buf[ls - 1] != '\n')
				ls--;
			for (size_t i = ls; i < at; i++)
				if (buf[i] == '#' && (i == ls || buf[i - 1] == ' ' || buf[i - 1] == '\t'))
					inside = true;
		}
		if (!inside) {
			found = at;
			break;
		}
		off = at + 2;
	}
	pcre2_match_data_free(md);
	return found;
}

/* The first c in [p, e), or e. */
static const char *find_byte(const char *p, const char *e, char c)
{
	const char *q = p < e ? memchr(p, c, (size_t)(e - p)) : NULL;

	return q ? q : e;
}

/* The needles of rows in kinds. */
static size_t active_needles(const struct rules *ru, unsigned kinds, const struct rules_needle **nd)
{
	size_t n = 0;

	for (size_t k = 0; k < ru->nneedle; k++)
		if (ru->needle[k].kinds & kinds)
			nd[n++] = &ru->needle[k];
	return n;
}

static bool is_word_byte(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Does needle nd start at p (e - p >= its length), after a byte that is
 * not a word byte (the "\\b" of the pattern)? */
static bool needle_at(const struct rules_needle *nd, const char *buf, const char *p)
{
	return !strncasecmp(p, nd->s, nd->len) && (p == buf || !is_word_byte(p[-1]));
}

/*
 * The first place in [p, e) where one of nd[0..n) starts in any case, as
 * needle_at() says, or e.  16 places at a time, on the first three bytes
 * of each needle (two for a needle of two: its third is ignored); the
 * needles are lowercase letters, so setting bit 0x20 of a byte lowers an
 * uppercase letter and makes no other byte one.
 */
static const char *find_candidate(const struct rules_needle *const *nd, size_t n, const char *buf,
				  const char *p, const char *e)
{
#ifdef __SSE2__
	const __m128i lower = _mm_set1_epi8(0x20);
	__m128i w0[ARRAY_SIZE(((struct rules *)0)->needle)], w1[ARRAY_SIZE(w0)], w2[ARRAY_SIZE(w0)],
		skip2[ARRAY_SIZE(w0)];

	for (size_t k = 0; k < n; k++) {
		w0[k] = _mm_set1_epi8(nd[k]->s[0]);
		w1[k] = _mm_set1_epi8(nd[k]->s[1]);
		w2[k] = _mm_set1_epi8(nd[k]->len > 2 ? nd[k]->s[2] : 0);
		skip2[k] = _mm_set1_epi8(nd[k]->len > 2 ? 0 : -1);
	}
	for (; e - p >= 16 + RULES_NEEDLE - 1; p += 16) {
		__m128i v0 = _mm_or_si128(_mm_loadu_si128((const __m128i *)p), lower);
		__m128i v1 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(p + 1)), lower);
		__m128i v2 = _mm_or_si128(_mm_loadu_si128((const __m128i *)(p + 2)), lower);
		unsigned bits = 0;

		for (size_t k = 0; k < n; k++) {
			__m128i m = _mm_and_si128(_mm_cmpeq_epi8(v0, w0[k]), _mm_cmpeq_epi8(v1, w1[k]));

			m = _mm_and_si128(m, _mm_or_si128(_mm_cmpeq_epi8(v2, w2[k]), skip2[k]));
			bits |= (unsigned)_mm_movemask_epi8(m);
		}
		for (; bits; bits &= bits - 1) {
			const char *q = p + __builtin_ctz(bits);

			for (size_t k = 0; k < n; k++)
				if (needle_at(nd[k], buf, q))
					return q;
		}
	}
#endif
	for (; p < e; p++)
		for (size_t k = 0; k < n; k++)
			if ((size_t)(e - p) >= nd[k]->len && needle_at(nd[k], buf, p))
				return p;
	return e;
}

size_t rules_next_reference(const struct rules *ru, const char *buf, size_t len, size_t from, unsigned kinds,
			    size_t *name, size_t *name_len, const struct workload **w)
{
	const struct rules_needle *nd[ARRAY_SIZE(ru->needle)];
	size_t nn = active_needles(ru, kinds, nd);
	pcre2_match_data *md = NULL;
	const char *e = buf + len, *p = buf + from;
	size_t at = NOPOS;

	/*
	 * Every match starts with a needle (any case) and stays on its line:
	 * find the candidates (SSE2) and match each anchored, the subject
	 * ending with its line (pcre2 checks the UTF-8 of all the subject it
	 * may inspect: the whole input would make a scan quadratic).
	 */
	for (; nn && (p = find_candidate(nd, nn, buf, p, e)) < e; p++) {
		const char *eol = find_byte(p, e, '\n');
		PCRE2_SIZE *ov;
		size_t g = 0;

		if (!md)
			md = pcre2_match_data_create_from_pattern(ru->reference, NULL);
		if (pcre2_match(ru->reference, (PCRE2_SPTR)buf, (size_t)(eol - buf), (size_t)(p - buf),
				PCRE2_ANCHORED, md, NULL) < 0)
			continue;
		ov = pcre2_get_ovector_pointer(md);
		while (g < ru->nref_row && ov[2 * (g + 1)] == PCRE2_UNSET)
			g++;
		BUG_ON(g == ru->nref_row);
		if (!(kinds & (1u << ru->ref_row[g])))
			continue;	/* another kind's name */
		at = ov[0];
		*name = ov[2 * (ru->nref_row + 1)];
		*name_len = ov[2 * (ru->nref_row + 1) + 1] - *name;
		*w = &workloads[ru->ref_row[g]];
		break;
	}
	pcre2_match_data_free(md);
	return at;
}
