"""The Data Fusion source: the Cloud Data Fusion instances of each monitored project (every location, through
``ListInstances`` on ``locations/-``), their edition, state and version, what they cost an hour by edition,
and the pipelines they launched, seen as the ephemeral Dataproc clusters the Dataproc source lists.

Registered through the ``gcpdash.sources`` entry point like a third party's (see docs/datafusion.md).
"""
