"""PRC resident identity numbers (居民身份证号码, GB 11643): which ones are refused.

A number is refused only when it cannot be anyone's: a wrong check digit, a birth date
that does not exist or has not come yet, or a region code that never existed. The region
table's dates are not held against it: a number keeps the code of where it was first
issued or re-issued, so a holder born in 1962 may rightly carry the code of a county
created in 1994 (涿州市, 130681), or of one since merged away (崇文区, 110103, until 2010).
python-stdnum's own ``ric.is_valid`` refuses both, so only its parts are used here."""

from datetime import date
from functools import lru_cache

from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

LENGTH = 18
# Nobody born earlier holds a number: the cards were first issued in 1984.
EARLIEST_BIRTH = date(1900, 1, 1)


def is_valid(number: str, today: date) -> bool:
    """Whether ``number`` may be a resident's ID number on ``today`` (China time)."""
    return _is_valid(number, today)


# The same buyers come back, and the region lookup reads a table each time.
@lru_cache(maxsize=65536)
def _is_valid(number: str, today: date) -> bool:
    number = ric.compact(number)
    if len(number) != LENGTH or not number[:-1].isascii() or not number[:-1].isdigit():
        return False
    if number[-1] != ric.calc_check_digit(number):
        return False
    try:
        born = ric.get_birth_date(number)
    except ValidationError:
        return False
    return EARLIEST_BIRTH <= born <= today and is_known_region(number[:6])


def is_known_region(code: str) -> bool:
    """Whether ``code`` names a division at any time, whatever its dates."""
    found = numdb.get("cn/loc").info(code)
    return any("county" in properties for _, properties in found)
