/*
 * mapping.h - the field mapping of DESIGN.md section 3: a Deployment's
 * document becomes a StatefulSet's, in operations on its span tree.
 *
 * mapping_convert() sets kind (and apiVersion apps/v1), inserts serviceName
 * after replicas (from service_plan()) and a selector when an old API
 * version let the Deployment go without one, turns strategy into
 * updateStrategy (Recreate becomes RollingUpdate; maxSurge goes,
 * maxUnavailable too unless --keep-max-unavailable), drops the fields a
 * StatefulSet does not have or the server writes (dropped-field), and
 * moves each claim of cu[] from the pod's volumes to a volumeClaimTemplate
 * made from the claim's manifest (claim-not-found, claim-binding,
 * access-mode, data-migration).  The Deployment plan c->dep records the
 * claims.
 *
 * mapping_convert_patches() does the same to the strategic-merge patches of
 * the Deployment (kind, apiVersion, strategy, the Deployment-only fields).
 *
 *   mapping_convert(c, dep, cu, ncu);
 *   refs_retarget_scalers(c, dep); ...
 *   mapping_convert_patches(c, dep);
 */
#ifndef STSIFY_MAPPING_H
#define STSIFY_MAPPING_H

#include <stddef.h>

struct claim_use;
struct pctx;
struct resource;

void mapping_convert(struct pctx *c, const struct resource *dep, const struct claim_use *cu, size_t ncu);
void mapping_convert_patches(struct pctx *c, const struct resource *dep);
/* The claim-not-found finding of a claim that is not in the input and
 * stops dep's conversion (no --storage-size): which option to give. */
void mapping_claim_not_found(struct pctx *c, const struct resource *dep, const struct claim_use *cu);

#endif
