"""What the bundled demo recording shows of streaming ingestion: Pub/Sub's insights and its pipelines
(subscription, reader, tables written) in ``--once --demo``."""

from __future__ import annotations

import pytest
from demo_helpers import once, once_json


@pytest.mark.timeout(120)
def test_pubsub_story_in_once() -> None:
    """``--once --demo`` at the recording's end (08:59:30; the newest points are 08:56, three minutes of
    ingestion delay before the last poll at 08:59)."""
    doc = once_json()
    assert doc["sources"]["pubsub"]["state"] == "ok"
    found = {(i["rule"], i["resource"]): i for i in doc["insights"] if i["source"] == "pubsub"}
    assert sorted(found) == [
        ("pubsub.dead_letters", "acme-etl/clickstream-app-opens-bq"),
        ("pubsub.growing_backlog", "acme-etl/clickstream-dataflow"),
        ("pubsub.nobody_reads", "acme-analytics/legacy-audit-sub"),
        ("pubsub.retention_risk", "acme-analytics/legacy-audit-sub"),
    ]
    risk = found[("pubsub.retention_risk", "acme-analytics/legacy-audit-sub")]
    # oldest unacked 6 d 20 h = 6 x 86,400 + 20 x 3,600 = 590,400 s of 7 x 86,400 = 604,800 s: 97.6 %,
    # past the 95 % of a critical; 604,800 - 590,400 = 14,400 s = 4.0 h left
    assert risk["severity"] == "critical"
    assert risk["title"] == (
        "Subscription legacy-audit-sub loses messages in 4.0 h: oldest unacked 6.8 d of 7.0 d retention"
    )
    assert "590,400 s old = 98% of the 604,800 s retention; 14,400 s left" in risk["evidence"]
    backlog = found[("pubsub.growing_backlog", "acme-etl/clickstream-dataflow")]
    # clickstream-enrich's lag at minute m: 45 s + 11.5 s per minute since 05:00; the subscription holds
    # 1,500 messages/s x lag. 08:56: 45 + 11.5 x 236 = 2,759 s -> 4,138,500;
    # 08:41: 45 + 11.5 x 221 = 2,586.5 s -> 3,879,750; up 15 x 11.5 x 1,500 = 258,750
    assert backlog["severity"] == "warning"
    assert (
        backlog["title"]
        == "Subscription clickstream-dataflow falls behind: 4,138,500 undelivered and growing"
    )
    assert backlog["evidence"].startswith("3,879,750 → 4,138,500 undelivered messages in 15 min (+258,750;")
    # dead letters from 08:10, 2, 3, 4 messages a minute in turn, to 08:56: 47 minutes = 15 x 9 + 2 + 3,
    # counted per subscription (subscription/dead_letter_message_count)
    assert found[("pubsub.dead_letters", "acme-etl/clickstream-app-opens-bq")]["evidence"].startswith(
        "140 messages forwarded to projects/acme-etl/topics/clickstream-dlq"
    )
    # oldest of all: legacy-audit-sub's; undelivered: 4,138,500 + 590,400 (1 message/s x its age) + the
    # BigQuery export's few
    assert doc["metrics"]["pubsub.oldest_unacked_s"] == 590_400
    assert 4_138_500 + 590_400 < doc["metrics"]["pubsub.undelivered"] < 4_138_500 + 590_400 + 300
    # billed bytes a minute: clickstream publishes 1,500 x 60 x 230 = 20,700,000, its BigQuery export the
    # same, its Dataflow reader (90,000 - 17,250) x 230 = 16,732,500, audit-log 60 x 1,200 = 72,000:
    # 58,204,500 a minute over the 57 minutes 08:00..08:56 of the last hour, plus the dead letters' 140 x
    # 1,000 bytes: 3,317,796,500 bytes / 2^40 x $40/TiB
    burn = doc["metrics"]["cost.pubsub.burn_rate_usd_per_hour"]
    assert burn == pytest.approx((57 * 58_204_500 + 140 * 1_000) / 2**40 * 40)


def test_the_streaming_pipeline_in_once() -> None:
    """The chain clickstream-dataflow → clickstream-enrich → acme-analytics.clickstream.sessions, joined
    on the job's ``jobMetadata.pubsubDetails`` and ``bigqueryDetails``, with the data-loss risk."""
    text = once(columns=200)
    section = text[text.index("Pub/Sub pipelines") :]
    row = next(line for line in section.splitlines() if line.startswith("clickstream-dataflow"))
    # 4,138,500 undelivered; oldest lag + 12 s; lag at 08:56 45 + 11.5 x 236 = 2,759 s (noise added)
    assert "4,138,500" in row
    assert "clickstream-enrich" in row
    assert "acme-analytics.clickstream.sessions" in row
    audit = next(line for line in section.splitlines() if line.startswith("legacy-audit-sub"))
    assert "6d20h" in audit  # 590,400 s, shown in red in a terminal: past 80 % of its 7-day retention
    assert "loses messages in 4.0 h" in text
    doc = once_json()
    chains = {p["subscription"]: p for p in doc["pubsub"]["pipelines"]}
    assert (chains["clickstream-dataflow"]["reader"], chains["clickstream-dataflow"]["writes"]) == (
        "dataflow",
        ["acme-analytics.clickstream.sessions"],
    )
    assert chains["clickstream-app-opens-bq"]["writes"] == ["acme-analytics.events.app_opens"]
    assert chains["legacy-audit-sub"]["reader"] == "none"
