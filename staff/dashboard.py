"""The 12345 dashboard (issue 15, supervisors): response, resolution and satisfaction rates per
department (or topic) and district, by week or month, as tables and server-rendered SVG charts
(nothing loaded from anywhere), the desk's first response time and CSAT beside them, the Task of
the Month candidates, and the same rows as CSV (`/staff/dashboard.csv`). The rates are defined in
actions/rates.py."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from aiohttp import web
from markupsafe import Markup, escape

from actions import dispatch, rates
from core.dates import LOCAL_TZ
from core.i18n import Translator
from staff.http import SECURITY_HEADERS, me, redirect, render, requires, runtime, translator, ui_lang
from staff.labels import Labels
from storage.data.dispatch import district_names
from storage.models import Bilingual, StaffRole

MAX_DAYS = 731  # at most two years on one page
COLOURS = ("#1f6feb", "#2da44e", "#bf8700")  # response, resolution, satisfaction


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


def parse_query(request: web.Request, today: date) -> tuple[date, date, rates.Granularity, rates.GroupBy]:
    """`from`/`to` (local dates, inclusive; default: the last six months), `by` (week or month),
    `group` (department or district). Anything malformed falls back to the default."""
    granularity = rates.Granularity.WEEK if request.query.get("by") == "week" else rates.Granularity.MONTH
    group_by = rates.GroupBy.DISTRICT if request.query.get("group") == "district" else rates.GroupBy.DEPARTMENT
    end = _day(request.query.get("to")) or today
    first = end.replace(day=1)
    for _ in range(5):
        first = (first - timedelta(days=1)).replace(day=1)
    start = _day(request.query.get("from")) or first
    if start > end:
        start, end = end, start
    if (end - start).days > MAX_DAYS:
        start = end - timedelta(days=MAX_DAYS)
    return start, end, granularity, group_by


def group_label(labels: Labels, t: Translator, departments: dict[str, Bilingual], kind: str, key: str) -> str:
    """A group's name for a person: never a stored code."""
    if kind == "all":
        return str(t("dashboard-all"))
    if kind == "topic":
        return str(labels.complaint_topic(key))
    if kind == "department":
        name = departments.get(key)
        return name.get(labels.lang) if name is not None else str(t("dashboard-department-unnamed"))
    district = district_names().get(key)
    if district is not None:
        return district.get(labels.lang)
    return str(t("dashboard-district-unknown"))


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f} %"


