"""Charts: PNG bytes identical across renders, no metadata that varies."""

from __future__ import annotations

import struct
import zlib

import matplotlib

from tfhub_dataset.report.charts import growth_png, models_per_domain_png, models_per_publisher_png

PUBLISHERS = [
    ("Google", "organization", 607),
    ("Sayak Paul.", "individual", 101),
    ("Someone", "individual", 1),
    ("Nobody", "organization", 0),
]
DOMAINS = [("image", 784, 784), ("text", 349, 357), ("audio", 34, 37), ("video", 28, 28)]
GROWTH = (
    ["2020-08", "2020-09", "2021-01", "2022-04"],
    [("models", [624, 629, 801, 1195]), ("publishers", [9, 9, 26, None])],
)
SHADE = ["2020-08", "2020-10"]  # the import months


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    out, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        body = png[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        out.append((kind, body))
        pos += 12 + length
    return out


def _renders():
    """The four charts, each drawn afresh (``__wrapped__``: past the memo of one process)."""
    return [
        models_per_publisher_png.__wrapped__(PUBLISHERS, "Models per publisher"),
        models_per_domain_png.__wrapped__(DOMAINS, "Models per domain"),
        growth_png.__wrapped__(*GROWTH, "Growth"),
        growth_png.__wrapped__(*GROWTH, "Growth", shade=SHADE, shade_label="import months"),
    ]


def test_charts_are_byte_identical_across_renders():
    first, second = _renders(), _renders()
    assert first == second
    assert len(set(first)) == 4  # four different pictures (the growth chart shaded or not)


def test_a_chart_asked_for_again_is_the_one_drawn_and_the_memo_is_bounded(monkeypatch):
    """The same arguments in one process: the chart drawn the first time, equal to a fresh draw;
    other arguments, or arguments whose repr may not hold them whole, are drawn; at most
    DRAWN_KEPT charts are kept."""
    from collections import OrderedDict

    from tfhub_dataset.report import charts

    monkeypatch.setattr(charts, "_drawn", OrderedDict())
    first = models_per_domain_png(DOMAINS, "Models per domain")
    assert models_per_domain_png(list(DOMAINS), "Models per domain") is first
    assert first == models_per_domain_png.__wrapped__(DOMAINS, "Models per domain")
    assert first.svg == models_per_domain_png.__wrapped__(DOMAINS, "Models per domain").svg
    assert models_per_domain_png(DOMAINS, "Models per domain.") != first
    assert models_per_domain_png(DOMAINS, "t", labels=("a", "b")) is not models_per_domain_png(
        DOMAINS, "t", labels=("a", "c")
    )

    class Count(int):  # an int whose repr says less than it holds
        def __repr__(self) -> str:
            return "1"

    odd = [(d, Count(p), a) for d, p, a in DOMAINS]
    kept = len(charts._drawn)
    assert models_per_domain_png(odd, "t") is not models_per_domain_png(odd, "t")
    assert len(charts._drawn) == kept
    monkeypatch.setattr(charts, "DRAWN_KEPT", 2)
    for title in ("a", "b", "c"):
        models_per_domain_png(DOMAINS[:1], title)
    assert len(charts._drawn) == 2


def test_growth_shading_is_drawn_and_independent_of_order_and_repeats():
    plain = growth_png(*GROWTH, "Growth")
    shaded = growth_png(*GROWTH, "Growth", shade=SHADE, shade_label="import months")
    assert shaded != plain
    again = growth_png(
        *GROWTH, "Growth", shade=[*SHADE[::-1], SHADE[0]], shade_label="import months"
    )
    assert again == shaded
    assert growth_png(*GROWTH, "Growth", shade=["not a month"], shade_label="x") == plain


def test_png_has_no_varying_metadata():
    for png in _renders():
        kinds = [k for k, _ in _chunks(png)]
        assert b"tIME" not in kinds
        for kind, body in _chunks(png):
            if kind in (b"tEXt", b"iTXt", b"zTXt"):
                assert not body.startswith(b"Software"), body[:40]
        assert b"matplotlib" not in png.lower()


def test_publisher_chart_skips_publishers_without_models():
    with_zero = models_per_publisher_png(PUBLISHERS, "t")
    without = models_per_publisher_png([p for p in PUBLISHERS if p[2] > 0], "t")
    assert with_zero == without


def test_a_publisher_with_one_model_gets_a_visible_bar():
    import math

    from tfhub_dataset.report.charts import STYLE, models_per_publisher_figure

    with matplotlib.rc_context(STYLE):
        fig = models_per_publisher_figure(PUBLISHERS, "Models per publisher")
    ax = fig.axes[0]
    bars = {
        label.get_text(): patch
        for label, patch in zip(ax.get_yticklabels(), ax.patches, strict=True)
    }
    assert set(bars) == {"Google", "Sayak Paul.", "Someone"}  # publishers without models left out
    one = bars["Someone"]
    left, right = ax.get_xlim()
    x0, x1 = one.get_x(), one.get_x() + one.get_width()
    assert (x0, x1) == (left, 1)
    # On the log axis the one-model bar spans a visible share of the width (over 5 %).
    assert (math.log10(x1) - math.log10(x0)) / (math.log10(right) - math.log10(left)) > 0.05


def test_growth_chart_has_its_title_and_an_x_axis_label():
    from tfhub_dataset.report.charts import STYLE, growth_figure

    with matplotlib.rc_context(STYLE):
        fig = growth_figure(*GROWTH, "Growth, release 2024-03-18", xlabel="month")
    assert fig.axes[0].get_title(loc="left") == "Growth, release 2024-03-18"
    assert fig.axes[-1].get_xlabel() == "month"


def _size(png: bytes) -> tuple[int, int]:
    ihdr = dict(_chunks(png))[b"IHDR"]
    return struct.unpack(">II", ihdr[:8])


def test_publisher_chart_draws_the_top_publishers_only_and_says_so():
    from tfhub_dataset.report.charts import TOP_PUBLISHERS, top_publishers

    many = [(f"publisher {i:04d}", "individual", 1 + i % 97) for i in range(3000)]
    drawn, left_out = top_publishers(many)
    assert len(drawn) == TOP_PUBLISHERS and left_out == 3000 - TOP_PUBLISHERS
    assert [p[2] for p in drawn] == sorted((p[2] for p in many), reverse=True)[:TOP_PUBLISHERS]
    big = models_per_publisher_png(many, "Models per publisher")
    top = models_per_publisher_png(drawn, "Models per publisher")
    assert _size(big) == _size(top)  # as tall as the top ones alone
    assert big != top  # the title says how many are left out


def test_every_chart_is_also_svg_with_nothing_that_varies():
    """SVG for print: the same picture, identical across renders, with no date, no software
    version and no id that is not a hash of the drawing (svg.hashsalt is fixed)."""
    import re

    first, second = _renders(), _renders()
    assert [c.svg for c in first] == [c.svg for c in second]
    for chart in first:
        svg = chart.svg.decode("utf-8")
        assert svg.startswith("<?xml") and "<svg" in svg and "</svg>" in svg
        assert "<metadata" not in svg and "dc:date" not in svg
        assert "Matplotlib v" not in svg and matplotlib.__version__ not in svg
        assert "matplotlib.org" not in svg  # the creator's link
        assert not re.search(r"\b20\d\d-\d\d-\d\d", svg)  # no date


def test_a_release_writes_every_chart_as_png_and_svg():
    from tests.mirror import ROOT

    for folder in sorted((ROOT / "releases").glob("*/figures")):
        pngs = {p.stem for p in folder.glob("*.png")}
        svgs = {p.stem for p in folder.glob("*.svg")}
        if folder.parent.name != "comparison":
            assert pngs and pngs == svgs, folder
