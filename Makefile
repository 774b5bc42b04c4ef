# SPDX-License-Identifier: GPL-2.0-only
#
# virtio-argo: Xen Argo driver, virtio transport over Argo, back-end.
#
#   make            build the modules and the user-space tools
#   make demo       build everything, boot Xen with Argo in QEMU, show a guest
#                   using virtio devices in dom0 through Argo (about 2 min)
#   make demo-argo  the same boot, showing raw Argo messages dom0 <-> guest
#   make check      every test: static gate, KUnit, integration on real Xen
#   make bench-argo Argo throughput domU -> dom0 (a benchmark, not a test)
#   make bench      virtio-blk/net over Argo against Xen's PV drivers: table,
#                   ratios, plot (build/bench/); about 15 min
#
# KDIR=/path/to/kernel/build builds the modules against your own kernel;
# by default the Debian 6.12 headers are downloaded into ~/.cache/virtio-argo.

KDIR ?=
TOP := $(CURDIR)

.PHONY: all modules tools deps check demo demo-argo bench bench-argo clean help

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
	@sed -n '3,16p' Makefile
