"""``gcpdash --once``: one snapshot as text (:mod:`.text`), JSON (:mod:`.json_report`) or Markdown
(:mod:`.markdown`). Import the module of the format needed only: each loads what it uses."""

from __future__ import annotations
