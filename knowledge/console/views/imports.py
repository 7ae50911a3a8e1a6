"""Import through the console: upload, see every bad row (line, field, reason) before anything
is written, confirm, then follow the import's progress."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from knowledge.console.audit import audit
from knowledge.console.auth import actor, roles_required
from knowledge.console.records import Role
from knowledge.console.services import services
from knowledge.importers import FORMATS

blueprint = Blueprint("imports", __name__, url_prefix="/import")


@blueprint.route("/", methods=["GET", "POST"])
@roles_required(Role.EDITOR)
def upload() -> Any:
    if request.method == "GET":
        return render_template("import.html", formats=FORMATS)
    file = request.files.get("file")
    if file is None or not file.filename:
        flash("Choose a file to import.", "error")
        return render_template("import.html", formats=FORMATS), 400
    fmt = request.form.get("format") or None
    if fmt is not None and fmt not in FORMATS:
        abort(400)
    job = services().jobs.check(file.filename, file.read(), actor(), fmt)
    audit(services().store, actor(), "import_uploaded", job.file_name, f"{job.size_bytes} bytes",
          request.remote_addr or "")
    return redirect(url_for("imports.job", token=job.token))


@blueprint.route("/<token>")
@roles_required(Role.EDITOR)
def job(token: str) -> Any:
    found = services().jobs.get(token)
    if found is None:
        abort(404)
    return render_template("import_job.html", job=found, errors=services().jobs.shown_errors(found))


@blueprint.route("/<token>/confirm", methods=["POST"])
@roles_required(Role.EDITOR)
def confirm(token: str) -> Any:
    found = services().jobs.start(token)
    if found is None:
        abort(404)
    if found.phase == "checking":
        flash("The file is still being checked.", "error")
    elif not found.valid:
        flash("This file has errors: fix them and upload it again.", "error")
    else:
        audit(services().store, actor(), "import_started", found.file_name, f"{found.rows} rows",
              request.remote_addr or "")
        services().figures.invalidate()
    return redirect(url_for("imports.job", token=token))


@blueprint.route("/<token>/discard", methods=["POST"])
@roles_required(Role.EDITOR)
def discard(token: str) -> Any:
    services().jobs.discard(token)
    return redirect(url_for("imports.upload"))
