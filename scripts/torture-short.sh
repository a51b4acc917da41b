#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# make check's torture stage: see torture.sh --short.
set -eu
exec "$(dirname "$0")/torture.sh" --short
