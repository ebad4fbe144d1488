"""Round test prices shared by the cost and insight tests: they keep the arithmetic of each expected
figure checkable by hand."""

from __future__ import annotations

PRICES = {
    "bigquery.on_demand.per_tib": 5.0,
    "bigquery.editions.enterprise.payg": 0.05,
    "bigquery.editions.enterprise.1yr": 0.04,
    "bigquery.editions.standard.payg": 0.02,
    "dataproc.premium.per_vcpu_hour": 0.01,
    "gce.n2.vcpu_hour": 0.03,
    "gce.n2.ram_gib_hour": 0.004,
    "dataproc_serverless.dcu_hour.standard": 0.06,
    "dataproc_serverless.shuffle_storage_gib_month": 0.04,
    "dataflow.batch.vcpu_hour": 0.05,
    "dataflow.streaming.vcpu_hour": 0.07,
    "dataflow.memory_gib_hour": 0.004,
    "dataflow.pd_standard_gib_hour": 0.0001,
    "dataflow.shuffle_gib.batch": 0.01,
    "dataflow.streaming_engine_gib": 0.02,
    "dataflow.worker_memory_gib_per_vcpu": 4.0,
}
