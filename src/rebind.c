/*
 * rebind.c - the rebind script and its pre-bound claim (see rebind.h).
 *
 * The script is fixed text with the names filled in, each value
 * single-quoted for the shell.  Its steps are written so that each one
 * first looks at the cluster and does nothing when it is already done;
 * the order (Retain, checked again, before the delete) is what keeps the
 * volume when anything fails in between.
 */
#include "rebind.h"

#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "util.h"

/* s single-quoted for sh: 'it'\''s' */
static void sh_quote(struct strbuf *out, const char *s)
{
	strbuf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(out, "'\\''");
		else
			strbuf_addch(out, *s);
	}
	strbuf_addch(out, '\'');
}

static const struct val *seq_has(const struct val *seq, const char *s)
{
	for (size_t i = 0; seq && seq->kind == VAL_SEQ && i < seq->n; i++)
		if (seq->item[i]->kind == VAL_SCALAR && !strcmp(seq->item[i]->str, s))
			return seq->item[i];
	return NULL;
}

static const char *scalar_of(const struct val *map, const char *key)
{
	const struct val *v = map ? val_get(map, key) : NULL;

	return v && v->kind == VAL_SCALAR ? v->str : NULL;
}

bool rebind_possible(const struct val *old_spec, const struct val *tmpl_spec, const char *pv_class,
		     const char **why)
{
	const struct val *old_modes = old_spec ? val_get(old_spec, "accessModes") : NULL;
	const struct val *new_modes = tmpl_spec ? val_get(tmpl_spec, "accessModes") : NULL;
	const char *cls = scalar_of(tmpl_spec, "storageClassName");

	if (seq_has(old_modes, "ReadWriteMany") && !seq_has(new_modes, "ReadWriteMany")) {
		*why = "the shared ReadWriteMany volume becomes a ReadWriteOnce volume per pod";
		return false;
	}
	if (pv_class && cls && strcmp(pv_class, cls)) {
		*why = "the template asks for another storage class than the volume's";
		return false;
	}
	*why = NULL;
	return true;
}

int data_path_parse(const char *s, enum data_path *dp)
{
	if (!s || !strcmp(s, "auto"))
		*dp = DATA_PATH_AUTO;
	else if (!strcmp(s, "copy"))
		*dp = DATA_PATH_COPY;
	else if (!strcmp(s, "rebind"))
		*dp = DATA_PATH_REBIND;
	else
		return -1;
	return 0;
}

char *rebind_claims_file(const char *manifest_path, const char *sts)
{
	const char *slash = strrchr(manifest_path, '/');

	return slash ? xasprintf("%.*s/%s-claims.yaml", (int)(slash - manifest_path), manifest_path, sts)
		     : xasprintf("%s-claims.yaml", sts);
}

/* Is mode one of the comma-separated modes? */
static bool modes_have(const char *modes, const char *mode)
{
	size_t n = strlen(mode);

	for (const char *p = modes; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		if (!strncmp(p, mode, n) && (p[n] == ',' || !p[n]))
			return true;
	}
	return false;
}

bool rebind_choose(enum data_path dp, const char *old_modes, const struct val *tmpl_spec,
		   const char *pv_class, bool static_volume, const char **why)
{
	const struct val *new_modes = tmpl_spec ? val_get(tmpl_spec, "accessModes") : NULL;
	const char *cls = scalar_of(tmpl_spec, "storageClassName");
	bool rwx = modes_have(old_modes, "ReadWriteMany") && !seq_has(new_modes, "ReadWriteMany");

	if (dp == DATA_PATH_COPY) {
		*why = "--data-path=copy";
		return false;
	}
	if (pv_class && cls && strcmp(pv_class, cls)) {
		*why = "the template asks for another storage class than the volume's";
		return false;
	}
	if (dp == DATA_PATH_REBIND) {
		*why = "--data-path=rebind binds the volume to the new claim, nothing is copied";
		return true;
	}
	if (static_volume) {
		*why = "the volume was made by hand and nothing would provision one to copy into, so it is bound to the new claim";
		return true;
	}
	if (!old_modes) {
		*why = "the claim is in neither the input nor --cluster-state, so its access modes are not known";
		return false;
	}
	if (rwx) {
		*why = "the shared ReadWriteMany volume becomes a ReadWriteOnce volume per pod";
		return false;
	}
	if (!modes_have(old_modes, "ReadWriteOnce") && !modes_have(old_modes, "ReadWriteOncePod")) {
		*why = "the volume is not ReadWriteOnce";
		return false;
	}
	*why = "the access modes and class stay, so the volume is bound to the new claim and nothing is copied";
	return true;
}

