"""Charts drawn on the server as inline SVG by pygal (no JavaScript, nothing from a CDN).

pygal builds the SVG with an XML tree, so labels taken from user content (poll options,
product names) are escaped like any other text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pygal
from pygal.style import Style
from markupsafe import Markup

from knowledge.store.base import AspectFigure

_STYLE = Style(background="transparent", plot_background="transparent", font_family="system-ui, sans-serif",
               colors=("#2b6cb0", "#c53030", "#2f855a", "#b7791f", "#6b46c1", "#718096"),
               label_font_size=12, major_label_font_size=12, legend_font_size=12, value_font_size=11)


_ASPECT_STYLE = Style(**{**_STYLE.to_dict(), "colors": ("#2f855a", "#c53030", "#a0aec0")})


def _options(width: int, height: int, **overrides: object) -> dict[str, object]:
    return {"js": [], "disable_xml_declaration": True, "width": width, "height": height, "style": _STYLE,
            "explicit_size": False, "legend_at_bottom": True, "print_values": False, **overrides}


_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def _svg(chart: pygal.graph.graph.Graph) -> Markup:
    """The chart's SVG without pygal's inline config script (only its optional tooltip
    JavaScript reads it, which the console does not load; the CSP forbids inline scripts)."""
    return Markup(_SCRIPT.sub("", chart.render(is_unicode=True)))


def rating_trend(months: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]]) -> Markup:
    """Average rating per month, one line per family."""
    chart = pygal.Line(**_options(820, 320), range=(1, 5), show_dots=True, allow_interruptions=True,
                       x_label_rotation=30, show_minor_x_labels=False, truncate_legend=36)
    chart.x_labels = list(months)
    chart.x_labels_major = list(months[:: max(1, len(months) // 12)])
    for name, values in series:
        chart.add(name, list(values))
    return _svg(chart)


def aspect_bars(figures: Sequence[AspectFigure], limit: int = 10) -> Markup:
    """Positive and negative mentions of the most mentioned aspects."""
    shown = list(figures[:limit])
    chart = pygal.HorizontalStackedBar(**_options(720, 40 + 30 * max(1, len(shown)), style=_ASPECT_STYLE))
    chart.x_labels = [f.aspect for f in shown]
    chart.add("positive", [f.positive for f in shown])
    chart.add("negative", [f.negative for f in shown])
    chart.add("neutral", [f.mentions - f.positive - f.negative for f in shown])
    return _svg(chart)


def poll_results(options: Sequence[tuple[str, int]]) -> Markup:
    """Votes per poll option."""
    chart = pygal.HorizontalBar(**_options(720, 60 + 34 * max(1, len(options)), show_legend=False,
                                         print_values=True))
    chart.x_labels = [text for text, _ in options]
    chart.add("votes", [votes for _, votes in options])
    return _svg(chart)
