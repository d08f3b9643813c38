# fixest's Sun-Abraham estimator (sunab, Poisson) on sunab_data.csv: horizon estimates and
# standard errors (iid and clustered by unit), with and without the control x. Run from the
# repository root (fixest 0.14.2 from ../shared/r/):
#   Rscript tests/reference/regression/make_sunab.R
# Writes sunab_reference.csv next to this script.
suppressPackageStartupMessages(library(fixest))
here <- "tests/reference/regression"
d <- read.csv(file.path(here, "sunab_data.csv"))
rows <- list()
for (ctrl in c("none", "x")) {
  rhs <- if (ctrl == "x") "sunab(first, period) + x" else "sunab(first, period)"
  for (cov in c("iid", "cluster")) {
    vc <- if (cov == "iid") "iid" else ~unit
    f <- fepois(as.formula(paste("y ~", rhs, "| unit + period")), data = d, vcov = vc,
                glm.tol = 1e-12, fixef.tol = 1e-11, glm.iter = 200)
    ct <- coeftable(f)  # aggregated by relative period (sunab's default)
    keep <- grepl("^period::", rownames(ct))
    k <- as.integer(sub("^period::", "", rownames(ct)[keep]))
    rows[[length(rows) + 1]] <- data.frame(
      controls = ctrl, cov = cov, horizon = k,
      estimate = sprintf("%.15g", ct[keep, 1]), std_error = sprintf("%.15g", ct[keep, 2]))
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "sunab_reference.csv"), row.names = FALSE, quote = FALSE)
cat("fixest", as.character(packageVersion("fixest")), "\n")
