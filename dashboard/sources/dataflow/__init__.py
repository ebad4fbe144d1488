"""Dataflow jobs of every region, with their lag, throughput and resource totals from Monitoring.

Its spec (:mod:`.spec`) is registered in the entry-point group ``gcpdash.sources`` (``pyproject.toml``)
like any source's; its parser (``parse*``), pane (``view``) and insight rules (``rules``) are here.
"""
