"""Reading CEB XML safely, and checking it against the customs' schema.

A message comes from outside, so the parser is shut against everything XML can be made
to do beyond holding data: no DTD is loaded and any DOCTYPE is refused (that closes
external entities, external DTDs, parameter entities and entity expansion bombs at
once), entities are never expanded, nothing is fetched from the network, and the body's
size and nesting depth are bounded. Each refusal says what was wrong, and a message
that breaks the schema is answered with every violation the validator finds, each with
its line and element, not only the first."""

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

CEB_NS = "http://www.chinaport.gov.cn/ceb"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
IMPORT_XSD = "ceb-import-202205.xsd"

# Bounds on what a message may be. The largest official sample is 38 KB, and a message
# holds at most 100 records of at most 99 lines each: 4 MiB leaves room for that. The
# deepest official message nests 6 elements (8 with a signature).
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64

# The schema directory beside the project (…/shared/ceb/xsd next to the repository), the
# default of the SW_CEB_XSD_DIR setting.
DEFAULT_XSD_DIR = Path(__file__).resolve().parents[3] / "shared" / "ceb" / "xsd"

# Problem codes, one per kind of refusal.
TOO_LARGE = "xml_too_large"
FORBIDDEN = "xml_forbidden_construct"
TOO_DEEP = "xml_too_deep"
NOT_WELL_FORMED = "xml_not_well_formed"
SCHEMA_VIOLATION = "xml_schema_violation"
UNKNOWN_MESSAGE = "ceb_unknown_message"


@dataclass(frozen=True, slots=True)
class XmlProblem:
    """One reason a message is refused as a whole: where (line, element) and why."""

    code: str
    message: str
    messageZh: str
    line: int | None = None
    element: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "line": self.line,
            "element": self.element,
            "message": self.message,
            "messageZh": self.messageZh,
        }


class CebXmlError(ValueError):
    """A message refused as a whole, with every problem found (never empty)."""

    def __init__(self, problems: Sequence[XmlProblem]) -> None:
        if not problems:
            raise ValueError("a refusal names at least one problem")
        self.problems = tuple(problems)
        self.code = self.problems[0].code
        super().__init__("; ".join(_describe(p) for p in self.problems))


def _describe(problem: XmlProblem) -> str:
    where = []
    if problem.line is not None:
        where.append(f"line {problem.line}")
    if problem.element:
        where.append(problem.element)
    return f"{', '.join(where)}: {problem.message}" if where else problem.message


def _refuse(code: str, message: str, message_zh: str, line: int | None = None) -> CebXmlError:
    return CebXmlError([XmlProblem(code, message, message_zh, line)])


def _parser() -> Any:
    # A parser per message: its error log then holds this message's errors only.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
    )


_ROOT_START = re.compile(rb"<[A-Za-z_:]")


