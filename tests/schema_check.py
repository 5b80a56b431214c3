"""tests/schema_check.py - every StatefulSet and Service that stsify writes is
valid Kubernetes: it validates against the strict v1.29.0 JSON schema of its
kind (testdata/schemas/v1.29.0-standalone-strict, vendored: see
testdata/schemas/SOURCES; additionalProperties false everywhere), and a
.json file stays valid JSON.  Run by tests/schema.sh.

The migration plan (--migration-plan: the folder `plan` of a golden case
whose args ask for it) and the claims --claims-in-repo adds to the
repository are checked too: each PersistentVolumeClaim against the claim
schema inside the StatefulSet schema (volumeClaimTemplates items), each
copy Job's metadata and pod template against the Deployment schema's, its
other fields by hand (no Job or claim schema is vendored).  So is the new
file of a JSON manifest's headless Service: valid JSON, and the Service
against its schema.

Subjects: each golden case (its in/ with its args, as one resource set) and
each folder of the corpus (../shared/corpus, or STSIFY_CORPUS; its files as
one set; skipped, saying so, when it is not there).  For each, `stsify -w` runs
on a copy; the objects of kind StatefulSet or Service (items of a List
included) found in a changed file and in no input file are what stsify
wrote, and each must validate.  An error under a part that the StatefulSet
copies from its Deployment (metadata, spec.template, spec.selector, ...) is
the input's own when the Deployment fails the Deployment schema at the same
place: it is listed as inherited and does not fail the test.

STSIFY_TEST_SAMPLE=N (make check's sanitizer run) takes every Nth subject.

Prints a line per failure, then `schema: N passed, N failed`; exit 1 on any
failure.
"""
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

import jsonschema
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STSIFY = os.environ.get("STSIFY", os.path.join(ROOT, "stsify"))
if not os.path.isabs(STSIFY):
    STSIFY = os.path.join(ROOT, STSIFY)
CORPUS = os.environ.get("STSIFY_CORPUS", os.path.join(ROOT, "..", "shared", "corpus"))
SCHEMAS = os.environ.get(
    "STSIFY_SCHEMAS", os.path.join(ROOT, "testdata", "schemas", "v1.29.0-standalone-strict"))
KINDS = {
    "StatefulSet": "statefulset-apps-v1.json",
    "Service": "service-v1.json",
    "Deployment": "deployment-apps-v1.json",
}


def validator(kind):
    with open(os.path.join(SCHEMAS, KINDS[kind])) as f:
        schema = json.load(f)
    # the files name no draft jsonschema knows ("http://json-schema.org/schema#");
    # openapi2jsonschema writes draft-07 compatible schemas
    return jsonschema.Draft7Validator(schema)


VALIDATORS = {}


def errors(kind, obj):
    if kind not in VALIDATORS:
        VALIDATORS[kind] = validator(kind)
    return sorted(VALIDATORS[kind].iter_errors(obj), key=lambda e: list(e.absolute_path))


def sub_validator(kind, *path):
    """A validator for the part of kind's schema at path (properties, items)."""
    name = kind + ":" + "/".join(path)
    if name not in VALIDATORS:
        with open(os.path.join(SCHEMAS, KINDS[kind])) as f:
            schema = json.load(f)
        for p in path:
            schema = schema["items"] if p == "[]" else schema["properties"][p]
        VALIDATORS[name] = jsonschema.Draft7Validator(schema)
    return VALIDATORS[name]


JOB_KEYS = {"apiVersion", "kind", "metadata", "spec"}
JOB_SPEC_KEYS = {"backoffLimit", "template", "ttlSecondsAfterFinished", "activeDeadlineSeconds"}


