"""Every table of the hub; importing this package registers them all on ``Base.metadata``."""

from gridlink.store.models.jobs import Job, JobState

__all__ = ["Job", "JobState"]
