# SPDX-License-Identifier: GPL-2.0
#
# The front door: `make help` lists every target. Module builds go through
# Kbuild (Documentation/kbuild/modules.rst); everything that needs a kernel
# tree, a VM or packages lives in scripts/.

# KVER is the kernel release to build and install for. Given only
# KDIR=/lib/modules/<release>/build, the release is taken from that path.
ifeq ($(origin KVER),undefined)
KVER := $(or $(patsubst /lib/modules/%/build,%,$(filter /lib/modules/%/build,$(KDIR))),$(shell uname -r))
endif
KDIR ?= /lib/modules/$(KVER)/build
VERSION := $(shell sed -n 's/^MODULE_VERSION("\(.*\)");/\1/p' alertable_sleep.c)

# Where install puts things; both honour INSTALL_MOD_PATH (or DESTDIR).
INSTALL_MOD_PATH ?= $(DESTDIR)
MODDIR := $(INSTALL_MOD_PATH)/lib/modules/$(KVER)/updates
# The header goes where DKMS keeps the sources (dkms.conf), which is where
# a client module's Kbuild looks whichever way the module was installed;
# /usr/include is user space's.
INCDIR := $(DESTDIR)/usr/src/alertable_sleep-$(VERSION)

SCRIPTS := $(CURDIR)/scripts

.PHONY: all modules clean help check lint kunit demo vm-test torture bench \
	bench-spread \
	check-debug install uninstall dkms-check docs matrix freeze-test \
	upstream upstream-boot prove

all: modules

