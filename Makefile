# SPDX-License-Identifier: GPL-2.0-only
#
# virtio-argo: Xen Argo driver, virtio transport over Argo, back-end.
#
#   make            build the modules and the user-space tools
#   make demo       build everything, boot Xen with Argo in QEMU, show a guest
#                   using a disk, a console, an entropy source and a network
#                   card in dom0 through Argo (a few minutes)
#   make demo-argo  the same boot, showing raw Argo messages dom0 <-> guest
#   make check      every test: static gate, KUnit, integration on real Xen
#                   (about 16 min with the cache in place)
#   make bench-argo Argo throughput domU -> dom0 (a benchmark, not a test)
#   make bench      virtio-blk/net over Argo against Xen's PV drivers: table,
#                   ratios, plot (build/bench/); 3 runs, about 8 min
#   make install    the back-end, its client, systemd unit and example
#                   configuration (DESTDIR, PREFIX=/usr/local)
#   make modules_install  the modules, unsigned, into
#                   /lib/modules/VERSION/updates, then depmod (DESTDIR)
#
# KDIR=/path/to/kernel/build builds the modules against your own kernel;
# by default the Debian 6.12 headers are downloaded into ~/.cache/virtio-argo.

KDIR ?=
TOP := $(CURDIR)
PREFIX ?= /usr/local

.PHONY: all modules tools deps check demo demo-argo bench bench-argo clean help \
	install modules_install

all: modules tools

modules:
	@kdir="$(KDIR)"; \
	if [ -z "$$kdir" ]; then \
		kdir=$$(scripts/fetch-kernel.sh | sed -n 's/^KDIR=//p') || exit 1; \
	fi; \
	$(MAKE) -C "$$kdir" M=$(TOP) modules

tools:
	$(MAKE) -C tools/argo
	$(MAKE) -C tools/backend
	$(MAKE) -C tools/bench

install: tools
	$(MAKE) -C tools/backend install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

modules_install: modules
	@kdir="$(KDIR)"; \
	if [ -z "$$kdir" ]; then \
		kdir=$$(scripts/fetch-kernel.sh | sed -n 's/^KDIR=//p') || exit 1; \
	fi; \
	$(MAKE) -C "$$kdir" M=$(TOP) INSTALL_MOD_PATH=$(DESTDIR) \
		CONFIG_MODULE_SIG_ALL= modules_install && \
	if [ -z "$(DESTDIR)" ]; then \
		depmod -a "$$(cat "$$kdir/include/config/kernel.release")"; \
	fi

deps:
	scripts/deps.sh

check:
	scripts/check.sh

demo:
	scripts/demo.sh

demo-argo:
	scripts/demo.sh --argo

bench:
	scripts/bench.sh

bench-argo:
	scripts/bench-argo.sh

clean:
	@kdir="$(KDIR)"; \
	if [ -z "$$kdir" ]; then \
		kdir=$$(scripts/fetch-kernel.sh 2>/dev/null | sed -n 's/^KDIR=//p'); \
	fi; \
	[ -z "$$kdir" ] || $(MAKE) -C "$$kdir" M=$(TOP) clean
	$(MAKE) -C tools/argo clean
	$(MAKE) -C tools/bench clean
	rm -rf build

help:
	@sed -n '3,20p' Makefile
