"""Hostile CEB bodies are refused before they can do harm: any DOCTYPE (and with it
external entities, external DTDs, parameter entities and entity bombs), bodies too large
or nested too deep; each refusal says what was wrong."""

from pathlib import Path

import pytest

from app.ceb import xml
from app.ceb.messages import read_message
from app.ceb.xml import CebXmlError

CEB = 'xmlns:ceb="http://www.chinaport.gov.cn/ceb"'


def refusal(body: bytes, **limits: int) -> CebXmlError:
    with pytest.raises(CebXmlError) as caught:
        xml.parse(body, **limits)
    return caught.value


def test_external_entity_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    body = (
        f'<?xml version="1.0"?>\n<!DOCTYPE m [<!ENTITY xxe SYSTEM "file://{secret}">]>\n'
        f"<ceb:CEB311Message {CEB}><ceb:note>&xxe;</ceb:note></ceb:CEB311Message>"
    ).encode()
    error = refusal(body)
    assert error.code == xml.FORBIDDEN
    assert error.problems[0].line == 2
    assert "DOCTYPE" in error.problems[0].message
    assert "TOP-SECRET" not in str(error)


def test_external_dtd_is_refused() -> None:
    body = b'<?xml version="1.0"?><!DOCTYPE m SYSTEM "http://127.0.0.1:9/evil.dtd"><m/>'
    assert refusal(body).code == xml.FORBIDDEN


def test_parameter_entities_are_refused() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY % remote SYSTEM '
        b'"http://127.0.0.1:9/x.dtd"> %remote; <!ENTITY % inner "<!ENTITY a \'b\'>"> %inner;]>'
        b"<m>&a;</m>"
    )
    assert refusal(body).code == xml.FORBIDDEN


def test_billion_laughs_is_refused() -> None:
    entities = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">{entities}]><lolz>&lol9;</lolz>'
    ).encode()
    error = refusal(body)
    assert error.code == xml.FORBIDDEN
    assert len(error.problems) == 1


def test_a_doctype_the_bytes_hide_is_refused_after_parsing() -> None:
    # UTF-16: the byte scan for "<!DOCTYPE" does not see it; the parsed tree's does.
    body = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE m [<!ENTITY a "b">]><m>&a;</m>'
    assert refusal(body.encode("utf-16")).code == xml.FORBIDDEN


def test_an_undeclared_entity_reference_is_refused() -> None:
    error = refusal(b"<m>\n&unknown;</m>")
    assert error.code == xml.FORBIDDEN
    assert error.problems[0].line == 2


def test_a_bare_ampersand_is_not_well_formed() -> None:
    assert refusal(b"<m>AT&T</m>").code == xml.NOT_WELL_FORMED


def test_too_large_is_refused_before_parsing() -> None:
    body = b"<m>" + b"x" * 2000 + b"</m>"
    error = refusal(body, max_bytes=1000)
    assert error.code == xml.TOO_LARGE
    assert "1000" in error.problems[0].message


def test_the_default_size_limit() -> None:
    body = b"<m>" + b"x" * xml.MAX_MESSAGE_BYTES + b"</m>"
    assert refusal(body).code == xml.TOO_LARGE


@pytest.mark.parametrize("depth", [xml.MAX_DEPTH + 1, 300, 5000])
def test_too_deep_is_refused(depth: int) -> None:
    body = b"<a>" * depth + b"</a>" * depth
    error = refusal(body)
    assert error.code == xml.TOO_DEEP


def test_nesting_up_to_the_limit_is_accepted() -> None:
    body = b"<a>" * xml.MAX_DEPTH + b"</a>" * xml.MAX_DEPTH
    assert xml.parse(body).getroot().tag == "a"


def test_not_well_formed_says_where() -> None:
    error = refusal(b'<?xml version="1.0"?>\n<m>\n  <a></b>\n</m>')
    assert error.code == xml.NOT_WELL_FORMED
    assert error.problems[0].line == 3
    assert "mismatch" in error.problems[0].message


def test_a_message_of_another_namespace_is_not_a_ceb_message() -> None:
    with pytest.raises(CebXmlError) as caught:
        read_message(b"<CEB311Message/>")
    assert caught.value.code == xml.UNKNOWN_MESSAGE
