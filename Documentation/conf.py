# SPDX-License-Identifier: GPL-2.0
#
# Sphinx configuration for the alertable_sleep documentation. Built by
# scripts/docs.sh (make docs), which exports ALERTABLE_SLEEP_KTREE: the
# extracted kernel source tree whose own sphinx extensions and kernel-doc
# script render the `.. kernel-doc::` directives, exactly as in-tree docs are.

import os
import sys

ktree = os.environ.get('ALERTABLE_SLEEP_KTREE')
if not ktree or not os.path.isfile(os.path.join(ktree, 'scripts',
                                                'kernel-doc')):
    sys.exit('conf.py: set ALERTABLE_SLEEP_KTREE to an extracted kernel '
             'source tree (scripts/docs.sh does this)')

sys.path.insert(0, os.path.join(ktree, 'Documentation', 'sphinx'))

project = 'alertable_sleep'
copyright = 'The alertable_sleep developers'
author = 'The alertable_sleep developers'

root_doc = 'index'
exclude_patterns = ['output']
needs_sphinx = '3.1'

# kerneldoc: the `.. kernel-doc::` directive. automarkup: turns func() and
# struct names in prose into cross-references, as in the kernel's own docs.
extensions = ['kerneldoc', 'automarkup']

# `.. kernel-doc:: FILE` paths are relative to the repository root.
kerneldoc_bin = os.path.join(ktree, 'scripts', 'kernel-doc')
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__),
                                                 '..'))

# Same as the kernel's Documentation/conf.py: the C domain must skip the
# kernel's attribute macros when it parses prototypes.
c_id_attributes = ['__iomem', '__percpu', '__rcu', '__user', '__init',
                   '__must_check']

primary_domain = 'c'
highlight_language = 'none'

html_theme = 'alabaster'
# The tables hold long identifiers, which never wrap: give the body room.
html_theme_options = {'page_width': '1200px', 'body_max_width': 'none'}
html_title = 'alertable_sleep'
html_show_sourcelink = False