/* The claim without storageClassName and volumeName: the script (or
 * rebind_claim()) adds both, from the volume. */
static struct val *claim_val(const struct rebind *rb)
{
	struct val *pvc = val_map(), *md, *labels, *spec;
	static const char *const keep[] = { "accessModes", "resources", "volumeMode" };

	val_set(pvc, "apiVersion", val_str("v1"));
	val_set(pvc, "kind", val_str("PersistentVolumeClaim"));
	md = val_set(pvc, "metadata", val_map());
	val_set(md, "name", val_str(rb->new_claim));
	if (*rb->ns)
		val_set(md, "namespace", val_str(rb->ns));
	labels = val_set(md, "labels", val_map());
	val_set(labels, "app.kubernetes.io/managed-by", val_str("stsify"));
	spec = val_set(pvc, "spec", val_map());
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		const struct val *v = rb->spec ? val_get(rb->spec, keep[i]) : NULL;

		if (v)
			val_set(spec, keep[i], val_copy(v));
	}
	return pvc;
}

static void render_claim(struct strbuf *out, const struct rebind *rb)
{
	struct style st = { .indent = 2, .seq_indent = 0, .dash_gap = 2, .eol = "\n" };
	struct val *pvc = claim_val(rb);

	render_block_doc(out, &st, pvc);
	val_free(pvc);
}

void rebind_claim(struct strbuf *out, const struct rebind *rb)
{
	strbuf_addf(out, "# Claim \"%s\" bound in advance to the volume of claim \"%s\": pod 0 of\n"
			 "# StatefulSet \"%s\" adopts it.  Made by stsify; applied by the rebind script.\n",
		    rb->new_claim, rb->old_claim, rb->sts);
	if (!rb->pv)
		strbuf_addstr(out, "# The volume is not known without --cluster-state: the script finds it and\n"
				   "# adds spec.storageClassName and spec.volumeName.\n");
	render_claim(out, rb);
	if (rb->pv) {
		struct val *cls = val_str(rb->pv_class ? rb->pv_class : ""), *pv = val_str(rb->pv);

		strbuf_addstr(out, "  storageClassName: ");
		render_scalar(out, cls, false);
		strbuf_addstr(out, "\n  volumeName: ");
		render_scalar(out, pv, false);
		strbuf_addch(out, '\n');
		val_free(cls);
		val_free(pv);
	}
}

/*
 * The body of the script, after the variables NS, WORKLOAD, STS, OLD, NEW
 * and PV.  Read-only look-ups run in --dry-run too; every change goes
 * through change(), which prints it first.
 */
