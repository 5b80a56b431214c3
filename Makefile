# stsify - turn Deployments that share a PersistentVolumeClaim into StatefulSets.
#
#   make            build ./stsify
#   make demo       set up, build, and show the diff for the fixture repository testdata/repo
#   make check      set up, build, and run every test in a plain clone, two at a
#                   time (a few minutes on 2 cores): every suite of tests/ on
#                   every input, the same suites under ASan + UBSan (golden,
#                   props, fastpath and schema on every CHECK_SAMPLE'th input),
#                   the fuzz regressions, unit tests
#   make check-full the suites, then make asan, make valgrind and make fuzz
#   make valgrind-quick, make fuzz-quick   valgrind on VALGRIND_CASES, FUZZ_RUNS
#                   fuzzed inputs from the seeds (out of make check since
#                   issue 11's suites came in: its 6 minutes)
#   make NAME       one suite, tests/NAME.sh: golden props cli repo scope integration
#                   limits kill schema plan builds fastpath helm hooks completion funclen layers;
#                   make unit: the criterion unit tests
#   make asan       every suite and the unit tests on every input against an
#                   AddressSanitizer + UndefinedBehaviorSanitizer build
#                   (asan-NAME: one suite; ASAN_SAMPLE=N: every Nth input)
#   make valgrind   every golden case, and the other modes, under valgrind
#   make fuzz FUZZ_SECONDS=N   libFuzzer on the whole rewrite for N seconds
#   make funclen    list the functions over 80 lines (tests/funclen.allow: known debts)
#   make layers     no include or call cycle among the modules of src/ (tests/layers.sh)
#   make install    install the binary, kubectl-stsify, the man page, the bash
#                   and zsh completion, and the library (libstsify.a, stsify.h,
#                   stsify.pc) under PREFIX
#   make uninstall  remove what make install installed
#   make install-kustomize-plugin   link stsify where Kustomize finds its plugin
#   make golden-update   regenerate golden expectations (review the diff!)
#   make limits-big the hostile inputs of tests/limits.sh at 20 MB, not 2
#   make kill-big   1000 kills of -w on 600 files (make kill: 200 on 120)
#   make bench      build the benchmark harness and run it (bench/README.md;
#                   not part of make check)
#
# A suite that needs what is not there (../shared/corpus, kubectl, kpt, helm,
# pre-commit) skips that part and says so.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
LIBDIR   ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
CC       ?= cc
OBJCOPY  ?= objcopy
VERSION  := 0.1.0

# Debian packages the build and the tests need; `make deps` installs the
# missing ones when run as root and says what to install otherwise.
DEB_PKGS := pkg-config libfyaml-dev libfyaml-utils libpcre2-dev libjansson-dev libcriterion-dev patch git
# the robustness checks: sanitizers and libFuzzer, valgrind, schema validation
DEB_PKGS += clang libclang-rt-14-dev valgrind python3-jsonschema python3-yaml shellcheck
# where people run stsify: the completion and pre-commit tests (kubectl and
# helm do not come from Debian: tests/hooks.sh and tests/helm.sh say so)
DEB_PKGS += zsh pre-commit

# Recursive (=) so that pkg-config runs after `deps` has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags libfyaml libpcre2-8 jansson 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs libfyaml libpcre2-8 jansson 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE -pthread $(WARN) $(CFLAGS) \
	-Iinclude -Isrc $(PKG_CFLAGS) -DSTSIFY_VERSION='"$(VERSION)"'
LIBS     = $(PKG_LIBS) -pthread

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:.c=.o)
# The command's front ends: in the command, not in libstsify.a
FRONT_SRC := src/cli.c src/context.c src/format.c src/krm.c src/kustomize.c src/migrate.c src/opts.c src/sarif.c src/snapshot.c src/truth.c src/udiff.c \
	src/walk.c src/writeout.c
