"""The Cloud Composer source: the managed Airflow environments of each monitored project and region, their
components' workloads, and their DAG runs' health from Cloud Monitoring (docs/composer.md)."""
