"""Realistic filings and declarations: for `singlewindow demo`, the tests and benchmarks.

Every enterprise has a valid USCC, every buyer a valid resident ID number (check
characters computed by python-stdnum), every product a real HS code."""

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
from stdnum.cn import ric, uscc

from app.domain.rules import CHINA_TIME
from app.domain.tax import TaxableLine
from app.domain.tax import assess as assess_tax

Body = dict[str, Any]


@dataclass(frozen=True)
class Product:
    name: str
    model: str
    gcode: str
    unit: str
    price: Decimal
    country: str


PRODUCTS = (
    Product(
        "保湿面霜",
        "50ml/瓶，品牌：雪肌，成分：水、甘油",
        "3304990099",
        "007",
        Decimal("329.00"),
        "116",
    ),
    Product("美白牙膏", "120g/支，品牌：狮王", "3306101000", "007", Decimal("39.90"), "116"),
    Product(
        "婴儿配方奶粉", "800g/罐，1段，品牌：爱他美", "1901101000", "007", Decimal("268.00"), "303"
    ),
    Product(
        "鱼油软胶囊", "400粒/瓶，品牌：Blackmores", "2106909090", "007", Decimal("159.00"), "601"
    ),
    Product("真皮休闲鞋", "男款42码，牛皮", "6403990090", "011", Decimal("899.00"), "303"),
    Product("电吹风", "1600W，品牌：戴森", "8516310000", "007", Decimal("2999.00"), "502"),
    Product("积木玩具", "1000片，塑料", "9503008900", "007", Decimal("499.00"), "133"),
    Product("皮革手提包", "牛皮，中号", "4202210000", "007", Decimal("3280.00"), "502"),
    Product("手工香皂", "100g/块，植物精油", "3401110000", "007", Decimal("25.00"), "133"),
    Product("纯棉T恤", "100%棉，针织，M码", "6109100021", "007", Decimal("129.00"), "116"),
)

SURNAMES = "王李张刘陈杨黄赵周吴徐孙马胡朱郭何林罗高"
GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超")
# Divisions whose codes stood unchanged over the buyers' birth years (1960–2000), so the
# ID numbers pass python-stdnum's birth-place check.
PLACES = (
    ("110105", "北京市朝阳区建国路88号"),
    ("110101", "北京市东城区王府井大街138号"),
    ("110108", "北京市海淀区中关村大街27号"),
    ("310101", "上海市黄浦区南京东路300号"),
    ("310104", "上海市徐汇区漕溪北路201号"),
)


@dataclass(frozen=True)
class Filing:
    customs_code: str
    name: str
    roles: tuple[str, ...]

    def body(self, rng: random.Random) -> Body:
        return {
            "uscc": make_uscc(rng),
            "customsCode": self.customs_code,
            "name": self.name,
            "roles": list(self.roles),
            "contactName": person_name(rng),
            "telephone": f"1{rng.randint(30, 99)}{rng.randint(0, 99_999_999):08d}",
        }


@dataclass(frozen=True)
class Parties:
    platform: Filing
    ecommerce: Filing
    payment: Filing
    logistics: Filing

    def filings(self) -> list[Filing]:
        return [self.platform, self.ecommerce, self.payment, self.logistics]


DEMO_PARTIES = Parties(
    platform=Filing("3301960001", "杭州云购跨境电子商务平台有限公司", ("platform",)),
    ecommerce=Filing("3301960002", "杭州海淘优选贸易有限公司", ("ecommerce",)),
    payment=Filing("3101960003", "上海通汇支付服务有限公司", ("payment",)),
    logistics=Filing("4403960004", "深圳速达国际物流有限公司", ("logistics",)),
)


@dataclass(frozen=True)
class Buyer:
    name: str
    id_number: str
    telephone: str
    address: str


