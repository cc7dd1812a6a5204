"""File the four parties of an order, declare it, and follow it until the agencies have
decided: the single window's API through the client generated from its OpenAPI document
(examples/client, `make client`).

    python examples/declare.py --url http://127.0.0.1:8000 [--admin-key KEY]

With `make run` going, the admin key is in .singlewindow-admin-key (or give
SW_BOOTSTRAP_ADMIN_KEY). The parties are filed as the admin, once (a second run finds
them filed); the order is declared with the platform's own key, under a new order number
each run. Exit status 0 once the declaration's status is final, 1 otherwise."""

import argparse
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

# The generated client lives beside this script; `pip install -e examples/client` works too.
sys.path.insert(0, str(Path(__file__).resolve().with_name("client")))

from singlewindow_client import AuthenticatedClient
from singlewindow_client.api.declarations import (
    declare_v1_declarations_post as declare,
)
from singlewindow_client.api.declarations import (
    get_declaration_v_1_declarations_declaration_id_get as read_declaration,
)
from singlewindow_client.api.enterprises import (
    file_enterprise_v1_enterprises_post as file_enterprise,
)
from singlewindow_client.api.enterprises import (
    get_enterprise_v_1_enterprises_customs_code_get as read_enterprise,
)
from singlewindow_client.api.keys import create_key_v1_keys_post as create_key
from singlewindow_client.models import (
    ApiKeyCreate,
    ApiKeyIssued,
    DeclarationAccepted,
    DeclarationDetail,
    DeclarationSet,
    EnterpriseCreate,
    EnterpriseFiled,
    EnterprisePublic,
    Problem,
)

FINAL = {"cleared", "detained", "rejected", "cancelled", "returned", "partially_returned"}

# The four enterprises an order names, as in the README's walk-through.
PLATFORM = "1105960001"
PARTIES = [
    ("91110105AGYGLUY3WK", PLATFORM, "北京云购跨境电商平台有限公司", "platform"),
    ("91110101WKKHDRJHTA", "1105960002", "北京海淘优选贸易有限公司", "ecommerce"),
    ("91310101QQJE70K23J", "3101960003", "上海通汇支付服务有限公司", "payment"),
    ("91110108T3E0TWMFMN", "1101960004", "北京速达国际物流有限公司", "logistics"),
]


def main() -> int:
    arguments = parse_arguments()
    admin = AuthenticatedClient(base_url=arguments.url, token=arguments.admin_key, timeout=30)
    for uscc, code, name, role in PARTIES:
        file_once(admin, uscc, code, name, role)
    wait_until_active(admin, [code for _, code, _, _ in PARTIES], arguments.timeout)

    # The platform declares with a key of its own, not the admin's.
    issued = create_key.sync(client=admin, body=ApiKeyCreate.from_dict(platform_key_request()))
    if not isinstance(issued, ApiKeyIssued):
        return refused("a key for the platform", issued)
    platform = AuthenticatedClient(base_url=arguments.url, token=issued.key, timeout=30)

    order_no = f"EXAMPLE-{uuid.uuid4().hex[:12].upper()}"
    accepted = declare.sync(client=platform, body=DeclarationSet.from_dict(declaration(order_no)))
    if not isinstance(accepted, DeclarationAccepted):
        return refused(f"the declaration of {order_no}", accepted)
    print(f"declared {order_no}: {accepted.id} {accepted.status} ({accepted.ceb_status})")

    return follow(platform, accepted.id, arguments.timeout)


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the single window")
    parser.add_argument("--admin-key", default=None, help="default: SW_BOOTSTRAP_ADMIN_KEY")
    parser.add_argument("--timeout", type=float, default=60, help="seconds to wait, at most")
    arguments = parser.parse_args()
    arguments.admin_key = arguments.admin_key or os.environ.get("SW_BOOTSTRAP_ADMIN_KEY")
    key_file = Path(".singlewindow-admin-key")
    if not arguments.admin_key and key_file.exists():
        arguments.admin_key = key_file.read_text().strip()
    if not arguments.admin_key:
        parser.error("no admin key: pass --admin-key or set SW_BOOTSTRAP_ADMIN_KEY")
    return arguments


def file_once(admin: AuthenticatedClient, uscc: str, code: str, name: str, role: str) -> None:
    """File an enterprise; one filed before (409) is left as it is."""
    body = {
        "uscc": uscc,
        "customsCode": code,
        "name": name,
        "roles": [role],
        "contactName": "王芳",
        "telephone": "13800138000",
    }
    answer = file_enterprise.sync_detailed(client=admin, body=EnterpriseCreate.from_dict(body))
    if isinstance(answer.parsed, EnterpriseFiled):
        print(f"filed {code} {name} ({role})")
    elif answer.status_code == 409:
        print(f"{code} {name} was filed before")
    else:
        raise SystemExit(f"filing {code} was refused: {describe(answer.parsed)}")


