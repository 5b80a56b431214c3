/*
 * codes.h - finding codes and decision reasons, from the one table in
 * codes.def.
 *
 * Every finding carries an enum code; its name ("shared-pvc"), its severity
 * and its one-line description come from the table, so a call site names
 * only the code:
 *
 *   report_add(rep, src, off, CODE_SHARED_PVC, "claim \"%s\" is shared ...", ...);
 *
 * A REASON is a decision's reason (the JSON report's "reason" of a workload
 * left alone) that is never printed as a finding.
 */
#ifndef STSIFY_CODES_H
#define STSIFY_CODES_H

#include <stdbool.h>

enum severity { SEV_INFO, SEV_WARNING, SEV_ERROR };

enum code {
#define CODE(id, name, sev, text) CODE_##id,
#define REASON(id, name, text) CODE_##id,
#include "codes.def"
#undef CODE
#undef REASON
	CODE__COUNT
};

struct code_info {
	const char *name;	/* "shared-pvc" */
	enum severity sev;	/* the severity of its findings */
	const char *text;	/* one line, for SARIF and the man page check */
	bool finding;		/* false: a decision reason only */
};

extern const struct code_info code_table[CODE__COUNT];

static inline const char *code_name(enum code c)
{
	return code_table[c].name;
}

static inline enum severity code_severity(enum code c)
{
	return code_table[c].sev;
}

static inline const char *code_description(enum code c)
{
	return code_table[c].text;
}

/* The code named name, or CODE__COUNT when there is none. */
enum code code_by_name(const char *name);

#endif
