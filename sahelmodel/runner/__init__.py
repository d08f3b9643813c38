"""Experiment runner: seeded tasks on serial, process or Dask schedulers, resumable on disk.

See :mod:`sahelmodel.runner._core` for the seeding and resume guarantees,
:mod:`sahelmodel.runner.config` for experiment configurations and
:mod:`sahelmodel.runner.reproduce` for regenerating the paper's figures.
"""

from sahelmodel.runner._core import (
    SCHEDULERS,
    Runner,
    Task,
    TaskError,
    parse_scheduler,
    run_tasks,
    task_seed,
)
from sahelmodel.runner._store import FolderLock, OutputFolderError, RunnerError

__all__ = [
    "SCHEDULERS",
    "FolderLock",
    "OutputFolderError",
    "Runner",
    "RunnerError",
    "Task",
    "TaskError",
    "parse_scheduler",
    "run_tasks",
    "task_seed",
]
