# Reference values for figure 9: R's glm on the Sicily smoking-ban data of Lopez Bernal,
# Cummins & Gasparrini (2017, Int. J. Epidemiol. 46(1):348-355), the three models of the tutorial.
# Run from the repository root:  Rscript experiments/reference/sicily_glm.R > experiments/reference/sicily_glm.csv
# (the data path can be given as the first argument). Intervals are Wald: exp(b -/+ qnorm(0.975) se).
args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args)) args[1] else "../shared/reference/sicily/sicily.csv"
d <- read.csv(path)
h <- cbind(sin(2*pi*1*d$month/12), cos(2*pi*1*d$month/12), sin(2*pi*2*d$month/12), cos(2*pi*2*d$month/12))
colnames(h) <- c("s1","c1","s2","c2")
d <- cbind(d, h)
fits <- list(
 poisson = glm(aces ~ offset(log(stdpop)) + smokban + time, family=poisson, data=d),
 quasipoisson = glm(aces ~ offset(log(stdpop)) + smokban + time, family=quasipoisson, data=d),
 quasipoisson_harmonic = glm(aces ~ offset(log(stdpop)) + smokban + time + s1 + c1 + s2 + c2, family=quasipoisson, data=d))
cat("model,coef,std_error,rate_ratio,lower,upper\n")
for (n in names(fits)) { f <- fits[[n]]; b <- coef(f)["smokban"]; se <- sqrt(vcov(f)["smokban","smokban"])
 cat(sprintf("%s,%.10f,%.10f,%.10f,%.10f,%.10f\n", n, b, se, exp(b), exp(b-qnorm(0.975)*se), exp(b+qnorm(0.975)*se))) }
cat(paste0("# ", R.version.string, "\n"))
