/*
 * nest.h - how deep YAML text nests, found in one pass over its bytes
 * before libfyaml sees them.
 *
 * libfyaml's scanner holds every open flow collection as a possible simple
 * key until it can tell, about 270 bytes of memory per byte of "[[[[...":
 * 20 MB of brackets took 4 GB before ytree's depth limit, which counts
 * libfyaml's events, could stop it.  nest_check() finds the first
 * collection deeper than the limit without building anything (memory: two
 * small stacks), so that ytree refuses such text before libfyaml reads it.
 *
 * It follows YAML's structure closely enough to count what libfyaml
 * counts: flow collections (and the single-pair mappings of "[a: b]"),
 * block sequences and mappings by their columns (compact forms such as
 * "- - a" and "- a: b" included), and skips what nests nothing: quoted
 * scalars (across lines, with their escapes), block scalars (by their
 * indentation), plain scalars (and their continuation lines) and comments.
 * On valid YAML its depth never exceeds ytree's (a key that is itself a
 * flow collection, "[a]: b", is counted one level short); on invalid YAML
 * it may count more, and libfyaml rejects that text anyway.
 */
#ifndef STSIFY_NEST_H
#define STSIFY_NEST_H

#include <stddef.h>

/* The deepest limit nest_check() takes. */
#define NEST_MAX_DEPTH 200

/*
 * Does buf[start, end) nest collections deeper than max_depth (at most
 * NEST_MAX_DEPTH)?  0 when not; -1 with *off the offset of the first
 * collection that is max_depth + 1 deep.  start is the start of a line.
 */
int nest_check(const char *buf, size_t start, size_t end, size_t max_depth, size_t *off);

/* The deepest nesting of buf[start, end), up to NEST_MAX_DEPTH + 1 (tests). */
size_t nest_depth(const char *buf, size_t start, size_t end);

#endif
