"""``python -m dashboard`` runs the gcpdash command line."""

from __future__ import annotations

import sys

from dashboard.cli import main

sys.exit(main())