modules:
	@$(SCRIPTS)/need-kdir.sh "$(KDIR)"
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	@if [ -f $(KDIR)/Makefile ]; then \
		$(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf Documentation/output

help:
	@echo 'alertable_sleep: make [KDIR=/lib/modules/<release>/build] TARGET'
	@echo
	@echo 'Build and install'
	@echo '  modules      (default) build alertable_sleep.ko against KDIR'
	@echo '  install      module + symvers to /lib/modules/KVER/updates, header to'
	@echo '               /usr/src/alertable_sleep-VERSION, depmod (INSTALL_MOD_PATH, DESTDIR)'
	@echo '  uninstall    remove what install put there, depmod'
	@echo '  deb          the Debian package alertable-sleep-dkms, lintian-checked'
	@echo '  clean        remove build products'
	@echo
	@echo 'Run (in a QEMU machine booting a Debian kernel; nothing loads on this host)'
	@echo '  demo         load the module and the sample driver, compare the sleeps'
	@echo '  bench        measure against bare completions and wait queues; memory,'
	@echo '               timer coalescing, abort_all() storms under timerlat/cyclictest'
	@echo '  bench-spread the latency ratios over RUNS boots (default 5), medians'
	@echo '  torture      long randomized race run on 2 vCPUs'
	@echo '  These and vm-test, kunit take KERNEL=<series>: 5.10 6.1 (default)'
	@echo '  6.1-rt 6.12 newest newest-rt (the newest Debian ships, e.g. 7.3);'
	@echo '  demo, torture, vm-test, freeze-test also arm64-6.1 arm64-6.12'
	@echo '  arm64-newest i386-6.1 (cross-built, booted in qemu-system-aarch64'
	@echo '  and qemu-system-i386).'
	@echo
	@echo 'Test'
	@echo '  check        lint, prove, KUnit (UML 6.1 and newest, arm64), all VM stages on'
	@echo '               6.1, build + VM + freezer tests on the other x86_64 kernels'
	@echo '               and arm64-newest, DKMS, docs, the Debian package and'
	@echo '               its install check; ends with "check: N passed, N failed"'
	@echo '               (what CI runs)'
	@echo '  lint         checkpatch --strict, sparse C=2, W=1 -Werror, kernel-doc, docs'
	@echo '  prove        the ordering argument: litmus tests under herd7 (the kernel'"'"'s'
	@echo '               memory model) and a spin model, each with mutants that must fail'
	@echo '  kunit        the KUnit suite via kunit.py (KASAN, lockdep): UML, 2 CPUs'
	@echo '               and 1 where UML can be SMP; KUNIT_ARCH=arm64: QEMU arm64'
	@echo '  vm-test      insmod tests, the contract on SMP, tracepoints, debugfs'
	@echo '  freeze-test  suspend freezer, killable, deadline, hard-IRQ aborts (VM)'
	@echo '  dkms-check   dkms add/build against the installed Debian headers'
	@echo '  deb-check    apt install/purge the package in Debian 11, 12, 13 chroots'
	@echo '  docs         render Documentation/ with sphinx, warnings fail'
	@echo '  check-debug  KUnit + torture under an x86_64 KCSAN/lockdep kernel (slow)'
	@echo '  matrix       every stage on every kernel, x86_64, arm64 and i386'
	@echo '               (KERNELS="5.10 arm64-6.1" picks, MATRIX_STAGES="build vm-test")'
	@echo '  upstream     the patch series against the newest kernel Debian ships (7.3):'
	@echo '               checkpatch, per-patch W=1 builds, kunit.py, docs, git am'
	@echo '               (not in check: cold, it adds 13 minutes)'
	@echo '  upstream-boot boot the pristine and the grafted tree in QEMU (after upstream):'
	@echo '               pciehp poll-mode request latency, hvc output, khvcd wake-ups'

check:
	@$(SCRIPTS)/check.sh

# The docs check is part of lint for a person; make check runs it as a
# stage of its own.
lint:
	@$(SCRIPTS)/lint.sh && $(SCRIPTS)/docs.sh

prove:
	@$(SCRIPTS)/prove.sh

kunit:
	@$(SCRIPTS)/kunit.sh

demo:
	@$(SCRIPTS)/demo.sh

vm-test:
	@$(SCRIPTS)/vm-test.sh

torture:
	@$(SCRIPTS)/torture.sh

bench:
	@$(SCRIPTS)/bench.sh

bench-spread:
	@$(SCRIPTS)/bench-spread.sh

check-debug:
	@$(SCRIPTS)/check-debug.sh

matrix:
	@$(SCRIPTS)/matrix.sh

freeze-test:
	@$(SCRIPTS)/freeze-test.sh

# Debian's headers carry a kernel.release that is not the package's
# release, so KERNELRELEASE is passed explicitly. Module.symvers goes beside
# the module for clients' KBUILD_EXTRA_SYMBOLS, the header where their
# Kbuild can add it to ccflags-y. depmod runs here because modules_install
# skips its own when the kernel tree has no System.map, which Debian's
# headers do not ship ("Skipping depmod").
install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) KERNELRELEASE=$(KVER) \
		INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) INSTALL_MOD_DIR=updates \
		modules_install
	install -D -m 0644 Module.symvers $(MODDIR)/alertable_sleep.symvers
	install -D -m 0644 alertable_sleep.h $(INCDIR)/alertable_sleep.h
	depmod -b $(or $(INSTALL_MOD_PATH),/) $(KVER)

uninstall:
	rm -f $(MODDIR)/alertable_sleep.ko $(MODDIR)/alertable_sleep.symvers
	rm -f $(INCDIR)/alertable_sleep.h
	-rmdir $(INCDIR) 2>/dev/null
	depmod -b $(or $(INSTALL_MOD_PATH),/) $(KVER)

dkms-check:
	@$(SCRIPTS)/dkms-check.sh

.PHONY: deb deb-check

# Built from a copy of the sources in the cache, never in this tree.
deb:
	@$(SCRIPTS)/deb.sh

deb-check:
	@$(SCRIPTS)/deb-check.sh

docs:
	@$(SCRIPTS)/docs.sh

# The series and its checks live in the cache (scripts/upstream.sh).
upstream:
	@$(SCRIPTS)/upstream.sh

# The series' in-tree users, booted before/after (scripts/upstream-boot.sh).
upstream-boot:
	@$(SCRIPTS)/upstream-boot.sh
