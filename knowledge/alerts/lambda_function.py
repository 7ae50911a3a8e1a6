"""`handler(event, context)`: `alerts run` on AWS Lambda, called by the EventBridge schedule of
template.yaml (AlertsFunction). The store and delivery come from the `SHOPTALK_*` environment,
as for `python -m knowledge alerts run`; e-mail goes through SES there (SHOPTALK_ALERTS_EMAIL=ses)."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from knowledge.alerts.config import AlertsConfig
    from knowledge.alerts.delivery import channels_for
    from knowledge.alerts.runner import RunOptions, run_alerts
    from knowledge.config import KnowledgeConfig
    from knowledge.store import open_store

    config = AlertsConfig.from_env()
    store = open_store(replace(KnowledgeConfig.from_env(), seed_demo_catalog=False))
    try:
        report = run_alerts(store, channels_for(config.delivery), RunOptions(ack_timeout=config.ack_timeout),
                            datetime.now(UTC))
    finally:
        store.close()
    return {"summary": report.summary(), **asdict(report)}
