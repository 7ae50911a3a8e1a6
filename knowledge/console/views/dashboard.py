"""The dashboard: sizes, the moderation queue, open alerts, unanswered questions, rating trend."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from knowledge.console.charts import rating_trend
from knowledge.console.services import services

blueprint = Blueprint("dashboard", __name__)


@blueprint.route("/")
def index() -> Any:
    figures = services().figures
    trend = figures.rating_trend()
    chart = rating_trend(trend.months, trend.series) if trend.series else None
    return render_template("dashboard.html", counts=figures.counts(), queue=figures.queue_length(),
                           open_alerts=figures.open_alerts(), unanswered=len(figures.unanswered()),
                           top=[f for f in figures.families_by_reviews() if f.reviews][:10], chart=chart)
