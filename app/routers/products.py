"""Product filing (商品备案) by e-commerce companies, and certificates of origin asked for
by the enterprises registered as their applicants (两证合一)."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from app.auth import ADMIN, ENTERPRISE, EVERYONE, Principal, PrincipalDep, allow
from app.domain import goods
from app.errors import InvalidRequest, NotAParty
from app.idempotent import run_idempotent
from app.routers.deps import (
    AUTH_PROBLEMS,
    NO_NUL,
    PROBLEM,
    CreatedFromQuery,
    CreatedToQuery,
    CursorQuery,
    EngineDep,
    LimitQuery,
    NowDep,
    RawBody,
    SettingsDep,
    json_body,
    page_size,
)
from app.schemas.goods import (
    FiledProduct,
    FiledProductPage,
    OriginCertificateCreate,
    OriginCertificatePage,
    OriginCertificatePublic,
    ProductFilingCreate,
)
from app.schemas.parsing import parse_body
from app.store import products
from app.store.models import OriginCertificate, Product

router = APIRouter(tags=["goods"])

CodePath = Annotated[str, Path(min_length=1, max_length=20, pattern=r"^[0-9A-Za-z]+$")]
ItemNoPath = Annotated[str, Path(min_length=1, max_length=30, pattern=NO_NUL)]
WRITES = allow(ADMIN, ENTERPRISE)


def filed_product(p: Product) -> FiledProduct:
    return FiledProduct(
        ebcCode=p.ebc_code,
        itemNo=p.item_no,
        name=p.name,
        hsCode=p.hs_code,
        barcode=p.barcode,
        brand=p.brand,
        manufacturer=p.manufacturer,
        originCountry=p.origin_country,
        unit=p.unit,
        specification=p.specification,
        version=p.version,
        filedBy=p.filed_by,
        createdAt=p.created_at,
        updatedAt=p.updated_at,
    )


def _own(principal: Principal, code: str, pointer: str) -> None:
    """An enterprise files and applies for itself only."""
    own = principal.only_own()
    if own is not None and own != code:
        raise NotAParty(
            f"The caller {own!r} may not act for {code!r} ({pointer}).",
            f"调用方 {own!r} 不能代 {code!r} 办理（{pointer}）。",
        )


@router.post(
    "/v1/products",
    status_code=201,
    response_model=FiledProduct,
    summary="File a product, or change its filing (the e-commerce company)",
    description=(
        "An e-commerce company files each product once under its item number (CEB311 "
        "`itemNo`): name, 10-digit HS code, barcode (a GTIN with a valid check digit), "
        "brand, manufacturer, country of origin, unit. `201` when filed; the same filing "
        "sent again answers `200` unchanged; other details under a filed item number are "
        "`409 product_already_filed` unless sent with `appType` 2, which changes the "
        "filing (`200`, its `version` up by one). From then on a declaration line naming "
        "the item must declare the filed HS code (`hs_code_differs_from_filing`), and a "
        "CEB311 line naming it takes that HS code. In the audit trail (`product.filed`, "
        "`product.changed`)."
    ),
    openapi_extra=json_body("ProductFilingCreate"),
    dependencies=[WRITES],
    responses={
        200: {"model": FiledProduct, "description": "Changed, or filed so already."},
        **AUTH_PROBLEMS,
        404: PROBLEM,
        409: PROBLEM,
        413: PROBLEM,
        422: PROBLEM,
    },
)
async def file_product(
    request: Request, body: RawBody, engine: EngineDep, principal: PrincipalDep, now: NowDep
) -> Response:
    async def handle() -> Response:
        wanted = parse_body(ProductFilingCreate, body)
        _own(principal, wanted.ebcCode, "/ebcCode")
        barcode, problems = goods.check_codes(
            hs_code=wanted.hsCode, barcode=wanted.barcode, country=wanted.originCountry
        )
        if problems or barcode is None:
            raise InvalidRequest(problems)
        draft = products.ProductDraft(
            ebc_code=wanted.ebcCode,
            item_no=wanted.itemNo,
            name=wanted.name,
            hs_code=wanted.hsCode,
            barcode=barcode,
            brand=wanted.brand,
            manufacturer=wanted.manufacturer,
            origin_country=wanted.originCountry,
            unit=wanted.unit,
            specification=wanted.specification,
        )
        app_type = goods.ProductAppType(wanted.appType or "1")
        product, outcome = await run_in_threadpool(
            products.file_product, engine, draft, app_type, principal.actor, now
        )
        return JSONResponse(
            filed_product(product).model_dump(mode="json"),
            status_code=201 if outcome is products.Filed.CREATED else 200,
            headers={"Location": products.product_location(product.ebc_code, product.item_no)},
        )

    return await run_idempotent(request, body, handle)


@router.get(
    "/v1/products",
    response_model=FiledProductPage,
    summary="Product filings, newest first (an enterprise sees its own)",
    description="Regulators and admins see every filing, with filters.",
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 422: PROBLEM},
)
async def list_products(
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    ebcCode: Annotated[
        str | None, Query(max_length=20, pattern=NO_NUL, description="One company's.")
    ] = None,
    barcode: Annotated[
        str | None, Query(max_length=20, pattern=NO_NUL, description="One barcode's.")
    ] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> FiledProductPage:
    own = principal.only_own()
    if own is not None and ebcCode is not None and ebcCode.upper() != own:
        return FiledProductPage(items=[], nextCursor=None)
    rows, next_cursor = await run_in_threadpool(
        lambda: products.list_products(
            engine,
            ebc_code=own or ebcCode,
            barcode=barcode,
            cursor=cursor,
            limit=page_size(settings, limit),
        )
    )
    return FiledProductPage(items=[filed_product(p) for p in rows], nextCursor=next_cursor)


@router.get(
    "/v1/products/{ebcCode}/{itemNo}",
    response_model=FiledProduct,
    summary="One product filing (an enterprise reads its own)",
    description="Another enterprise's filing answers `404`, as if there were none.",
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 404: PROBLEM},
)
async def get_product(
    ebcCode: CodePath, itemNo: ItemNoPath, engine: EngineDep, principal: PrincipalDep
) -> FiledProduct:
    own = principal.only_own()
    if own is not None and own != ebcCode.upper():
        raise products.not_found(ebcCode, itemNo)
    found = await run_in_threadpool(products.get_product, engine, ebcCode, itemNo)
    return filed_product(found)


# -- certificates of origin ----------------------------------------------------------------


def origin_certificate(c: OriginCertificate) -> OriginCertificatePublic:
    return OriginCertificatePublic(
        id=c.id,
        ebcCode=c.ebc_code,
        fta=goods.Fta(c.fta),
        hsCode=c.hs_code,
        value=c.value,
        exportCountry=c.export_country,
        appliedBy=c.applied_by,
        appliedAt=c.applied_at,
    )


@router.post(
    "/v1/origin-certificates",
    status_code=201,
    response_model=OriginCertificatePublic,
    summary="Apply for a certificate of origin under a free trade agreement",
    description=(
        "By an enterprise whose certificate-of-origin applicant registration (asked for "
        "with its filing, `alsoRegister.certificateOfOrigin`) inspection approved; "
        "`409 origin_applicant_not_registered` otherwise. Counted per agreement and month "
        "in `GET /v1/regulator/stats` (`certificatesOfOrigin`). In the audit trail "
        "(`origin_certificate.applied`)."
    ),
    openapi_extra=json_body("OriginCertificateCreate"),
    dependencies=[WRITES],
    responses={**AUTH_PROBLEMS, 404: PROBLEM, 409: PROBLEM, 413: PROBLEM, 422: PROBLEM},
)
async def apply_for_origin_certificate(
    request: Request, body: RawBody, engine: EngineDep, principal: PrincipalDep, now: NowDep
) -> Response:
    async def handle() -> Response:
        wanted = parse_body(OriginCertificateCreate, body)
        _own(principal, wanted.ebcCode, "/ebcCode")
        _, problems = goods.check_codes(
            hs_code=wanted.hsCode, country=wanted.exportCountry, country_field="exportCountry"
        )
        if problems:
            raise InvalidRequest(problems)
        draft = products.OriginApplication(
            ebc_code=wanted.ebcCode,
            fta=wanted.fta,
            hs_code=wanted.hsCode,
            value=wanted.value,
            export_country=wanted.exportCountry,
        )
        applied = await run_in_threadpool(
            products.apply_for_origin_certificate, engine, draft, principal.actor, now
        )
        return JSONResponse(
            origin_certificate(applied).model_dump(mode="json"),
            status_code=201,
            headers={"Location": f"/v1/origin-certificates?ebcCode={applied.ebc_code}"},
        )

    return await run_idempotent(request, body, handle)


@router.get(
    "/v1/origin-certificates",
    response_model=OriginCertificatePage,
    summary="Certificate-of-origin applications, newest first (an enterprise sees its own)",
    description=(
        "With filters: the applicant, the free trade agreement, when applied for. Regulators "
        "and admins see every application; an enterprise, its own."
    ),
    dependencies=[allow(*EVERYONE)],
    responses={**AUTH_PROBLEMS, 400: PROBLEM, 422: PROBLEM},
)
async def list_origin_certificates(
    engine: EngineDep,
    settings: SettingsDep,
    principal: PrincipalDep,
    ebcCode: Annotated[
        str | None, Query(max_length=20, pattern=NO_NUL, description="One applicant's.")
    ] = None,
    fta: Annotated[goods.Fta | None, Query()] = None,
    createdFrom: CreatedFromQuery = None,
    createdTo: CreatedToQuery = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = None,
) -> OriginCertificatePage:
    own = principal.only_own()
    if own is not None and ebcCode is not None and ebcCode.upper() != own:
        return OriginCertificatePage(items=[], nextCursor=None)
    rows, next_cursor = await run_in_threadpool(
        lambda: products.origin_certificates(
            engine,
            ebc_code=own or ebcCode,
            fta=fta,
            since=createdFrom,
            before=createdTo,
            cursor=cursor,
            limit=page_size(settings, limit),
        )
    )
    return OriginCertificatePage(
        items=[origin_certificate(c) for c in rows], nextCursor=next_cursor
    )
