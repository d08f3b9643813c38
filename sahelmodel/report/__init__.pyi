"""Names of the report namespace (read by the lazy loader and by type checkers)."""

from .figures import (
    new_figure,
    plot_estimates_against_truth,
    plot_exponential_qq,
    save_figure,
    save_numbers,
)
from .provenance import (
    file_sha256,
    git_commit,
    provenance_record,
    write_provenance,
)
from .tables import compare_results, monte_carlo_summary

__all__ = [
    "compare_results",
    "file_sha256",
    "git_commit",
    "monte_carlo_summary",
    "new_figure",
    "plot_estimates_against_truth",
    "plot_exponential_qq",
    "provenance_record",
    "save_figure",
    "save_numbers",
    "write_provenance",
]
