"""Report helpers: figures saved with their numbers, comparison tables, provenance records."""

from sahelmodel.report.figures import (
    new_figure,
    plot_estimates_against_truth,
    plot_exponential_qq,
    save_figure,
    save_numbers,
)
from sahelmodel.report.provenance import (
    file_sha256,
    git_commit,
    provenance_record,
    write_provenance,
)
from sahelmodel.report.tables import compare_results, monte_carlo_summary

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
