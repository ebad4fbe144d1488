"""The Pub/Sub source: topics and subscriptions of every monitored project (Pub/Sub's list calls) with
their backlog from Cloud Monitoring (undelivered messages, oldest unacknowledged age, backlog bytes, push
responses, publishes and billed bytes).

It registers like a third party's source (``pyproject.toml``: ``pubsub =
"dashboard.sources.pubsub.spec:SPEC"``); nothing outside this package names it. docs/pubsub.md says what
it shows.
"""
