/*
 * rewrite.h - the plan becomes new bytes: lower, apply, verify, and what a
 * failure does to the plan.  Nothing else lowers (lower.h), applies
 * (edit.h) or verifies (verify.h).
 *
 * A job is the operations of one plan input and how much of the input
 * they rewrite.  rewrite() lowers them to edits, applies the edits to the
 * original bytes and checks the new bytes against the plan; the result is
 * the output, as pieces (edit.h), or the first thing that failed and the
 * Deployment plan to blame.  rewrite_next_round() turns a failure into the
 * plan's next round: it reports the failure and abandons the Deployment
 * plans it concerns (with all their operations, in every input), keeping
 * only the findings that describe the decision.  Each round abandons at
 * least one Deployment plan or finishes, so a loop of rounds ends:
 *
 *   struct rewrite_job job = { .p = &p, .pin = pin, .in = i, .mode = REWRITE_WHOLE };
 *   struct rewrite_result res = REWRITE_RESULT_INIT;
 *
 *   if (rewrite_rounds(&job, yp, &res, rep))
 *           ... verification failed: the input stays as it is ...
 *   else
 *           ... res.out is the new text ...
 *   rewrite_result_release(&res);
 *
 * run.c runs the rounds of many inputs itself (each input is rewritten on
 * any thread; failures are handled on one, in input order).
 *
 * rewrite() only reads the plan and the inputs, so that several threads
 * can rewrite different inputs at once (each with its own parser);
 * rewrite_next_round() changes the plan and the report: one thread.
 */
#ifndef STSIFY_REWRITE_H
#define STSIFY_REWRITE_H

#include <stddef.h>

#include "codes.h"
#include "edit.h"

struct plan;
struct plan_input;
struct report;
struct yparser;

enum rewrite_mode {
	/* the documents of the input are the whole of its source: the
	 * output is one piece, the new source */
	REWRITE_WHOLE,
	/* the documents hold the bytes [start, end) of the source, parsed
	 * on their own: the output is the edits themselves, as pieces (the
	 * new bytes are verified, not kept) */
	REWRITE_PART,
	/* the documents are some of those of the source (others were never
	 * parsed): each run of adjacent documents that an operation or an
	 * edit touches is applied and verified on its own, and is a piece */
	REWRITE_RUNS,
};

struct rewrite_job {
	struct plan *p;			/* read by rewrite(); next_round changes it */
	const struct plan_input *pin;	/* the plan's inputs: findings name their sources */
	size_t in;			/* the input to rewrite: pin[in].src, pin[in].ys */
	/* its operations: p->op[ops[0..nops)], increasing; NULL: every
	 * operation on input in */
	const size_t *ops;
	size_t nops;
	enum rewrite_mode mode;
	size_t start, end;		/* REWRITE_PART only */
};

enum rewrite_outcome {
	REWRITE_OK,
	REWRITE_LOWER_FAILED,		/* an operation cannot be lowered safely */
	REWRITE_APPLY_FAILED,		/* two edits overlap: a bug in lowering */
	REWRITE_VERIFY_FAILED,		/* the new bytes are not what the plan says */
};

struct rewrite_result {
	enum rewrite_outcome outcome;
	size_t dep;		/* LOWER_, APPLY_FAILED: the Deployment plan to blame */
	size_t off;		/* APPLY_FAILED: where the edits overlap */
	enum code code;		/* LOWER_FAILED: the finding code */
	char *why;		/* LOWER_, VERIFY_FAILED: why (owned) */
	char *text;		/* VERIFY_FAILED: the rejected bytes (owned) */
	size_t len;
	struct edits ed;	/* the edits (REWRITE_PART: none, out holds them) */
	struct stsify_pieces out;	/* REWRITE_OK: the output, in order */
};
#define REWRITE_RESULT_INIT { REWRITE_OK, 0, 0, CODE__COUNT, NULL, NULL, 0, EDITS_INIT, PIECES_INIT }

/*
 * Rewrite job's input under the current plan, with parser yp (ytree.h;
 * NULL: a new one).  res must be REWRITE_RESULT_INIT or hold an earlier
 * result (released first).  Returns 0 (REWRITE_OK; no edits: no output),
 * or -1 and res says what failed.
 */
int rewrite(const struct rewrite_job *job, struct yparser *yp, struct rewrite_result *res);

/*
 * The plan's next round after res failed: report why, and abandon
 * (rewrite_abandon()) the Deployment plan res blames, or after
 * REWRITE_VERIFY_FAILED every Deployment plan with an operation in the
 * job.  The caller leaves an input that failed verification untouched.
 */
void rewrite_next_round(const struct rewrite_job *job, const struct rewrite_result *res,
			struct report *rep);

/*
 * Rounds of rewrite() and rewrite_next_round() on one input until it
 * verifies (returns 0, res holds the output) or verification fails
 * (returns -1, reported and its Deployment plans abandoned).
 */
int rewrite_rounds(const struct rewrite_job *job, struct yparser *yp, struct rewrite_result *res,
		   struct report *rep);

/*
 * Abandon Deployment plan dep: cancel its operations, and drop the
 * findings that described its conversion (those that describe the
 * decision stay: shared-pvc, stateful-deployment, ...).  code says why.
 */
void rewrite_abandon(struct plan *p, size_t dep, enum code code, struct report *rep);

void rewrite_result_release(struct rewrite_result *res);

#endif
