"""The scripts in ``reference/`` make the stored reference values with R or remflow; they are
run by hand, never collected (the suite needs neither R nor remflow)."""

collect_ignore_glob = ["reference/*.py"]
