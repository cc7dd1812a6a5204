"""Product filings (商品备案): filed once by an e-commerce company under its item number,
changed with appType 2, read by their filer and by regulators; and the applications for
certificates of origin of the goods, by registered applicants. Audited.

The intake reads the HS codes of the filed products a group's lines name in its one
facts statement (``app.store.intake``); the CEB311 route fills a line's missing HS code
from here (``hs_codes``)."""

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import uuid_utils
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from app.domain import goods
from app.store import audit
from app.store.db import read_session, write_session
from app.store.models import Enterprise, OriginCertificate, Product, TradeRegistration
from app.store.pagination import Keyset, page


@dataclass(frozen=True, slots=True)
class ProductDraft:
    ebc_code: str
    item_no: str
    name: str
    hs_code: str
    barcode: str
    brand: str
    manufacturer: str
    origin_country: str
    unit: str
    specification: str | None


class Filed(StrEnum):
    CREATED = "created"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


def not_found(ebc_code: str, item_no: str) -> goods.ProductNotFound:
    return goods.ProductNotFound(
        f"{ebc_code} has filed no product with item number {item_no!r}.",
        f"企业 {ebc_code} 没有货号为 {item_no!r} 的商品备案。",
    )


def file_product(
    engine: Engine, draft: ProductDraft, app_type: goods.ProductAppType, actor: str, now: datetime
) -> tuple[Product, Filed]:
    """File a product (appType 1), or change a filed one (appType 2). The same filing
    sent again changes nothing; other details under a filed item number need appType 2."""
    sent = asdict(draft)
    with write_session(engine) as session:
        _must_be_ecommerce(session, draft.ebc_code)
        found = session.scalars(
            select(Product)
            .where(col(Product.ebc_code) == draft.ebc_code, col(Product.item_no) == draft.item_no)
            .with_for_update()
        ).first()
        if found is not None and goods.same_filing(_fields(found), sent):
            return found, Filed.UNCHANGED
        if found is None and app_type is goods.ProductAppType.CHANGE:
            raise not_found(draft.ebc_code, draft.item_no)
        if found is not None and app_type is goods.ProductAppType.NEW:
            raise goods.ProductAlreadyFiled(
                f"Item {draft.item_no!r} of {draft.ebc_code} is filed already with other "
                "details: send appType 2 to change it.",
                f"企业 {draft.ebc_code} 的商品 {draft.item_no!r} 已备案且内容不同："
                "变更请使用 appType 2。",
                location=product_location(draft.ebc_code, draft.item_no),
            )
        if found is None:
            product = Product(**sent, version=1, filed_by=actor, created_at=now, updated_at=now)
            session.add(product)
            kind, outcome = "product.filed", Filed.CREATED
        else:
            product = found
            for name, value in sent.items():
                setattr(product, name, value)
            product.version += 1
            product.updated_at = now
            kind, outcome = "product.changed", Filed.CHANGED
        try:
            session.flush()
        except IntegrityError:
            # Filed meanwhile by a concurrent request: as if it had been there first.
            raise goods.ProductAlreadyFiled(
                f"Item {draft.item_no!r} of {draft.ebc_code} was filed meanwhile.",
                f"企业 {draft.ebc_code} 的商品 {draft.item_no!r} 刚刚已被备案。",
                location=product_location(draft.ebc_code, draft.item_no),
            ) from None
        audit.append(
            session,
            [
                audit.Entry(
                    kind=kind,
                    subject_type="product",
                    subject_id=f"{product.ebc_code}/{product.item_no}",
                    actor=actor,
                    data=_fields(product) | {"version": product.version},
                    occurred_at=now,
                )
            ],
        )
        session.commit()
    return product, outcome


def _must_be_ecommerce(session: Any, ebc_code: str) -> None:
    roles = session.scalar(
        select(col(Enterprise.roles)).where(col(Enterprise.customs_code) == ebc_code)
    )
    if roles is None or "ecommerce" not in roles.split():
        raise goods.invalid(
            "enterprise_not_ecommerce",
            "/ebcCode",
            f"{ebc_code!r} is not filed as an e-commerce company: products are filed by theirs",
            f"{ebc_code!r} 未以电商企业身份备案：商品由电商企业备案",
        )


def _fields(product: Product) -> dict[str, Any]:
    return {
        "ebc_code": product.ebc_code,
        "item_no": product.item_no,
        **{name: getattr(product, name) for name in goods.PRODUCT_FIELDS},
    }


def product_location(ebc_code: str, item_no: str) -> str:
    return f"/v1/products/{ebc_code}/{item_no}"


