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

static const char helm_action_re[] =
	"\\{\\{-?\\s*(?:[-.$\"(/]|if\\b|range\\b|with\\b|end\\b|include\\b|define\\b|template\\b|toYaml\\b|else\\b|printf\\b|tpl\\b|default\\b|quote\\b)";
/*
 * Text naming a Deployment the way kubectl commands do: "deployment/pg",
 * "deployments pg", "deploy/pg", "deployment.apps/pg"; group 1 is the name
 * (a DNS subdomain), which must end there ("pg" is not "pg-0").
 */
static const char reference_re[] =
	"(?i)\\b(?:deployments?|deploy)(?:\\.apps)?(?:/|[ \\t]+)([a-z0-9](?:[-a-z0-9.]*[a-z0-9])?)(?![-A-Za-z0-9.])";

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
	ru->helm = rules_compile(helm_action_re, "helm", err);
	BUG_ON(!ru->helm);
	if (!(ru->reference = rules_compile(reference_re, "reference", err)))
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
	pcre2_code_free(ru->helm);
	pcre2_code_free(ru->reference);
	ru->select = ru->exclude = ru->stateful = ru->helm = ru->reference = NULL;
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

/* The first "deploy" in any case in [p, e), or e: 16 places at a time. */
static const char *find_deploy(const char *p, const char *e)
{
#ifdef __SSE2__
	const __m128i lower = _mm_set1_epi8(0x20);

	for (; e - p >= 16 + 5; p += 16) {
		__m128i m = _mm_set1_epi8(-1);

		for (int i = 0; i < 6; i++) {
			__m128i v = _mm_or_si128(_mm_loadu_si128((const __m128i *)(p + i)), lower);

			m = _mm_and_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8("deploy"[i])));
		}
		if (_mm_movemask_epi8(m))
			return p + __builtin_ctz((unsigned)_mm_movemask_epi8(m));
	}
#endif
	for (; e - p >= 6; p++)
		if (!strncasecmp(p, "deploy", 6))
			return p;
	return e;
}

size_t rules_next_reference(const struct rules *ru, const char *buf, size_t len, size_t from,
			    size_t *name, size_t *name_len)
{
	pcre2_match_data *md = NULL;
	const char *e = buf + len, *p = buf + from;
	size_t at = NOPOS;

	/*
	 * Every match starts with "deploy" (any case) and stays on its line:
	 * find the candidates (SSE2) and match each anchored, the subject
	 * ending with its line (pcre2 checks the UTF-8 of all the subject it
	 * may inspect: the whole input would make a scan quadratic).
	 */
	for (; (p = find_deploy(p, e)) < e; p++) {
		const char *eol;
		size_t cand;

		cand = (size_t)(p - buf);
		eol = find_byte(p, e, '\n');
		if (!md)
			md = pcre2_match_data_create_from_pattern(ru->reference, NULL);
		if (pcre2_match(ru->reference, (PCRE2_SPTR)buf, (size_t)(eol - buf), cand, PCRE2_ANCHORED, md,
				NULL) >= 0) {
			PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);

			at = ov[0];
			*name = ov[2];
			*name_len = ov[3] - ov[2];
			break;
		}
	}
	pcre2_match_data_free(md);
	return at;
}
