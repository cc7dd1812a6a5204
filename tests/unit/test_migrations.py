"""The migrations build exactly the schema the models describe, and carry data over."""

from datetime import datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import app.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from app.store.db import make_engine, upgrade


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_agency_parts_take_their_declarations_time(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0003")
    created = datetime(2026, 3, 1, 8, 30, 15, 250000)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO declarations (id, ebp_code, ebc_code, pay_code, logistics_code,"
                    " order_no, logistics_no, buyer_id_number, trade_mode, status, ceb_status,"
                    " dutiable_value, quota_year, quota_charge, documents, created_at,"
                    " updated_at) VALUES ('d1', 'p', 'e', 'y', 'l', 'o1', 'w1', 'b', '9610',"
                    " 'accepted', 2, 10, 2026, 1000000, '{}', :created, :created)"
                ),
                {"created": created},
            )
            for agency in ("customs", "tax"):
                connection.execute(
                    text(
                        "INSERT INTO declaration_agencies (declaration_id, agency, status,"
                        " sequence, updated_at) VALUES ('d1', :agency, 'pending', 0, :now)"
                    ),
                    {"agency": agency, "now": datetime(2026, 3, 2)},
                )
        engine.dispose()
        upgrade(url)
        with engine.connect() as connection:
            times = connection.execute(
                text("SELECT agency, created_at FROM declaration_agencies ORDER BY agency")
            ).all()
    finally:
        engine.dispose()
    assert [(agency, datetime.fromisoformat(at)) for agency, at in times] == [
        ("customs", created),
        ("tax", created),
    ]
