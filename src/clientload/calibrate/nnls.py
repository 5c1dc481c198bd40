"""Non-negative least squares on the normal equations, and a bootstrap over days.

Minutes per driver cannot be negative, so the fit is NNLS (Lawson & Hanson, *Solving Least
Squares Problems*, 1974, ch. 23) rather than ordinary least squares. It works on the Gram matrix
XᵀX and Xᵀy: those add up over days, so a bootstrap that resamples days only re-weighs per-day
sums of a few numbers instead of refitting the rows. NumPy only (SciPy is not a dependency).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TOLERANCE = 1e-10


def nnls_gram(gram: np.ndarray, moment: np.ndarray, max_iterations: int | None = None
              ) -> np.ndarray:
    """β ≥ 0 minimising ‖Xβ − y‖² given G = XᵀX and b = Xᵀy (Lawson–Hanson active set).

    Columns are scaled to unit length inside, so drivers counted in units (orders) and in
    thousands (lines) weigh alike in the tolerance checks.
    """
    k = len(moment)
    scale = np.sqrt(np.maximum(np.diag(gram), 0.0))
    scale[scale == 0] = 1.0
    g = gram / np.outer(scale, scale)
    b = moment / scale
    x = np.zeros(k)
    passive = np.zeros(k, dtype=bool)
    gradient = b - g @ x
    limit = max_iterations or 3 * k + 30
    for _ in range(limit):
        free = ~passive & (gradient > TOLERANCE)
        if not free.any():
            break
        passive[np.argmax(np.where(free, gradient, -np.inf))] = True
        while True:
            s = np.zeros(k)
            s[passive] = _solve(g[np.ix_(passive, passive)], b[passive])
            if (s[passive] > TOLERANCE).all():
                break
            shrinking = passive & (s <= TOLERANCE)
            alpha = np.min(x[shrinking] / np.maximum(x[shrinking] - s[shrinking], TOLERANCE))
            x = x + alpha * (s - x)
            passive &= x > TOLERANCE
            x[~passive] = 0.0
        x = s
        gradient = b - g @ x
    return np.maximum(x, 0.0) / scale


def _solve(g: np.ndarray, b: np.ndarray) -> np.ndarray:
    try:
        return np.linalg.solve(g, b)
    except np.linalg.LinAlgError:  # singular on the passive set: the least-norm answer
        return np.linalg.lstsq(g, b, rcond=None)[0]


@dataclass(frozen=True)
class Fit:
    """An NNLS fit with its bootstrap: coefficient, 95 % interval, R², what it rests on."""

    coefficients: np.ndarray
    low: np.ndarray
    high: np.ndarray
    r_squared: float
    rows: int
    days: int


def fit_by_day(x: np.ndarray, y: np.ndarray, day: np.ndarray, resamples: int = 400,
               seed: int = 0) -> Fit:
    """NNLS of `y` on the columns of `x` (the caller includes the intercept column), with 95 %
    percentile intervals from resampling whole days (rows of one day stay together, since a
    busy day is busy for everybody)."""
    days, position = np.unique(day, return_inverse=True)
    k = x.shape[1]
    # per-day sums: G_d = X_dᵀX_d, b_d = X_dᵀy_d
    grams = np.zeros((len(days), k, k))
    np.add.at(grams, position, x[:, :, None] * x[:, None, :])
    moments = np.zeros((len(days), k))
    np.add.at(moments, position, x * y[:, None])
    beta = nnls_gram(grams.sum(axis=0), moments.sum(axis=0))
    residual = y - x @ beta
    total = float(((y - y.mean()) ** 2).sum())
    r_squared = 1.0 - float((residual**2).sum()) / total if total > 0 else float("nan")
    rng = np.random.default_rng(seed)
    draws = np.empty((resamples, k))
    for r in range(resamples):
        weight = rng.multinomial(len(days), np.full(len(days), 1.0 / len(days)))
        draws[r] = nnls_gram(np.tensordot(weight, grams, axes=1), weight @ moments)
    low, high = np.percentile(draws, [2.5, 97.5], axis=0)
    return Fit(coefficients=beta, low=low, high=high, r_squared=r_squared, rows=len(y),
               days=len(days))


def collinear_groups(x: np.ndarray, relative: float = 1e-9) -> list[list[int]]:
    """Sets of columns that are linear combinations of each other (the data cannot tell their
    minutes apart): from the null space of the column-scaled XᵀX."""
    scale = np.sqrt((x**2).sum(axis=0))
    scale[scale == 0] = 1.0
    scaled = x / scale
    values, vectors = np.linalg.eigh(scaled.T @ scaled)
    null = values < relative * max(values.max(), TOLERANCE)
    groups: list[set[int]] = []
    for vector in vectors[:, null].T:
        members = set(np.flatnonzero(np.abs(vector) > 1e-3).tolist())
        for group in groups:
            if group & members:
                group |= members
                break
        else:
            groups.append(members)
    return [sorted(g) for g in groups]
