/*
 * test_split.c - the pre-split (split.h) against libfyaml: parsing each
 * chunk alone gives exactly the documents, offsets and trees of a parse of
 * the whole stream, on tricky inputs (markers inside block, quoted and flow
 * content, CRLF, comments and "..." between documents), on every golden
 * input, the example repository and the corpus; and every document that
 * can matter to the planner is in a chunk that is parsed.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <libfyaml.h>
#include <string.h>
#include <sys/stat.h>

#include "split.h"
#include "test_lib.h"
#include "util.h"
#include "workload.h"
#include "ytree.h"

static void same_node(const char *what, const struct ynode *a, const struct ynode *b)
{
	cr_assert((a == NULL) == (b == NULL), "%s: a node is missing", what);
	if (!a)
		return;
	cr_assert_eq(a->kind, b->kind, "%s", what);
	cr_assert_eq(a->style, b->style, "%s", what);
	cr_assert_eq(a->start, b->start, "%s: start %zu != %zu", what, (size_t)a->start, (size_t)b->start);
	cr_assert_eq(a->end, b->end, "%s: end %zu != %zu", what, (size_t)a->end, (size_t)b->end);
	cr_assert_eq(a->prop, b->prop, "%s", what);
	cr_assert_eq(a->dash, b->dash, "%s", what);
	cr_assert_eq(a->anchored, b->anchored, "%s", what);
	cr_assert_eq(a->tagged, b->tagged, "%s", what);
	cr_assert_eq(a->tlen, b->tlen, "%s", what);
	cr_assert(!a->tlen || !memcmp(a->text, b->text, a->tlen), "%s: text", what);
	cr_assert_eq(a->nkid, b->nkid, "%s", what);
	for (size_t i = 0; i < a->nkid; i++)
		same_node(what, a->kid[i], b->kid[i]);
}

/* Does a workload (or, for a Template, one of its objects) mount a claim? */
static bool mounts_claim(const struct ynode *obj)
{
	const struct workload *w = workload_named(ynode_str(ynode_get(obj, "kind")));
	const struct ynode *vols = ynode_path(obj, "spec", "template", "spec", "volumes", NULL);
	const struct ynode *objs = w && w->objects ? ynode_get(obj, w->objects) : NULL;

	for (size_t i = 0; vols && i < vols->nkid; i++)
		if (ynode_get(vols->kid[i], "persistentVolumeClaim"))
			return true;
	for (size_t i = 0; objs && i < objs->nkid; i++)
		if (mounts_claim(objs->kid[i]))
			return true;
	return false;
}

/* Kinds whose objects the planner reads. */
static bool matters(const struct ynode *root)
{
	static const char *const kinds[] = {
		"PersistentVolumeClaim", "Service", "HorizontalPodAutoscaler", "VerticalPodAutoscaler",
		"ScaledObject", "List", "ResourceList", "Kustomization",
	};
	const struct ynode *k = ynode_get(root, "kind");

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (ynode_is(k, kinds[i]))
			return true;
	return workload_named(ynode_str(k)) && mounts_claim(root);
}

/*
 * The split of buf is exact: same documents and trees as a whole parse, or
 * (invalid input) some chunk fails to parse.  Returns the number of chunks,
 * or 0 when the split refused the input.
 */
