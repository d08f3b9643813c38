r"""Parameter layout of a Hawkes specification: log-scale vector <-> natural-scale arrays.

Every positive parameter is optimised as its logarithm :math:`\\theta = \\log x`; the
natural-scale arrays (:class:`~sahelmodel.hawkes._loglik.HawkesParams`) are built from
:math:`x = e^\\theta` through fixed linear maps (tied decays, relational excitation), so
gradients follow by the chain rule :math:`\\partial\\ell/\\partial\\theta = x\\,
\\partial\\ell/\\partial x`. A log-linear baseline has real coefficients :math:`\\gamma`
(not log-transformed) with :math:`\\log\\mu_{dp} = z_p^\\top\\gamma_d`, :math:`z_p` the
covariates of baseline piece :math:`p` with a leading 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from sahelmodel.hawkes._loglik import HawkesArrays, HawkesParams

__all__ = ["Layout", "relation_matrices"]


def relation_matrices(dim_names: tuple[str, ...], sep: str = "|") -> dict[str, np.ndarray]:
    """Relations between dyad dimensions named ``"i|j"``: inertia, retaliation, spill-over.

    ``R[r][d, k] = 1`` when excitation from source dyad ``k`` to target dyad ``d`` is of kind
    ``r``: ``inertia`` (same dyad), ``retaliation`` (reversed dyad ``j|i``), ``spillover``
    (the dyads share exactly one actor). Relations that never occur are dropped.
    """
    pairs = []
    for name in dim_names:
        parts = str(name).split(sep)
        if len(parts) != 2:
            raise ValueError(
                f"parametrisation='relational' needs dimension names 'actor_i{sep}actor_j'; "
                f"got {name!r}. Pass relations= explicitly for other dimensions."
            )
        pairs.append(tuple(parts))
    d = len(pairs)
    rel = {"inertia": np.eye(d), "retaliation": np.zeros((d, d)), "spillover": np.zeros((d, d))}
    for a in range(d):
        for b in range(d):
            if a == b:
                continue
            if pairs[a] == (pairs[b][1], pairs[b][0]):
                rel["retaliation"][a, b] = 1.0
            elif set(pairs[a]) == set(pairs[b]):
                rel["inertia"][a, b] = 1.0  # same undirected dyad listed twice
            elif set(pairs[a]) & set(pairs[b]):
                rel["spillover"][a, b] = 1.0
    return {k: v for k, v in rel.items() if v.any()}


@dataclass(frozen=True)
class Layout:
    """Map between the log-scale vector ``theta`` and natural-scale arrays."""

    n_dims: int
    n_pieces: int
    n_cats: int
    decay: str
    relations: dict[str, np.ndarray] | None
    names: tuple[str, ...]
    blocks: dict[str, slice]
    design: np.ndarray | None = None  # (P, Q + 1) for a log-linear baseline
    n_components: int = 1  # > 1: sum-of-exponentials kernel with shared decays

    @classmethod
    def build(cls, data: HawkesArrays, dim_names: tuple[str, ...], cat_names: tuple[str, ...],
              decay: str, relations: dict[str, np.ndarray] | None,
              design: np.ndarray | None = None,
              covariate_names: tuple[str, ...] = (), n_components: int = 1) -> Layout:
        """Lay out the parameter vector for ``data``."""
        d, p, c = data.n_dims, data.n_pieces, data.n_cats
        names: list[str] = []
        blocks: dict[str, slice] = {}

        def add(key: str, labels: list[str]) -> None:
            blocks[key] = slice(len(names), len(names) + len(labels))
            names.extend(labels)

        if design is not None:
            terms = ("const", *covariate_names)
            add("mu", [f"baseline[{n}]:{c}" for n in dim_names for c in terms])
        elif p == 1:
            add("mu", [f"mu[{n}]" for n in dim_names])
        else:
            add("mu", [f"mu[{n},{q}]" for n in dim_names for q in range(p)])
        if relations is None:
            add("alpha", [f"alpha[{a}<-{b}]" for a in dim_names for b in dim_names])
        else:
            add("alpha", [f"alpha[{r}]" for r in relations])
        if n_components > 1:
            add("decay", [f"decay[{m}]" for m in range(n_components)])
            add("weight", [f"weight_ratio[{m}/0]" for m in range(1, n_components)])
        elif decay == "shared":
            add("decay", ["decay"])
        elif decay == "per_target":
            add("decay", [f"decay[{n}]" for n in dim_names])
        else:
            add("decay", [f"decay[{a}<-{b}]" for a in dim_names for b in dim_names])
        if c:
            add("kappa", ["kappa"] if c == 1 else [f"kappa[{n}]" for n in cat_names])
        return cls(d, p, c, decay, relations, tuple(names), blocks, design, n_components)

    @cached_property  # read on every likelihood evaluation
    def positive(self) -> np.ndarray:
        """Which entries of ``theta`` are logarithms of positive parameters (read-only)."""
        mask = np.ones(self.size, dtype=bool)
        if self.design is not None:
            mask[self.blocks["mu"]] = False
        mask.setflags(write=False)
        return mask

    def natural_values(self, theta: np.ndarray) -> np.ndarray:
        """Reported parameter values: ``exp(theta)`` for positive ones, ``theta`` otherwise."""
        return np.where(self.positive, np.exp(np.minimum(theta, 700.0)), theta)

    @property
    def size(self) -> int:
        """Number of free parameters."""
        return len(self.names)

    def unpack(self, theta: np.ndarray) -> HawkesParams:
        """Natural-scale arrays from the log-scale vector."""
        x = self.natural_values(theta)
        d = self.n_dims
        if self.design is None:
            mu = x[self.blocks["mu"]].reshape(d, self.n_pieces)
        else:
            gamma = theta[self.blocks["mu"]].reshape(d, self.design.shape[1])
            mu = np.exp(np.minimum(gamma @ self.design.T, 700.0))
        a = x[self.blocks["alpha"]]
        if self.relations is None:
            alpha = a.reshape(d, d)
        else:
            alpha = sum(w * r for w, r in zip(a, self.relations.values(), strict=True))
            alpha = np.asarray(alpha, dtype=float)
        b = x[self.blocks["decay"]]
        kappa = x[self.blocks["kappa"]] if "kappa" in self.blocks else np.zeros(0)
        if self.n_components > 1:
            v = np.concatenate([[1.0], x[self.blocks["weight"]]])
            return HawkesParams(mu=mu, alpha=alpha, beta=np.full((d, d), b[0]), kappa=kappa,
                                mix=(b, v / v.sum()))
        if self.decay == "shared":
            beta = np.full((d, d), b[0])
        elif self.decay == "per_target":
            beta = np.repeat(b[:, None], d, axis=1)
        else:
            beta = b.reshape(d, d)
        kappa = x[self.blocks["kappa"]] if "kappa" in self.blocks else np.zeros(0)
        return HawkesParams(mu=mu, alpha=alpha, beta=beta, kappa=kappa)

    def pack(self, par: HawkesParams) -> np.ndarray:
        """Log-scale vector from natural-scale arrays (relational: least-squares weights)."""
        if self.design is None:
            parts = [np.log(par.mu).ravel()]
        else:
            gamma = np.linalg.lstsq(self.design, np.log(par.mu).T, rcond=None)[0]
            parts = [gamma.T.ravel()]
        if self.relations is None:
            parts.append(np.log(par.alpha).ravel())
        else:
            parts.append(np.log([float((par.alpha * r).sum() / r.sum())
                                 for r in self.relations.values()]))
        if self.n_components > 1:
            betas, w = par.mix
            parts.extend([np.log(betas), np.log(w[1:] / w[0])])
        elif self.decay == "shared":
            parts.append(np.log([float(np.mean(par.beta))]))
        elif self.decay == "per_target":
            parts.append(np.log(par.beta.mean(axis=1)))
        else:
            parts.append(np.log(par.beta).ravel())
        if "kappa" in self.blocks:
            parts.append(np.log(par.kappa))
        return np.concatenate(parts)

    @property
    def exact_hessian(self) -> bool:
        """Whether :meth:`hessian` applies: one shared decay, no baseline design."""
        return self.n_components == 1 and self.decay == "shared" and self.design is None

    def hessian(self, theta: np.ndarray, data: HawkesArrays) -> np.ndarray:
        r"""Analytic Hessian of the log-likelihood in ``theta`` (one compiled pass).

        With :math:`x = e^\theta` linked to the natural-scale parameters
        :math:`\phi = M x` by the layout's linear map :math:`M` (ties, relations),
        :math:`\nabla^2_\theta \ell = \mathrm{diag}(x)\, M^\top H_\phi M\,
        \mathrm{diag}(x) + \mathrm{diag}(x \odot M^\top g_\phi)`, with :math:`g_\phi,
        H_\phi` from :func:`~sahelmodel.hawkes._numba.shared_hessian`.
        """
        from sahelmodel.hawkes._numba import shared_hessian

        if not self.exact_hessian:
            raise ValueError("the analytic Hessian needs one shared decay and no baseline design")
        par = self.unpack(theta)
        gphi, hphi = shared_hessian(data, float(par.beta.flat[0]), par.alpha, par.mu,
                                    par.kappa)
        d, npc = self.n_dims, self.n_pieces
        ia, ib = d * npc, d * npc + d * d
        m = np.zeros((gphi.size, self.size))
        bl = self.blocks
        m[np.arange(ia), np.arange(bl["mu"].start, bl["mu"].stop)] = 1.0
        if self.relations is None:
            m[np.arange(ia, ib), np.arange(bl["alpha"].start, bl["alpha"].stop)] = 1.0
        else:
            for r, rel in enumerate(self.relations.values()):
                m[ia:ib, bl["alpha"].start + r] = rel.ravel()
        m[ib, bl["decay"].start] = 1.0
        if "kappa" in bl:
            m[np.arange(ib + 1, gphi.size), np.arange(bl["kappa"].start, bl["kappa"].stop)] = 1.0
        x = self.natural_values(theta)
        gx = m.T @ gphi
        return (m.T @ hphi @ m) * np.outer(x, x) + np.diag(x * gx)

    def chain(self, theta: np.ndarray, g: HawkesParams) -> np.ndarray:
        """Gradient with respect to ``theta`` from the natural-scale gradient ``g``."""
        x = self.natural_values(theta)
        out = np.empty_like(theta)
        if self.design is None:
            out[self.blocks["mu"]] = g.mu.ravel()
        else:
            mu = self.unpack(theta).mu
            out[self.blocks["mu"]] = ((g.mu * mu) @ self.design).ravel()
        if self.relations is None:
            out[self.blocks["alpha"]] = g.alpha.ravel()
        else:
            out[self.blocks["alpha"]] = [float((g.alpha * r).sum())
                                         for r in self.relations.values()]
        if self.n_components > 1:
            gb, gw = g.mix
            v = np.concatenate([[1.0], x[self.blocks["weight"]]])
            w = v / v.sum()
            out[self.blocks["decay"]] = gb
            out[self.blocks["weight"]] = (gw[1:] - float(w @ gw)) / v.sum()
        elif self.decay == "shared":
            out[self.blocks["decay"]] = g.beta.sum()
        elif self.decay == "per_target":
            out[self.blocks["decay"]] = g.beta.sum(axis=1)
        else:
            out[self.blocks["decay"]] = g.beta.ravel()
        if "kappa" in self.blocks:
            out[self.blocks["kappa"]] = g.kappa
        return np.where(self.positive, out * x, out)
