/*
 * session.c - the per-thread parsers and the phase timer of a run (see
 * session.h).
 */
#include "session.h"

#include "util.h"
#include "ytree.h"

struct yparser *session_parser(struct session *ses, unsigned w)
{
	if (!ses->yp[w])
		ses->yp[w] = yparser_new();
	return ses->yp[w];
}

void session_phase(const struct session *ses, const char *what)
{
	if (ses->timing)
		debug_phase(what);
}
