/*
 * test_lib.h - helpers shared by the unit tests.
 */
#ifndef STSIFY_TEST_LIB_H
#define STSIFY_TEST_LIB_H

#include <stddef.h>

/* Append to *paths the *.yaml, *.yml and *.json files under dir (hidden
 * entries skipped; a missing dir adds nothing).  Paths are malloc'd. */
void collect(const char *dir, char ***paths, size_t *n, size_t *alloc);

#endif