static size_t check_split(const char *what, const char *buf, size_t len)
{
	struct split sp;
	struct ystream whole, parts;
	struct yparser *yp;
	int wret, pret = 0;
	size_t n;

	if (split_stream(&sp, buf, len))
		return 0;
	/* no gaps, no overlaps */
	for (size_t i = 0; i < sp.n; i++)
		cr_assert_eq(sp.c[i].start, i ? sp.c[i - 1].end : 0, "%s: chunk %zu", what, i);
	cr_assert_eq(sp.n ? sp.c[sp.n - 1].end : 0, len, "%s", what);
	wret = ystream_parse(&whole, buf, len);
	yp = yparser_new();
	ystream_init(&parts);
	for (size_t i = 0; i < sp.n && !pret; i++) {
		size_t before = parts.ndoc;
		const char *name, *ns;
		size_t nl, nsl;
		bool stub = split_service_stub(buf, &sp.c[i], &name, &nl, &ns, &nsl);

		pret = ystream_append(&parts, yp, buf, sp.c[i].start, sp.c[i].end);
		cr_assert(parts.ndoc - before <= 1, "%s: chunk %zu holds %zu documents", what, i,
			  parts.ndoc - before);
		if (!pret && parts.ndoc > before && parts.doc[before].root && matters(parts.doc[before].root))
			cr_assert(sp.c[i].cls != CHUNK_SKIP, "%s: document at %zu matters but is skipped",
				  what, sp.c[i].start);
		if (!pret && stub) {
			/* a Service read by name: the same name and namespace, and not headless */
			const struct ynode *root = parts.ndoc > before ? parts.doc[before].root : NULL;
			const struct ynode *md = ynode_get(root, "metadata");
			const char *pn = ynode_str(ynode_get(md, "name")), *pns = ynode_str(ynode_get(md, "namespace"));

			cr_assert(ynode_is(ynode_get(root, "kind"), "Service"), "%s: stub at %zu", what, sp.c[i].start);
			cr_assert(!ynode_is(ynode_path(root, "spec", "clusterIP", NULL), "None"), "%s", what);
			pn = pn ? pn : "";
			pns = pns ? pns : "";
			cr_assert(strlen(pn) == nl && !memcmp(pn, name, nl), "%s: name \"%s\" read as \"%.*s\"",
				  what, pn, (int)nl, name);
			cr_assert(strlen(pns) == nsl && !memcmp(pns, ns, nsl), "%s: namespace \"%s\" read as \"%.*s\"",
				  what, pns, (int)nsl, ns);
		}
	}
	cr_assert_eq(wret != 0, pret != 0, "%s: the whole %s, the chunks %s", what,
		     wret ? "fails" : "parses", pret ? "fail" : "parse");
	if (!wret) {
		cr_assert_eq(whole.ndoc, parts.ndoc, "%s: %zu documents, %zu from chunks", what,
			     whole.ndoc, parts.ndoc);
		for (size_t d = 0; d < whole.ndoc; d++) {
			const struct ydoc *a = &whole.doc[d], *b = &parts.doc[d];

			cr_assert_eq(a->end, b->end, "%s: document %zu ends at %zu, chunk at %zu", what,
				     d, a->end, b->end);
			/* a chunk of comments and "..." alone may come before a document */
			cr_assert(a->start <= b->start, "%s: document %zu", what, d);
			cr_assert_eq(a->marker, b->marker, "%s", what);
			cr_assert_eq(a->end_marker, b->end_marker, "%s", what);
			cr_assert_eq(a->content_end, b->content_end, "%s", what);
			cr_assert_eq(a->has_alias, b->has_alias, "%s", what);
			same_node(what, a->root, b->root);
		}
	}
	n = sp.n;
	ystream_release(&whole);
	ystream_release(&parts);
	yparser_free(yp);
	split_release(&sp);
	return n;
}

static size_t check_str(const char *s)
{
	return check_split(s, s, strlen(s));
}

Test(split, markers_end_block_scalars)
{
	/* libfyaml ends a block scalar at a column-0 marker */
	cr_assert_eq(check_str("a: |\n  x\n---\n  y\n"), 2);
	cr_assert_eq(check_str("--- |\nx\n---\ny\n"), 2);
	cr_assert_eq(check_str("--- >\n x\n...\n--- |\n y\n"), 2);
	cr_assert_eq(check_str("? |\n  x\n---\n"), 2);
}

Test(split, markers_are_errors_inside_quoted_and_flow_content)
{
	/* the whole stream fails, and so does a chunk */
	check_str("a: \"x\n--- y\"\n");
	check_str("a: 'x\n--- y'\n");
	check_str("a: \"x\n... y\"\n");
	check_str("a: [x,\n--- ]\n");
	check_str("a: {x: 1,\n...\n}\n");
	check_str("\"x\n--- y\"\n");
}

Test(split, not_markers)
{
	cr_assert_eq(check_str("a: x\n---y: 1\n"), 0 + 1);
	cr_assert_eq(check_str("a: x\n ---\n"), 1);
	cr_assert_eq(check_str("a: \"---\"\nb: '...'\n"), 1);
	cr_assert_eq(check_str("a: |\n  ---\n  ...\n"), 1);
}