def make_uscc(rng: random.Random) -> str:
    # 9 (industry and commerce) 1 (company), a division code, an organisation code.
    division = rng.choice(PLACES)[0]
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + division + "".join(rng.choice(alphabet) for _ in range(9))
    return body + str(uscc.calc_check_digit(body))


def make_resident_id(rng: random.Random, division: str | None = None) -> str:
    division = division or rng.choice(PLACES)[0]
    born = datetime(1960, 1, 1) + timedelta(days=rng.randint(0, 40 * 365))
    body = f"{division}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    # calc_check_digit expects the full 18 characters and ignores the last one.
    return body + str(ric.calc_check_digit(body + "0"))


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def make_buyer(rng: random.Random) -> Buyer:
    division, address = rng.choice(PLACES)
    return Buyer(
        name=person_name(rng),
        id_number=make_resident_id(rng, division),
        telephone=f"13{rng.randint(0, 999_999_999):09d}",
        address=address,
    )


def ceb_time(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).astimezone(CHINA_TIME).strftime("%Y%m%d%H%M%S")


def money(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def make_declaration(
    rng: random.Random,
    *,
    order_no: str,
    logistics_no: str,
    buyer: Buyer | None = None,
    parties: Parties = DEMO_PARTIES,
    lines: list[tuple[Product, int]] | None = None,
    freight: Decimal = Decimal("10.00"),
    insured_fee: Decimal = Decimal("0"),
    tax_total: Decimal | None = None,
) -> Body:
    """A valid declaration; callers change fields to break rules on purpose."""
    buyer = buyer or make_buyer(rng)
    lines = lines or _basket(rng)
    items = []
    for gnum, (product, qty) in enumerate(lines, start=1):
        items.append(
            {
                "gnum": gnum,
                "itemNo": f"SKU-{product.gcode[-6:]}",
                "itemName": product.name,
                "gmodel": product.model,
                "unit": product.unit,
                "qty": str(qty),
                "price": money(product.price),
                "totalPrice": money(product.price * qty),
                "currency": "142",
                "country": product.country,
                "gcode": product.gcode,
            }
        )
    goods_value = sum((product.price * qty for product, qty in lines), Decimal(0))
    if tax_total is None:
        # Declare exactly what the tax agency will assess (consumption tax on cosmetics,
        # full tax on a single item above the limit), so that demo orders clear.
        tax_total = assess_tax(
            [TaxableLine(product.gcode, product.price * qty) for product, qty in lines],
            goods_value=goods_value,
            freight=freight,
            insured_fee=insured_fee,
        ).total
    paid = goods_value + freight + tax_total
    pay_transaction = f"PAY{order_no[-20:]}"
    p = parties
    return {
        "tradeMode": "9610",
        "order": {
            "orderType": "I",
            "orderNo": order_no,
            "ebpCode": p.platform.customs_code,
            "ebpName": p.platform.name,
            "ebcCode": p.ecommerce.customs_code,
            "ebcName": p.ecommerce.name,
            "goodsValue": money(goods_value),
            "freight": money(freight),
            "discount": "0",
            "taxTotal": money(tax_total),
            "acturalPaid": money(paid),
            "currency": "142",
            "buyerRegNo": f"U{buyer.id_number[-8:]}",
            "buyerName": buyer.name,
            "buyerTelephone": buyer.telephone,
            "buyerIdType": "1",
            "buyerIdNumber": buyer.id_number,
            "payCode": p.payment.customs_code,
            "payName": p.payment.name,
            "payTransactionId": pay_transaction,
            "consignee": buyer.name,
            "consigneeTelephone": buyer.telephone,
            "consigneeAddress": buyer.address,
            "items": items,
        },
        "payment": {
            "payCode": p.payment.customs_code,
            "payName": p.payment.name,
            "payTransactionId": pay_transaction,
            "orderNo": order_no,
            "ebpCode": p.platform.customs_code,
            "ebpName": p.platform.name,
            "payerIdType": "1",
            "payerIdNumber": buyer.id_number,
            "payerName": buyer.name,
            "telephone": buyer.telephone,
            "amountPaid": money(paid),
            "currency": "142",
            "payTime": ceb_time(),
        },
        "logistics": {
            "logisticsCode": p.logistics.customs_code,
            "logisticsName": p.logistics.name,
            "logisticsNo": logistics_no,
            "orderNo": order_no,
            "freight": money(freight),
            "insuredFee": money(insured_fee),
            "currency": "142",
            "weight": str(Decimal("0.5") * len(lines)),
            "packNo": 1,
            "goodsInfo": "跨境零售进口商品",
            "consignee": buyer.name,
            "consigneeAddress": buyer.address,
            "consigneeTelephone": buyer.telephone,
        },
    }


def _basket(rng: random.Random, budget: Decimal = Decimal(4000)) -> list[tuple[Product, int]]:
    """One to three lines whose value stays within ``budget`` (inside the single limit)."""
    lines: list[tuple[Product, int]] = []
    spent = Decimal(0)
    for product in rng.sample(PRODUCTS, rng.randint(1, 3)):
        qty = rng.randint(1, 2)
        if spent + product.price * qty <= budget:
            lines.append((product, qty))
            spent += product.price * qty
    return lines or [(PRODUCTS[1], 1)]


def _wrong_paid_amount(body: Body) -> None:
    body["payment"]["amountPaid"] = str(Decimal(body["payment"]["amountPaid"]) + 5)


def _payer_not_buyer(body: Body) -> None:
    body["payment"]["payerName"] = "代付人"


def _foreign_currency(body: Body) -> None:
    body["order"]["currency"] = "502"


def _bad_id_number(body: Body) -> None:
    number = body["order"]["buyerIdNumber"]
    wrong = "0" if number[-1] != "0" else "1"
    body["order"]["buyerIdNumber"] = body["payment"]["payerIdNumber"] = number[:-1] + wrong


def _unfiled_logistics(body: Body) -> None:
    body["logistics"]["logisticsCode"] = "9999999999"


def _bad_hs_code(body: Body) -> None:
    body["order"]["items"][0]["gcode"] = "33049900"


def _line_total(body: Body) -> None:
    item = body["order"]["items"][0]
    item["totalPrice"] = str(Decimal(item["totalPrice"]) + 1)


def _consignee_moved(body: Body) -> None:
    body["logistics"]["consigneeAddress"] = "上海市浦东新区世纪大道100号"


def _over_single_limit(body: Body) -> None:
    item = body["order"]["items"][0]
    item["qty"] = "3"
    item["price"] = "1999.00"
    item["totalPrice"] = "5997.00"
    goods = sum((Decimal(i["totalPrice"]) for i in body["order"]["items"]), Decimal(0))
    order = body["order"]
    order["goodsValue"] = money(goods)
    paid = goods + Decimal(order["freight"]) + Decimal(order["taxTotal"])
    order["acturalPaid"] = body["payment"]["amountPaid"] = money(paid)


# Faults the demo injects on purpose; each breaks the rule it is named after.
FAULTS: dict[str, Callable[[Body], None]] = {
    "paid_amount_mismatch": _wrong_paid_amount,
    "payer_not_buyer": _payer_not_buyer,
    "currency_not_cny": _foreign_currency,
    "id_number_invalid": _bad_id_number,
    "enterprise_not_filed": _unfiled_logistics,
    "hs_code_invalid": _bad_hs_code,
    "line_total_mismatch": _line_total,
    "consignee_mismatch": _consignee_moved,
    "single_limit_exceeded": _over_single_limit,
}


@dataclass
class DemoOutcome:
    """What happened to the demo's declarations: counts by outcome and by rule code."""

    posted: int = 0
    accepted: int = 0
    refused: int = 0
    duplicates: int = 0
    by_code: dict[str, int] | None = None

    def count_code(self, code: str) -> None:
        self.by_code = self.by_code or {}
        self.by_code[code] = self.by_code.get(code, 0) + 1


def wait_until_active(client: httpx.Client, customs_codes: list[str], timeout: float) -> None:
    """Filings become active once every agency has registered them."""
    deadline = time.monotonic() + timeout
    waiting = set(customs_codes)
    while waiting:
        for code in sorted(waiting):
            if client.get(f"/v1/enterprises/{code}").json().get("status") == "active":
                waiting.discard(code)
        if waiting and time.monotonic() > deadline:
            raise RuntimeError(
                f"filings {sorted(waiting)} are not active after {timeout:.0f} s: "
                "are the agencies running (`singlewindow agencies`)?"
            )
        if waiting:
            time.sleep(0.2)


def run_demo(
    client: httpx.Client,
    count: int,
    *,
    seed: int | None = None,
    on_progress: Callable[[], None] = lambda: None,
    activation_timeout: float = 60,
) -> DemoOutcome:
    """File the demo enterprises, then post ``count`` declarations, about a quarter of them
    broken on purpose (each fault names the rule it breaks)."""
    rng = random.Random(seed)
    run = datetime.now(UTC).strftime("%Y%m%d%H%M%S") + f"{rng.randint(0, 9999):04d}"
    for filing in DEMO_PARTIES.filings():
        answer = client.post("/v1/enterprises", json=filing.body(rng))
        if answer.status_code not in (201, 409):
            raise RuntimeError(f"filing {filing.customs_code} failed: {answer.text}")
    wait_until_active(client, [f.customs_code for f in DEMO_PARTIES.filings()], activation_timeout)
    # The platform declares with a key of its own.
    issued = client.post(
        "/v1/keys",
        json={
            "kind": "enterprise",
            "customsCode": DEMO_PARTIES.platform.customs_code,
            "label": "demo",
        },
    )
    if issued.status_code != 201:
        raise RuntimeError(f"issuing the platform's key failed: {issued.text}")
    platform = {"Authorization": f"Bearer {issued.json()['key']}"}
    buyers = [make_buyer(rng) for _ in range(60)]
    big_spender = make_buyer(rng)
    outcome = DemoOutcome()
    accepted_bodies: list[Body] = []
    for n in range(count):
        order_no = f"DEMO{run}{n:05d}"
        body = make_declaration(
            rng, order_no=order_no, logistics_no=f"SF{run}{n:05d}", buyer=rng.choice(buyers)
        )
        roll = rng.random()
        if roll < 0.20:
            FAULTS[rng.choice(sorted(FAULTS))](body)
        elif roll < 0.24 and accepted_bodies:
            # A waybill number already used by another order.
            body["logistics"]["logisticsNo"] = rng.choice(accepted_bodies)["logistics"][
                "logisticsNo"
            ]
        elif roll < 0.27 and accepted_bodies:
            body = rng.choice(accepted_bodies)  # the same order posted again
        elif roll < 0.30:
            body = make_declaration(
                rng,
                order_no=order_no,
                logistics_no=f"SF{run}{n:05d}",
                buyer=big_spender,
                lines=[(PRODUCTS[7], 1), (PRODUCTS[4], 1)],  # ≈ CNY 4,190 towards 26,000 a year
            )
        answer = client.post(
            "/v1/declarations",
            json=body,
            headers=platform | {"Idempotency-Key": str(uuid.uuid4())},
        )
        outcome.posted += 1
        if answer.status_code == 202:
            outcome.accepted += 1
            accepted_bodies.append(body)
        elif answer.status_code == 409:
            outcome.duplicates += 1
            outcome.count_code(answer.json()["code"])
        elif answer.status_code == 422:
            outcome.refused += 1
            for violation in answer.json().get("violations", []):
                outcome.count_code(violation["code"])
        else:
            raise RuntimeError(f"unexpected answer {answer.status_code}: {answer.text}")
        on_progress()
    return outcome
