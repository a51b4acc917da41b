# SPDX-License-Identifier: GPL-2.0
obj-$(CONFIG_SAMPLE_ALERTABLE_SLEEP) += alertable_sleep_demo.o
