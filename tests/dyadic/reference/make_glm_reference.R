# fixest::feglm on glm_data.csv (written by make_glm_reference.py): logit and probit with
# sender + receiver + period effects; iid and clustered-by-sender standard errors (fixest's
# default small-sample correction). Output: glm_fixest.csv. R 4.2, fixest 0.14.2.
library(fixest)
df <- read.csv("glm_data.csv")
rows <- list()
for (link in c("logit", "probit")) {
  fam <- binomial(link = link)
  m <- feglm(y ~ x1 + x2 | sender + receiver + period, data = df, family = fam)
  for (v in c("iid", "cluster_sender")) {
    vc <- if (v == "iid") vcov(m, vcov = "iid") else vcov(m, cluster = ~sender)
    for (term in c("x1", "x2")) {
      rows[[length(rows) + 1]] <- data.frame(link = link, cov = v, term = term,
        estimate = unname(coef(m)[term]), std_error = sqrt(vc[term, term]),
        loglik = as.numeric(logLik(m)), nobs = nobs(m))
    }
  }
}
out <- do.call(rbind, rows)
write.csv(out, "glm_fixest.csv", row.names = FALSE)
