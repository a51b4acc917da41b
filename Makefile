# SPDX-License-Identifier: GPL-2.0
#
# The front door: `make help` lists every target. Module builds go through
# Kbuild (Documentation/kbuild/modules.rst); everything that needs a kernel
# tree, a VM or packages lives in scripts/.

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build

SCRIPTS := $(CURDIR)/scripts

.PHONY: all modules clean help check lint kunit demo vm-test torture bench \
	check-debug install uninstall dkms-check docs

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
	@echo '  install      modules_install into /lib/modules/<release>/updates, depmod'
	@echo '  uninstall    remove what install put there, depmod'
	@echo '  clean        remove build products'
	@echo
	@echo 'Run (in a QEMU machine booting Debian'"'"'s kernel; nothing loads on this host)'
	@echo '  demo         load the module and the sample driver, compare rmmod times'
	@echo '  bench        measure against bare completions and wait queues'
	@echo '  torture      long randomized race run on 2 vCPUs'
	@echo
	@echo 'Test'
	@echo '  check        lint + KUnit (UML) + VM tests + DKMS + docs; ends with'
	@echo '               "check: N passed, N failed" (what CI runs)'
	@echo '  lint         checkpatch --strict, sparse C=2, W=1 -Werror, kernel-doc'
	@echo '  kunit        the KUnit suite under UML via kunit.py (KASAN, lockdep)'
	@echo '  vm-test      insmod tests, contract on SMP, short torture, in QEMU'
	@echo '  dkms-check   dkms add/build against the installed Debian headers'
	@echo '  docs         render Documentation/ with sphinx, warnings fail'
	@echo '  check-debug  KUnit + torture under an x86_64 KCSAN/lockdep kernel (slow)'

check:
	@$(SCRIPTS)/check.sh

lint:
	@$(SCRIPTS)/lint.sh

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

check-debug:
	@$(SCRIPTS)/check-debug.sh

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=updates modules_install
	$(SCRIPTS)/depmod.sh "$(KDIR)"

uninstall:
	$(SCRIPTS)/uninstall.sh "$(KDIR)"

dkms-check:
	@$(SCRIPTS)/dkms-check.sh

docs:
	@$(SCRIPTS)/docs.sh
