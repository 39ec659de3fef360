# e1k-xdp: native-XDP e1000 driver, XDP programs and loader.
#
#   make                 build the driver (for KVER), BPF programs and loader
#   make check           build and run the whole test suite in the QEMU VM
#   make check-debug     the same on a debug kernel (KASAN, lockdep, kmemleak,
#                        DMA-API checks), plus fault injection; KVER=6.12
#                        (default) or 6.1 names the series
#   make demo            boot the VM and show the product working
#   make deb             the Debian packages e1k-xdp-dkms and e1k-xdp-tools,
#                        in build/deb (lintian clean)
#   make bench           the side-by-side benchmark report
#   make soak            life-cycle operations x100-1000 under load (not in check)
#   make install         install module, programs, loader and man page
#   make clean
#
# KVER selects the target kernel: a release (6.1.0-56-amd64) or a series
# (6.1, 6.12); default: the newest installed 6.1 kernel. `make check` runs on
# both 6.1 and 6.12 unless KVER is given on the command line.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

KSERIES ?= 6.1
ifeq ($(origin KVER),command line)
CHECK_KERNELS ?= $(KVER)
else
CHECK_KERNELS ?= 6.1 6.12
endif
# Resolved lazily: `make clean` must work on a machine with no kernel yet.
KREL = $(shell scripts/kver.sh $(or $(KVER),$(KSERIES)))

PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all deps driver bpf loader tests check check-debug demo deb bench soak install clean

all: driver bpf loader tests

deps:
	@scripts/deps.sh

# The module is built in driver/ and kept per kernel under build/<release>/,
# which is what the VM test bed loads.
driver: deps
	@if [ -f driver/Kbuild ]; then \
		rel="$(KREL)"; \
		$(MAKE) -C driver KVER="$$rel" \
			KDIR="$${E1K_KERNEL_ROOT:-}/lib/modules/$$rel/build"; \
		mkdir -p "build/$$rel"; \
		cp driver/e1k_xdp.ko "build/$$rel/e1k_xdp.ko"; \
	fi

bpf: deps
	@if [ -f bpf/Makefile ]; then $(MAKE) -C bpf; fi

loader: deps bpf
	@if [ -f loader/Makefile ]; then $(MAKE) -C loader; fi

tests: deps bpf
	@if [ -f tests/unit/Makefile ]; then $(MAKE) -C tests/unit; fi
	@$(MAKE) -C tests/tools
	@$(MAKE) -C tests/bpf

check: deps
	@scripts/check.sh $(CHECK_KERNELS)

check-debug:
	@scripts/check-debug.sh $(or $(KVER),6.12)

demo: deps
	@scripts/demo.sh $(or $(KVER),$(KSERIES))

deb: deps
	@scripts/deb.sh

bench: deps
	@scripts/bench.sh $(or $(KVER),$(KSERIES))

soak: deps
	@scripts/soak.sh $(CHECK_KERNELS)

install: all
	@if [ -f driver/Kbuild ]; then \
		rel="$(KREL)"; \
		install -D -m 644 "build/$$rel/e1k_xdp.ko" \
			"$(DESTDIR)/lib/modules/$$rel/extra/e1k_xdp.ko"; \
		[ -n "$(DESTDIR)" ] || depmod "$$rel"; \
	fi
	@if [ -f bpf/Makefile ]; then \
		install -d "$(DESTDIR)$(PREFIX)/lib/e1k-xdp"; \
		install -m 644 bpf/*.bpf.o "$(DESTDIR)$(PREFIX)/lib/e1k-xdp/"; \
	fi
	@if [ -f loader/Makefile ]; then \
		$(MAKE) -C loader install PREFIX="$(PREFIX)" DESTDIR="$(DESTDIR)"; \
	fi

clean:
	@for d in driver bpf loader tests/unit tests/tools tests/bpf; do \
		if [ -f "$$d/Makefile" ]; then $(MAKE) -C "$$d" clean; fi; \
	done
	rm -rf build
