"""Release charts as PNG bytes that are identical on every run.

matplotlib's object API with the Agg canvas (no pyplot, no global state), a fixed size, dpi and
style, the font file bundled with matplotlib, and PNG metadata reduced to nothing that varies
(no 'Software' entry, no time stamp).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.dates
import matplotlib.image
import matplotlib.patches
import matplotlib.text
import matplotlib.ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties

DPI = 100
FONT_FILE = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
COLORS = {"individual": "#e07b39", "organization": "#3b75af", "unannotated": "#9a9a9a"}
BAR = "#3b75af"
BAR_BASE = 0.5  # where the log-scale bars start
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "svg.hashsalt": "tfhub-dataset",
    "path.simplify": False,
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    # Labels come from the data: drawn as plain text, never parsed as mathtext ($...$).
    "text.parse_math": False,
}
LABEL_CHARS = 60  # a longer label (a display name) is cut with an ellipsis
# The models-per-publisher chart draws this many publishers at most (those with the most models)
# and says how many it leaves out: a chart of bounded size and cost at any number of publishers.
TOP_PUBLISHERS = 50


def _font(size: float = 9, weight: str = "normal") -> FontProperties:
    return FontProperties(fname=str(FONT_FILE), size=size, weight=weight)


class Chart(bytes):
    """A chart's PNG bytes, with the same chart as SVG in ``svg`` (for print: vector shapes,
    text drawn as paths). The report writes both (release_report.chart_files)."""

    svg: bytes


# SVG metadata that would vary (a date) or name software versions: none is written. With the
# fixed svg.hashsalt of STYLE, the element ids are hashes of the drawing, the same on every run.
SVG_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


def _png(fig: Figure) -> Chart:
    """Render with the bundled font on every text element: PNG without varying metadata, and
    the same figure as SVG (``Chart.svg``). Each format is drawn once.

    Every tick is made before the fonts are set (``get_ticklabels`` makes the ticks its locator
    asks for; a tick made later while drawing copies its font from the first tick), so the one
    Agg draw below lays the figure out and rasterises it with that font: the PNG is written from
    the drawn canvas rather than by ``savefig``, which would draw it a second time; the SVG is
    the vector renderer's own draw."""
    canvas = FigureCanvasAgg(fig)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            axis.get_ticklabels(which="both")
    for text in fig.findobj(matplotlib.text.Text):
        size = text.get_fontsize()
        weight = text.get_fontweight()
        text.set_fontproperties(_font(size, weight if isinstance(weight, str) else "normal"))
    canvas.draw()
    buf = io.BytesIO()
    matplotlib.image.imsave(
        buf, canvas.buffer_rgba(), format="png", origin="upper", dpi=DPI,
        metadata={"Software": None},
    )  # fmt: skip
    chart = Chart(buf.getvalue())
    svg = io.BytesIO()
    fig.savefig(svg, format="svg", dpi=DPI, metadata=SVG_METADATA)
    chart.svg = svg.getvalue()
    return chart


# A chart asked for again in the same process with the same arguments (the releases of one run
# share charts, a rebuild draws its release's again) is the same bytes: the last DRAWN_KEPT are
# kept, by a digest of the chart's name and arguments. Only arguments of plain types make a key
# (their repr is all they hold: a numpy array's would be cut short); others are drawn every time.
DRAWN_KEPT = 32
_PLAIN = (str, int, float, bool, type(None), dt.date, dt.datetime)
_drawn: OrderedDict[str, bytes] = OrderedDict()


def _plain(value: Any) -> bool:
    if type(value) in _PLAIN:
        return True
    if type(value) in (tuple, list):
        return all(_plain(v) for v in value)
    if type(value) is dict:
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


def _drawn_once(draw: Callable[..., bytes]) -> Callable[..., bytes]:
    """``draw`` with the memo above; ``draw.__wrapped__`` always draws."""

    @functools.wraps(draw)
    def memo(*args: Any, **options: Any) -> bytes:
        if not _plain(args) or not _plain(options):
            return draw(*args, **options)
        key = repr((draw.__name__, args, sorted(options.items())))
        digest = hashlib.sha256(key.encode()).hexdigest()
        if digest in _drawn:
            _drawn.move_to_end(digest)
            return _drawn[digest]
        chart = _drawn[digest] = draw(*args, **options)
        while len(_drawn) > DRAWN_KEPT:
            _drawn.popitem(last=False)
        return chart

    return memo


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


