/*
 * sarif.c - the findings as a SARIF 2.1.0 log (--format sarif; format.h),
 * valid against the OASIS schema (testdata/schemas/sarif, tests/sarif.sh).
 *
 * One run of the tool "stsify":
 *   - a rule per code used, from the codes table (codes.def: id, one-line
 *     shortDescription, defaultConfiguration.level) and the man page
 *     (codes-help.def: fullDescription and help), helpUri man:stsify(1);
 *   - a result per finding about a file: the path as a URI reference
 *     relative to %SRCROOT% (the current folder, in originalUriBaseIds),
 *     percent-encoded; standard input has no URI, only a description;
 *     columns count Unicode code points (columnKind), from the finding's
 *     ccol (the text report counts bytes);
 *   - findings about the run itself (usage, summary, fatal) are the
 *     invocation's notifications, which also say whether the run
 *     succeeded (exit status 0 or 1) and its exit status.
 */
#include "format.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "util.h"

static const char *const code_help[CODE__COUNT] = {
#define HELP(id, text) [CODE_##id] = text,
#include "codes-help.def"
#undef HELP
};

const char *finding_help(enum code c)
{
	return code_help[c];
}

#define SARIF_SCHEMA \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#define HELP_URI "man:stsify(1)"

static const char *level(enum severity sev)
{
	return sev == SEV_ERROR ? "error" : sev == SEV_WARNING ? "warning" : "note";
}

/* Findings about the run rather than about a file: notifications. */
static bool about_the_run(enum code c)
{
	return c == CODE_USAGE || c == CODE_SUMMARY || c == CODE_FATAL;
}

static void set_text(json_t *o, const char *key, const char *text)
{
	json_t *m = json_object();

	json_object_set_new(m, "text", json_string(text));
	json_object_set_new(o, key, m);
}

/* RFC 3986: every byte but the unreserved ones and "/" as %XX. */
static void uri_encode(struct strbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~/", *p)) {
			strbuf_addch(sb, (char)*p);
		} else {
			strbuf_addch(sb, '%');
			strbuf_addch(sb, hex[*p >> 4]);
			strbuf_addch(sb, hex[*p & 15]);
		}
	}
}

static json_t *uri_string(const char *prefix, const char *path, const char *suffix)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *s;

	strbuf_addstr(&sb, prefix);
	uri_encode(&sb, path);
	strbuf_addstr(&sb, suffix);
	s = json_string(sb.buf);
	strbuf_release(&sb);
	return s;
}

/* Where path is: relative to %SRCROOT% (cwd), or an absolute file URI. */
static json_t *artifact_location(const char *path, const char *cwd)
{
	json_t *a = json_object();
	size_t n = cwd ? strlen(cwd) : 0;

	if (!strcmp(path, "<stdin>")) {
		set_text(a, "description", "standard input");
		return a;
	}
	if (path[0] == '/' && n > 1 && !strncmp(path, cwd, n) && path[n] == '/')
		path += n + 1;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (path[0] == '/') {
		json_object_set_new(a, "uri", uri_string("file://", path, ""));
	} else {
		json_object_set_new(a, "uri", uri_string("", path, ""));
		json_object_set_new(a, "uriBaseId", json_string("%SRCROOT%"));
	}
	return a;
}

/* The Kubernetes object a finding is about, as a logical location. */
static json_t *logical_location(const struct finding *f)
{
	json_t *l = json_object(), *ls = json_array();
	char *fq = f->ns ? xasprintf("%s/%s/%s", f->kind, f->ns, f->name ? f->name : "")
			 : xasprintf("%s/%s", f->kind, f->name ? f->name : "");

	json_object_set_new(l, "name", json_string(f->name ? f->name : ""));
	json_object_set_new(l, "fullyQualifiedName", json_string(fq));
	json_object_set_new(l, "kind", json_string("resource"));
	json_array_append_new(ls, l);
	free(fq);
	return ls;
}

static json_t *result(const struct finding *f, size_t rule, const char *cwd)
{
	json_t *r = json_object(), *locs = json_array(), *loc = json_object(), *phys = json_object();

	json_object_set_new(r, "ruleId", json_string(code_name(f->code)));
	json_object_set_new(r, "ruleIndex", json_integer((json_int_t)rule));
	json_object_set_new(r, "level", json_string(level(f->sev)));
	set_text(r, "message", f->msg);
	json_object_set_new(phys, "artifactLocation", artifact_location(f->path, cwd));
	if (f->line) {
		json_t *region = json_object();

		json_object_set_new(region, "startLine", json_integer(f->line));
		if (f->ccol)
			json_object_set_new(region, "startColumn", json_integer(f->ccol));
		json_object_set_new(phys, "region", region);
	}
	json_object_set_new(loc, "physicalLocation", phys);
	if (f->kind)
		json_object_set_new(loc, "logicalLocations", logical_location(f));
	json_array_append_new(locs, loc);
	json_object_set_new(r, "locations", locs);
	return r;
}

/* A rule (or notification descriptor): what the codes table and the man
 * page say of code c. */
