/*
 * result.c - what a run gives back: each file's new bytes (whole, or the
 * input with pieces replaced, written with writev), and the plan's
 * decisions copied into the report (see result.h).
 */
#include "result.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/uio.h>

#include "plan.h"
#include "render.h"
#include "report.h"
#include "rindex.h"
#include "source.h"
#include "util.h"
#include "ytree.h"

/* The claims and references of converted Deployment plan d into s. */
static void summarize_dplan(const struct dplan *d, const struct plan_input *in, struct dep_summary *s)
{
	s->service = xstrdup(d->service);
	s->service_added = d->service_added;
	if (d->service_file && !d->failed) {
		s->service_file = xstrdup(d->service_file);
		s->service_text = xstrdup(d->service_text);
	}
	s->claim = xcalloc(d->nclaim ? d->nclaim : 1, sizeof(*s->claim));
	s->nclaim = d->nclaim;
	for (size_t k = 0; k < d->nclaim; k++) {
		struct claim_summary *c = &s->claim[k];
		const struct claim_plan *cp = &d->claim[k];
		unsigned col;

		c->volume = xstrdup(cp->volume);
		c->claim = xstrdup(cp->claim);
		c->new_claim = xasprintf("%s-%s-0", cp->volume, d->sts);
		if (cp->pvc) {
			c->pvc_path = xstrdup(in[cp->pvc->in].src->path);
			source_linecol(in[cp->pvc->in].src, cp->pvc->node->start, &c->pvc_line, &col);
		}
		c->spec = val_copy(cp->spec);
		c->static_volume = cp->static_volume;
		c->user = xcalloc(cp->nuser ? cp->nuser : 1, sizeof(*c->user));
		c->nuser = cp->nuser;
		for (size_t u = 0; u < cp->nuser; u++)
			c->user[u] = (struct claim_user_summary){ .kind = xstrdup(cp->user[u].kind),
								  .name = xstrdup(cp->user[u].name),
								  .path = xstrdup(cp->user[u].path),
								  .line = cp->user[u].line };
		c->old_modes = cp->old_modes ? xstrdup(cp->old_modes) : NULL;
		c->rebind = cp->rebind;
		c->why = cp->why ? xstrdup(cp->why) : NULL;
		c->build = cp->nbuild ? claim_builds_copy(cp->build, cp->nbuild) : NULL;
		c->nbuild = cp->nbuild;
	}
	s->ref = xcalloc(d->nref ? d->nref : 1, sizeof(*s->ref));
	s->nref = d->nref;
	for (size_t k = 0; k < d->nref; k++) {
		struct ref_summary *rs = &s->ref[k];
		const struct ref_plan *rp = &d->ref[k];

		rs->path = xstrdup(in[rp->in].src->path);
		source_linecol(in[rp->in].src, rp->at->start, &rs->line, &rs->col);
		rs->kind = xstrdup(rp->kind);
		rs->name = xstrdup(rp->name);
	}
}

void result_summarize(const struct plan *p, const struct plan_input *in, bool all, struct report *rep)
{
	for (size_t i = 0; i < p->ndec; i++) {
		const struct decision *dc = &p->dec[i];
		const struct resource *r = dc->dep;
		const struct source *src = in[r->in].src;
		struct dep_summary *s;

		if (!all && !dc->converted)
			continue;
		ALLOC_GROW(rep->dep, rep->ndep + 1, rep->adep);
		s = &rep->dep[rep->ndep++];
		memset(s, 0, sizeof(*s));
		s->path = xstrdup(src->path);
		source_linecol(src, r->node->start, &s->line, &s->col);
		s->kind = xstrdup(r->kind);
		s->ns = xstrdup(r->ns);
		s->name = xstrdup(r->name);
		s->converted = dc->converted;
		s->owner = dc->converted ? dc->dplan + 1 : 0;
		s->reason = dc->reason;
		if (dc->converted)
			summarize_dplan(&p->d[dc->dplan], in, s);
	}
}

/* ---- results ---- */