def bar_chart(title: str, series: list[str], groups: list[tuple[str, list[float | None]]]) -> Markup:
    """Grouped bars (0-100 %), one group per label, one bar per series; an accessible SVG with a
    title, a legend and each bar's value as its tooltip (``<title>``)."""
    bar, gap, left, top, height, legend = 16, 24, 40, 30, 160, 125
    width = max(left + max(1, len(groups)) * (len(series) * bar + gap) + 90, legend * len(series))
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {top + height + 60}"'
            f' width="{width}" height="{top + height + 60}" aria-label="{escape(title)}">'
        ),
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 50, 100):
        y = top + height - tick * height / 100
        parts.append(f'<line x1="{left}" x2="{width - 5}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d0d7de"/>')
        parts.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" font-size="10">{tick}%</text>')
    for g, (label, values) in enumerate(groups):
        x0 = left + g * (len(series) * bar + gap) + gap / 2
        for s, value in enumerate(values):
            x = x0 + s * bar
            if value is None:
                parts.append(
                    f'<text x="{x + bar / 2:.1f}" y="{top + height - 2}" text-anchor="middle" font-size="10">–</text>'
                )
                continue
            h = value * height
            parts.append(
                f'<rect x="{x:.1f}" y="{top + height - h:.1f}" width="{bar - 2}" height="{h:.1f}"'
                f' fill="{COLOURS[s % len(COLOURS)]}"><title>{escape(series[s])} · {escape(label)}:'
                f" {value * 100:.1f} %</title></rect>"
            )
        cx, cy = x0 + 2, top + height + 14
        parts.append(
            f'<text x="{cx:.1f}" y="{cy}" font-size="10" transform="rotate(25 {cx:.1f} {cy})">'
            f"{escape(label[:16])}</text>"
        )
    for s, name in enumerate(series):
        x = s * legend + 4
        parts.append(f'<rect x="{x}" y="6" width="10" height="10" fill="{COLOURS[s % len(COLOURS)]}"/>')
        parts.append(f'<text x="{x + 14}" y="15" font-size="11">{escape(name)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _query(request: web.Request) -> str:
    """The page's filters as a query string (without the flash message)."""
    return urlencode([(k, v) for k, v in request.query.items() if k in ("from", "to", "by", "group")])


def setup(router: web.UrlDispatcher) -> None:
    """Register the dashboard pages on the staff app."""

    async def figures(request: web.Request) -> tuple[rates.Dashboard, dict[tuple[str, str], str]]:
        services = runtime(request).services
        today = services.clock().astimezone(LOCAL_TZ).date()
        start, end, granularity, group_by = parse_query(request, today)
        board = await rates.dashboard(services, start, end, granularity, group_by)
        departments = {d.id: d.name for d in await dispatch.departments(services)}
        labels = Labels(services.catalog, ui_lang(request))
        t = translator(request)
        names = {(r.kind, r.key): group_label(labels, t, departments, r.kind, r.key) for r in board.rows}
        return board, names

    @requires(StaffRole.SUPERVISOR)
    async def dashboard_page(request: web.Request) -> web.StreamResponse:
        board, names = await figures(request)
        t = translator(request)
        series = [
            str(t("dashboard-response-rate")),
            str(t("dashboard-resolution-rate")),
            str(t("dashboard-satisfaction-rate")),
        ]
        totals = [r for r in board.rows if r.kind == "all"]
        trend = bar_chart(
            str(t("dashboard-chart-periods")),
            series,
            [
                (r.period, [r.counts.response_rate, r.counts.resolution_rate, r.counts.satisfaction_rate])
                for r in totals
            ],
        )
        last = totals[-1].period if totals else ""
        latest = [r for r in board.rows if r.period == last and r.kind != "all"][:12]
        by_group = bar_chart(
            str(t("dashboard-chart-groups", period=last or "—")),
            series,
            [
                (names[(r.kind, r.key)], [r.counts.response_rate, r.counts.resolution_rate, r.counts.satisfaction_rate])
                for r in latest
            ],
        )
        tasks = await runtime(request).services.repos.rates.tasks()
        month = f"{board.month:%Y-%m}"
        return render(
            request,
            "dashboard.html",
            board=board,
            names=names,
            pct=percent,
            trend_chart=trend,
            group_chart=by_group,
            csv_query=_query(request),
            tasks=tasks,
            tracked={task.cluster_id for task in tasks if task.month == month},
        )

    @requires(StaffRole.SUPERVISOR)
    async def dashboard_csv(request: web.Request) -> web.StreamResponse:
        board, names = await figures(request)
        body = "\ufeff" + rates.to_csv(board.rows, names)  # the BOM: spreadsheets read it as UTF-8
        filename = f"rates-{board.granularity.value}-{board.group_by.value}-{board.start:%Y%m%d}-{board.end:%Y%m%d}.csv"
        headers = dict(SECURITY_HEADERS)
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return web.Response(text=body, content_type="text/csv", charset="utf-8", headers=headers)

    @requires(StaffRole.SUPERVISOR)
    async def promote_task(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        t = translator(request)
        try:
            month = date.fromisoformat(f"{form.get('month', '')}-01")
        except ValueError:
            raise redirect("/staff/dashboard", t("dashboard-promote-refused")) from None
        last_day = rates.month_bounds(month)[1].date() - timedelta(days=1)
        back = "/staff/dashboard?" + (_query(request) or f"to={last_day:%Y-%m-%d}")
        task = await rates.promote(runtime(request).services, str(form.get("cluster", "")), month, me(request).username)
        raise redirect(back, t("dashboard-promoted" if task is not None else "dashboard-promote-refused"))

    router.add_get("/dashboard", dashboard_page)
    router.add_get("/dashboard.csv", dashboard_csv)
    router.add_post("/dashboard/tasks", promote_task)