def parse(body: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """The message's element tree (``lxml.etree._ElementTree``), or ``CebXmlError``:
    too large, a DOCTYPE (and with it any entity or DTD), nested too deep, or not
    well-formed XML."""
    if len(body) > max_bytes:
        raise _refuse(
            TOO_LARGE,
            f"the message is {len(body)} bytes; at most {max_bytes} are accepted",
            f"报文大小 {len(body)} 字节，超过上限 {max_bytes} 字节",
        )
    # Refused before parsing, so that an entity bomb costs nothing: a DOCTYPE before the
    # root element. The check after parsing catches one the bytes hide (UTF-16).
    doctype = body.find(b"<!DOCTYPE")
    if doctype != -1:
        root = _ROOT_START.search(body)
        if root is None or doctype < root.start():
            raise _forbidden(body.count(b"\n", 0, doctype) + 1)
    parser = _parser()
    try:
        tree = etree.ElementTree(etree.fromstring(body, parser))
    except etree.XMLSyntaxError:
        problems = [_syntax_problem(entry) for entry in parser.error_log]
        raise CebXmlError(problems or [XmlProblem(NOT_WELL_FORMED, "not XML", "不是XML")]) from None
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _forbidden(1)
    depth = _depth(tree.getroot())
    if depth > max_depth:
        raise _refuse(
            TOO_DEEP,
            f"elements nest {depth} deep; at most {max_depth} levels are accepted",
            f"元素嵌套 {depth} 层，超过上限 {max_depth} 层",
        )
    return tree


def _forbidden(line: int) -> CebXmlError:
    return _refuse(
        FORBIDDEN,
        "a DOCTYPE is not accepted: CEB messages carry no DTD, entity declarations "
        "(internal, external or parameter entities) or external DTD references",
        "不接受 DOCTYPE：CEB 报文不得包含 DTD、实体声明（内部、外部或参数实体）或外部 DTD 引用",
        line,
    )


def _syntax_problem(entry: Any) -> XmlProblem:
    message = str(entry.message).strip()
    if "depth" in message.lower():  # libxml2's own bound (256) on nesting
        return XmlProblem(
            TOO_DEEP,
            f"elements nest too deep ({message})",
            "元素嵌套层数过多",
            entry.line,
        )
    lowered = message.lower()
    if "amplification" in lowered or ("entity" in lowered and "not defined" in lowered):
        return XmlProblem(
            FORBIDDEN,
            f"entities are not accepted ({message})",
            "不接受实体引用",
            entry.line,
        )
    return XmlProblem(
        NOT_WELL_FORMED,
        f"not well-formed XML: {message}",
        f"XML 格式错误：{message}",
        entry.line,
    )


def _depth(root: Any) -> int:
    deepest = level = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        if event == "start":
            level += 1
            deepest = max(deepest, level)
        else:
            level -= 1
    return deepest


# -- the schema -----------------------------------------------------------------------

_schemas = threading.local()


def schema(xsd_dir: Path | None = None) -> Any:
    """The import schema (``lxml.etree.XMLSchema``), loaded once per thread and
    directory: a validator keeps the errors of its last run, so threads do not share
    one. Its xmldsig import resolves to the file beside it; nothing is fetched."""
    given = xsd_dir or DEFAULT_XSD_DIR
    cache: dict[Path, Any] = getattr(_schemas, "by_dir", None) or {}
    _schemas.by_dir = cache
    # Looked up as given first: resolving the path is a system call per component, on
    # every message.
    found = cache.get(given)
    if found is None:
        directory = given.resolve()
        found = cache.get(directory)
    if found is None:
        path = directory / IMPORT_XSD
        if not path.is_file():
            raise FileNotFoundError(
                f"the CEB schema {path} is missing (set SW_CEB_XSD_DIR to the directory "
                f"holding {IMPORT_XSD} and xmldsig-core-schema.xsd)"
            )
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        found = cache[directory] = etree.XMLSchema(etree.parse(str(path), parser))
    cache[given] = found
    return found


_ELEMENT = re.compile(r"Element '(?:\{[^}]*\})?([^']+)'")
_ATTRIBUTE = re.compile(r"attribute '([^']+)'")


def validate(tree: Any, xsd_dir: Path | None = None, *, signature_required: bool = True) -> None:
    """Check a parsed message against ``ceb-import-202205.xsd``; ``CebXmlError`` with
    every violation found. ``signature_required=False`` checks a message that is still
    to be signed (a CEB621 before the window signs it) as if it were."""
    validator = schema(xsd_dir)
    root = tree.getroot()
    stand_in = None
    if not signature_required and root.find(f"{{{DS_NS}}}Signature") is None:
        stand_in = _stand_in_signature()
        root.append(stand_in)
    try:
        valid = validator.validate(tree)
        entries = list(validator.error_log)
    finally:
        if stand_in is not None:
            root.remove(stand_in)
    if not valid:
        raise CebXmlError(list(schema_problems(entries)) or [_schema_problem_without_entry()])


def schema_problems(entries: Iterable[Any]) -> Iterable[XmlProblem]:
    for entry in entries:
        message = str(entry.message).replace(f"{{{CEB_NS}}}", "").replace(f"{{{DS_NS}}}", "ds:")
        element = _ELEMENT.search(message)
        attribute = _ATTRIBUTE.search(message)
        name = element.group(1) if element else None
        if name and attribute:
            name = f"{name}/@{attribute.group(1)}"
        yield XmlProblem(
            SCHEMA_VIOLATION,
            message,
            f"第 {entry.line} 行{f' {name} ' if name else ''}不符合报文规范（XSD）：{message}",
            entry.line,
            name,
        )


def _schema_problem_without_entry() -> XmlProblem:
    return XmlProblem(SCHEMA_VIOLATION, "the message does not follow the schema", "报文不符合规范")


def _stand_in_signature() -> Any:
    def ds(tag: str, parent: Any, **attributes: str) -> Any:
        return etree.SubElement(parent, f"{{{DS_NS}}}{tag}", attributes)

    signature = etree.Element(f"{{{DS_NS}}}Signature", nsmap={"ds": DS_NS})
    signed_info = ds("SignedInfo", signature)
    ds("CanonicalizationMethod", signed_info, Algorithm="urn:stand-in")
    ds("SignatureMethod", signed_info, Algorithm="urn:stand-in")
    reference = ds("Reference", signed_info, URI="")
    ds("DigestMethod", reference, Algorithm="urn:stand-in")
    ds("DigestValue", reference).text = "AA=="
    ds("SignatureValue", signature).text = "AA=="
    return signature


def local_name(element: Any) -> str:
    return str(etree.QName(element).localname)


def read(
    body: bytes,
    xsd_dir: Path | None = None,
    *,
    max_bytes: int = MAX_MESSAGE_BYTES,
    max_depth: int = MAX_DEPTH,
    signature_required: bool = True,
) -> Any:
    """Parse and validate: the message's tree, or ``CebXmlError`` with every problem."""
    tree = parse(body, max_bytes=max_bytes, max_depth=max_depth)
    root = tree.getroot()
    if etree.QName(root).namespace != CEB_NS:
        raise _refuse(
            UNKNOWN_MESSAGE,
            f"the root element {root.tag!r} is not a CEB message (namespace {CEB_NS})",
            f"根元素 {root.tag!r} 不是 CEB 报文（命名空间 {CEB_NS}）",
            root.sourceline,
        )
    validate(tree, xsd_dir, signature_required=signature_required)
    return tree


def serialize(root: Any) -> bytes:
    """A message as UTF-8 bytes, with the declaration the official samples open with."""
    body = etree.tostring(root, encoding="UTF-8", xml_declaration=False, pretty_print=True)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + bytes(body)
