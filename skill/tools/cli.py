"""`python -m skill model ...`: regenerate the PRODUCT slot type, build the ASK CLI skill
package, check the model files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skill.tools.model_files import MODELS_DIR, ModelError, load_model, model_locales, model_path, model_problems

DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "knowledge" / "demo" / "catalog.jsonl"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="model_command", required=True)
    products = commands.add_parser("products", help="regenerate the PRODUCT slot type from the catalog")
    source = products.add_mutually_exclusive_group()
    source.add_argument("--catalog", type=Path, help=f"catalog JSONL file (default {DEFAULT_CATALOG.name})")
    source.add_argument("--from-store", action="store_true", help="read the products of the configured store")
    products.add_argument("--data-dir", type=Path, help="store directory (with --from-store)")
    products.add_argument("--models-dir", type=Path, default=MODELS_DIR)
    package = commands.add_parser("package", help="generate skill-package/ for `ask deploy`")
    package.add_argument("--out", type=Path, default=Path("skill-package"))
    target = package.add_mutually_exclusive_group(required=True)
    target.add_argument("--endpoint", help="HTTPS URL of the web service (e.g. your tunnel)/alexa")
    target.add_argument("--lambda-arn", help="ARN of the deployed Lambda function")
    package.add_argument(
        "--certificate", choices=("Wildcard", "Trusted"), default="Wildcard",
        help="endpoint certificate type: Wildcard for an ngrok/cloudflared tunnel (default)",
    )
    package.add_argument("--models-dir", type=Path, default=MODELS_DIR)
    check = commands.add_parser("check", help="check the model files against Alexa's build rules")
    check.add_argument("--models-dir", type=Path, default=MODELS_DIR)


def run(args: argparse.Namespace) -> int:
    try:
        if args.model_command == "products":
            return _products(args)
        if args.model_command == "package":
            from skill.tools.package import build_package

            written = build_package(args.out, args.endpoint, args.lambda_arn, args.models_dir, args.certificate)
            for path in written:
                print(f"wrote {path}")
            return 0
        return _check(args.models_dir)
    except (ModelError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _products(args: argparse.Namespace) -> int:
    from skill.tools.catalog_slot import read_catalog_products, update_product_type, with_families

    if args.from_store:
        from knowledge.store import open_store
        from skill.config import SkillConfig

        config = SkillConfig.from_env().with_overrides(data_dir=args.data_dir)
        store = open_store(config.knowledge)
        try:
            products, families = with_families(store.list_products(), store.list_families())
        finally:
            store.close()
    else:
        products, families = with_families(read_catalog_products(args.catalog or DEFAULT_CATALOG))
    if not products:
        raise ValueError("the catalog has no products; refusing to empty the PRODUCT slot type")
    for locale in model_locales(args.models_dir):
        count = update_product_type(model_path(locale, args.models_dir), products, families)
        print(f"{locale}: PRODUCT has {count} values (families)")
    return 0


def _check(models_dir: Path) -> int:
    failed = False
    for locale in model_locales(models_dir):
        problems = model_problems(load_model(model_path(locale, models_dir)))
        for problem in problems:
            print(f"{locale}: {problem}")
        failed = failed or bool(problems)
        if not problems:
            print(f"{locale}: ok")
    return 1 if failed else 0
