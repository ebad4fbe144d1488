"""The Cloud Billing export's month to date (a query of its table) and the account's budgets.

Its spec (:mod:`.spec`) is registered in the entry-point group ``gcpdash.sources`` (``pyproject.toml``)
like any source's; its parser (``parse*``), pane (``view``) and insight rules (``rules``) are here.
"""