CORE_OBJ := $(filter-out $(FRONT_SRC:.c=.o),$(LIB_OBJ))
# What libstsify.a needs of pkg-config packages (stsify.pc's Requires.private;
# jansson for cluster.c)
CORE_PKGS := libfyaml libpcre2-8 jansson
TEST_SRC := $(wildcard tests/test_*.c)
TEST_OBJ := $(TEST_SRC:.c=.o)
HDRS     := $(wildcard src/*.h src/*.def include/*.h)

# Kustomize runs the transformer StatefulSetMigration (stsify.dev/v1alpha1)
# from $KUSTOMIZE_PLUGIN_HOME/stsify.dev/v1alpha1/statefulsetmigration/;
# the link points at the installed stsify when there is one, else this build.
KUSTOMIZE_PLUGIN_HOME ?= $(or $(XDG_CONFIG_HOME),$(HOME)/.config)/kustomize/plugin
PLUGIN_DIR = $(KUSTOMIZE_PLUGIN_HOME)/stsify.dev/v1alpha1/statefulsetmigration
STSIFY_BIN ?= $(if $(wildcard $(DESTDIR)$(BINDIR)/stsify),$(BINDIR)/stsify,$(CURDIR)/stsify)

.PHONY: all deps demo check unit golden props cli fastpath repo integration install uninstall install-kustomize-plugin clean golden-update
.PHONY: limits limits-big kill kill-big schema plan rebind builds sarif embed asan valgrind fuzz fuzz-build bench funclen layers helm hooks completion check-full
.PHONY: asan-unit asan-replay valgrind-quick fuzz-quick scope

all: stsify

deps:
	@missing=""; \
	for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "stsify: installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
		else \
			echo "stsify: missing Debian packages:$$missing" >&2; \
			echo "stsify: install them with: sudo apt-get install$$missing" >&2; \
			exit 1; \
		fi; \
	fi

src/%.o: src/%.c $(HDRS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

tests/%.o: tests/%.c $(HDRS)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The library for other programs: the core objects linked into one, in
# which every symbol but the API of include/stsify.h (src/libstsify.sym)
# is made local, so that none of the internal names (die, xmalloc,
# strbuf_add...) can meet the host's.  The command and the unit tests link
# the objects themselves.
build/libstsify.o: $(CORE_OBJ) src/libstsify.sym
	@mkdir -p build
	$(CC) -r -nostdlib -o build/libstsify-all.o $(CORE_OBJ)
	$(OBJCOPY) --keep-global-symbols=src/libstsify.sym build/libstsify-all.o $@

libstsify.a: build/libstsify.o
	rm -f $@
	ar rcs $@ $^

# made again each time: it holds PREFIX and the folders
stsify.pc: FORCE
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCLUDEDIR)' '' \
		'Name: stsify' \
		'Description: turn Deployments that share a PersistentVolumeClaim into StatefulSets' \
		'Version: $(VERSION)' 'Requires.private: $(CORE_PKGS)' 'Cflags: -I$${includedir}' \
		'Libs: -L$${libdir} -lstsify' 'Libs.private: -pthread' >$@

FORCE:

stsify: src/main.o $(LIB_OBJ)
	$(CC) $(CFLAGS) -o $@ src/main.o $(LIB_OBJ) $(LIBS)

tests/unit: $(TEST_OBJ) $(LIB_OBJ)
	$(CC) $(CFLAGS) -o $@ $(TEST_OBJ) $(LIB_OBJ) $(LIBS) -lcriterion

# bash and zsh completion, and kubectl's for `kubectl stsify`, from the
# option table by way of --help
COMPLETION := build/completion/stsify.bash build/completion/_stsify build/completion/kubectl_complete-stsify

build/completion/stsify.bash: stsify completion/gen.sh
	@mkdir -p $(@D)
	sh completion/gen.sh bash ./stsify >$@.tmp && mv $@.tmp $@

build/completion/_stsify: stsify completion/gen.sh
	@mkdir -p $(@D)
	sh completion/gen.sh zsh ./stsify >$@.tmp && mv $@.tmp $@

build/completion/kubectl_complete-stsify: stsify completion/gen.sh
	@mkdir -p $(@D)
	sh completion/gen.sh kubectl ./stsify >$@.tmp && chmod 755 $@.tmp && mv $@.tmp $@

demo: deps
	@$(MAKE) --no-print-directory stsify >/dev/null
	@echo "$$ ./stsify testdata/repo"
	@./stsify testdata/repo; rc=$$?; [ $$rc -le 1 ]

unit: tests/unit
	./tests/unit --jobs=2

golden: stsify
	sh tests/golden.sh

props: stsify
	sh tests/props.sh

cli: stsify
	sh tests/cli.sh

fastpath: stsify bench/gen
	sh tests/fastpath.sh

repo: stsify tests/faults.so
	sh tests/repo.sh

scope: stsify
	sh tests/scope.sh

integration: stsify
	sh tests/integration.sh

limits: stsify tests/faults.so bench/gen bench/runner
	sh tests/limits.sh

# the hostile inputs of limits.sh at 20 MB instead of 2 (a minute, 1 GB)
limits-big: stsify tests/faults.so bench/gen bench/runner
	STSIFY_LIMITS_HOSTILE_MB=20 sh tests/limits.sh

# -w killed at random points: every file old or new, and the next run
# finishes the migration (tests/kill.sh)
kill: stsify tests/faults.so bench/gen
	sh tests/kill.sh

kill-big: stsify tests/faults.so bench/gen
	STSIFY_KILL_RUNS=1000 STSIFY_KILL_FILES=600 sh tests/kill.sh

schema: stsify
	sh tests/schema.sh

# the rebind scripts of the migration plans: shellcheck, and a run against
# the fake kubectl with an interruption after each step (tests/plan.sh);
# rebind is its other name
plan rebind: stsify
	sh tests/plan.sh

# issue 11's property: for every root build of testdata/builds and
# testdata/repo, render then convert == convert then render (kubectl
# kustomize; skipped, saying so, without kubectl)
builds: stsify
	sh tests/builds.sh

# stsify as Helm's post-renderer, with a real helm (fetched into build/helm
# when there is none: see tests/helm.sh; skipped, saying so, without one)
helm: stsify
	sh tests/helm.sh

# the pre-commit hook, the GitHub Actions job and kubectl stsify, each run
# by the real program (pre-commit, kubectl) when it is installed
hooks: stsify
	sh tests/hooks.sh

# the completion scripts loaded by bash and zsh, completing options
completion: stsify
	sh tests/completion.sh

sarif: stsify
	sh tests/sarif.sh

# the installed library, as another program builds against it
embed: stsify libstsify.a
	MAKE="$(MAKE)" CC="$(CC)" sh tests/embed.sh

# no function in src/*.c over 80 lines but the known debts of tests/funclen.allow
funclen:
	sh tests/funclen.sh

# front ends -> run.c -> stream.c -> rewrite.c -> stages: no cycle among the
# modules of src/, by #include or by call (nm of the objects)
layers: stsify
	sh tests/layers.sh

# --- sanitizers, valgrind, fuzzing: objects of their own under build/asan/obj
# and build/fuzz/obj, never mixed with the normal build's ---
SAN_CC      ?= clang
SAN_FLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
SAN_ENV     := LSAN_OPTIONS=suppressions=$(CURDIR)/fuzz/lsan.supp ASAN_OPTIONS=detect_leaks=1:exitcode=86 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=87
FUZZ_SECONDS ?= 60
ASAN_LIB_OBJ := $(LIB_SRC:%.c=build/asan/obj/%.o)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=build/fuzz/obj/%.o)

build/asan/obj/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(SAN_CC) $(ALL_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

build/fuzz/obj/%.o: %.c $(HDRS)
	@mkdir -p $(@D)
	$(SAN_CC) $(ALL_CFLAGS) $(SAN_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/asan/stsify: build/asan/obj/src/main.o $(ASAN_LIB_OBJ)
	$(SAN_CC) $(SAN_FLAGS) -o $@ $^ $(LIBS)

build/asan/unit: $(TEST_SRC:%.c=build/asan/obj/%.o) $(ASAN_LIB_OBJ)
	$(SAN_CC) $(SAN_FLAGS) -o $@ $^ $(LIBS) -lcriterion

build/asan/replay: build/asan/obj/fuzz/fuzz_rewrite.o build/asan/obj/fuzz/replay.o $(ASAN_LIB_OBJ)
	$(SAN_CC) $(SAN_FLAGS) -o $@ $^ $(LIBS)

build/fuzz/fuzz_rewrite: build/fuzz/obj/fuzz/fuzz_rewrite.o $(FUZZ_LIB_OBJ)
	$(SAN_CC) $(SAN_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

tests/faults.so: tests/faults.c
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -fPIC -shared -o $@ $< -ldl -pthread

# asan-NAME: tests/NAME.sh against build/asan/stsify (ASan + UBSan).  With
# ASAN_SAMPLE=N the large suites take every Nth input (STSIFY_TEST_SAMPLE,
# tests/lib.sh) and limits.sh leaves out its 100 MB file.
ASAN_SUITES := golden props cli repo scope integration limits fastpath schema sarif helm hooks
ASAN_CHECKS := $(addprefix asan-,$(ASAN_SUITES))
ASAN_SAMPLE ?= 1
ASAN_BUILD  := build/asan/stsify build/asan/unit build/asan/replay
.PHONY: $(ASAN_CHECKS)

$(ASAN_CHECKS): asan-%: build/asan/stsify tests/faults.so bench/gen bench/runner
	@echo "asan: tests/$*.sh against build/asan/stsify"
	@$(SAN_ENV) STSIFY=build/asan/stsify STSIFY_TEST_SAMPLE=$(ASAN_SAMPLE) \
		STSIFY_LIMITS_BIG=$(if $(filter 1,$(ASAN_SAMPLE)),1,0) sh tests/$*.sh

asan-replay: build/asan/replay
	@$(SAN_ENV) build/asan/replay fuzz/regressions/* && echo "asan: replay: $$(ls fuzz/regressions | wc -l) fuzz regressions passed"

asan-unit: build/asan/unit
	@$(SAN_ENV) build/asan/unit --jobs=2

asan: deps
	@$(MAKE) --no-print-directory -j2 $(ASAN_BUILD) tests/faults.so bench/gen bench/runner
	@$(MAKE) --no-print-directory $(ASAN_CHECKS) asan-replay asan-unit

# valgrind: memcheck sees what ASan cannot (reads of uninitialised memory).
# `make valgrind` runs every golden case under it (tests/valgrind.sh);
# make check a few that cover each module (VALGRIND_CASES).
VALGRIND_CASES := seed-postgres json-deployment kustomize-patch-target invalid-yaml-beside-valid
valgrind: deps stsify
	sh tests/valgrind.sh

valgrind-quick: stsify
	sh tests/valgrind.sh $(VALGRIND_CASES)

fuzz-build: build/fuzz/fuzz_rewrite

# FUZZ_STRICT=1 also fails on verify-failed and internal findings (a rewrite
# stsify caught and refused: safe, but a bug to fix).  make check fuzzes for
# FUZZ_RUNS inputs from the seeds alone (fuzz-quick).
FUZZ_RUNS ?= 1500
fuzz: deps build/fuzz/fuzz_rewrite
	STSIFY_FUZZ_LENIENT=$(if $(FUZZ_STRICT),0,1) sh tests/fuzz.sh $(FUZZ_SECONDS)

fuzz-quick: build/fuzz/fuzz_rewrite
	@STSIFY_FUZZ_LENIENT=$(if $(FUZZ_STRICT),0,1) STSIFY_FUZZ_RUNS=$(FUZZ_RUNS) sh tests/fuzz.sh

# make check: every suite on every input, every ASan-able suite again under
# ASan + UBSan on a sample (CHECK_SAMPLE), the fuzz regressions replayed
# under ASan; two at a time, each suite's output in one piece
# (longest first: the unit tests under ASan among them).  The unit tests
# last: criterion's summary is the final line.
# make check-full: the exhaustive variants (make asan, make valgrind, make
# fuzz) after the suites.
CHECK_SAMPLE ?= 16

SUITES := props fastpath golden limits kill integration schema plan builds sarif embed repo scope cli helm hooks completion funclen layers
CHECK_BUILD := all tests/unit tests/faults.so bench/gen bench/runner $(COMPLETION) $(ASAN_BUILD)

check: deps
	@$(MAKE) --no-print-directory -j2 $(CHECK_BUILD)
	@$(MAKE) --no-print-directory -j2 -Otarget ASAN_SAMPLE=$(CHECK_SAMPLE) \
		asan-unit asan-fastpath asan-props $(SUITES) $(filter-out asan-fastpath asan-props,$(ASAN_CHECKS)) asan-replay
	@$(MAKE) --no-print-directory unit

check-full: deps
	@$(MAKE) --no-print-directory -j2 $(CHECK_BUILD)
	@$(MAKE) --no-print-directory $(SUITES)
	@$(MAKE) --no-print-directory asan valgrind fuzz unit

golden-update: stsify
	STSIFY_GOLDEN_UPDATE=1 sh tests/golden.sh

# The benchmark of issue 6 (bench/README.md); not part of make check.
BENCH_BIN := bench/gen bench/baseline bench/runner

bench/gen bench/runner: bench/%: bench/%.c
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -o $@ $<

bench/baseline: bench/baseline.c
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) -o $@ $< $(PKG_LIBS)

bench: deps
	@$(MAKE) --no-print-directory stsify $(BENCH_BIN)
	sh bench/bench.sh

# kubectl-stsify: `kubectl stsify` (a kubectl plugin is a program of that
# name in PATH); the completion scripts are generated from stsify --help
install: stsify libstsify.a stsify.pc $(COMPLETION)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) \
		$(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 755 stsify $(DESTDIR)$(BINDIR)/stsify
	ln -sf stsify $(DESTDIR)$(BINDIR)/kubectl-stsify
	install -m 755 build/completion/kubectl_complete-stsify $(DESTDIR)$(BINDIR)/kubectl_complete-stsify
	install -m 644 man/stsify.1 $(DESTDIR)$(MANDIR)/man1/stsify.1
	install -m 644 build/completion/stsify.bash $(DESTDIR)$(BASHCOMPDIR)/stsify
	ln -sf stsify $(DESTDIR)$(BASHCOMPDIR)/kubectl-stsify
	install -m 644 build/completion/_stsify $(DESTDIR)$(ZSHCOMPDIR)/_stsify
	install -m 644 libstsify.a $(DESTDIR)$(LIBDIR)/libstsify.a
	install -m 644 include/stsify.h $(DESTDIR)$(INCLUDEDIR)/stsify.h
	install -m 644 stsify.pc $(DESTDIR)$(PKGCONFIGDIR)/stsify.pc

# the files only: the folders may hold other programs' files
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/stsify $(DESTDIR)$(BINDIR)/kubectl-stsify $(DESTDIR)$(BINDIR)/kubectl_complete-stsify \
		$(DESTDIR)$(MANDIR)/man1/stsify.1 \
		$(DESTDIR)$(BASHCOMPDIR)/stsify $(DESTDIR)$(BASHCOMPDIR)/kubectl-stsify $(DESTDIR)$(ZSHCOMPDIR)/_stsify \
		$(DESTDIR)$(LIBDIR)/libstsify.a $(DESTDIR)$(INCLUDEDIR)/stsify.h \
		$(DESTDIR)$(PKGCONFIGDIR)/stsify.pc

install-kustomize-plugin: stsify
	install -d $(DESTDIR)$(PLUGIN_DIR)
	ln -sfn $(STSIFY_BIN) $(DESTDIR)$(PLUGIN_DIR)/StatefulSetMigration
	@echo "stsify: $(DESTDIR)$(PLUGIN_DIR)/StatefulSetMigration -> $(STSIFY_BIN)"

clean:
	rm -f src/*.o tests/*.o libstsify.a stsify.pc stsify tests/unit tests/faults.so $(BENCH_BIN)
	rm -rf build