def plan_object_errors(o):
    """What is wrong with an object of a migration plan (a claim or a Job)."""
    kind = o.get("kind") if isinstance(o, dict) else None
    if kind == "PersistentVolumeClaim":
        v = sub_validator("StatefulSet", "spec", "volumeClaimTemplates", "[]")
        return ["/%s: %s" % ("/".join(str(x) for x in e.absolute_path), e.message[:200])
                for e in v.iter_errors(o)]
    if kind == "Job":
        errs = []
        if o.get("apiVersion") != "batch/v1":
            errs.append("apiVersion %r, not batch/v1" % o.get("apiVersion"))
        errs += ["unknown field %s" % k for k in sorted(set(o) - JOB_KEYS)]
        spec = o.get("spec") or {}
        errs += ["unknown field spec.%s" % k for k in sorted(set(spec) - JOB_SPEC_KEYS)]
        for part, path in ((o.get("metadata"), ("metadata",)), (spec.get("template"), ("spec", "template"))):
            v = sub_validator("Deployment", *path)
            errs += ["/%s/%s: %s" % ("/".join(path), "/".join(str(x) for x in e.absolute_path), e.message[:200])
                     for e in v.iter_errors(part)]
        if (spec.get("template") or {}).get("spec", {}).get("restartPolicy") not in ("Never", "OnFailure"):
            errs.append("a Job's pods need restartPolicy Never or OnFailure")
        return errs
    return ["unexpected kind %r in a migration plan" % kind]


def check_plan(workdir, new_files):
    """The manifests of the plan folder and the new files of the
    repository (the claims of --claims-in-repo, a headless Service beside a
    JSON StatefulSet): (failures, number validated)."""
    fails, n = [], 0
    plan = os.path.join(workdir, "plan")
    paths = [os.path.join("plan", x) for x in sorted(os.listdir(plan)) if x.endswith(".yaml")] \
        if os.path.isdir(plan) else []
    for rel in paths + sorted(new_files):
        if rel.endswith(".json"):
            try:
                with open(os.path.join(workdir, rel), "rb") as f:
                    json.loads(f.read().decode("utf-8-sig"))
            except ValueError as e:
                fails.append("%s is not valid JSON: %s" % (rel, e))
        objs = objects(os.path.join(workdir, rel))
        if objs is None:
            fails.append("%s does not parse" % rel)
            continue
        for o in objs:
            n += 1
            if rel in new_files and isinstance(o, dict) and o.get("kind") == "Service":
                # a JSON StatefulSet's headless Service, in a file of its own
                fails += ["%s Service: /%s: %s" % (rel, "/".join(str(x) for x in e.absolute_path), e.message[:200])
                          for e in errors("Service", o)]
                continue
            fails += ["%s %s: %s" % (rel, o.get("kind"), e) for e in plan_object_errors(o)]
    return fails, n


class Loader(yaml.SafeLoader):
    """SafeLoader that keeps every scalar that YAML 1.1 would turn into a
    date or timestamp as a string, as Kubernetes (YAML 1.2 via JSON) does."""


Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}


def _untagged(loader, suffix, node):
    """Local tags (%TAG handles, !custom) mean nothing to Kubernetes' JSON:
    build the node as if it had none."""
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)


Loader.add_multi_constructor("", _untagged)