def get_product(engine: Engine, ebc_code: str, item_no: str) -> Product:
    with read_session(engine) as session:
        found = session.scalars(
            select(Product).where(
                col(Product.ebc_code) == ebc_code.upper(), col(Product.item_no) == item_no
            )
        ).first()
    if found is None:
        raise not_found(ebc_code, item_no)
    return found


NEWEST_PRODUCTS = Keyset((col(Product.id),), (int,), descending=True)


def list_products(
    engine: Engine,
    *,
    ebc_code: str | None,
    barcode: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[Product], str | None]:
    """Newest filings first; of one company, or of one barcode."""
    query = select(Product)
    if ebc_code is not None:
        query = query.where(col(Product.ebc_code) == ebc_code.upper())
    if barcode is not None:
        query = query.where(col(Product.barcode) == barcode)
    with read_session(engine) as session:
        return page(session, query, NEWEST_PRODUCTS, cursor, limit)


def hs_codes(engine: Engine, ebc_code: str, item_nos: Collection[str]) -> dict[str, str]:
    """Item number → the HS code it is filed with, of one company's items."""
    if not item_nos:
        return {}
    with read_session(engine) as session:
        return {
            item_no: hs_code
            for item_no, hs_code in session.execute(
                select(col(Product.item_no), col(Product.hs_code)).where(
                    col(Product.ebc_code) == ebc_code, col(Product.item_no).in_(sorted(item_nos))
                )
            )
        }


# -- certificates of origin ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OriginApplication:
    ebc_code: str
    fta: goods.Fta
    hs_code: str
    value: Decimal
    export_country: str


def apply_for_origin_certificate(
    engine: Engine, application: OriginApplication, actor: str, now: datetime
) -> OriginCertificate:
    """Record an application for a certificate of origin, by an enterprise whose
    certificate-of-origin applicant registration inspection approved."""
    certificate = OriginCertificate(
        id=str(uuid_utils.uuid7()),
        ebc_code=application.ebc_code,
        fta=application.fta.value,
        hs_code=application.hs_code,
        value=application.value,
        export_country=application.export_country,
        applied_by=actor,
        applied_at=now,
    )
    with write_session(engine) as session:
        approved = session.scalar(
            select(col(TradeRegistration.registration_no)).where(
                col(TradeRegistration.customs_code) == application.ebc_code,
                col(TradeRegistration.registration)
                == goods.Registration.CERTIFICATE_OF_ORIGIN.value,
                col(TradeRegistration.status) == goods.ReviewStatus.APPROVED.value,
            )
        )
        if approved is None:
            raise goods.NotAnOriginApplicant(
                f"{application.ebc_code} is not a registered certificate-of-origin applicant: "
                "apply with the enterprise filing (alsoRegister.certificateOfOrigin) and wait "
                "for inspection's approval.",
                f"企业 {application.ebc_code} 未完成原产地证申领企业备案：请随企业备案一并申请"
                "（alsoRegister.certificateOfOrigin），待检验检疫部门审核通过。",
            )
        session.add(certificate)
        session.flush()
        audit.append(
            session,
            [
                audit.Entry(
                    kind="origin_certificate.applied",
                    subject_type="origin_cert",
                    subject_id=certificate.id,
                    actor=actor,
                    data={
                        "ebcCode": certificate.ebc_code,
                        "applicantRegistrationNo": approved,
                        "fta": certificate.fta,
                        "hsCode": certificate.hs_code,
                        "value": certificate.value,
                        "exportCountry": certificate.export_country,
                    },
                    occurred_at=now,
                )
            ],
        )
        session.commit()
    return certificate


NEWEST_CERTIFICATES = Keyset(
    (col(OriginCertificate.applied_at), col(OriginCertificate.id)), (datetime, str), descending=True
)


def origin_certificates(
    engine: Engine,
    *,
    ebc_code: str | None,
    fta: goods.Fta | None,
    since: datetime | None,
    before: datetime | None,
    cursor: str | None,
    limit: int,
) -> tuple[Sequence[OriginCertificate], str | None]:
    """Newest first, with filters."""
    query = select(OriginCertificate)
    if ebc_code is not None:
        query = query.where(col(OriginCertificate.ebc_code) == ebc_code.upper())
    if fta is not None:
        query = query.where(col(OriginCertificate.fta) == fta.value)
    if since is not None:
        query = query.where(col(OriginCertificate.applied_at) >= since)
    if before is not None:
        query = query.where(col(OriginCertificate.applied_at) < before)
    with read_session(engine) as session:
        return page(session, query, NEWEST_CERTIFICATES, cursor, limit)
