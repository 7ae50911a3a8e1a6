"""Alerts end to end over a real store: raised once per cause, assigned by family, brand or
category, delivered over real SMTP and a real webhook on loopback (SES and SNS on moto),
escalated when nobody acknowledges, and `alerts run` twice sends nothing twice."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from knowledge.alerts.delivery import DeliveryConfig, SesChannel, SmtpChannel, SnsChannel, WebhookChannel
from knowledge.alerts.lifecycle import AlertError, ack_times, acknowledge, resolve
from knowledge.alerts.owners import chain_for, new_owner
from knowledge.alerts.records import AlertStatus
from knowledge.alerts.runner import RunOptions, run_alerts
from knowledge.model import Family, FamilyOrigin, Product, Review
from knowledge.store.base import Store
from knowledge.store.sqlite import SQLiteStore
from tests.conftest import DUMMY_AWS, PROJECT_ROOT
from tests.knowledge.console.receivers import smtp_server, webhook_server

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def _catalog(store: Store) -> None:
    store.put_families([Family("fam-plug", "Smart Plug", origin=FamilyOrigin.EDITED)])
    store.put_products([Product("p1", "Smart Plug Mini", brand="Acme", category="Plugs", family_id="fam-plug"),
                        Product("p2", "Other Lamp", brand="Acme", category="Lamps")])
    store.put_reviews([
        Review("r-fire", "p1", 1, "It caught fire overnight, scary.", date="2026-11-20"),
        Review("r-fine", "p1", 5, "I was shocked at how easy setup was.", date="2026-11-21"),
        Review("r-refund", "p2", 1, "Dead on arrival. I want a refund.", date="2026-11-22"),
        Review("r-refund-ok", "p2", 3, "Meh, might ask for a refund.", date="2026-11-22"),
    ])


@pytest.fixture
def catalog(store: Store) -> Store:
    _catalog(store)
    return store


def test_owners_chain_family_then_brand_then_category() -> None:
    owners = [new_owner("Cat", "category", "plugs", email="cat@example.com"),
              new_owner("Brand2", "brand", "ACME", email="b2@example.com", rank=2),
              new_owner("Brand1", "brand", "acme", email="b1@example.com", rank=1),
              new_owner("Fam", "family", "fam-plug", webhook_url="http://127.0.0.1:1/x")]
    chain = chain_for(Product("p1", "Plug", brand="Acme", category="Plugs", family_id="fam-plug"), owners)
    assert [o.name for o in chain] == ["Fam", "Brand1", "Brand2", "Cat"]
    assert chain_for(Product("p9", "X", brand="Other"), owners) == []


def test_owner_fields_are_checked() -> None:
    from knowledge.alerts.owners import OwnerError

    with pytest.raises(OwnerError, match="email"):
        new_owner("A", "brand", "acme", email="not-an-address")
    with pytest.raises(OwnerError, match="scope"):
        new_owner("A", "planet", "mars", email="a@example.com")
    with pytest.raises(OwnerError, match="webhook"):
        new_owner("A", "brand", "acme", webhook_url="file:///etc/passwd")
    with pytest.raises(OwnerError, match="e-mail address, a webhook"):
        new_owner("A", "brand", "acme")


def test_alerts_are_raised_once_per_cause_and_delivered_once(catalog: Store) -> None:
    with smtp_server() as (port, mailbox), webhook_server() as (hook_url, hooks):
        catalog.put_owner(new_owner("Plug team", "family", "fam-plug", email="plugs@example.com", webhook_url=hook_url))
        catalog.put_owner(new_owner("Lamp team", "category", "lamps", email="lamps@example.com"))
        config = DeliveryConfig(smtp_host="127.0.0.1", smtp_port=port, console_url="http://console.test")
        channels = [SmtpChannel(config), WebhookChannel(config)]
        first = run_alerts(catalog, channels, RunOptions(), NOW)
        assert len(first.raised) == 2 and len(first.sent) == 3 and not first.failed
        second = run_alerts(catalog, channels, RunOptions(), NOW + timedelta(minutes=5))
        assert second.raised == () and second.sent == ()
        mails = mailbox.wait_for(2)
        assert sorted(m["To"] for m in mails) == ["lamps@example.com", "plugs@example.com"]
        fire = next(m for m in mails if m["To"] == "plugs@example.com")
        assert "caught fire" in fire["Subject"]
        alert_id = fire["X-ShopTalk-Alert"]
        assert f"http://console.test/alerts/{alert_id}" in fire.get_payload(decode=True).decode()
        assert len(hooks) == 1 and hooks[0]["content_type"] == "application/json"
        assert "caught fire" in hooks[0]["body"]["text"] and hooks[0]["body"]["alert_id"] == alert_id
    kinds = sorted(a.kind for a in catalog.list_alerts())
    assert kinds == ["refund", "safety"]


def test_an_unacknowledged_alert_escalates_to_the_next_owner_once(catalog: Store) -> None:
    with smtp_server() as (port, mailbox):
        catalog.put_owner(new_owner("First", "family", "fam-plug", email="first@example.com"))
        catalog.put_owner(new_owner("Second", "brand", "acme", email="second@example.com"))
        channels = [SmtpChannel(DeliveryConfig(smtp_port=port))]
        options = RunOptions(ack_timeout=timedelta(hours=1))
        run_alerts(catalog, channels, options, NOW)
        fire = next(a for a in catalog.list_alerts() if a.kind == "safety")
        assert fire.level == 0 and catalog.list_owners()[0].id != ""
        early = run_alerts(catalog, channels, options, NOW + timedelta(minutes=30))
        assert early.escalated == ()
        late = run_alerts(catalog, channels, options, NOW + timedelta(minutes=61))
        assert fire.id in late.escalated
        again = run_alerts(catalog, channels, options, NOW + timedelta(minutes=62))
        assert again.escalated == () and again.sent == ()
        escalated = catalog.get_alert(fire.id)
        assert escalated.level == 1 and len(escalated.owner_ids) == 2
        to = [m["To"] for m in mailbox.wait_for(3) if m["X-ShopTalk-Alert"] == fire.id]
        assert to == ["first@example.com", "second@example.com"]
        # the end of the chain: it stays with the last owner
        assert run_alerts(catalog, channels, options, NOW + timedelta(hours=5)).escalated == ()


def test_lifecycle_records_who_and_when_and_ack_time_per_owner(catalog: Store) -> None:
    owner = new_owner("Plug team", "family", "fam-plug", email="plugs@example.com")
    catalog.put_owner(owner)
    run_alerts(catalog, [], RunOptions(), NOW)
    fire = next(a for a in catalog.list_alerts() if a.kind == "safety")
    acked = acknowledge(catalog, fire.id, "alice", NOW + timedelta(minutes=42))
    assert (acked.status, acked.acknowledged_by, acked.acknowledged_at) == (
        AlertStatus.ACKNOWLEDGED, "alice", "2026-12-06T09:42:00+00:00")
    with pytest.raises(AlertError, match="acknowledged already"):
        acknowledge(catalog, fire.id, "bob", NOW)
    done = resolve(catalog, fire.id, "bob", NOW + timedelta(hours=2))
    assert (done.status, done.resolved_by, done.acknowledged_by) == (AlertStatus.RESOLVED, "bob", "alice")
    figures = {f.owner_id: f for f in ack_times(catalog.list_alerts())}
    assert figures[owner.id].acknowledged == 1 and figures[owner.id].median_minutes == 42.0


def test_a_failed_delivery_is_retried_by_the_next_run(catalog: Store) -> None:
    with webhook_server(status=500) as (hook_url, hooks):
        catalog.put_owner(new_owner("Hook", "family", "fam-plug", webhook_url=hook_url))
        channels = [WebhookChannel(DeliveryConfig())]
        report = run_alerts(catalog, channels, RunOptions(), NOW)
        assert len(report.failed) == 1 and report.sent == ()
    with webhook_server() as (hook_url2, hooks2):
        owner = catalog.list_owners()[0]
        from dataclasses import replace

        catalog.put_owner(replace(owner, webhook_url=hook_url2))
        report = run_alerts(catalog, channels, RunOptions(), NOW + timedelta(minutes=1))
        assert len(report.sent) == 1 and len(hooks2) == 1


def test_a_negative_trend_raises_one_alert_per_family(sqlite_store: SQLiteStore) -> None:
    sqlite_store.put_families([Family("fam-cam", "Cam", origin=FamilyOrigin.EDITED)])
    sqlite_store.put_products([Product("c1", "Cam One", family_id="fam-cam"), Product("c2", "Cam Two", family_id="fam-cam")])
    history = [Review(f"h{i}", "c1", 5, "great", date=f"2026-0{1 + i % 5}-1{i % 9}") for i in range(12)]
    recent = [Review(f"n{i}", "c1", 1, "stopped working", date=f"2026-11-1{i}") for i in range(5)]
    sqlite_store.put_reviews(history + recent)
    run_alerts(sqlite_store, [], RunOptions(), NOW)
    trends = [a for a in sqlite_store.list_alerts() if a.kind == "trend"]
    assert len(trends) == 1 and trends[0].family_id == "fam-cam" and "turning negative" in trends[0].title
    run_alerts(sqlite_store, [], RunOptions(), NOW + timedelta(days=1))
    assert len([a for a in sqlite_store.list_alerts() if a.kind == "trend"]) == 1
    resolve(sqlite_store, trends[0].id, "alice", NOW + timedelta(days=1))
    run_alerts(sqlite_store, [], RunOptions(), NOW + timedelta(days=2))  # nothing new since it was resolved
    assert len([a for a in sqlite_store.list_alerts() if a.kind == "trend"]) == 1


def test_ses_and_sns_deliver_through_boto3(catalog: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    moto = pytest.importorskip("moto")
    for name, value in DUMMY_AWS.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        import boto3

        ses = boto3.client("ses", region_name="us-east-1")
        ses.verify_email_identity(EmailAddress="alerts@example.com")
        sns = boto3.client("sns", region_name="us-east-1")
        topic = sns.create_topic(Name="shoptalk-alerts")["TopicArn"]
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue_url = sqs.create_queue(QueueName="alert-inbox")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
        catalog.put_owner(new_owner("Plug team", "family", "fam-plug", email="plugs@example.com", sns_topic_arn=topic))
        config = DeliveryConfig(email_via="ses", sender="alerts@example.com")
        channels = [SesChannel(config, ses), SnsChannel(config, sns)]
        report = run_alerts(catalog, channels, RunOptions(), NOW)
        assert len(report.sent) == 2, report
        assert run_alerts(catalog, channels, RunOptions(), NOW).sent == ()
        quota = ses.get_send_quota()
        assert quota["SentLast24Hours"] == 1
        received = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
        assert len(received) == 1
        payload = json.loads(json.loads(received[0]["Body"])["Message"])
        assert payload["kind"] == "safety" and payload["product_id"] == "p1"


def test_alerts_run_cli_is_idempotent(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "shoptalk.sqlite")
    _catalog(store)
    with smtp_server() as (port, mailbox):
        store.put_owner(new_owner("Everyone", "brand", "acme", email="team@example.com"))
        store.close()
        env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SHOPTALK_SEED_DEMO": "0",
               "SHOPTALK_SMTP_HOST": "127.0.0.1", "SHOPTALK_SMTP_PORT": str(port)}

        def run() -> dict[str, list[str]]:
            done = subprocess.run([sys.executable, "-m", "knowledge", "--data-dir", str(tmp_path), "alerts", "run",
                                   "--json"], capture_output=True, text=True, cwd=PROJECT_ROOT, env=env)
            assert done.returncode == 0, done.stderr
            return json.loads(done.stdout)

        assert len(run()["sent"]) == 2
        assert run()["sent"] == []
        assert len(mailbox.wait_for(2)) == 2
    listed = subprocess.run([sys.executable, "-m", "knowledge", "--data-dir", str(tmp_path), "alerts", "list"],
                            capture_output=True, text=True, cwd=PROJECT_ROOT, env=env)
    assert "2 alert(s)" in listed.stdout
