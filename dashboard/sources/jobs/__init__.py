"""BigQuery jobs: every user's running and pending jobs (``jobs.list``), and the INFORMATION_SCHEMA.JOBS
history of every project and location.

Its spec (:mod:`.spec`) is registered in the entry-point group ``gcpdash.sources`` (``pyproject.toml``)
like any source's; its parser (``parse*``), pane (``view``) and insight rules (``rules``) are here.
"""