def fy_tool_json(path):
    """The documents of path as fy-tool converts them to JSON, or None."""
    try:
        r = subprocess.run(["fy-tool", "--mode", "json", path], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if r.returncode:
        return None
    text, docs, dec, i = r.stdout.decode("utf-8"), [], json.JSONDecoder(), 0
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            return docs
        try:
            d, i = dec.raw_decode(text, i)
        except ValueError:
            return None
        docs.append(d)


def objects(path):
    """The Kubernetes objects of a file (List items flattened), or None."""
    try:
        with open(path, "rb") as f:
            docs = list(yaml.load_all(f.read().decode("utf-8-sig"), Loader=Loader))
    except Exception:
        # PyYAML is YAML 1.1 and stricter than the spec (a tab after a
        # value, say): ask libfyaml, stsify's own parser, for JSON instead
        docs = fy_tool_json(path)
        if docs is None:
            return None
    out = []
    for d in docs:
        if isinstance(d, dict) and d.get("kind") == "List" and isinstance(d.get("items"), list):
            out.extend(i for i in d["items"] if isinstance(i, dict))
        elif isinstance(d, dict):
            out.append(d)
    return out


def files_under(top):
    out = []
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for n in sorted(filenames):
            out.append(os.path.relpath(os.path.join(dirpath, n), top))
    return out


def key(o):
    md = o.get("metadata") if isinstance(o.get("metadata"), dict) else {}
    return (md.get("namespace") or "", md.get("name"))


# the parts of a StatefulSet that come from its Deployment unchanged
COPIED = {"metadata", "template", "selector", "replicas", "minReadySeconds",
          "revisionHistoryLimit"}


def inherited(err_path, dep_paths):
    p = list(err_path)
    if not p:
        return False
    part = p[1] if p[0] == "spec" and len(p) > 1 else p[0]
    if part not in COPIED:
        return False
    return any(p[:len(d)] == d or d[:len(p)] == p for d in dep_paths)


KFILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def patch_files(workdir):
    """The files that the kustomizations under workdir name as patches
    (patches[].path, patchesStrategicMerge, patchesJson6902[].path), as
    paths relative to workdir: partial objects by design."""
    out = set()
    for rel in files_under(workdir):
        if os.path.basename(rel) not in KFILES:
            continue
        for k in objects(os.path.join(workdir, rel)) or []:
            if not isinstance(k, dict):
                continue
            names = [p.get("path") for p in (k.get("patches") or []) + (k.get("patchesJson6902") or [])
                     if isinstance(p, dict)]
            names += [p for p in (k.get("patchesStrategicMerge") or []) if isinstance(p, str) and "\n" not in p]
            for n in names:
                if isinstance(n, str):
                    out.add(os.path.normpath(os.path.join(os.path.dirname(rel), n)))
    return out


def check(workdir, orig, operands, args):
    """Run stsify -w in workdir on operands (orig: a pristine copy); return
    (failures, notes, number of objects validated)."""
    before = {}
    for rel in files_under(workdir):
        with open(os.path.join(workdir, rel), "rb") as f:
            before[rel] = f.read()
    r = subprocess.run([STSIFY, "-w", "-q"] + args + operands, cwd=workdir,
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    notes = []
    if r.returncode not in (0, 3):
        fails = []
        fails.append("stsify -w exited %d: %s" % (r.returncode, r.stderr.decode()[:300]))
        return fails, notes, 0
    new_files = [rel for rel in files_under(workdir)
                 if rel not in before and not rel.startswith("plan" + os.sep)]
    patches = patch_files(workdir)
    for rel in sorted(set(new_files) & patches):
        notes.append("a new StatefulSet patch of a build, not validated: %s" % rel)
    fails, n = check_plan(workdir, [f for f in new_files if f not in patches])
    old = []
    deployments = {}
    for rel in before:
        objs = objects(os.path.join(orig, rel)) or []
        old.extend(objs)
        for o in objs:
            if o.get("kind") == "Deployment":
                deployments[key(o)] = o
    for rel in sorted(before):
        path = os.path.join(workdir, rel)
        with open(path, "rb") as f:
            data = f.read()
        if data == before[rel]:
            continue
        if rel.endswith(".json"):
            try:
                json.loads(data.decode("utf-8-sig"))
            except ValueError as e:
                fails.append("%s is no longer valid JSON: %s" % (rel, e))
        objs = objects(path)
        if objs is None:
            fails.append("%s does not parse after stsify -w" % rel)
            continue
        for o in objs:
            kind = o.get("kind")
            if kind not in ("StatefulSet", "Service") or o in old:
                continue
            if kind == "StatefulSet" and (rel in patches or
                                          not isinstance((o.get("spec") or {}).get("template"), dict)):
                # a Kustomize strategic-merge patch that followed its
                # Deployment: a partial object by design
                notes.append("a partial StatefulSet (a patch), not validated: %s" % rel)
                continue
            n += 1
            dep = deployments.get(key(o)) if kind == "StatefulSet" else None
            dep_paths = []
            if dep is not None:
                d = json.loads(json.dumps(dep))
                d["apiVersion"] = "apps/v1"
                dep_paths = [list(e.absolute_path) for e in errors("Deployment", d)]
            for e in errors(kind, o):
                where = "%s %s %s: /%s: %s" % (rel, kind, key(o)[1],
                                               "/".join(str(x) for x in e.absolute_path),
                                               e.message[:200])
                if inherited(e.absolute_path, dep_paths):
                    notes.append("inherited from the Deployment: " + where)
                else:
                    fails.append(where)
    return fails, notes, n


def vendored_intact():
    """The vendored schemas are the files testdata/schemas/SOURCES lists (by
    git blob id): True, or False after saying which is not."""
    sources = os.path.join(ROOT, "testdata", "schemas", "SOURCES")
    listed = {}
    with open(sources) as f:
        for line in f:
            m = re.match(r"^\s+(\S+\.json)\s+\d+\s+([0-9a-f]{40})$", line)
            if m:
                listed[m.group(1)] = m.group(2)
    for kind, name in KINDS.items():
        with open(os.path.join(SCHEMAS, name), "rb") as f:
            data = f.read()
        blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
        if listed.get(name) != blob:
            print("schema: %s/%s has git blob id %s, SOURCES lists %s"
                  % (SCHEMAS, name, blob, listed.get(name)), file=sys.stderr)
            return False
    return True


def main():
    for p in (STSIFY, SCHEMAS):
        if not os.path.exists(p):
            print("schema: %s is missing" % p, file=sys.stderr)
            return 2
    if "STSIFY_SCHEMAS" not in os.environ and not vendored_intact():
        return 2
    subjects = []
    cases = os.path.join(ROOT, "testdata", "cases")
    for c in sorted(os.listdir(cases)):
        if not os.path.isdir(os.path.join(cases, c, "in")):
            continue
        args = []
        if os.path.exists(os.path.join(cases, c, "args")):
            with open(os.path.join(cases, c, "args")) as f:
                args = shlex.split(f.read())
        subjects.append(("case " + c, os.path.join(cases, c, "in"), None, args))
    if os.path.isdir(CORPUS):
        for dirpath, dirnames, filenames in os.walk(CORPUS):
            dirnames.sort()
            names = sorted(n for n in filenames if n not in ("SOURCES.tsv", "NOTES.md"))
            if names:
                subjects.append(("corpus/" + os.path.relpath(dirpath, CORPUS), dirpath, names, []))
    else:
        print("schema: corpus not found at %s: corpus checks skipped" % CORPUS)
    sample = os.environ.get("STSIFY_TEST_SAMPLE", "1")
    if not sample.isdigit() or int(sample) < 1:
        print("schema: STSIFY_TEST_SAMPLE=%s is not a positive number" % sample, file=sys.stderr)
        return 2
    if int(sample) > 1:
        total, subjects = len(subjects), subjects[::int(sample)]
        print("schema: STSIFY_TEST_SAMPLE=%s: %d of %d subjects checked" % (sample, len(subjects), total))

    passed = failed = written = 0
    inherited_notes = []
    for label, src, names, args in subjects:
        if names is None and os.path.exists(os.path.join(src, "..", "expected.exit")):
            with open(os.path.join(src, "..", "expected.exit")) as f:
                if f.read().strip() == "2":
                    continue    # a usage error: nothing is written
        tmp = tempfile.mkdtemp(prefix="stsify-schema.")
        try:
            work = os.path.join(tmp, "in")
            if names is None:
                shutil.copytree(src, work, symlinks=True)
                operands = sorted(os.listdir(work))
            else:
                os.mkdir(work)
                for nm in names:
                    shutil.copy(os.path.join(src, nm), work)
                operands = names
            orig = os.path.join(tmp, "orig")
            shutil.copytree(work, orig, symlinks=True)
            if names is None and os.path.isdir(os.path.join(src, "..", "cluster")):
                # the snapshots of --cluster-state cluster/FILE, not operands
                shutil.copytree(os.path.join(src, "..", "cluster"), os.path.join(work, "cluster"))
            fails, notes, n = check(work, orig, operands, args)
        except subprocess.TimeoutExpired:
            fails, notes, n = ["stsify timed out"], [], 0
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        written += n
        inherited_notes.extend(label + ": " + x for x in notes)
        if fails:
            failed += 1
            print("FAIL %s:" % label)
            for f in fails[:10]:
                print("  " + f)
        else:
            passed += 1
    for x in inherited_notes:
        print("schema: note: " + x)
    print("schema: %d StatefulSets, Services and objects of migration plans written by stsify validated" % written)
    print("schema: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