Test(split, boundaries)
{
	cr_assert_eq(check_str(""), 0);
	cr_assert_eq(check_str("a: 1\n"), 1);
	cr_assert_eq(check_str("# head\n\n---\na: 1\n---\nb: 2\n"), 2);
	cr_assert_eq(check_str("a: 1\n---\nb: 2"), 2);
	cr_assert_eq(check_str("a: 1\n---\t\nb: 2\n--- # c\nc: 3\n---"), 4);
	cr_assert_eq(check_str("---\n---\n---\n"), 3);
	cr_assert_eq(check_str("a: 1\n...\nb: 2\n...\n# tail\n"), 3);
	cr_assert_eq(check_str("a: 1\n... # end\n# between\n---\nb: 2\n"), 2);
	cr_assert_eq(check_str("--- {a: 1}\n--- [x]\n--- !!str s\n--- &a x\n"), 4);
	cr_assert_eq(check_str("a: 1 # c\n# c\n---\n# c\nb: 2\n\n\n---\n\n"), 3);
	cr_assert_eq(check_str("a: 1\r\n---\r\nb: 2\r\n...\r\n"), 2);
	cr_assert_eq(check_str("\xef\xbb\xbf---\na: 1\n---\nb: 2\n"), 2);
	cr_assert_eq(check_str("a: &x 1\n---\nb: *x\n"), 2);
	cr_assert_eq(check_str("{\"kind\": \"Service\",\n\"a\": 1}\n"), 1);
	cr_assert_eq(check_str("a:\n- 1\n-   2\n---\n- x\n"), 2);
}

Test(split, refuses_what_it_cannot_cut_exactly)
{
	struct split sp;

	cr_assert_eq(split_stream(&sp, "%YAML 1.2\n---\na: 1\n", 19), -1);
	cr_assert_eq(split_stream(&sp, "a: 1\r---\rb: 2\r", 14), -1);
	cr_assert_eq(split_stream(&sp, "a: 1\n\xef\xbb\xbf---\nb: 2\n", 18), -1);
	cr_assert_eq(split_stream(&sp, "a: \"x\n%y\"\n", 10), -1);
}

static enum chunk_class cls(const char *s)
{
	struct split sp;
	enum chunk_class c;

	cr_assert_eq(split_stream(&sp, s, strlen(s)), 0);
	cr_assert_eq(sp.n, 1, "%s", s);
	c = sp.c[0].cls;
	split_release(&sp);
	check_str(s);
	return c;
}

Test(split, relevance)
{
	cr_assert_eq(cls("kind: ConfigMap\ndata:\n  Service: x\n"), CHUNK_SKIP);
	cr_assert_eq(cls("apiVersion: v1\nkind: Service  # headless\n"), CHUNK_SUPPORT);
	cr_assert_eq(cls("kind: 'PersistentVolumeClaim'\n"), CHUNK_SUPPORT);
	cr_assert_eq(cls("kind: \"List\"\nitems: []\n"), CHUNK_SUPPORT);
	cr_assert_eq(cls("kind: Deployment\nspec: {}\n"), CHUNK_SKIP);
	cr_assert_eq(cls("kind: Deployment\nspec:\n  template:\n    spec:\n      volumes:\n"
			 "      - persistentVolumeClaim: {claimName: x}\n"), CHUNK_DRIVER);
	cr_assert_eq(cls("kind: Deployment\nx: \"persistentVolume\\x43laim\"\n"), CHUNK_DRIVER);
	cr_assert_eq(cls("kind: Deployment\nx: \"persistentVolume\\\n  Claim\"\n"), CHUNK_DRIVER);
	cr_assert_eq(cls("kind: Deployment\nx: |\n  curl -s \\\n    http://x\n"), CHUNK_SKIP);
	cr_assert_eq(cls("kind: ServiceAccount\n"), CHUNK_SKIP);
	/* what safety.c reads: how claims are bound, and the other users of a claim */
	cr_assert_eq(cls("kind: PersistentVolume\nspec:\n  claimRef: {name: x}\n"), CHUNK_SUPPORT);
	cr_assert_eq(cls("kind: StorageClass\nprovisioner: kubernetes.io/no-provisioner\n"), CHUNK_SUPPORT);
	cr_assert_eq(cls("kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
			 "          volumes:\n          - persistentVolumeClaim: {claimName: x}\n"), CHUNK_SUPPORT);
	cr_assert_eq(cls("kind: Pod\nspec:\n  volumes:\n  - persistentVolumeClaim: {claimName: x}\n"), CHUNK_SUPPORT);
	cr_assert_eq(cls("kind: Job\nspec:\n  template:\n    spec:\n      containers: []\n"), CHUNK_SKIP);
	cr_assert_eq(cls("kind: DaemonSet\nspec: {}\n"), CHUNK_SKIP);
	/* every kind of the workload table, and only those */
	for (size_t i = 0; i < nworkloads; i++) {
		char *with = xasprintf("kind: %s\nspec:\n  x: {persistentVolumeClaim: {claimName: c}}\n",
				       workloads[i].kind);
		char *without = xasprintf("kind: %s\nspec: {}\n", workloads[i].kind);

		cr_assert_eq(cls(with), CHUNK_DRIVER, "%s with a claim: expected a driver", workloads[i].kind);
		cr_assert_eq(cls(without), CHUNK_SKIP, "%s without a claim: expected skipped", workloads[i].kind);
		free(with);
		free(without);
	}
	cr_assert_eq(cls("kind: DeploymentConfigs\nx: persistentVolumeClaim\n"), CHUNK_SKIP);
	cr_assert_eq(cls("metadata: {name: x}\n"), CHUNK_SKIP);
	cr_assert_eq(cls("# only a comment\n"), CHUNK_SKIP);
	/* the kind cannot be read from a column-0 "kind:" line */
	cr_assert_eq(cls("\"kind\": Service\n"), CHUNK_UNKNOWN);
	cr_assert_eq(cls("? kind\n: Service\n"), CHUNK_UNKNOWN);
	cr_assert_eq(cls("kind : Service\n"), CHUNK_UNKNOWN);
	cr_assert_eq(cls("kind:\n  Service\n"), CHUNK_UNKNOWN);
	cr_assert_eq(cls("kind: &k Service\n"), CHUNK_UNKNOWN);
	cr_assert_eq(cls("kind: !!str Service\n"), CHUNK_UNKNOWN);
	cr_assert_eq(cls("  kind: Service\n  a: 1\n"), CHUNK_UNKNOWN);
	cr_assert_eq(cls("{\"kind\": \"Service\"}\n"), CHUNK_UNKNOWN);
	cr_assert_eq(cls("{\"kind\": \"Serv\\u0069ce\"}\n"), CHUNK_UNKNOWN);
	cr_assert_eq(cls("{\"kind\": \"ServiceAccount\"}\n"), CHUNK_SKIP);
	cr_assert_eq(cls("--- !!map\nkind: Service\n"), CHUNK_UNKNOWN);
	cr_assert_eq(cls("kind: Service\nkind: ConfigMap\n"), CHUNK_UNKNOWN);
}

