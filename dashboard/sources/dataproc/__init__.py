"""Dataproc clusters, the jobs on them and Serverless batches, with the clusters' YARN metrics.

Its spec (:mod:`.spec`) is registered in the entry-point group ``gcpdash.sources`` (``pyproject.toml``)
like any source's; its parser (``parse*``), pane (``view``) and insight rules (``rules``) are here.
"""