def wait_until_active(admin: AuthenticatedClient, codes: list[str], timeout: float) -> None:
    """A filing turns active once every agency has registered it."""
    deadline = time.monotonic() + timeout
    waiting = set(codes)
    while waiting:
        for code in sorted(waiting):
            filing = read_enterprise.sync(customs_code=code, client=admin)
            if isinstance(filing, EnterprisePublic) and filing.status == "active":
                waiting.discard(code)
        if waiting and time.monotonic() > deadline:
            raise SystemExit(f"not active after {timeout:.0f} s: {', '.join(sorted(waiting))}")
        if waiting:
            time.sleep(0.5)
    print("the four filings are active")


def follow(client: AuthenticatedClient, declaration_id: str, timeout: float) -> int:
    """Print each status the declaration takes, until a final one."""
    deadline = time.monotonic() + timeout
    shown = None
    while time.monotonic() < deadline:
        detail = read_declaration.sync(declaration_id=declaration_id, client=client)
        if not isinstance(detail, DeclarationDetail):
            return refused(f"reading {declaration_id}", detail)
        if detail.status != shown:
            shown = detail.status
            agencies = ", ".join(f"{a.agency}: {a.status}" for a in detail.agencies)
            print(f"{detail.status} ({detail.ceb_status})  {agencies}")
        if detail.status in FINAL:
            if detail.tax is not None:
                print(f"tax assessed: CNY {detail.tax.total}")
            return 0
        time.sleep(0.5)
    print(f"still {shown} after {timeout:.0f} s", file=sys.stderr)
    return 1


def platform_key_request() -> dict[str, Any]:
    return {"kind": "enterprise", "customsCode": PLATFORM, "label": "examples/declare.py"}


def declaration(order_no: str) -> dict[str, Any]:
    """A T-shirt bought by one buyer: the order (CEB311), the payment (CEB411) and the
    waybill (CEB511), with the CEB tag names. Amounts are strings, exact decimals."""
    buyer = {"name": "李娜", "id": "110105197402042153", "phone": "13912345678"}
    address = "北京市朝阳区建国路88号"
    paid, pay_id = "151.65", f"PAY-{order_no}"
    waybill = f"SD{uuid.uuid4().int % 10**10:010d}"
    return {
        "tradeMode": "9610",
        "order": {
            "orderNo": order_no,
            "ebpCode": PLATFORM,
            "ebpName": PARTIES[0][2],
            "ebcCode": PARTIES[1][1],
            "ebcName": PARTIES[1][2],
            "goodsValue": "129.00",
            "freight": "10.00",
            "discount": "0",
            "taxTotal": "12.65",
            "acturalPaid": paid,
            "currency": "142",
            "buyerRegNo": "u-73021",
            "buyerName": buyer["name"],
            "buyerTelephone": buyer["phone"],
            "buyerIdType": "1",
            "buyerIdNumber": buyer["id"],
            "payCode": PARTIES[2][1],
            "payTransactionId": pay_id,
            "consignee": buyer["name"],
            "consigneeTelephone": buyer["phone"],
            "consigneeAddress": address,
            "items": [
                {
                    "gnum": 1,
                    "itemName": "纯棉T恤",
                    "gmodel": "100%棉，针织，M码",
                    "unit": "007",
                    "qty": 1,
                    "price": "129.00",
                    "totalPrice": "129.00",
                    "currency": "142",
                    "country": "116",
                    "gcode": "6109100021",
                }
            ],
        },
        "payment": {
            "payCode": PARTIES[2][1],
            "payName": PARTIES[2][2],
            "payTransactionId": pay_id,
            "orderNo": order_no,
            "ebpCode": PLATFORM,
            "ebpName": PARTIES[0][2],
            "payerIdType": "1",
            "payerIdNumber": buyer["id"],
            "payerName": buyer["name"],
            "amountPaid": paid,
            "currency": "142",
            "payTime": time.strftime("%Y%m%d%H%M%S"),
        },
        "logistics": {
            "logisticsCode": PARTIES[3][1],
            "logisticsName": PARTIES[3][2],
            "logisticsNo": waybill,
            "orderNo": order_no,
            "freight": "10.00",
            "insuredFee": "0",
            "currency": "142",
            "weight": "0.5",
            "packNo": 1,
            "consignee": buyer["name"],
            "consigneeAddress": address,
            "consigneeTelephone": buyer["phone"],
        },
    }


def describe(answer: object) -> str:
    if isinstance(answer, Problem):
        violations = answer.violations if isinstance(answer.violations, list) else []
        found = "; ".join(f"{v.code} at {v.pointer}: {v.message}" for v in violations)
        return f"{answer.status} {answer.code}: {answer.detail}" + (f" ({found})" if found else "")
    return f"an unexpected answer: {answer!r}"


def refused(what: str, answer: object) -> int:
    print(f"{what} was refused: {describe(answer)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
