"""The console over the DynamoDB store (moto's server): the same pages and changes work."""

from __future__ import annotations

import pytest

from knowledge.alerts.owners import new_owner
from knowledge.alerts.runner import RunOptions, run_alerts
from knowledge.config import KnowledgeConfig
from knowledge.console.accounts import create_account
from knowledge.console.app import create_app
from knowledge.console.config import ConsoleConfig
from knowledge.console.records import Role
from knowledge.model import Family, FamilyOrigin, Product, Review, ReviewStatus
from knowledge.store.base import Store
from tests.knowledge.console.conftest import PASSWORD, log_in, post

pytestmark = pytest.mark.slow


def test_pages_and_changes_on_dynamodb(dynamodb_store: Store, tmp_path: object) -> None:
    store = dynamodb_store
    store.put_families([Family("fam-plug", "Smart Plug", origin=FamilyOrigin.EDITED)])
    store.put_products([Product("p1", "Smart Plug Mini", brand="Acme", family_id="fam-plug")])
    store.put_reviews([Review("r1", "p1", 5, "Works with every routine.", date="2026-11-01"),
                       Review("r2", "p1", 1, "It caught fire on day two.", date="2026-11-02"),
                       Review("r3", "p1", 4, "Pending words here.", date="2026-11-03", status=ReviewStatus.PENDING)])
    create_account(store, "admin", Role.ADMIN, PASSWORD)
    app = create_app(store, KnowledgeConfig(data_dir=tmp_path, seed_demo_catalog=False),  # type: ignore[arg-type]
                     ConsoleConfig(secret_key="k" * 40))
    client = app.test_client()
    log_in(client, "admin")
    for path in ("/", "/catalog/", "/catalog/?q=plug", "/catalog/family/fam-plug", "/catalog/product/p1",
                 "/catalog/questions", "/moderation/", "/polls/", "/alerts/", "/alerts/owners", "/disputes/",
                 "/admin/users", "/admin/audit"):
        assert client.get(path).status_code == 200, path
    post(client, "/moderation/decide", {"id": ["r3"], "action": "approve"}, page="/moderation/")
    assert store.get_review("r3").status is ReviewStatus.PUBLISHED
    store.put_owner(new_owner("Plug team", "family", "fam-plug", email="plugs@example.com"))
    run_alerts(store, [], RunOptions())
    alert = store.list_alerts()[0]
    assert alert.review_id == "r2" and alert.owner_ids
    post(client, f"/alerts/{alert.id}/acknowledge", page=f"/alerts/{alert.id}")
    assert store.get_alert(alert.id).acknowledged_by == "admin"
    assert {"login", "review_approved", "alert_acknowledged"} <= {e.action for e in store.audit_log()}