static int stub(const char *s, const char *name, const char *ns)
{
	struct split sp;
	const char *n, *x;
	size_t nl, xl;
	int ret;

	cr_assert_eq(split_stream(&sp, s, strlen(s)), 0);
	cr_assert_eq(sp.n, 1, "%s", s);
	ret = split_service_stub(s, &sp.c[0], &n, &nl, &x, &xl);
	if (ret) {
		cr_assert(strlen(name) == nl && !memcmp(n, name, nl), "%s: name %.*s", s, (int)nl, n);
		cr_assert(strlen(ns) == xl && !memcmp(x, ns, xl), "%s: namespace %.*s", s, (int)xl, x);
	}
	split_release(&sp);
	check_str(s);
	return ret;
}

Test(split, service_read_by_name)
{
	cr_assert(stub("kind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec: {}\n", "web", "shop"));
	cr_assert(stub("kind: Service\nmetadata:\n  labels:\n    name: x\n  name: 'web'  # c\n", "web", ""));
	cr_assert(stub("kind: Service\n", "", ""));
	cr_assert(stub("kind: Service\nmetadata:\n\n    # c\n    name: \"a.b-c\"\nspec:\n  type: ClusterIP\n", "a.b-c", ""));
	/* headless, or maybe: parsed */
	cr_assert(!stub("kind: Service\nmetadata:\n  name: db\nspec:\n  clusterIP: None\n", "", ""));
	cr_assert(!stub("kind: Service\nmetadata:\n  name: db\nspec:\n  clusterIP: \"No\\x6ee\"\n", "", ""));
	/* names it cannot read exactly: parsed */
	cr_assert(!stub("kind: Service\nmetadata: {name: web}\n", "", ""));
	cr_assert(!stub("kind: Service\nmetadata:\n  name:\n    web\n", "", ""));
	cr_assert(!stub("kind: Service\nmetadata:\n  name: web\n    more\n", "", ""));
	cr_assert(!stub("kind: Service\nmetadata:\n  \"name\": web\n", "", ""));
	cr_assert(!stub("kind: Service\nmetadata:\n  name : web\n", "", ""));
	cr_assert(!stub("kind: Service\nmetadata:\n  name: &n web\n", "", ""));
	cr_assert(!stub("kind: Service\nmetadata:\n  name: web x\n", "", ""));
	cr_assert(!stub("kind: Service\nmetadata:\n  name: 'it''s'\n", "", ""));
	cr_assert(!stub("kind: Service\nmetadata: &m\n  name: web\n", "", ""));
	cr_assert(!stub("kind: Service\nmetadata:\n\tname: web\n", "", ""));
	cr_assert(!stub("kind: Service\nmetadata:\n  - name: web\n", "", ""));
	cr_assert(!stub("kind: Service\nx: \"{{ .Values.x }}\"\nmetadata:\n  name: web\n", "", ""));
}

