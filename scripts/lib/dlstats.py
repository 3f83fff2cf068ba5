"""Small statistics for the study scripts (standard library only).

mean_ci: a mean over seeds with its 95% Student-t half-width; wilson: a share with its 95%
Wilson score interval (sound for small counts, where the normal one is not); rst_table: the
studies' tables as reStructuredText, which the doc includes as printed.
"""
import math
import statistics

# Two-sided 95% Student-t quantiles for 1..12 degrees of freedom.
T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179]


def mean_ci(values):
    """(mean, 95% half-width) of values; half-width 0 for a single value."""
    m = statistics.fmean(values)
    if len(values) < 2:
        return m, 0.0
    dof = len(values) - 1
    t = T95[dof - 1] if dof <= len(T95) else 1.96
    return m, t * statistics.stdev(values) / math.sqrt(len(values))


def wilson(k, n, z=1.96):
    """(share, low, high): k of n with its 95% Wilson score interval; NaNs for n = 0."""
    if n == 0:
        return math.nan, math.nan, math.nan
    p = k / n
    d = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return p, max(0.0, centre - half), min(1.0, centre + half)


def quantile(values, q):
    """Nearest-rank q quantile (as dl-colocation's summary), NaN if empty."""
    if not values:
        return math.nan
    v = sorted(values)
    rank = max(1, math.ceil(q * len(v)))
    return v[rank - 1]


def quantile_ci(values, q, z=1.96):
    """(quantile, low, high): the nearest-rank q quantile of values with a distribution-free 95%
    interval from order statistics (the ranks n q -+ z sqrt(n q (1 - q)), the normal
    approximation to the binomial count of values below the true quantile); NaNs if empty."""
    if not values:
        return math.nan, math.nan, math.nan
    v = sorted(values)
    n = len(v)
    half = z * math.sqrt(n * q * (1 - q))
    low = min(n, max(1, math.floor(n * q - half)))
    high = min(n, max(1, math.ceil(n * q + half)))
    return quantile(v, q), v[low - 1], v[high - 1]


def rst_table(header, cells):
    """A reStructuredText simple table of header and rows of strings, ending in a newline."""
    widths = [max(len(r[i]) for r in cells + [header]) for i in range(len(header))]
    rule = "  ".join("=" * w for w in widths)

    def line(row):
        return "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()

    return "\n".join([rule, line(header), rule] + [line(r) for r in cells] + [rule]) + "\n"
