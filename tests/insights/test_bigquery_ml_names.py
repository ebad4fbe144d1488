"""The model a CREATE MODEL statement writes, however its path is quoted: GoogleSQL lets each part be quoted
on its own (`` `acme`.`ml`.`churn` ``) or the whole path at once (`` `acme.ml.churn` ``), and a part with a
dash must be quoted (``ml.`churn-v2` ``). Two models trained each hour are two models, not one retrained.
"""

from __future__ import annotations

from dashboard.models import Job, Snapshot
from dashboard.sources.jobs.parse_list import job_from_resource
from dashboard.sources.jobs.rules_ml import model_name
from insights.helpers import AT, TIB, run, t

RETRAINED = "bigquery.model_retrained"


def test_each_part_quoted_on_its_own_names_the_model() -> None:
    def named(sql: str) -> str | None:
        return model_name(Job(project="acme", job_id="j", query=sql))

    assert named("CREATE OR REPLACE MODEL `acme`.`ml`.`churn` OPTIONS (model_type='LOGISTIC_REG')") == (
        "acme.ml.churn"
    )
    assert named("CREATE MODEL ml.`churn-v2` OPTIONS (model_type='KMEANS') AS SELECT 1") == "acme.ml.churn-v2"
    assert named("create model if not exists `other-proj`.ml.ltv as select 1") == "other-proj.ml.ltv"
    assert named("CREATE MODEL `acme.ml.churn` AS SELECT 1") == "acme.ml.churn"
    assert named("CREATE MODEL ml.churn AS SELECT 1") == "acme.ml.churn"


def training(job_id: str, model: str, created_min: float) -> Job:
    """A CREATE_MODEL job as jobs.list gives it: 0.1 TiB billed."""
    created = t(minutes=created_min)
    ms = str(int(created.timestamp() * 1000))
    end = str(int(created.timestamp() * 1000) + 60_000)
    return job_from_resource(
        {
            "jobReference": {"projectId": "acme", "jobId": job_id, "location": "EU"},
            "state": "DONE",
            "statistics": {
                "creationTime": ms,
                "startTime": ms,
                "endTime": end,
                "query": {"statementType": "CREATE_MODEL", "totalBytesBilled": str(TIB // 10)},
            },
            "configuration": {
                "query": {"query": f"CREATE OR REPLACE MODEL `acme`.`ml`.`{model}` AS SELECT * FROM f"}
            },
            "user_email": "sched@acme.iam.gserviceaccount.com",
        }
    )


def test_two_models_trained_every_hour_are_not_one_model_trained_four_times() -> None:
    jobs = tuple(training(f"{model}_{h}", model, -60 * h) for model in ("churn", "ltv") for h in (0, 1))
    # each model trained twice: below min_runs 4 (a model read as "acme.acme" made it four runs of one)
    assert run(Snapshot(at=AT, jobs=jobs), RETRAINED, min_usd=0.01) == []
    assert run(Snapshot(at=AT, jobs=jobs), RETRAINED, min_runs=2, min_usd=0.01) != []
    resources = sorted(
        i.resource for i in run(Snapshot(at=AT, jobs=jobs), RETRAINED, min_runs=2, min_usd=0.01)
    )
    assert resources == ["acme.ml.churn", "acme.ml.ltv"]
