#!/usr/bin/env python3
"""findings_help.py - the man page's explanation of every finding code, as
the X-macro list src/codes-help.def that format.c puts in the SARIF rules
(fullDescription, help).

    python3 tests/findings_help.py man/stsify.1 >src/codes-help.def

tests/sarif.sh runs it and fails when src/codes-help.def is not what it
prints: after changing the FINDINGS section of the man page, run the line
above.  An entry is the paragraph after ".TP" / ".BR code \" (severity)\"",
up to the next ".TP", ".PP" or section, rendered as plain text.
"""
import re
import sys

ENTRY = re.compile(r'^\.BR (\S+) " \((error|warning|info)\)"$')
ARG = re.compile(r'"((?:[^"]|"")*)"|(\S+)')
ESCAPES = [("\\-", "-"), ("\\(dq", '"'), ("\\(aq", "'"), ("\\(em", "\u2014"),
           ("\\&", ""), ("\\|", ""), ("\\fB", ""), ("\\fI", ""), ("\\fR", ""),
           ("\\fP", ""), ("\\e", "\\")]


def unescape(text):
    for esc, plain in ESCAPES:
        text = text.replace(esc, plain)
    return text


def render(line):
    """One roff line as text; a trailing \\c joins it to the next."""
    if not line.startswith("."):
        return line
    macro, _, rest = line.partition(" ")
    args = [a.replace('""', '"') if q else a
            for q, a in ((m.group(1) is not None, m.group(1) if m.group(1) is not None else m.group(2))
                         for m in ARG.finditer(rest))]
    if macro in (".B", ".I"):
        return " ".join(args)
    if macro in (".BR", ".RB", ".IR", ".RI", ".IB", ".BI"):
        return "".join(args)
    return None  # .RS, .RE and the like carry no text


def entries(lines):
    code, text = None, []
    for line in lines:
        m = ENTRY.match(line)
        if m:
            if code:
                yield code, text
            code, text = unescape(m.group(1)), []
        elif code and (line.startswith(".TP") or line.startswith(".PP") or line.startswith(".S")):
            yield code, text
            code, text = None, []
        elif code:
            out = render(line)
            if out is not None:
                text.append(out)
    if code:
        yield code, text


def main():
    with open(sys.argv[1], encoding="utf-8") as fp:
        man = fp.read().split("\n")
    start = man.index(".SH FINDINGS")
    end = next(i for i in range(start + 1, len(man)) if man[i].startswith(".SH "))
    print("/* Generated from man/stsify.1 (FINDINGS) by tests/findings_help.py:")
    print(" * do not edit; see that script.  HELP(ID, \"the man page's text\") */")
    for code, text in entries(man[start:end]):
        joined = ""
        for piece in text:
            if joined.endswith("\\c"):
                joined = joined[:-2] + piece
            else:
                joined = (joined + " " + piece) if joined else piece
        plain = re.sub(r"\s+", " ", unescape(joined)).strip()
        plain = re.sub(r" ([.,;:)])", r"\1", plain)
        ident = code.upper().replace("-", "_")
        c_str = plain.replace("\\", "\\\\").replace('"', '\\"')
        print('HELP(%s, "%s")' % (ident, c_str))


main()
