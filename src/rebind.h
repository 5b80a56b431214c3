/*
 * rebind.h - the zero-copy data path of a migration plan: bind the
 * PersistentVolume of the old claim to the claim that pod 0 of the
 * StatefulSet will look for, <template>-<statefulset>-0.
 *
 * A StatefulSet adopts an existing claim of that name.  So instead of
 * copying a 500Gi database into a new volume, the old volume is handed
 * over: its reclaim policy set to Retain (so that deleting the old claim
 * keeps it), the old claim deleted, the volume's claimRef cleared, and a
 * claim of the new name created with volumeName set to it ("pre-bound").
 *
 * Done by hand, one wrong step deletes the volume; rebind_script() writes
 * a POSIX shell script that does it safely:
 *
 *   - every precondition is checked before anything changes: the old
 *     workload scaled to 0 and no running pod mounting the claim, the
 *     volume found (named by the snapshot, else looked up from the old
 *     claim or from the volume's claimRef), not bound to a third claim,
 *     and the new claim absent or already bound to that volume;
 *   - each step first checks whether it is already done, so a second run
 *     after success, or after an interruption at any step, finishes the
 *     job or says what is wrong;
 *   - `--dry-run` prints every command that would change the cluster
 *     (read-only look-ups still run); any failed check exits non-zero;
 *   - `KUBECTL` in the environment names the kubectl to run (the tests
 *     use a fake one).
 *
 * rebind_claim() writes the pre-bound claim manifest itself, for review
 * or for a GitOps commit; without the volume's name (no snapshot) it has
 * no volumeName and a comment says the script fills it in.
 */
#ifndef STSIFY_REBIND_H
#define STSIFY_REBIND_H

#include <stdbool.h>

struct strbuf;
struct val;

struct rebind {
	const char *file;	/* the script's name in the plan, for its usage comment */
	const char *ns;		/* "" when unset: the current namespace of kubectl */
	const char *resource;	/* the old workload for kubectl: "deployment/pg" */
	const char *sts;	/* the StatefulSet */
	const char *old_claim;	/* the claim whose volume moves */
	const char *new_claim;	/* <template>-<sts>-0 */
	const char *pv;		/* the volume, when a snapshot names it; else NULL */
	const char *pv_class;	/* its storageClassName ("" none), with pv */
	const struct val *spec;	/* the template's claim spec (access modes, class, size, mode) */
};

/*
 * Can the volume be rebound rather than copied?  Not when the template
 * changes the access modes of the old claim (a ReadWriteMany volume made
 * ReadWriteOnce per pod) or asks for another class than the volume's.
 * old_spec is the old claim's spec (NULL when the claim is not in the
 * input: then only the snapshot can tell, and pv_class is its class).
 * On false, *why says why (a static string).
 */
bool rebind_possible(const struct val *old_spec, const struct val *tmpl_spec, const char *pv_class,
		     const char **why);

/*
 * The data path of one claim: --data-path (stsify_options.data_path)
 * says auto (NULL too), copy or rebind.
 */
enum data_path { DATA_PATH_AUTO, DATA_PATH_COPY, DATA_PATH_REBIND };

/* s as a data path into *dp; -1 when it is none of the three. */
int data_path_parse(const char *s, enum data_path *dp);

/*
 * Rebind (true) or copy (false) the claim whose access modes are
 * old_modes (comma-separated, as the manifest or the snapshot gives them;
 * NULL when neither does) into a template of spec tmpl_spec, whose volume
 * has class pv_class (from the snapshot, or NULL).  Auto rebinds a
 * ReadWriteOnce (or ReadWriteOncePod) volume whose modes and class stay;
 * rebind also rebinds a ReadWriteMany volume or one whose modes are
 * unknown; nothing rebinds across storage classes (the claim would not
 * bind).  A claim on a hand-made volume (static_volume: safety.h, or a
 * volume without a provisioner in the snapshot) is rebound unless copy is
 * asked for: nothing would provision a volume to copy into.  *why says why, as a clause of a message (a static string).
 */
bool rebind_choose(enum data_path dp, const char *old_modes, const struct val *tmpl_spec,
		   const char *pv_class, bool static_volume, const char **why);

/*
 * --claims-in-repo: the file beside manifest_path (the workload's
 * manifest) that holds the claims of pod 0 of StatefulSet sts,
 * "<dir>/<sts>-claims.yaml" (malloc'd).
 */
char *rebind_claims_file(const char *manifest_path, const char *sts);

/* The pre-bound claim manifest (one YAML document). */
void rebind_claim(struct strbuf *out, const struct rebind *rb);
/* The script (POSIX sh, passes shellcheck). */
void rebind_script(struct strbuf *out, const struct rebind *rb);

#endif