@_drawn_once
def models_per_publisher_png(publishers: Sequence[tuple[str, str, int]], title: str) -> bytes:
    """Horizontal bars, one per publisher with at least one model: (label, type, models)."""
    with matplotlib.rc_context(STYLE):
        return _png(models_per_publisher_figure(publishers, title))


def top_publishers(
    publishers: Sequence[tuple[str, str, int]], top: int = TOP_PUBLISHERS
) -> tuple[list[tuple[str, str, int]], int]:
    """The publishers the chart draws (at most ``top`` with models, most models first, ties by
    label) and how many more with models it leaves out."""
    rows = sorted((p for p in publishers if p[2] > 0), key=lambda p: (-p[2], p[0]))
    return rows[:top], max(len(rows) - top, 0)


def models_per_publisher_figure(publishers: Sequence[tuple[str, str, int]], title: str) -> Figure:
    """The figure of models_per_publisher_png (drawn under STYLE by it): the top publishers
    (:func:`top_publishers`); when some are left out, the title says how many."""
    rows, left_out = top_publishers(publishers)
    if left_out:
        title += f"\n(the top {len(rows)} drawn; {left_out:,} more with fewer models are not)"
    height = 1.2 + 0.22 * max(len(rows), 1)
    fig = Figure(figsize=(8, height), dpi=DPI)
    ax = fig.add_subplot()
    labels = [_label(p[0]) for p in rows][::-1]
    values = [p[2] for p in rows][::-1]
    colors = [COLORS.get(p[1], COLORS["unannotated"]) for p in rows][::-1]
    # On a log axis a bar drawn from 0 has no start: every bar starts at BAR_BASE, so a
    # publisher with one model still gets a bar (0.5 to 1, a third of a decade).
    widths = [v - BAR_BASE for v in values]
    ax.barh(range(len(rows)), widths, left=BAR_BASE, color=colors, height=0.7)
    ax.set_yticks(range(len(rows)), labels)
    ax.set_xscale("log")
    ax.set_xlim(BAR_BASE, max([*values, 1]) * 3)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.grid(axis="y", visible=False)
    for i, v in enumerate(values):
        ax.text(v * 1.08, i, f"{v:,}", va="center", fontsize=8)
    ax.set_xlabel("models (log scale)")
    ax.set_title(title, loc="left", fontsize=11)
    types = sorted({p[1] for p in rows})
    handles = [matplotlib.patches.Patch(color=COLORS.get(t, COLORS["unannotated"])) for t in types]
    ax.legend(handles, [_label(t) for t in types], loc="lower right", frameon=False)
    fig.tight_layout()
    return fig


@_drawn_once
def models_per_domain_png(
    domains: Sequence[tuple[str, int, int]],
    title: str,
    labels: tuple[str, str] = ("primary domain", "any domain"),
) -> bytes:
    """Bars per domain: (domain, models whose primary domain it is, models in it at all); the
    legend names the two bars with ``labels``."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(7, 3.6), dpi=DPI)
        ax = fig.add_subplot()
        xs = range(len(domains))
        primary = [d[1] for d in domains]
        anywhere = [d[2] for d in domains]
        ax.bar([x - 0.2 for x in xs], primary, width=0.4, color=BAR, label=labels[0])
        ax.bar([x + 0.2 for x in xs], anywhere, width=0.4, color="#9cc3e4", label=labels[1])
        for x, p, a in zip(xs, primary, anywhere, strict=True):
            ax.text(x - 0.2, p, f"{p:,}", ha="center", va="bottom", fontsize=8)
            ax.text(x + 0.2, a, f"{a:,}", ha="center", va="bottom", fontsize=8)
        ax.set_xticks(list(xs), [_label(d[0]) for d in domains])
        ax.grid(axis="x", visible=False)
        ax.set_ylabel("models")
        ax.set_ylim(0, max(anywhere + primary + [1]) * 1.15)
        ax.set_title(title, loc="left", fontsize=11)
        ax.legend(frameon=False)
        fig.tight_layout()
        return _png(fig)


SHADE = "#f2c14e"


def _month_start(value: dt.date) -> dt.date:
    return value.replace(day=1)


def _next_month(value: dt.date) -> dt.date:
    return dt.date(value.year + value.month // 12, value.month % 12 + 1, 1)


def _as_date(value: Any) -> dt.date | None:
    """A point on the time axis: a month (YYYY-MM) at its middle (the 15th), a day at itself."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or len(value) < 7:
        return None
    try:
        if len(value) == 7:
            return dt.date.fromisoformat(value + "-15")
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


