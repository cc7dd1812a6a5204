"""The retail-import policy figures that customs and tax both apply (since 2019)."""

from datetime import timedelta, timezone
from decimal import Decimal

SINGLE_LIMIT = Decimal(5000)  # per transaction, on goods + freight + insurance
ANNUAL_LIMIT = Decimal(26000)  # per buyer and calendar year
# The year runs in China time, which has no daylight saving.
CHINA_TIME = timezone(timedelta(hours=8), "China")
