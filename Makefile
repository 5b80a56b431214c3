# stsify - turn Deployments that share a PersistentVolumeClaim into StatefulSets.
#
#   make            build ./stsify
#   make demo       set up, build, and show the diff for testdata/example
#   make check      set up, build, and run every test (unit, golden, corpus)
#   make install    install the binary and the man page under PREFIX
#   make install-kustomize-plugin   link stsify where Kustomize finds its plugin
#   make golden-update   regenerate golden expectations (review the diff!)

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
CC       ?= cc
VERSION  := 0.1.0

# Debian packages the build and the tests need; `make deps` installs the
# missing ones when run as root and says what to install otherwise.
DEB_PKGS := pkg-config libfyaml-dev libfyaml-utils libpcre2-dev libjansson-dev libcriterion-dev patch git

# Recursive (=) so that pkg-config runs after `deps` has installed it.
PKG_CFLAGS = $(shell pkg-config --cflags libfyaml libpcre2-8 jansson 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs libfyaml libpcre2-8 jansson 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS   ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) \
	-Iinclude -Isrc $(PKG_CFLAGS) -DSTSIFY_VERSION='"$(VERSION)"'
LIBS     = $(PKG_LIBS)

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c))
LIB_OBJ  := $(LIB_SRC:.c=.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_OBJ := $(TEST_SRC:.c=.o)
HDRS     := $(wildcard src/*.h include/*.h)

# Kustomize runs the transformer StatefulSetMigration (stsify.dev/v1alpha1)
# from $KUSTOMIZE_PLUGIN_HOME/stsify.dev/v1alpha1/statefulsetmigration/;
# the link points at the installed stsify when there is one, else this build.
KUSTOMIZE_PLUGIN_HOME ?= $(or $(XDG_CONFIG_HOME),$(HOME)/.config)/kustomize/plugin
PLUGIN_DIR = $(KUSTOMIZE_PLUGIN_HOME)/stsify.dev/v1alpha1/statefulsetmigration
STSIFY_BIN ?= $(if $(wildcard $(DESTDIR)$(BINDIR)/stsify),$(BINDIR)/stsify,$(CURDIR)/stsify)

.PHONY: all deps demo check unit golden props cli repo integration install install-kustomize-plugin clean golden-update

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

libstsify.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

stsify: src/main.o libstsify.a
	$(CC) $(CFLAGS) -o $@ src/main.o libstsify.a $(LIBS)

tests/unit: $(TEST_OBJ) libstsify.a
	$(CC) $(CFLAGS) -o $@ $(TEST_OBJ) libstsify.a $(LIBS) -lcriterion

demo: deps
	@$(MAKE) --no-print-directory stsify >/dev/null
	@echo "$$ ./stsify testdata/example"
	@./stsify testdata/example; rc=$$?; [ $$rc -le 1 ]

unit: tests/unit
	./tests/unit --jobs=2

golden: stsify
	sh tests/golden.sh

props: stsify
	sh tests/props.sh

cli: stsify
	sh tests/cli.sh

repo: stsify
	sh tests/repo.sh

integration: stsify
	sh tests/integration.sh

# the unit tests last: criterion's summary is the final line
check: deps
	@$(MAKE) --no-print-directory all tests/unit
	@$(MAKE) --no-print-directory golden props cli repo integration
	@$(MAKE) --no-print-directory unit

golden-update: stsify
	STSIFY_GOLDEN_UPDATE=1 sh tests/golden.sh

install: stsify
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 stsify $(DESTDIR)$(BINDIR)/stsify
	install -m 644 man/stsify.1 $(DESTDIR)$(MANDIR)/man1/stsify.1

install-kustomize-plugin: stsify
	install -d $(DESTDIR)$(PLUGIN_DIR)
	ln -sfn $(STSIFY_BIN) $(DESTDIR)$(PLUGIN_DIR)/StatefulSetMigration
	@echo "stsify: $(DESTDIR)$(PLUGIN_DIR)/StatefulSetMigration -> $(STSIFY_BIN)"

clean:
	rm -f src/*.o tests/*.o libstsify.a stsify tests/unit