@_drawn_once
def growth_png(
    dates: Sequence[Any], series: Sequence[tuple[str, Sequence[int | None]]], title: str, **options
) -> bytes:
    """One small panel per series over time, shared x axis (see growth_figure)."""
    with matplotlib.rc_context(STYLE):
        return _png(growth_figure(dates, series, title, **options))


def growth_figure(
    dates: Sequence[Any],
    series: Sequence[tuple[str, Sequence[int | None]]],
    title: str,
    *,
    shade: Sequence[str] = (),
    shade_label: str = "",
    xlabel: str = "",
) -> Figure:
    """One small panel per series over time, shared x axis.

    ``dates`` are months (YYYY-MM, drawn at mid-month) or days (YYYY-MM-DD). Each month of
    ``shade`` (YYYY-MM) is shaded over its whole extent in every panel, with ``shade_label`` as
    the legend entry (when given)."""
    xs = [_as_date(d) for d in dates]
    keep = [i for i, x in enumerate(xs) if x is not None]
    spans = sorted(
        {(_month_start(d), _next_month(d)) for d in (_as_date(m) for m in shade) if d is not None}
    )
    fig = Figure(figsize=(8, 1.2 + 1.6 * len(series)), dpi=DPI)
    axes = fig.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (label, values) in zip(axes, series, strict=True):
        for start, end in spans:
            ax.axvspan(start, end, color=SHADE, alpha=0.45, linewidth=0, zorder=0)
        pts = [(xs[i], values[i]) for i in keep if values[i] is not None]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], color=BAR, linewidth=1.6)
        ax.set_ylabel(label)
        ax.set_ylim(bottom=0)
        if pts:
            last = pts[-1]
            ax.annotate(
                f"{last[1]:,}",
                last,
                textcoords="offset points",
                xytext=(4, 0),
                va="center",
                fontsize=8,
            )
    points = [xs[i] for i in keep]
    if points:  # whole months in view: the first month's start to the last month's end
        starts = [_month_start(x) for x in points] + [a for a, _ in spans]
        ends = [_next_month(x) for x in points] + [b for _, b in spans]
        axes[-1].set_xlim(min(starts), max(ends))
    if spans and shade_label:
        patch = matplotlib.patches.Patch(color=SHADE, alpha=0.45, linewidth=0)
        axes[0].legend([patch], [shade_label], loc="lower right", frameon=False, fontsize=8)
    axes[0].set_title(title, loc="left", fontsize=11)
    locator = matplotlib.dates.AutoDateLocator()
    axes[-1].xaxis.set_major_locator(locator)
    axes[-1].xaxis.set_major_formatter(matplotlib.dates.ConciseDateFormatter(locator))
    if xlabel:
        axes[-1].set_xlabel(xlabel)
    fig.tight_layout()
    return fig


# One colour per hub in the comparison's charts (the order the comparison lists the hubs in).
HUB_COLORS = ("#3b75af", "#e07b39", "#5b9a4a")


def _month_axis(ax: Any) -> None:
    locator = matplotlib.dates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(matplotlib.dates.ConciseDateFormatter(locator))


def _plain_log_axis(ax: Any) -> None:
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(matplotlib.ticker.LogLocator(subs=(1, 2, 5)))
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())


