"""Negative feedback that reaches its owner: severity rules, owners by family, brand or
category, alerts that move open -> acknowledged -> resolved, delivery by e-mail (SMTP or SES),
JSON webhook (Slack-compatible) and SNS, and escalation when nobody acknowledges in time.

`python -m knowledge alerts run` (cron or the EventBridge schedule in template.yaml) calls
`knowledge.alerts.runner.run_alerts`; it is idempotent."""
