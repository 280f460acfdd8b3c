"""Charts drawn on the server as SVG: no script, no chart library, nothing fetched from elsewhere.

Each chart is an image with a title and a description (``role="img"``, ``aria-labelledby``); the page
puts the same figures in a table beside it, which is what a screen reader reads. Bars are drawn with
the page's own colours through CSS classes (``assets/_insights.scss``), so high-contrast modes recolour
them, and every bar carries its number as text, so no figure depends on colour. The drawing scales to
its container's width (``viewBox``), readable at 375 px.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from polka.insights.reads import Topics

#: The drawing's own units: the SVG scales to the width it is given (14-unit text is 12 px on a phone,
#: 17 px at the frame's widest).
WIDTH = 400
LABEL_WIDTH = 130
ROW = 34
BAR = 12
LEGEND_ROW = 20


@dataclass(frozen=True)
class Bars:
    """One row of a chart: a label and one value per series (and, where a number is not the whole
    truth, the words to print beside its bar instead)."""

    label: str
    values: tuple[int, ...]
    said: tuple[str, ...] = ()

    def value_text(self, n: int) -> str:
        return self.said[n] if n < len(self.said) and self.said[n] else str(self.values[n])


def bar_chart(
    chart_id: str, title: str, description: str, series: tuple[str, ...], rows: list[Bars]
) -> Markup:
    """Horizontal bars, one group per row, one bar per series (at most two series)."""
    if not rows:
        return Markup("")
    top = max((value for row in rows for value in row.values), default=0) or 1
    room = WIDTH - LABEL_WIDTH - 40
    legend = LEGEND_ROW * len(series) + 8
    height = legend + ROW * len(rows) + 8
    parts = [
        f'<svg class="polka-chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {WIDTH} {height}"'
        f' aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for n, name in enumerate(series):
        y = 4 + n * LEGEND_ROW
        parts.append(
            f'<rect class="polka-chart__bar polka-chart__bar--{n}" x="{LABEL_WIDTH}" y="{y}" width="14" height="14"/>'
            f'<text class="polka-chart__text" x="{LABEL_WIDTH + 20}" y="{y + 12}">{escape(name)}</text>'
        )
    for index, row in enumerate(rows):
        y = legend + index * ROW
        label = row.label if len(row.label) <= 16 else row.label[:15] + "…"
        parts.append(
            f'<text class="polka-chart__text" x="{LABEL_WIDTH - 8}" y="{y + ROW // 2 + 4}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
        for n, value in enumerate(row.values):
            bar_y = y + 4 + n * (BAR + 2)
            width = round(room * value / top)
            parts.append(
                f'<rect class="polka-chart__bar polka-chart__bar--{n}" x="{LABEL_WIDTH}" y="{bar_y}"'
                f' width="{max(width, 1)}" height="{BAR}"/>'
                f'<text class="polka-chart__text polka-chart__value" x="{LABEL_WIDTH + width + 6}"'
                f' y="{bar_y + BAR - 2}">{escape(row.value_text(n))}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every piece of text in it is escaped above)


def rising_chart(topics: Topics, limit: int = 10) -> Markup:
    """The rising terms: how many people used each, in the period and in the one before."""
    rows = [
        Bars(
            rising.shown,
            (rising.authors, rising.authors_before),
            ("", "under 2" if rising.rare_before else ""),
        )
        for rising in topics.rising[:limit]
    ]
    return bar_chart(
        "rising-chart",
        f"Terms used by more people in {topics.period.label} than in {topics.previous.label}",
        "For each term, the number of people who used it in each period. The table below gives the same figures.",
        (topics.period.label, topics.previous.label),
        rows,
    )
