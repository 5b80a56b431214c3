"""tests/builds_check.py - the property of issue 11: for every root build R
of every repository fixture, "render then convert" and "convert then render"
give the same result.

    render then convert:  kubectl kustomize R | stsify
    convert then render:  stsify -w REPO (on a copy); kubectl kustomize R

The two object sets are compared semantically (parsed, not by bytes): which
Deployments and StatefulSets there are, every StatefulSet in full (lists of
named items such as volumes, volumeClaimTemplates and ports in name order),
every Service (but the metadata labels that the build's labels and
commonLabels put on every object: Kustomize adds them to a Service written
anywhere in the build, the conversion of a rendered stream copies the pod
template's), and the targets of HorizontalPodAutoscalers,
VerticalPodAutoscalers and KEDA ScaledObjects.  Both sides' StatefulSets and
Services must validate against the vendored strict Kubernetes schemas
(tests/schema_check.py).

Fixtures: every folder of testdata/builds/ (see its README) and testdata/repo.
A root build is a kustomization (kustomization.yaml, .yml, Kustomization)
that no other kustomization of its fixture names in resources, bases or
components.  A build that Kustomize cannot render before stsify touches it
(a missing file, a remote base) is listed as "not renderable" and counts
neither way: stsify must then leave it as renderable as it was, which the
converted side checks (it must fail to render too, or render).

Known failures: tests/builds.known lists builds (FIXTURE/PATH, one a line,
"#" comments) that fail today; each prints KNOWN and does not fail the run,
and one that passes prints FIXED so that the list is kept short.

Usage: builds_check.py [FIXTURE...]   (names under testdata/builds, or "repo")
Environment: STSIFY (the binary), KUBECTL (default kubectl),
STSIFY_BUILDS_SHOW=N lines of difference per failure (default 30).
Prints one line per build, PASS or FAIL with the difference, then
`builds: N passed, N failed`; exit 1 on any failure.
"""
import difflib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import schema_check  # noqa: E402  (the validators and the YAML 1.2 loader)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STSIFY = os.environ.get("STSIFY", os.path.join(ROOT, "stsify"))
if not os.path.isabs(STSIFY):
    STSIFY = os.path.join(ROOT, STSIFY)
KUBECTL = os.environ.get("KUBECTL", "kubectl")
SHOW = int(os.environ.get("STSIFY_BUILDS_SHOW", "30"))
KFILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
TARGETS = {"HorizontalPodAutoscaler": "scaleTargetRef", "ScaledObject": "scaleTargetRef",
           "VerticalPodAutoscaler": "targetRef"}
TIMEOUT = 60


def kustomization_in(d):
    for n in KFILES:
        if os.path.isfile(os.path.join(d, n)):
            return os.path.join(d, n)
    return None


def read_kustomization(kfile):
    try:
        with open(kfile) as f:
            k = yaml.safe_load(f)
    except Exception:
        return {}
    return k if isinstance(k, dict) else {}


def included(kfile):
    """The local folders a kustomization includes (resources, bases, components)."""
    k = read_kustomization(kfile)
    out = []
    for key in ("resources", "bases", "components"):
        for r in k.get(key) or []:
            if not isinstance(r, str) or "://" in r or r.startswith("github.com/"):
                continue
            p = os.path.normpath(os.path.join(os.path.dirname(kfile), r))
            if os.path.isdir(p):
                out.append(p)
    return out


def root_builds(top):
    """The folders of the root builds under top, relative to it, sorted
    (a Component cannot be built alone: it is never a root)."""
    kdirs, inc = [], set()
    for dirpath, dirnames, _ in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        k = kustomization_in(dirpath)
        if k and read_kustomization(k).get("kind") != "Component":
            kdirs.append(os.path.normpath(dirpath))
            inc.update(included(k))
    return sorted(os.path.relpath(d, top) for d in kdirs if d not in inc)