@_drawn_once
def hubs_growth_png(
    panels: Sequence[tuple[str, Sequence[tuple[str, Sequence[str], Sequence[int]]]]], title: str
) -> bytes:
    """Monthly series of several hubs on one chart: one panel per measure (``(label, [(hub,
    months YYYY-MM, values)])``), one line per hub, a log scale (the hubs differ by orders of
    magnitude), the last value written at each line's end. Months with 0 are not drawn (no
    logarithm)."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(8, 1.2 + 2.3 * len(panels)), dpi=DPI)
        axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
        starts, ends = [], []
        for ax, (ylabel, lines) in zip(axes, panels, strict=True):
            for i, (label, months, values) in enumerate(lines):
                pts = [
                    (x, v)
                    for x, v in zip((_as_date(m) for m in months), values, strict=True)
                    if x is not None and v
                ]
                color = HUB_COLORS[i % len(HUB_COLORS)]
                ax.plot([p[0] for p in pts], [p[1] for p in pts], color=color, label=label, lw=1.6)
                if pts:
                    starts.append(_month_start(pts[0][0]))
                    ends.append(_next_month(pts[-1][0]))
                    ax.annotate(
                        f"{pts[-1][1]:,}",
                        pts[-1],
                        textcoords="offset points",
                        xytext=(4, 0),
                        va="center",
                        fontsize=8,
                        color=color,
                    )
            _plain_log_axis(ax)
            ax.set_ylabel(f"{ylabel} (log scale)")
        if starts:
            axes[-1].set_xlim(min(starts), max(ends))
        axes[0].legend(loc="upper left", frameon=False)
        axes[0].set_title(title, loc="left", fontsize=11)
        _month_axis(axes[-1])
        axes[-1].set_xlabel("month (each month's last commit)")
        fig.tight_layout()
        return _png(fig)


def lorenz_points(counts: Sequence[int]) -> tuple[list[float], list[float]]:
    """The Lorenz curve of ``counts``: cumulative share of publishers (fewest models first)
    against cumulative share of models, from (0, 0) to (1, 1)."""
    values = sorted(counts)
    total = sum(values) or 1
    xs, ys, running = [0.0], [0.0], 0
    for i, v in enumerate(values, start=1):
        running += v
        xs.append(i / len(values))
        ys.append(running / total)
    return xs, ys


@_drawn_once
def lorenz_png(curves: Sequence[tuple[str, Sequence[int], bool]], title: str) -> bytes:
    """Lorenz curves of models per publisher: (label, counts, dashed), coloured by the order of
    the first curves (a dashed curve takes the colour of the solid one before it)."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(5.6, 5.2), dpi=DPI)
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1], color="#9a9a9a", lw=1, label="equal shares")
        color = -1
        for label, counts, dashed in curves:
            if not dashed:
                color += 1
            xs, ys = lorenz_points(counts)
            ax.plot(
                xs,
                ys,
                color=HUB_COLORS[max(color, 0) % len(HUB_COLORS)],
                lw=1.6,
                linestyle="--" if dashed else "-",
                label=_label(label),
            )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        percent = matplotlib.ticker.PercentFormatter(xmax=1, decimals=0)
        ax.xaxis.set_major_formatter(percent)
        ax.yaxis.set_major_formatter(percent)
        ax.set_xlabel("share of publishers (fewest models first)")
        ax.set_ylabel("share of models")
        ax.set_title(title, loc="left", fontsize=11)
        ax.legend(loc="upper left", frameon=False, fontsize=8)
        fig.tight_layout()
        return _png(fig)


@_drawn_once
def shares_png(
    groups: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], title: str, ylabel: str
) -> bytes:
    """Grouped bars of shares (0 to 1): one group per item of ``groups``, one bar per series."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(8, 3.8), dpi=DPI)
        ax = fig.add_subplot()
        width = 0.8 / max(len(series), 1)
        for i, (label, values) in enumerate(series):
            offset = (i - (len(series) - 1) / 2) * width
            xs = [x + offset for x in range(len(groups))]
            ax.bar(xs, values, width=width, color=HUB_COLORS[i % len(HUB_COLORS)], label=label)
            for x, v in zip(xs, values, strict=True):
                if v:
                    ax.text(x, v, f"{100 * v:.0f}", ha="center", va="bottom", fontsize=7)
        ax.set_xticks(
            list(range(len(groups))), [_label(g) for g in groups], rotation=35, ha="right"
        )
        ax.grid(axis="x", visible=False)
        ax.set_ylim(0, 1.08)
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(xmax=1, decimals=0))
        ax.set_ylabel(ylabel)
        ax.set_title(title, loc="left", fontsize=11)
        ax.legend(frameon=False, fontsize=8)
        fig.tight_layout()
        return _png(fig)


# Ten distinct colours (matplotlib's tab10), for stacks of up to ten series.
STACK_COLORS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
)  # fmt: skip


@_drawn_once
def stacked_years_png(
    years: Sequence[str], series: Sequence[tuple[str, Sequence[int]]], title: str, ylabel: str
) -> bytes:
    """Bars per year, stacked by series (label, one count per year), the legend in order."""
    with matplotlib.rc_context(STYLE):
        fig = Figure(figsize=(8, 3.8), dpi=DPI)
        ax = fig.add_subplot()
        bottom = [0] * len(years)
        xs = list(range(len(years)))
        for i, (label, values) in enumerate(series):
            ax.bar(xs, values, bottom=bottom, width=0.7,
                   color=STACK_COLORS[i % len(STACK_COLORS)], label=_label(label))  # fmt: skip
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        for x, total in zip(xs, bottom, strict=True):
            ax.text(x, total, f"{total:,}", ha="center", va="bottom", fontsize=7)
        ax.set_xticks(xs, list(years))
        ax.grid(axis="x", visible=False)
        ax.set_ylim(0, max(bottom, default=0) * 1.1 + 1)
        ax.set_ylabel(ylabel)
        ax.set_title(title, loc="left", fontsize=11)
        ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.tight_layout()
        return _png(fig)
