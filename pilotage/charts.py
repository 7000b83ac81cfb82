"""The geometry of the cockpit's charts, in plain Python: scales, bars, a line, axis ticks with
French month labels. The SVG is written by templates/pilotage/_chart.html from these objects, on
the server, so that a chart needs no JavaScript and no inline style (the strict CSP): colours are
classes of static/css/charts.css.

Every chart carries its data as a table (RGAA: a chart is never the only way to read its
figures), and the words of its accessible name and description."""

import datetime
import math
from dataclasses import dataclass, field

MONTHS_SHORT = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin",
    "juil.", "août", "sept.", "oct.", "nov.", "déc.",
]  # fmt: skip
MONTHS_LONG = [
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
]  # fmt: skip


def month_label(month: datetime.date, short: bool = False) -> str:
    """« janv. 2026 », or « janvier 2026 » in a table."""
    names = MONTHS_SHORT if short else MONTHS_LONG
    return f"{names[month.month - 1]} {month.year}"


def number(value: int | float) -> str:
    """A count as French prints it: « 12 345 », « 2,5 »."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return f"{int(value):,}".replace(",", "\u202f")


def nice_ticks(maximum: float, count: int = 4) -> list[int]:
    """Round steps from 0 that reach `maximum` in about `count` steps: 0, 5, 10, 15 — never a
    scale that starts above zero, which would make a small month look empty."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1, int(step))
    top = step * math.ceil(maximum / step)
    return list(range(0, top + 1, step))


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # what the bar stands for, said in full: « octobre 2026 », a geste's title
    value: str  # its figure, as printed


@dataclass
class Chart:
    """What _chart.html needs: the frame, the marks, the axes, and the data table."""

    kind: str  # "columns" (a bar a month), "line" (a point a month), "ranking" (a bar a row)
    title: str  # the accessible name and the table's caption
    description: str  # said once in words: the range, the highest value
    width: int
    height: int
    columns: list[str]  # the data table's header
    rows: list[list[str]]  # the data table's rows, as printed
    bars: list[Bar] = field(default_factory=list)
    points: str = ""  # the line, as a polyline's points
    dots: list[Bar] = field(default_factory=list)  # the line's points, for their <title>
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    plot_left: float = 0
    plot_right: float = 0
    plot_top: float = 0
    plot_bottom: float = 0
    empty: bool = False

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def slug(self) -> str:
        """A stable id for the SVG's title and description."""
        return "".join(c if c.isalnum() else "-" for c in self.title.lower())[:40]


# The frame of a chart of months, in the SVG's own units (it scales to its box).
WIDTH, HEIGHT = 600, 250
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 40


def month_chart(
    months: list,
    values: list[int],
    *,
    title: str,
    unit: str,
    kind: str = "columns",
) -> Chart:
    """`values` month by month (`months`: first days, oldest first) as columns or a line, the
    y axis from zero, a label every third month and on each January with its year."""
    maximum = max(values, default=0)
    ticks = nice_ticks(maximum)
    top_value = ticks[-1]
    # The widest tick label (« 120 000 » at national scale) must fit left of the plot.
    left = max(LEFT, 16 + 9 * max(len(number(t)) for t in ticks))
    plot_width = WIDTH - left - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(months), 1)

    def y_of(value: float) -> float:
        return round(TOP + plot_height * (1 - value / top_value), 1)

    chart = Chart(
        kind=kind,
        title=title,
        description="",
        width=WIDTH,
        height=HEIGHT,
        columns=["Mois", unit[0].upper() + unit[1:]],
        rows=[[month_label(m), number(v)] for m, v in zip(months, values, strict=True)],
        y_ticks=[Tick(y_of(t), number(t)) for t in ticks],
        plot_left=left,
        plot_right=WIDTH - RIGHT,
        plot_top=TOP,
        plot_bottom=TOP + plot_height,
        empty=maximum == 0,
    )
    points = []
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        centre = left + slot * (index + 0.5)
        label, printed = month_label(month), number(value)
        if kind == "columns":
            width = round(slot * 0.7, 1)
            y = y_of(value)
            chart.bars.append(
                Bar(
                    round(centre - width / 2, 1),
                    y,
                    width,
                    round(chart.plot_bottom - y, 1),
                    label,
                    printed,
                )  # fmt: skip
            )
        else:
            points.append(f"{round(centre, 1)},{y_of(value)}")
            chart.dots.append(Bar(round(centre, 1), y_of(value), 0, 0, label, printed))
        # A label each quarter, never two side by side; January with its year.
        if month.month in (1, 4, 7, 10):
            text = MONTHS_SHORT[month.month - 1]
            if month.month == 1:
                text = f"{text} {month.year}"
            chart.x_ticks.append(Tick(round(centre, 1), text))
    chart.points = " ".join(points)
    first, last = (month_label(months[0]), month_label(months[-1])) if months else ("", "")
    if chart.empty:
        chart.description = f"De {first} à {last} : aucune donnée pour l'instant."
    else:
        best = max(range(len(values)), key=lambda i: (values[i], i))
        chart.description = (
            f"De {first} à {last}, {unit} par mois ; le plus haut : {number(values[best])} "
            f"en {month_label(months[best])}."
        )
    return chart


RANK_WIDTH, RANK_ROW, RANK_LABEL = 420, 40, 16


def ranking_chart(
    items: list[tuple[str, int]], *, title: str, label_column: str, unit: str
) -> Chart:
    """Horizontal bars, most first, each named above its bar: long names (a geste's title)
    keep the whole width rather than a narrow margin."""
    maximum = max((value for _, value in items), default=0)
    height = max(len(items), 1) * RANK_ROW + 8
    usable = RANK_WIDTH - 60  # room for the value at the end of the longest bar
    chart = Chart(
        kind="ranking",
        title=title,
        description="",
        width=RANK_WIDTH,
        height=height,
        columns=[label_column, unit[0].upper() + unit[1:]],
        rows=[[name, number(value)] for name, value in items],
        empty=maximum == 0,
    )
    for index, (name, value) in enumerate(items):
        y = index * RANK_ROW + RANK_LABEL + 4
        width = round(usable * value / maximum, 1) if maximum else 0
        chart.bars.append(Bar(0, y, max(width, 2), 14, name, number(value)))
    if chart.empty:
        chart.description = "Aucune donnée pour l'instant."
    else:
        name, value = items[0]
        chart.description = (
            f"{len(items)} lignes, de la plus grande à la plus petite ; en tête : {name}, "
            f"{number(value)} {unit}."
        )
    return chart