def render(path):
    """(objects, None) or (None, error text) for `kubectl kustomize path`."""
    try:
        r = subprocess.run([KUBECTL, "kustomize", path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, "kubectl kustomize timed out"
    if r.returncode:
        lines = r.stderr.decode("utf-8", "replace").strip().splitlines()
        errs = [ln for ln in lines if "rror" in ln or "err=" in ln]
        return None, (errs or lines)[:1]
    return r.stdout, None


def load(data):
    docs = list(yaml.load_all(data.decode("utf-8"), Loader=schema_check.Loader))
    out = []
    for d in docs:
        if isinstance(d, dict) and d.get("kind") == "List":
            out.extend(i for i in d.get("items") or [] if isinstance(i, dict))
        elif isinstance(d, dict):
            out.append(d)
    return out


def normal(v):
    """v with every list of uniquely named mappings in name order."""
    if isinstance(v, dict):
        return {k: normal(x) for k, x in v.items()}
    if isinstance(v, list):
        items = [normal(x) for x in v]
        names = [x.get("name") for x in items if isinstance(x, dict)]
        if items and len(names) == len(items) and None not in names \
                and len(set(map(str, names))) == len(names):
            items.sort(key=lambda x: str(x["name"]))
        return items
    return v


def ident(o):
    md = o.get("metadata") or {}
    return "%s %s/%s" % (o.get("kind"), md.get("namespace") or "", md.get("name"))


def build_labels(kdir, seen=None):
    """The labels the kustomizations of build kdir put on every object
    (labels[].pairs, commonLabels), as {key: value}."""
    seen = set() if seen is None else seen
    kfile = kustomization_in(kdir)
    if not kfile or kdir in seen:
        return {}
    seen.add(kdir)
    k = read_kustomization(kfile)
    out = {}
    for sub in included(kfile):
        out.update(build_labels(sub, seen))
    for entry in k.get("labels") or []:
        if isinstance(entry, dict) and isinstance(entry.get("pairs"), dict):
            out.update(entry["pairs"])
    if isinstance(k.get("commonLabels"), dict):
        out.update(k["commonLabels"])
    return {str(a): str(b) for a, b in out.items()}


def without_build_labels(o, labels):
    """Service o without the metadata labels its build puts on every object:
    Kustomize adds them to a headless Service wherever its file is (a base
    or an overlay), while `kubectl kustomize R | stsify` copies the pod
    template's labels, which they reach only with includeTemplates."""
    md = o.get("metadata") or {}
    ls = md.get("labels")
    if not labels or not isinstance(ls, dict):
        return o
    kept = {a: b for a, b in ls.items() if labels.get(str(a)) != str(b)}
    md = dict(md, labels=kept) if kept else {a: b for a, b in md.items() if a != "labels"}
    return dict(o, metadata=md)


def view(objs, labels=None):
    """The part of a rendered object set the property compares."""
    out = {}
    for o in objs:
        kind = o.get("kind")
        if kind == "Service":
            out[ident(o)] = normal(without_build_labels(o, labels))
        elif kind == "StatefulSet":
            out[ident(o)] = normal(o)
        elif kind == "Deployment":
            out[ident(o)] = "(a Deployment)"
        elif kind in TARGETS:
            out[ident(o) + " ." + TARGETS[kind]] = normal((o.get("spec") or {}).get(TARGETS[kind]))
    return out


def schema_errors(side, objs):
    out = []
    for o in objs:
        if o.get("kind") not in ("StatefulSet", "Service"):
            continue
        for e in schema_check.errors(o["kind"], o):
            where = "/".join(str(p) for p in e.absolute_path)
            out.append("%s: %s: schema: %s: %s" % (side, ident(o), where, e.message[:120]))
    return out


def differences(a, b):
    ta = json.dumps(a, indent=1, sort_keys=True).splitlines()
    tb = json.dumps(b, indent=1, sort_keys=True).splitlines()
    return list(difflib.unified_diff(ta, tb, "render-then-convert", "convert-then-render",
                                     n=2, lineterm=""))


def stsify(args, stdin=None):
    return subprocess.run([STSIFY] + args, input=stdin, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=TIMEOUT)


def check_build(src, conv, rel):
    """(status, lines) for root build rel: status PASS, FAIL or SKIP."""
    before, err = render(os.path.join(src, rel))
    after, err2 = render(os.path.join(conv, rel))
    if before is None:
        if after is not None:
            return "FAIL", ["renders only after stsify -w"]
        return "SKIP", ["not renderable: %s" % " ".join(err)]
    if after is None:
        return "FAIL", ["no longer renders after stsify -w: %s" % " ".join(err2)]
    r = stsify([], before)
    if r.returncode not in (0, 1):
        return "FAIL", ["stsify on the rendered stream exited %d: %s"
                        % (r.returncode, r.stderr.decode("utf-8", "replace")[:300])]
    rc_objs, cr_objs = load(r.stdout), load(after)
    lines = schema_errors("render-then-convert", rc_objs) + schema_errors("convert-then-render", cr_objs)
    labels = build_labels(os.path.normpath(os.path.join(src, rel)))
    lines += differences(view(rc_objs, labels), view(cr_objs, labels))
    return ("FAIL" if lines else "PASS"), lines


def known():
    try:
        with open(os.path.join(ROOT, "tests", "builds.known")) as f:
            return {ln.split("#")[0].strip() for ln in f} - {""}
    except OSError:
        return set()


KNOWN = known()


def fixtures(names):
    base = os.path.join(ROOT, "testdata", "builds")
    every = sorted(d for d in os.listdir(base) if os.path.isdir(os.path.join(base, d)))
    every.append("repo")
    out = []
    for n in names or every:
        out.append((n, os.path.join(ROOT, "testdata", "repo") if n == "repo" else os.path.join(base, n)))
    return out


def run_fixture(name, src, tmp, counts):
    conv = os.path.join(tmp, name)
    shutil.copytree(src, conv, symlinks=True)
    w = stsify(["-w", "-q", conv])
    if w.returncode not in (0, 1):
        print("FAIL %s: stsify -w exited %d: %s" % (name, w.returncode,
              w.stderr.decode("utf-8", "replace")[:300]))
        counts["FAIL"] += 1
        return
    for rel in root_builds(src):
        status, lines = check_build(src, conv, rel)
        build = "%s/%s" % (name, rel)
        if build in KNOWN:
            status = {"FAIL": "KNOWN", "PASS": "FIXED"}.get(status, status)
        counts[status] += 1
        what = "%s %s" % (status, build)
        if status in ("PASS", "FIXED"):
            print(what)
            continue
        print("%s: %s" % (what, lines[0] if len(lines) == 1 else "%d lines of difference" % len(lines)))
        if len(lines) > 1:
            for ln in lines[:SHOW]:
                print("    " + ln)
            if len(lines) > SHOW:
                print("    ... (%d more)" % (len(lines) - SHOW))


def main():
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0, "KNOWN": 0, "FIXED": 0}
    tmp = tempfile.mkdtemp(prefix="stsify-builds.")
    try:
        for name, src in fixtures(sys.argv[1:]):
            run_fixture(name, src, tmp, counts)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("builds: %d not renderable (skipped), %d known failures (tests/builds.known), "
          "%d of them fixed (take them off the list)" % (counts["SKIP"], counts["KNOWN"], counts["FIXED"]))
    print("builds: %d passed, %d failed" % (counts["PASS"] + counts["FIXED"], counts["FAIL"]))
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