void result_set(struct stsify_file *f, struct stsify_pieces *pcs)
{
	bool changed = false;
	struct strbuf sb = STRBUF_INIT;
	size_t pos = 0;

	for (size_t k = 0; k < pcs->n && !changed; k++) {
		const struct piece *pc = &pcs->p[k];

		changed = pc->len != pc->end - pc->start || memcmp(pc->text, f->in + pc->start, pc->len);
	}
	if (!changed) {
		pieces_release(pcs);
		return;
	}
	f->status = STSIFY_CHANGED;
	if (f->no_out) {
		f->pieces = xmalloc(sizeof(*f->pieces));
		*f->pieces = *pcs;
		*pcs = (struct stsify_pieces)PIECES_INIT;
		return;
	}
	if (pcs->n == 1 && pcs->p[0].start == 0 && pcs->p[0].end == f->inlen) {
		f->out = pcs->p[0].text;
		f->outlen = pcs->p[0].len;
		free(pcs->p);
		*pcs = (struct stsify_pieces)PIECES_INIT;
		return;
	}
	for (size_t k = 0; k < pcs->n; k++) {
		strbuf_add(&sb, f->in + pos, pcs->p[k].start - pos);
		strbuf_add(&sb, pcs->p[k].text, pcs->p[k].len);
		pos = pcs->p[k].end;
	}
	strbuf_add(&sb, f->in + pos, f->inlen - pos);
	f->out = strbuf_detach(&sb, &f->outlen);
	pieces_release(pcs);
}

/* Write iov[0..n) whole to fd (a pipe takes it in parts). */
static int writev_all(int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		ssize_t w = writev(fd, iov, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

/*
 * The result of a large input is many stretches of it between the changed
 * documents: handed to the kernel IOV_MAX at a time rather than copied
 * through stdio's buffer in blocks of 4 KiB (10,000 writes for 100 MB).
 */
static int write_pieces(const struct stsify_file *f, int fd)
{
	enum { NIOV = 1024 };
	struct iovec iov[NIOV];
	size_t pos = 0;
	int n = 0;

	for (size_t k = 0; k <= f->pieces->n; k++) {
		const struct piece *pc = k < f->pieces->n ? &f->pieces->p[k] : NULL;
		size_t end = pc ? pc->start : f->inlen;

		if (n + 2 > NIOV) {
			if (writev_all(fd, iov, n))
				return -1;
			n = 0;
		}
		if (end > pos)
			iov[n++] = (struct iovec){ (void *)(f->in + pos), end - pos };
		if (pc && pc->len)
			iov[n++] = (struct iovec){ pc->text, pc->len };
		if (pc)
			pos = pc->end;
	}
	return writev_all(fd, iov, n);
}

int stsify_file_write(const struct stsify_file *f, FILE *fp)
{
	size_t pos = 0;
	int fd;

	if (f->status == STSIFY_CHANGED && !f->out && f->pieces->n > 1 && (fd = fileno(fp)) >= 0) {
		if (fflush(fp))
			return -1;
		return write_pieces(f, fd);
	}
	if (f->status != STSIFY_CHANGED)
		return fwrite(f->in, 1, f->inlen, fp) == f->inlen ? 0 : -1;
	if (f->out)
		return fwrite(f->out, 1, f->outlen, fp) == f->outlen ? 0 : -1;
	for (size_t k = 0; k < f->pieces->n; k++) {
		const struct piece *pc = &f->pieces->p[k];

		if (fwrite(f->in + pos, 1, pc->start - pos, fp) != pc->start - pos ||
		    fwrite(pc->text, 1, pc->len, fp) != pc->len)
			return -1;
		pos = pc->end;
	}
	return fwrite(f->in + pos, 1, f->inlen - pos, fp) == f->inlen - pos ? 0 : -1;
}

void stsify_file_release(struct stsify_file *f)
{
	free(f->out);
	f->out = NULL;
	f->outlen = 0;
	if (f->pieces) {
		pieces_release(f->pieces);
		free(f->pieces);
		f->pieces = NULL;
	}
}