static json_t *descriptor(enum code c)
{
	json_t *d = json_object(), *cfg = json_object();
	const char *full = code_help[c] ? code_help[c] : code_description(c);
	char *help;

	json_object_set_new(d, "id", json_string(code_name(c)));
	set_text(d, "shortDescription", code_description(c));
	set_text(d, "fullDescription", full);
	json_object_set_new(d, "helpUri", json_string(HELP_URI));
	help = xasprintf("%s See stsify(1), FINDINGS.", full);
	set_text(d, "help", help);
	free(help);
	json_object_set_new(cfg, "level", json_string(level(code_severity(c))));
	json_object_set_new(d, "defaultConfiguration", cfg);
	return d;
}

static json_t *notification(const struct finding *f, size_t index)
{
	json_t *n = json_object(), *ref = json_object();

	json_object_set_new(n, "level", json_string(level(f->sev)));
	set_text(n, "message", f->msg);
	json_object_set_new(ref, "id", json_string(code_name(f->code)));
	json_object_set_new(ref, "index", json_integer((json_int_t)index));
	json_object_set_new(n, "descriptor", ref);
	return n;
}

static const char *exit_description(int exit_code)
{
	switch (exit_code) {
	case STSIFY_EXIT_OK: return "done";
	case STSIFY_EXIT_CHANGES: return "--check found files to change";
	case STSIFY_EXIT_USAGE: return "usage error: nothing was processed";
	default: return "some input could not be processed";
	}
}

static json_t *invocation(json_t *exec, json_t *config, int exit_code)
{
	json_t *inv = json_object(), *invs = json_array();

	json_object_set_new(inv, "executionSuccessful",
			    json_boolean(exit_code == STSIFY_EXIT_OK || exit_code == STSIFY_EXIT_CHANGES));
	json_object_set_new(inv, "exitCode", json_integer(exit_code));
	json_object_set_new(inv, "exitCodeDescription", json_string(exit_description(exit_code)));
	json_object_set_new(inv, "toolExecutionNotifications", exec);
	json_object_set_new(inv, "toolConfigurationNotifications", config);
	json_array_append_new(invs, inv);
	return invs;
}

/* %SRCROOT%, the folder the relative paths start from. */
static json_t *base_ids(const char *cwd)
{
	json_t *ids = json_object(), *root = json_object();

	if (cwd)
		json_object_set_new(root, "uri", uri_string("file://", cwd, strcmp(cwd, "/") ? "/" : ""));
	set_text(root, "description", "the folder stsify ran in");
	json_object_set_new(ids, "%SRCROOT%", root);
	return ids;
}

/* The index of c in the descriptors (rules or notifications), added when
 * new: each code used, in order of first use. */
static size_t descriptor_index(json_t *list, size_t *index, enum code c)
{
	if (index[c] == SIZE_MAX) {
		index[c] = json_array_size(list);
		json_array_append_new(list, descriptor(c));
	}
	return index[c];
}

static json_t *driver(json_t *rules, json_t *notes)
{
	json_t *d = json_object(), *tool = json_object();

	json_object_set_new(d, "name", json_string("stsify"));
	json_object_set_new(d, "version", json_string(STSIFY_VERSION));
	json_object_set_new(d, "informationUri", json_string(HELP_URI));
	json_object_set_new(d, "rules", rules);
	json_object_set_new(d, "notifications", notes);
	json_object_set_new(tool, "driver", d);
	return tool;
}

int format_sarif(FILE *fp, const struct report *rep, int exit_code)
{
	json_t *doc = json_object(), *run = json_object(), *runs = json_array();
	json_t *rules = json_array(), *notes = json_array(), *results = json_array();
	json_t *exec = json_array(), *config = json_array();
	size_t rule_at[CODE__COUNT], note_at[CODE__COUNT];
	char *cwd = getcwd(NULL, 0);
	const struct finding **v;

	memset(rule_at, 0xff, sizeof(rule_at));
	memset(note_at, 0xff, sizeof(note_at));
	report_sorted(rep, &v);
	for (size_t i = 0; i < rep->n; i++) {
		const struct finding *f = v[i];

		if (about_the_run(f->code)) {
			json_array_append_new(f->code == CODE_USAGE ? config : exec,
					      notification(f, descriptor_index(notes, note_at, f->code)));
			continue;
		}
		json_array_append_new(results, result(f, descriptor_index(rules, rule_at, f->code), cwd));
	}
	free(v);
	json_object_set_new(run, "tool", driver(rules, notes));
	json_object_set_new(run, "invocations", invocation(exec, config, exit_code));
	json_object_set_new(run, "originalUriBaseIds", base_ids(cwd));
	json_object_set_new(run, "columnKind", json_string("unicodeCodePoints"));
	json_object_set_new(run, "results", results);
	json_array_append_new(runs, run);
	json_object_set_new(doc, "$schema", json_string(SARIF_SCHEMA));
	json_object_set_new(doc, "version", json_string("2.1.0"));
	json_object_set_new(doc, "runs", runs);
	free(cwd);
	return format_dump(fp, doc);
}
