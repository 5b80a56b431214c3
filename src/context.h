/*
 * context.h - the rest of a file operand's build, read as context
 * (DESIGN.md section 9: `stsify FILE` converts FILE as `stsify FOLDER`
 * does; stsify(1), --no-context).
 *
 * For each file named as an operand (not found by walking a folder) that
 * may matter to the planner (context_wanted()), the
 * nearest enclosing kustomization: the folders from the file's own up to
 * the repository's root (the first folder that holds a .git entry; the
 * filesystem's root when none does; at most CONTEXT_MAX_LEVELS levels) are
 * looked at in turn, and the first kustomization file (kustomization.yaml,
 * kustomization.yml, Kustomization) whose closure (builds.h) includes the
 * file is its build.  The closure is read from disk a level at a time:
 * builds_init() over what is read so far names the missing paths; a file
 * among them (*.yaml, *.yml, *.json, or a kustomization name) is read, a
 * folder gives its kustomization file, until nothing is missing that can
 * be read (remote bases are not fetched).  When no kustomization includes
 * the file, its context is the other *.yaml, *.yml and *.json files of its
 * own folder (not its subfolders; hidden files left out).
 *
 * Each file is read once per run however many operands share it (folders
 * and closures are remembered), at most CONTEXT_MAX_FILES in all; a file
 * that is also an operand (the same path, normalised) is an operand, not
 * context.  An unreadable context file is left out silently, and so is
 * one that --exclude-path leaves out (--include, which chooses among the
 * files found in folders, does not apply: a kustomization it does not
 * take is still read).
 *
 * Calling sequence (cli.c):
 *
 *   struct context cx;
 *   context_find(&cx, ops, nops, have, nhave, skip, arg);
 *                              // ops: the file operands; have: every
 *                              // operand file; skip: --exclude-path
 *   for (size_t k = 0; k < cx.n; k++)
 *           files[n + k] = { cx.path[k], cx.buf[k], cx.len[k] };
 *   run_rewrite_needs(&opt, files, n + cx.n, cx.n, ...);   // run.h
 *   context_drop(&cx, &rep);     // findings located in context files
 *   context_release(&cx);
 *
 * Ownership: struct context owns its paths and bytes.
 */
#ifndef STSIFY_CONTEXT_H
#define STSIFY_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>

struct report;

#define CONTEXT_MAX_FILES 20000
#define CONTEXT_MAX_LEVELS 64

struct context {
	char **path;		/* normalised (builds_path_join()), sorted */
	char **buf;
	size_t *len;
	size_t n;
};

/* The context of the file operands ops[0..nops) (paths as given), less
 * the files have[0..nhave) (the operands' paths as given) and those for
 * which skip(path, arg) is true (--exclude-path; skip may be NULL). */
void context_find(struct context *cx, const char *const *ops, size_t nops, const char *const *have,
		  size_t nhave, bool (*skip)(const char *path, void *arg), void *arg);
/* May the file's bytes matter to the planner (split.h: a workload with a
 * claim, a claim, Service, autoscaler, List or kustomization, or text it
 * cannot classify)?  Only such an operand needs context: a file of
 * ConfigMaps, or one that does not parse, converts alone as with its
 * build (a stale-reference to a workload of its build is not seen). */
bool context_wanted(const char *path, const char *buf, size_t len);
/* Drop the findings located in context files, but for the warnings and
 * errors about a workload of an operand (data-migration at its claim's
 * manifest), and the summaries of the context files' workloads (they are
 * not converted). */
void context_drop(const struct context *cx, struct report *rep);
void context_release(struct context *cx);

#endif