/* split_stream_jobs() cuts exactly as split_stream(). */
static void same_in_parts(const char *what, const char *buf, size_t len)
{
	for (unsigned jobs = 2; jobs <= 7; jobs += 5) {
		struct split a, b;

		cr_assert_eq(split_stream(&a, buf, len), 0);
		cr_assert_eq(split_stream_jobs(&b, buf, len, jobs), 0);
		cr_assert_eq(a.n, b.n, "%s, %u jobs: %zu chunks, %zu in parts", what, jobs, a.n, b.n);
		for (size_t i = 0; i < a.n; i++)
			cr_assert(a.c[i].start == b.c[i].start && a.c[i].end == b.c[i].end &&
				  a.c[i].cls == b.c[i].cls && a.c[i].helm == b.c[i].helm &&
				  a.c[i].service == b.c[i].service,
				  "%s, %u jobs: chunk %zu", what, jobs, i);
		split_release(&a);
		split_release(&b);
	}
}

Test(split, in_parts)
{
	/* documents whose cuts are tricky: comments and "..." before "---" */
	static const char *const pieces[] = {
		"a: 1\n---\n", "# c\n---\nb: 2\n", "c: 3\n...\n# d\n", "---\nkind: Service\n",
		"e: {{ x }}\n---\n", "...\n", "\n\n---\n---\n", "kind: Deployment\nx: persistentVolumeClaim\n---\n",
	};
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; sb.len < (5u << 20); i = (i * 7 + 3) % ARRAY_SIZE(pieces))
		strbuf_addstr(&sb, pieces[i]);
	same_in_parts("pieces", sb.buf, sb.len);
	strbuf_release(&sb);
}

static void check_generated(size_t size, unsigned seed)
{
	char cmd[256];
	FILE *fp;
	struct strbuf sb = STRBUF_INIT;
	char chunk[65536];
	size_t n;

	snprintf(cmd, sizeof(cmd), "bench/gen stream %zu %u", size, seed);
	if (!(fp = popen(cmd, "r")))
		return;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)))
		strbuf_add(&sb, chunk, n);
	if (pclose(fp) || !sb.len)
		cr_skip_test("bench/gen is not built (make bench/gen): skipped");
	check_split(cmd, sb.buf, sb.len);
	same_in_parts(cmd, sb.buf, sb.len);
	strbuf_release(&sb);
}

Test(split, generated_streams)
{
	check_generated(6 << 20, 3);
}

Test(split, helm)
{
	struct split sp;
	const char *s = "a: 1\n---\nb: \"{{ x }}\"\n---\nc: {d: {}}\n";

	cr_assert_eq(split_stream(&sp, s, strlen(s)), 0);
	cr_assert_eq(sp.n, 3);
	cr_assert(!sp.c[0].helm && sp.c[1].helm && !sp.c[2].helm);
	split_release(&sp);
}

static void check_path(const char *path)
{
	char *buf;
	size_t len;

	cr_assert_eq(read_file(path, &buf, &len), 0, "%s", path);
	check_split(path, buf, len);
	free(buf);
}

static void check_dir(const char *dir, bool need)
{
	char **paths = NULL;
	size_t n = 0, alloc = 0;

	collect(dir, &paths, &n, &alloc);
	if (need)
		cr_assert_gt(n, 60, "%s: inputs not found (run from the repository root)", dir);
	for (size_t i = 0; i < n; i++) {
		check_path(paths[i]);
		free(paths[i]);
	}
	free(paths);
}

Test(split, every_golden_input)
{
	check_dir("testdata", true);
}

Test(split, every_corpus_file)
{
	DIR *d = opendir("../shared/corpus");

	if (!d)
		cr_skip_test("../shared/corpus is not beside the repository: skipped");
	closedir(d);
	check_dir("../shared/corpus", false);
}

/* ytree takes a scalar's value from the bytes when it is simple: the same
 * text libfyaml gives, scalar for scalar, in event order. */
