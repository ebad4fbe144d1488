"""The Vertex AI source: pipeline runs (Vertex AI Pipelines, ``pipelineJobs.list``) and model monitoring
(``modelDeploymentMonitoringJobs.list`` and the stats anomalies of each job), per project and region,
over Vertex AI's REST API with ``google-auth``'s ``AuthorizedSession`` (docs/vertex.md says why not the
client library)."""
