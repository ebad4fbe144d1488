"""A BigQuery ML job's ``statistics.query.mlStatistics`` (REST ``MlStatistics``: ``maxIterations`` an int64
string, ``iterationResults[]`` with ``index``, ``durationMs`` and ``trainingLoss`` doubles, ``modelType``,
``trainingType``) read from a jobs.list item; a history row has no ML column (statement type only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from dashboard.sources.jobs.parse_list import job_from_history, job_from_resource


def resource(ml: Any, statement: str = "CREATE_MODEL") -> dict[str, Any]:
    return {
        "kind": "bigquery#job",
        "id": "acme-bi:europe-west4.train_1",
        "jobReference": {"projectId": "acme-bi", "jobId": "train_1", "location": "europe-west4"},
        "state": "RUNNING",
        "configuration": {
            "jobType": "QUERY",
            "query": {"query": "CREATE OR REPLACE MODEL `acme-bi.churn.model_v3` OPTIONS(...) AS SELECT 1"},
        },
        "statistics": {
            "creationTime": "1764144000000",
            "startTime": "1764144001000",
            "query": {"statementType": statement, "totalSlotMs": "120000", "mlStatistics": ml},
        },
        "status": {"state": "RUNNING"},
        "user_email": "ml-sa@acme-bi.iam.gserviceaccount.com",
    }


def test_model_type_training_type_iterations_and_losses() -> None:
    job = job_from_resource(
        resource(
            {
                "maxIterations": "20",
                "modelType": "BOOSTED_TREE_CLASSIFIER",
                "trainingType": "SINGLE_TRAINING",
                "iterationResults": [
                    {"index": 0, "durationMs": "3100", "trainingLoss": 0.6931, "evalLoss": 0.7},
                    {"index": 1, "durationMs": "2900", "trainingLoss": 0.5123},
                    {"index": 2, "durationMs": "2800"},  # no loss reported for this one
                ],
            }
        )
    )
    assert (job.ml_model_type, job.ml_training_type) == ("BOOSTED_TREE_CLASSIFIER", "SINGLE_TRAINING")
    assert (job.ml_iterations, job.ml_max_iterations) == (3, 20)
    assert job.ml_losses == (pytest.approx(0.6931), pytest.approx(0.5123))
    assert job.is_ml
    assert job.trains_model
    assert job.location == "europe-west4"


def test_malformed_ml_statistics_are_left_out_and_the_job_kept() -> None:
    job = job_from_resource(resource({"maxIterations": "many", "modelType": 7, "iterationResults": "x"}))
    assert job.job_id == "train_1"
    assert (job.ml_model_type, job.ml_max_iterations, job.ml_losses) == (None, None, ())
    assert job.ml_iterations == 0  # the key is there, holding no iteration
    garbage = job_from_resource(resource("not an object"))
    assert garbage.ml_model_type is None
    assert garbage.trains_model


def test_an_ordinary_query_has_no_ml_fields() -> None:
    job = job_from_resource(resource(None, statement="SELECT"))
    assert not job.is_ml
    assert not job.trains_model
    assert (job.ml_model_type, job.ml_iterations) == (None, None)


def test_export_model_is_an_ml_statement_but_not_model_creation() -> None:
    job = job_from_resource(resource(None, statement="EXPORT_MODEL"))
    assert job.is_ml
    assert not job.trains_model


def test_a_history_row_carries_the_statement_type_only() -> None:
    at = datetime(2026, 11, 26, 8, tzinfo=UTC)
    job = job_from_history(
        {"project_id": "acme-bi", "job_id": "train_0", "statement_type": "CREATE_MODEL", "creation_time": at,
         "total_bytes_billed": 40 * 2**30, "job_type": "QUERY", "state": "DONE"},
        "US",
    )  # fmt: skip
    assert job.trains_model
    assert job.ml_model_type is None
    assert job.bytes_billed == 40 * 2**30
