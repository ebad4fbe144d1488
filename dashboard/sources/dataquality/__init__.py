"""The data-quality source: Dataplex data-quality scans of BigQuery tables, their jobs' results (passed,
score, rules and their pass ratios) and how each scan's score moves, read over gRPC with
``google-cloud-dataplex`` (``dataplex_v1``).

Per project and region ``ListDataScans`` (the ``DATA_QUALITY`` scans kept), per scan
``ListDataScanJobs`` of the last days (the BASIC view, without results), and ``GetDataScanJob`` with the
FULL view only for a finished job not read before: a poll's data holds the jobs it read in full, and the
store keeps them between polls (the source merges incrementally), so a replay gives the same data.
"""
