/*
 * test_rules.c - the patterns of rules.c where they are searched for by
 * hand first (the "deploy" of a stale reference, 16 places at a time).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "rules.h"
#include "stsify.h"
#include "util.h"
#include "ytree.h"

Test(rules, reference_found_at_every_offset_in_any_case)
{
	static const char *const words[] = { "deploy/orders-db", "DePloYment orders-db", "deployments.apps/orders-db",
					     "DEPLOY  orders-db" };
	struct stsify_options opt = STSIFY_OPTIONS_INIT;
	struct rules ru;
	char *why = NULL;

	cr_assert_eq(rules_init(&ru, &opt, &why), 0);
	for (size_t w = 0; w < sizeof(words) / sizeof(*words); w++) {
		for (size_t k = 0; k < 40; k++) {
			struct strbuf sb = STRBUF_INIT;
			size_t name, nlen, at, want;

			/* deploy-like words that are not references come first */
			strbuf_addstr(&sb, "# redeploy x; deplo y; deploy\n");
			strbuf_addchars(&sb, 'a' + (char)(k % 26), k);
			strbuf_addch(&sb, ' ');
			want = sb.len;
			strbuf_addf(&sb, "%s and more\nkubectl rollout restart deploy/other\n", words[w]);
			at = rules_next_reference(&ru, sb.buf, sb.len, 0, &name, &nlen);
			cr_assert_eq(at, want, "\"%s\" after %zu bytes: found at %zu", words[w], k, at);
			cr_assert_eq(nlen, strlen("orders-db"));
			cr_assert_eq(memcmp(sb.buf + name, "orders-db", nlen), 0);
			/* the next one, then none */
			at = rules_next_reference(&ru, sb.buf, sb.len, at + 1, &name, &nlen);
			cr_assert_eq(memcmp(sb.buf + name, "other", 5), 0, "second reference at %zu", at);
			cr_assert_eq(rules_next_reference(&ru, sb.buf, sb.len, at + 1, &name, &nlen), NOPOS);
			/* cut short: the word at the very end of the buffer */
			cr_assert_eq(rules_next_reference(&ru, sb.buf, want + 5, 0, &name, &nlen), NOPOS);
			strbuf_release(&sb);
		}
	}
	rules_release(&ru);
}