static void texts(const struct ynode *n, const char ***out, size_t **lens, size_t *k, size_t *alloc)
{
	size_t a2 = *alloc;

	if (!n)
		return;
	if (n->kind == YNODE_SCALAR || n->kind == YNODE_ALIAS) {
		ALLOC_GROW(*out, *k + 1, *alloc);
		ALLOC_GROW(*lens, *k + 1, a2);
		(*out)[*k] = n->kind == YNODE_SCALAR ? n->text : NULL;
		(*lens)[(*k)++] = n->tlen;
	}
	for (size_t i = 0; i < n->nkid; i++)
		texts(n->kid[i], out, lens, k, alloc);
}

static void check_texts(const char *what, const char *buf, size_t len)
{
	struct ystream ys;
	const char **t = NULL;
	size_t *l = NULL, k = 0, alloc = 0, i = 0;
	struct fy_parser *p;
	struct fy_event *ev;

	if (ystream_parse(&ys, buf, len)) {
		ystream_release(&ys);
		return;
	}
	for (size_t d = 0; d < ys.ndoc; d++)
		texts(ys.doc[d].root, &t, &l, &k, &alloc);
	p = fy_parser_create(&(struct fy_parse_cfg){ .flags = FYPCF_QUIET });
	fy_parser_set_string(p, buf, len);
	while ((ev = fy_parser_parse(p))) {
		if (ev->type == FYET_SCALAR) {
			size_t tl;
			const char *tx = fy_token_get_text(ev->scalar.value, &tl);

			cr_assert_lt(i, k, "%s", what);
			cr_assert_not_null(t[i], "%s: scalar %zu", what, i);
			cr_assert(l[i] == tl && !memcmp(t[i], tx, tl), "%s: scalar %zu: \"%.*s\" != \"%.*s\"",
				  what, i, (int)l[i], t[i], (int)tl, tx);
		}
		if (ev->type == FYET_SCALAR || ev->type == FYET_ALIAS)
			i++;
		fy_parser_event_free(p, ev);
	}
	fy_parser_destroy(p);
	cr_assert_eq(i, k, "%s", what);
	free(t);
	free(l);
	ystream_release(&ys);
}

Test(ytree, scalar_text_is_libfyaml_text)
{
	static const char *const tricky[] = {
		"a: b c  \nd: 'e ''f'' g'\nh: \"i \\\" \\n j\"\nk: 'l\n  m'\nn: \"o\n\n  p\"\nq: |\n  r\ns: >-\n  t\n  u\n",
		"- plain # comment\n- 'x'\n- \"\"\n- ''\n- \"\\t\"\n- a:b\n- {x: y, 'z': \"w\"}\n",
		"k: v\r\nl: 'x'\r\nm: \"y\"\r\n",
	};
	char **paths = NULL;
	size_t n = 0, alloc = 0;

	for (size_t i = 0; i < ARRAY_SIZE(tricky); i++)
		check_texts(tricky[i], tricky[i], strlen(tricky[i]));
	collect("testdata", &paths, &n, &alloc);
	collect("../shared/corpus", &paths, &n, &alloc);
	for (size_t i = 0; i < n; i++) {
		char *buf;
		size_t len;

		cr_assert_eq(read_file(paths[i], &buf, &len), 0);
		check_texts(paths[i], buf, len);
		free(buf);
		free(paths[i]);
	}
	free(paths);
}

/* The workload flag: the kind is a row of the workload table, or (kind
 * unknown) the word of one occurs. */
Test(split, workload_flag)
{
	static const struct {
		const char *doc;
		bool workload;
	} cases[] = {
		{ "kind: ReplicationController\n", true },
		{ "kind: Template\nobjects: []\n", true },
		{ "kind: Rollout\n", true },
		{ "kind: Service\n", false },
		{ "kind: DeploymentConfigs\n", false },
		{ "\"kind\": DeploymentConfig\n", true },
		{ "\"kind\": ReplicaSet\n", true },
		{ "\"kind\": ReplicaSets\n", false },
		{ "\"kind\": ConfigMap\n", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct split sp;

		cr_assert_eq(split_stream(&sp, cases[i].doc, strlen(cases[i].doc)), 0);
		cr_assert_eq(sp.n, 1, "%s: expected one chunk, got %zu", cases[i].doc, sp.n);
		cr_assert_eq(sp.c[0].workload, cases[i].workload, "%s: expected workload %d, got %d", cases[i].doc,
			     cases[i].workload, sp.c[0].workload);
		split_release(&sp);
	}
}
