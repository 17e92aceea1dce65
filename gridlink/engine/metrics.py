"""Prometheus instruments the worker records into; the web layer exposes them."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

JOB_DURATION = Histogram(
    "gridlink_job_duration_seconds",
    "Time a job attempt took to run, by kind",
    ["kind"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
JOB_WAIT = Histogram(
    "gridlink_job_wait_seconds",
    "Time from a job being due to a worker starting it, by kind",
    ["kind"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
)
JOB_OUTCOMES = Counter(
    "gridlink_job_attempts_total",
    "Job attempts by kind and outcome (succeeded, retrying, dead, snoozed, lost)",
    ["kind", "outcome"],
)