static const char script_body[] =
	"KUBECTL=${KUBECTL:-kubectl}\n"
	"DRY_RUN=0\n"
	"case ${1:-} in\n"
	"--dry-run) DRY_RUN=1 ;;\n"
	"'') ;;\n"
	"*) echo \"usage: $0 [--dry-run]\" >&2; exit 2 ;;\n"
	"esac\n"
	"\n"
	"say() { printf 'rebind %s: %s\\n' \"$NEW\" \"$*\" >&2; }\n"
	"fail() { say \"error: $*\"; exit 1; }\n"
	"kc() { \"$KUBECTL\" --namespace \"$NS\" \"$@\"; }\n"
	"change() {\n"
	"\tprintf '+ kubectl --namespace %s %s\\n' \"$NS\" \"$*\"\n"
	"\tif [ \"$DRY_RUN\" = 0 ]; then kc \"$@\"; fi\n"
	"}\n"
	"# KIND NAME JSONPATH: the field, empty when the object does not exist\n"
	"field() { kc get \"$1\" \"$2\" --ignore-not-found -o \"jsonpath=$3\"; }\n"
	"exists() { [ -n \"$(field \"$1\" \"$2\" '{.metadata.name}')\" ]; }\n"
	"\n"
	"if [ -z \"$NS\" ]; then\n"
	"\tNS=$(\"$KUBECTL\" config view --minify -o 'jsonpath={..namespace}')\n"
	"\tNS=${NS:-default}\n"
	"fi\n"
	"\n"
	"# 1. The volume: named by the snapshot, else by either claim, else by the\n"
	"#    claimRef that an interrupted run left on it.\n"
	"[ -n \"$PV\" ] || PV=$(field pvc \"$OLD\" '{.spec.volumeName}')\n"
	"[ -n \"$PV\" ] || PV=$(field pvc \"$NEW\" '{.spec.volumeName}')\n"
	"if [ -z \"$PV\" ]; then\n"
	"\tPV=$(kc get pv -o 'jsonpath={range .items[*]}{.metadata.name}{\" \"}{.spec.claimRef.namespace}/{.spec.claimRef.name}{\"\\n\"}{end}' |\n"
	"\t\tawk -v a=\"$NS/$OLD\" -v b=\"$NS/$NEW\" '$2 == a || $2 == b { print $1; exit }')\n"
	"fi\n"
	"if [ -z \"$PV\" ]; then\n"
	"\tPV=$(kc get pv -l \"stsify.dev/rebind-to=$NEW,stsify.dev/rebind-namespace=$NS\" \\\n"
	"\t\t-o 'jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}' | head -n 1)\n"
	"fi\n"
	"[ -n \"$PV\" ] || fail \"no volume found for claim $OLD (nor for $NEW): nothing to rebind\"\n"
	"exists pv \"$PV\" || fail \"volume $PV does not exist\"\n"
	"\n"
	"# 2. Done already, or taken by something else?\n"
	"if exists pvc \"$NEW\"; then\n"
	"\tnew_pv=$(field pvc \"$NEW\" '{.spec.volumeName}')\n"
	"\t[ \"$new_pv\" = \"$PV\" ] || fail \"claim $NEW exists on another volume (${new_pv:-none}): did the StatefulSet start before the data was moved? Delete claim $NEW only if it holds nothing, then run this again\"\n"
	"\tif [ \"$(field pvc \"$NEW\" '{.status.phase}')\" = Bound ]; then\n"
	"\t\tsay \"done: claim $NEW is bound to volume $PV\"\n"
	"\t\texit 0\n"
	"\tfi\n"
	"fi\n"
	"\n"
	"# 3. Nothing may write to the volume while it moves.\n"
	"replicas=$(field \"${WORKLOAD%%/*}\" \"${WORKLOAD#*/}\" '{.spec.replicas}')\n"
	"if [ -n \"$replicas\" ] && [ \"$replicas\" != 0 ]; then\n"
	"\tfail \"$WORKLOAD has $replicas replicas: scale it to 0 first (kubectl scale $WORKLOAD --replicas=0 --namespace $NS)\"\n"
	"fi\n"
	"pods=$(kc get pods -o 'jsonpath={range .items[*]}{.metadata.name}{\" \"}{.status.phase}{\" \"}{range .spec.volumes[*]}{.persistentVolumeClaim.claimName}{\" \"}{end}{\"\\n\"}{end}' |\n"
	"\tawk -v c=\"$OLD\" '$2 != \"Succeeded\" && $2 != \"Failed\" { for (i = 3; i <= NF; i++) if ($i == c) { print $1; break } }' | tr '\\n' ' ')\n"
	"[ -z \"$pods\" ] || fail \"pods still mount claim $OLD: $pods- stop them first\"\n"
	"ref=$(field pv \"$PV\" '{.spec.claimRef.namespace}/{.spec.claimRef.name}')\n"
	"case $ref in\n"
	"/ | \"$NS/$OLD\" | \"$NS/$NEW\") ;;\n"
	"*) fail \"volume $PV is bound to claim $ref, not to $NS/$OLD\" ;;\n"
	"esac\n"
	"\n"
	"# 4. Keep the volume when its claim goes, and label it so that a run\n"
	"#    interrupted after step 6 finds it again.\n"
	"policy=$(field pv \"$PV\" '{.spec.persistentVolumeReclaimPolicy}')\n"
	"label=$(field pv \"$PV\" '{.metadata.labels.stsify\\.dev/rebind-to}')\n"
	"if [ \"$policy\" != Retain ] || [ \"$label\" != \"$NEW\" ]; then\n"
	"\tchange patch pv \"$PV\" -p \"{\\\"metadata\\\":{\\\"labels\\\":{\\\"stsify.dev/rebind-to\\\":\\\"$NEW\\\",\\\"stsify.dev/rebind-namespace\\\":\\\"$NS\\\"}},\\\"spec\\\":{\\\"persistentVolumeReclaimPolicy\\\":\\\"Retain\\\"}}\"\n"
	"\tif [ \"$DRY_RUN\" = 0 ] && [ \"$(field pv \"$PV\" '{.spec.persistentVolumeReclaimPolicy}')\" != Retain ]; then\n"
	"\t\tfail \"volume $PV is not Retain: stopping before claim $OLD is deleted\"\n"
	"\tfi\n"
	"fi\n"
	"\n"
	"# 5. The old claim goes; the volume stays (Released).\n"
	"if exists pvc \"$OLD\"; then\n"
	"\tchange delete pvc \"$OLD\" --wait=true\n"
	"fi\n"
	"\n"
	"# 6. The volume forgets the old claim (Available).\n"
	"if [ \"$(field pv \"$PV\" '{.spec.claimRef.name}')\" = \"$OLD\" ]; then\n"
	"\tchange patch pv \"$PV\" --type json -p '[{\"op\":\"remove\",\"path\":\"/spec/claimRef\"}]'\n"
	"fi\n"
	"\n"
	"# 7. The claim of pod 0, bound in advance to the volume, in its class.\n"
	"if ! exists pvc \"$NEW\"; then\n"
	"\tcls=$(field pv \"$PV\" '{.spec.storageClassName}')\n"
	"\tif [ \"$DRY_RUN\" = 1 ]; then\n"
	"\t\tchange apply -f -\n"
	"\t\tclaim \"$cls\" | sed 's/^/    /'\n"
	"\telse\n"
	"\t\tprintf '+ kubectl --namespace %s apply -f -\\n' \"$NS\"\n"
	"\t\tclaim \"$cls\" | kc apply -f -\n"
	"\tfi\n"
	"fi\n"
	"\n"
	"# 8. Bound?\n"
	"change wait --for=jsonpath='{.status.phase}'=Bound pvc/\"$NEW\" --timeout=5m\n"
	"if [ \"$DRY_RUN\" = 1 ]; then\n"
	"\tsay \"dry run: nothing was changed\"\n"
	"\texit 0\n"
	"fi\n"
	"say \"done: claim $NEW is bound to volume $PV (reclaim policy Retain; it was ${policy:-unknown}): StatefulSet $STS may start\"\n";

