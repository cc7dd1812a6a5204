"""What callers other than regulators see of buyers' and payers' personal data."""

import copy
from typing import Any

# Per document, the fields holding ID numbers or phone numbers (the payment's
# ``telephone`` is the payer's).
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "order": ("buyerIdNumber", "buyerTelephone", "consigneeTelephone"),
    "payment": ("payerIdNumber", "telephone"),
    "logistics": ("consigneeTelephone",),
}


def mask(value: str) -> str:
    """Keep a few characters at each end: ``110101199003071234`` → ``1101**********1234``."""
    shown = min(4, len(value) // 4)
    if shown == 0:
        return "*" * len(value)
    return value[:shown] + "*" * (len(value) - 2 * shown) + value[-shown:]


def mask_documents(documents: dict[str, Any]) -> dict[str, Any]:
    masked = copy.deepcopy(documents)
    for document, names in PERSONAL_FIELDS.items():
        part = masked.get(document)
        if not isinstance(part, dict):
            continue
        for name in names:
            if isinstance(part.get(name), str):
                part[name] = mask(part[name])
    return masked
