# Reference values for tests/regression/test_reference.py, computed with R's glm (dummy
# variables for the fixed effects), MASS::glm.nb and sandwich. Run from the repository root:
#   Rscript tests/reference/regression/make_reference.R ../shared/reference/sicily/sicily.csv
# Writes fe_reference.csv and sicily_reference.csv next to this script.
suppressPackageStartupMessages({library(MASS); library(sandwich)})
args <- commandArgs(trailingOnly = TRUE)
here <- "tests/reference/regression"
d <- read.csv(file.path(here, "fe_data.csv"))
d$a <- factor(d$a); d$b <- factor(d$b)
ctrl <- glm.control(epsilon = 1e-14, maxit = 200)
rows <- list()
add <- function(model, cov, est, se) {
  for (t in c("x1", "x2")) rows[[length(rows) + 1]] <<- data.frame(
    model = model, cov = cov, term = t, estimate = sprintf("%.15g", est[t]),
    std_error = sprintf("%.15g", se[t]))
}
fits <- list(
  pois_2fe = glm(y ~ x1 + x2 + a + b, family = poisson, data = d, control = ctrl),
  pois_2fe_offset = glm(y ~ x1 + x2 + a + b + offset(log(expo)), family = poisson, data = d,
                        control = ctrl),
  pois_nofe = glm(y ~ x1 + x2, family = poisson, data = d, control = ctrl),
  nb2_2fe = glm.nb(yn ~ x1 + x2 + a + b, data = d, control = ctrl),
  nb2_nofe = glm.nb(yn ~ x1 + x2, data = d, control = ctrl),
  nb2_1fe = glm.nb(yn ~ x1 + x2 + a, data = d, control = ctrl)
)
for (m in names(fits)) {
  f <- fits[[m]]
  est <- coef(f)
  add(m, "iid", est, sqrt(diag(vcov(f))))
  add(m, "hc1", est, sqrt(diag(vcovHC(f, type = "HC1"))))
  add(m, "hc0", est, sqrt(diag(vcovHC(f, type = "HC0"))))
  add(m, "cluster_c1", est, sqrt(diag(vcovCL(f, cluster = ~c1, type = "HC1"))))
  v2 <- vcovCL(f, cluster = ~c1 + c2, type = "HC1"); add(m, "cluster_c1_c2", est, sqrt(diag(v2[c("x1", "x2"), c("x1", "x2")])))
  add(m, "cluster_a_hc0", est, sqrt(diag(vcovCL(f, cluster = ~a, type = "HC0", cadjust = FALSE))))
  qp <- summary(f, dispersion = sum(residuals(f, "pearson")^2) / f$df.residual)
  if (!inherits(f, "negbin")) add(m, "pearson", est, qp$coefficients[, 2])
}
out <- do.call(rbind, rows)
theta <- data.frame(model = c("nb2_2fe", "nb2_nofe", "nb2_1fe"), cov = "theta", term = "theta",
                    estimate = sprintf("%.15g", c(fits$nb2_2fe$theta, fits$nb2_nofe$theta,
                                                  fits$nb2_1fe$theta)), std_error = "")
ll <- data.frame(model = names(fits), cov = "loglik", term = "loglik",
                 estimate = sprintf("%.15g", sapply(fits, function(f) as.numeric(logLik(f)))),
                 std_error = "")
write.csv(rbind(out, theta, ll), file.path(here, "fe_reference.csv"), row.names = FALSE,
          quote = FALSE)

# Lopez Bernal, Cummins & Gasparrini (2017) interrupted time series tutorial (Sicily smoking ban).
s <- read.csv(args[1])
h <- function(x, nfreq, period) {  # tsModel::harmonic
  k <- (1:nfreq) / period; y <- 2 * pi * outer(x, k); cbind(cos(y), sin(y))
}
s$h <- h(s$month, 2, 12)
m1 <- glm(aces ~ offset(log(stdpop)) + smokban + time, family = poisson, data = s, control = ctrl)
m2 <- glm(aces ~ offset(log(stdpop)) + smokban + time, family = quasipoisson, data = s,
          control = ctrl)
m3 <- glm(aces ~ offset(log(stdpop)) + smokban + time + h, family = quasipoisson, data = s,
          control = ctrl)
ci <- function(m, name) {  # as Epi::ci.lin(m, Exp = TRUE) in the tutorial: normal quantiles
  est <- coef(m)["smokban"]; se <- sqrt(vcov(m)["smokban", "smokban"])
  data.frame(model = name, rr = exp(est), lower = exp(est - qnorm(0.975) * se),
             upper = exp(est + qnorm(0.975) * se), estimate = est, std_error = se,
             dispersion = summary(m)$dispersion)
}
sic <- rbind(ci(m1, "poisson"), ci(m2, "quasipoisson"), ci(m3, "quasipoisson_harmonic"))
write.csv(sic, file.path(here, "sicily_reference.csv"), row.names = FALSE)