void rebind_script(struct strbuf *out, const struct rebind *rb)
{
	static const char *const var[] = { "NS", "WORKLOAD", "STS", "OLD", "NEW", "PV" };
	const char *val[] = { rb->ns, rb->resource, rb->sts, rb->old_claim, rb->new_claim,
			      rb->pv ? rb->pv : "" };

	const char *file = rb->file ? rb->file : NULL;
	char *dflt = file ? NULL : xasprintf("%s--rebind.sh", rb->new_claim);

	strbuf_addf(out,
		    "#!/bin/sh\n"
		    "# Rebind the volume of claim \"%s\" to claim \"%s\", which pod 0 of\n"
		    "# StatefulSet \"%s\" adopts: the data stays where it is, nothing is copied.\n"
		    "# Made by stsify.  Run it after %s is scaled to 0:\n"
		    "#\n"
		    "#   sh %s --dry-run   print every change, make none\n"
		    "#   sh %s             check everything, then do it\n"
		    "#\n"
		    "# Every step first checks whether it is done, so running it again after\n"
		    "# success or after an interruption finishes the job or says what is\n"
		    "# wrong.  KUBECTL names the kubectl to run.\n"
		    "set -eu\n\n",
		    rb->old_claim, rb->new_claim, rb->sts, rb->resource, file ? file : dflt, file ? file : dflt);
	free(dflt);
	for (size_t i = 0; i < ARRAY_SIZE(var); i++) {
		strbuf_addf(out, "%s=", var[i]);
		sh_quote(out, val[i]);
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(out, "\n# The claim to apply, for a volume of class $1.\nclaim() {\n\tcat <<'EOF_CLAIM'\n");
	render_claim(out, rb);
	strbuf_addstr(out, "EOF_CLAIM\n"
			   "\tprintf \"  storageClassName: '%s'\\n  volumeName: '%s'\\n\" \"$1\" \"$PV\"\n"
			   "}\n\n");
	strbuf_addstr(out, script_body);
}
