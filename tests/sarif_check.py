#!/usr/bin/env python3
"""sarif_check.py - `stsify --format sarif` against the OASIS SARIF 2.1.0
schema (testdata/schemas/sarif) and what the man page promises (REPORTS):
columns in code points where the text counts bytes, percent-encoded paths
relative to %SRCROOT%, standard input without a URI, a rule with its
descriptions and help for every code used, notifications for findings
about the run, executionSuccessful and exitCode.  Paths with a space and
non-ASCII letters on purpose; src/codes-help.def must be what
tests/findings_help.py makes of the man page.

    python3 tests/sarif_check.py STSIFY

Output: a line per failure, then `sarif: N passed, N failed`.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STSIFY = os.path.abspath(sys.argv[1])
SCHEMA = json.load(open(os.path.join(ROOT, "testdata/schemas/sarif/sarif-schema-2.1.0.json")))
VALIDATOR = jsonschema.Draft4Validator(SCHEMA)
# RFC 3986 relative reference as stsify writes it: unreserved, "/" and %XX
URI_REF = re.compile(r"^(?:[A-Za-z0-9._~/-]|%[0-9A-F]{2})+$")
LEVEL = {"ERROR": "error", "WARNING": "warning", "INFO": "note"}
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("sarif: FAIL: " + what)


def codes_table():
    """{name: SARIF level} of every finding code in src/codes.def."""
    table = {}
    for line in open(os.path.join(ROOT, "src/codes.def"), encoding="utf-8"):
        m = re.match(r'CODE\(\w+, "([a-z-]+)", (\w+),', line)
        if m:
            table[m.group(1)] = LEVEL[m.group(2)]
    return table


CODES = codes_table()


def run(args, cwd, stdin=None, sarif_on_stderr=False):
    """stsify --format sarif ARGS: (exit status, log, text of the other stream)."""
    p = subprocess.run([STSIFY, "--format", "sarif"] + args, cwd=cwd, input=stdin,
                       capture_output=True, timeout=60)
    out, other = (p.stderr, p.stdout) if sarif_on_stderr else (p.stdout, p.stderr)
    try:
        return p.returncode, json.loads(out), other
    except ValueError:
        check(False, "%s: not JSON: %r" % (" ".join(args), out[:200]))
        return p.returncode, None, other


def generic(name, log, status):
    """What holds for every log: the schema, rules, indexes, the invocation."""
    errors = sorted(VALIDATOR.iter_errors(log), key=lambda e: list(e.path))
    check(not errors, "%s: not valid SARIF 2.1.0: %s" % (
        name, "; ".join("%s: %s" % ("/".join(map(str, e.path)), e.message[:200]) for e in errors[:3])))
    runs = log["runs"]
    check(len(runs) == 1, "%s: %d runs, expected 1" % (name, len(runs)))
    run_ = runs[0]
    check(run_.get("columnKind") == "unicodeCodePoints", "%s: columnKind %r" % (name, run_.get("columnKind")))
    driver = run_["tool"]["driver"]
    for kind in ("rules", "notifications"):
        for d in driver.get(kind, []):
            check(d["id"] in CODES, "%s: %s %s is not in codes.def" % (name, kind, d["id"]))
            for key in ("shortDescription", "fullDescription", "help"):
                check(d.get(key, {}).get("text"), "%s: %s %s has no %s" % (name, kind, d["id"], key))
            check(d.get("helpUri") == "man:stsify(1)", "%s: %s has helpUri %r" % (name, d["id"], d.get("helpUri")))
            level = d.get("defaultConfiguration", {}).get("level")
            check(level == CODES.get(d["id"]), "%s: %s level %r, codes.def says %r" % (
                name, d["id"], level, CODES.get(d["id"])))
    rules = driver["rules"]
    for r in run_["results"]:
        i = r.get("ruleIndex", -1)
        check(0 <= i < len(rules) and rules[i]["id"] == r["ruleId"],
              "%s: result %s has ruleIndex %r" % (name, r["ruleId"], i))
        for loc in r.get("locations", []):
            art = loc["physicalLocation"]["artifactLocation"]
            if "uri" in art and "uriBaseId" in art:
                check(URI_REF.match(art["uri"]), "%s: uri %r is not percent-encoded" % (name, art["uri"]))
    inv = run_["invocations"]
    check(len(inv) == 1, "%s: %d invocations" % (name, len(inv)))
    check(inv[0]["exitCode"] == status, "%s: exitCode %r, the process exited %d" % (
        name, inv[0]["exitCode"], status))
    check(inv[0]["executionSuccessful"] == (status in (0, 1)), "%s: executionSuccessful %r with exit %d" % (
        name, inv[0]["executionSuccessful"], status))
    return run_


def results_by_uri(run_):
    by = {}
    for r in run_["results"]:
        art = r["locations"][0]["physicalLocation"]["artifactLocation"]
        by.setdefault(art.get("uri"), []).append(r)
    return by


DEPLOY = open(os.path.join(ROOT, "testdata/cases/pvc-separate-file/in/deployment.yaml"), "rb").read()
PVC = open(os.path.join(ROOT, "testdata/cases/pvc-separate-file/in/pvc.yaml"), "rb").read()
# the ] is character 15 of its line, byte 18
BROKEN = 'kind: PersistentVolumeClaim\nmetadata:\n  name: "\u00e9\u00e9\u00e9" ]\n'.encode()


def spaces_and_accents(tmp):
    d = os.path.join(tmp, "sp ace")
    os.mkdir(d)
    open(os.path.join(d, "d\u00e9 ploy.yaml"), "wb").write(DEPLOY)
    open(os.path.join(d, "pvc.yaml"), "wb").write(PVC)
    open(os.path.join(d, "br\u00f8ken.yaml"), "wb").write(BROKEN)
    status, log, text = run(["sp ace"], tmp)
    check(status == 3, "sp ace: exit %d, expected 3 (a file does not parse)" % status)
    if not log:
        return
    run_ = generic("sp ace", log, status)
    root = run_["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    check(root == "file://" + urllib.parse.quote(os.path.realpath(tmp)) + "/" or
          root == "file://" + urllib.parse.quote(tmp) + "/", "%%SRCROOT%% is %r, not the folder %s" % (root, tmp))
    by = results_by_uri(run_)
    deploy, broken = "sp%20ace/d%C3%A9%20ploy.yaml", "sp%20ace/br%C3%B8ken.yaml"
    check(deploy in by and "sp%20ace/pvc.yaml" in by and broken in by,
          "sp ace: the URIs are %s" % sorted(k for k in by if k))
    for r in by.get(deploy, []) + by.get(broken, []):
        art = r["locations"][0]["physicalLocation"]["artifactLocation"]
        check(art.get("uriBaseId") == "%SRCROOT%", "%s: uriBaseId %r" % (art["uri"], art.get("uriBaseId")))
        check(urllib.parse.unquote(art["uri"]) in ("sp ace/d\u00e9 ploy.yaml", "sp ace/br\u00f8ken.yaml"),
              "%s does not decode to the path" % art["uri"])
    parse = [r for r in by.get(broken, []) if r["ruleId"] == "parse-error"]
    check(len(parse) == 1, "sp ace: %d parse-error results for br\u00f8ken.yaml" % len(parse))
    if parse:
        region = parse[0]["locations"][0]["physicalLocation"].get("region", {})
        check(region.get("startLine") == 3 and region.get("startColumn") == 15,
              "the parse error is at %r, expected line 3, character 15" % region)
    # the text report counts bytes (man page, FINDINGS)
    p = subprocess.run([STSIFY, "--check", "sp ace"], cwd=tmp, capture_output=True)
    check(b"br\xc3\xb8ken.yaml:3:18: error:" in p.stderr,
          "the text report does not put the parse error at byte 18: %r" % p.stderr[:300])


def standard_input(tmp):
    status, log, out = run([], tmp, stdin=DEPLOY + b"---\n" + PVC, sarif_on_stderr=True)
    check(status == 0, "stdin: exit %d" % status)
    check(b"kind: StatefulSet" in out, "stdin: the stream on stdout has no StatefulSet")
    if not log:
        return
    run_ = generic("stdin", log, status)
    check(run_["results"], "stdin: no result")
    for r in run_["results"]:
        art = r["locations"][0]["physicalLocation"]["artifactLocation"]
        check("uri" not in art and art.get("description", {}).get("text") == "standard input",
              "stdin: artifactLocation %r" % art)


def the_run_itself(tmp):
    shutil.copy(os.path.join(ROOT, "testdata/cases/pvc-separate-file/in/deployment.yaml"),
                os.path.join(tmp, "d.yaml"))
    status, log, _ = run(["--select", "(", "d.yaml"], tmp)
    check(status == 2, "usage: exit %d, expected 2" % status)
    if log:
        run_ = generic("usage", log, status)
        notes = run_["invocations"][0]["toolConfigurationNotifications"]
        check([n["descriptor"]["id"] for n in notes] == ["usage"], "usage: configuration notifications %r" % notes)
        check(not run_["results"], "usage: results %r" % run_["results"])
    status, log, _ = run(["-v", "--check", "--storage-size", "1Gi", "d.yaml"], tmp)
    check(status == 1, "--check: exit %d, expected 1" % status)
    if log:
        run_ = generic("--check -v", log, status)
        notes = run_["invocations"][0]["toolExecutionNotifications"]
        check([n["descriptor"]["id"] for n in notes] == ["summary"], "-v: execution notifications %r" % notes)
        check(all(r["ruleId"] != "summary" for r in run_["results"]), "-v: the summary is a result")
    # a path outside the folder stsify runs in: an absolute file URI
    os.mkdir(os.path.join(tmp, "elsewhere"))
    status, log, _ = run([os.path.join(tmp, "d.yaml")], os.path.join(tmp, "elsewhere"))
    if log:
        run_ = generic("absolute", log, status)
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"].get("uri") for r in run_["results"]}
        want = "file://" + urllib.parse.quote(os.path.join(tmp, "d.yaml"))
        check(uris == {want}, "absolute: URIs %r, expected %s" % (uris, want))


def help_is_fresh():
    p = subprocess.run([sys.executable, os.path.join(ROOT, "tests/findings_help.py"),
                        os.path.join(ROOT, "man/stsify.1")], capture_output=True, text=True)
    have = open(os.path.join(ROOT, "src/codes-help.def"), encoding="utf-8").read()
    check(p.returncode == 0 and p.stdout == have,
          "src/codes-help.def is not the man page's FINDINGS: run "
          "python3 tests/findings_help.py man/stsify.1 >src/codes-help.def")
    helped = set(re.findall(r"^HELP\((\w+),", have, re.M))
    for code in CODES:
        check(code.upper().replace("-", "_") in helped, "the man page's FINDINGS do not explain %s" % code)


def main():
    tmp = tempfile.mkdtemp(prefix="stsify-sarif.")
    try:
        for test in (spaces_and_accents, standard_input, the_run_itself):
            sub = os.path.join(tmp, test.__name__)
            os.mkdir(sub)
            try:
                test(sub)
            except (KeyError, IndexError, TypeError) as e:
                check(False, "%s: the log lacks %r" % (test.__name__, e))
        help_is_fresh()
    finally:
        shutil.rmtree(tmp)
    print("sarif: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()
