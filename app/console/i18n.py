"""The console's two languages: every visible word in English and Chinese, the one a page
is shown in, and how a user switches.

The language is the one asked for with ``?lang=`` (then remembered in a cookie), else the
one remembered, else the first of the two that the browser's ``Accept-Language`` prefers,
else Chinese, the language of the people the single window serves."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from starlette.requests import Request

Language = Literal["en", "zh"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
DEFAULT: Language = "zh"
COOKIE = "sw_console_lang"
QUERY = "lang"

# key → (English, Chinese). Texts with {names} are filled in by ``Translator``.
MESSAGES: dict[str, tuple[str, str]] = {
    # The frame of every page.
    "app.name": ("Single Window console", "单一窗口监管控制台"),
    "app.tagline": (
        "Cross-border e-commerce retail imports",
        "跨境电子商务零售进口",
    ),
    "nav.overview": ("Overview", "概览"),
    "nav.declarations": ("Declarations", "申报单"),
    "nav.enterprises": ("Enterprises", "企业备案"),
    "nav.index": ("Published index", "综合指数"),
    "nav.own_filing": ("Our filing", "本企业备案"),
    "nav.logout": ("Log out", "退出登录"),
    "nav.language": ("Language", "语言"),
    "nav.signed_in_as": ("Signed in as", "当前身份"),
    "kind.admin": ("administrator", "系统管理员"),
    "kind.regulator": ("regulator", "监管机构"),
    "kind.enterprise": ("enterprise", "企业"),
    "common.search": ("Search", "查询"),
    "common.show": ("Show", "显示"),
    "common.reset": ("Clear", "清空"),
    "common.next_page": ("Next page", "下一页"),
    "common.first_page": ("First page", "第一页"),
    "common.none": ("None", "无"),
    "common.any": ("Any", "全部"),
    "common.from": ("From", "起始日期"),
    "common.to": ("To", "截止日期"),
    "common.utc_note": ("Dates and times are UTC.", "日期和时间均为协调世界时（UTC）。"),
    "common.count": ("Count", "数量"),
    "common.value": ("Value", "数值"),
    "common.total": ("Total", "合计"),
    "common.nothing": ("Nothing in this period.", "该期间内没有数据。"),
    "common.chart_table": ("The chart's figures", "图表数据"),
    "common.seconds": ("{value} s", "{value} 秒"),
    "common.yes": ("yes", "是"),
    "common.no": ("no", "否"),
    "common.back": ("Back", "返回"),
    # Login.
    "login.title": ("Log in", "登录"),
    "login.key": ("API key", "API 密钥"),
    "login.submit": ("Log in", "登录"),
    "login.help": (
        "Paste an API key. A regulator's or an administrator's key opens the whole "
        "console; an enterprise's key opens the enterprise's own declarations and filing.",
        "请粘贴 API 密钥。监管机构或管理员的密钥可查看整个控制台；企业的密钥只能查看"
        "本企业的申报单和备案。",
    ),
    "login.refused": (
        "This API key is not valid (unknown or revoked).",
        "API 密钥无效（未知或已吊销）。",
    ),
    "login.ended": (
        "Your session has ended, or its key no longer works: log in again.",
        "会话已结束或其密钥已失效，请重新登录。",
    ),
    "login.logged_out": ("You have logged out.", "您已退出登录。"),
    "login.cookie_note": (
        "The console keeps your session in a cookie for eight hours at most.",
        "控制台以 Cookie 保存会话，最长八小时。",
    ),
    # Errors.
    "error.title": ("Not possible", "无法完成"),
    "error.forbidden": (
        "This page is for regulators and administrators.",
        "该页面仅供监管机构和管理员使用。",
    ),
    "error.action_forbidden": (
        "Your key may not take this action.",
        "您的密钥无权执行该操作。",
    ),
    "error.csrf": (
        "The form was not sent from this console's page, or it has expired: open the "
        "page again and resend it.",
        "表单并非从本控制台页面提交，或已过期：请重新打开页面后再提交。",
    ),
    "error.not_found": ("There is no such page.", "页面不存在。"),
    "error.bad_range": (
        "The dates were not understood; the last 30 days are shown.",
        "无法识别所填日期，已显示最近 30 天。",
    ),
    "error.bad_cursor": (
        "That page link is no longer valid; the first page is shown.",
        "分页链接已失效，已显示第一页。",
    ),
    # Overview.
    "overview.title": ("Overview", "概览"),
    "overview.range": ("Declarations created", "申报创建时间"),
    "overview.declarations": ("Declarations", "申报单数"),
    "overview.clearance_rate": ("Clearance rate", "放行率"),
    "overview.clearance_rate_note": (
        "Cleared (returns included) of those the agencies have decided; cancelled "
        "declarations and those still under review count in neither.",
        "已放行（含其后退货）占已有最终结论申报单的比例；已撤销及仍在审核中的申报单不计入。",
    ),
    "overview.cleared_of": ("{cleared} of {decided}", "{decided} 票中 {cleared} 票"),
    "overview.declared_value": ("Declared value (CNY)", "申报货值（元）"),
    "overview.tax_total": ("Tax collected (CNY)", "应征税款（元）"),
    "overview.refusals": ("Refusals by rule", "按规则统计的退单"),
    "overview.refusals_note": (
        "Declarations refused at intake, counted once for each rule they broke.",
        "受理时被拒绝的申报，按违反的每条规则各计一次。",
    ),
    "overview.by_day": ("Declarations per day", "每日申报量"),
    "overview.by_hour": ("Declarations by hour of the day (UTC)", "按时段申报量（UTC 小时）"),
    "overview.day": ("Day", "日期"),
    "overview.hour": ("Hour", "时段"),
    "overview.by_status": ("Declarations by status", "按状态统计"),
    "overview.status": ("Status", "状态"),
    "overview.clearance_times": ("Acceptance to clearance", "受理至放行用时"),
    "overview.cleared": ("Cleared", "已放行"),
    "overview.p50": ("Median (p50)", "中位数（p50）"),
    "overview.p90": ("p90", "p90"),
    "overview.p99": ("p99", "p99"),
    "overview.top_chapters": ("Top HS chapters", "商品编码章节排名"),
    "overview.chapter": ("HS chapter", "HS 章节"),
    "overview.lines": ("Goods lines", "商品项数"),
    "overview.line_value": ("Value (CNY)", "货值（元）"),
    "overview.rule": ("Rule code", "规则代码"),
    "overview.inspections": ("Inspections by credit grade", "按信用等级统计的查验"),
    "overview.inspections_note": (
        "By the e-commerce company's current credit grade, which sets customs' sampling.",
        "按电商企业当前信用等级统计，信用等级决定海关布控抽查比例。",
    ),
    "overview.grade": ("Credit grade", "信用等级"),
    "overview.inspected": ("Inspected", "查验票数"),
    "overview.inspection_rate": ("Inspection rate", "查验率"),
    "overview.agencies": ("Agencies", "各部门"),
    "overview.agency": ("Agency", "部门"),
    "overview.answers": ("Answers", "回执结果"),
    "overview.answered": ("Answered", "已答复"),
    "overview.mean_time": ("Mean answer time", "平均答复用时"),
    "overview.max_time": ("Longest", "最长用时"),
    "overview.health": ("Health", "运行状况"),
    "overview.queue_pending": ("Waiting to send", "待发送"),
    "overview.queue_retrying": ("Failed, retrying", "失败重试中"),
    "overview.queue_overdue": ("Overdue", "已逾期"),
    "overview.queue_dead": ("Dead letters", "死信"),
    "overview.last_error": ("Last error", "最近错误"),
    "overview.backlog": ("Outbox backlog", "待发送积压"),
    "overview.backlog_total": ("Messages waiting", "待发送消息"),
    "overview.backlog_oldest": ("Oldest waiting since", "最早积压时间"),
    "overview.dead_letters": ("Dead letters", "死信"),
    "overview.dead_letters_note": (
        "Messages the agencies refused or that failed for too long; "
        "`singlewindow outbox redrive` sends them again.",
        "被部门拒收或长时间发送失败的消息；可用 `singlewindow outbox redrive` 重新发送。",
    ),
    "overview.message": ("Message", "消息"),
    "overview.destination": ("Destination", "目的地"),
    "overview.subject": ("Subject", "对象"),
    "overview.error": ("Error", "错误"),
    "overview.created": ("Created", "创建时间"),
    "overview.webhooks": ("Parked webhook endpoints", "已暂停推送的回调地址"),
    "overview.webhooks_note": (
        "{parked} of {total} endpoints are parked: only a probe goes out until one answers.",
        "{total} 个回调地址中有 {parked} 个已暂停：恢复应答前仅发送探测请求。",
    ),
    "overview.owner": ("Owner", "所有者"),
    "overview.url": ("URL", "地址"),
    "overview.failures": ("Failures in a row", "连续失败次数"),
    "overview.next_probe": ("Next probe", "下次探测"),
    "health.healthy": ("healthy", "正常"),
    "health.retrying": ("failing, retrying", "发送失败，重试中"),
    "health.overdue": ("behind", "处理滞后"),
    "health.dead": ("dead letters", "存在死信"),
    # Declarations.
    "declarations.title": ("Declarations", "申报单"),
    "declarations.order_no": ("Order number", "订单编号"),
    "declarations.logistics_no": ("Waybill number", "运单编号"),
    "declarations.party": ("Enterprise (customs code)", "企业（海关编码）"),
    "declarations.status": ("Status", "状态"),
    "declarations.created": ("Created", "创建时间"),
    "declarations.platform": ("Platform", "电商平台"),
    "declarations.value": ("Dutiable value (CNY)", "完税价格（元）"),
    "declarations.none_found": ("No declaration matches.", "没有符合条件的申报单。"),
    "declarations.own_only": (
        "Only the declarations your enterprise is a party to are shown.",
        "仅显示本企业参与的申报单。",
    ),
    "declaration.title": ("Declaration {order_no}", "申报单 {order_no}"),
    "declaration.summary": ("Summary", "概要"),
    "declaration.id": ("Declaration id", "申报单编号"),
    "declaration.ceb_status": ("CEB status", "CEB 回执状态"),
    "declaration.version": ("Version", "版本"),
    "declaration.ebp": ("Platform", "电商平台"),
    "declaration.ebc": ("E-commerce company", "电商企业"),
    "declaration.pay": ("Payment company", "支付企业"),
    "declaration.logistics": ("Logistics company", "物流企业"),
    "declaration.trade_mode": ("Trade mode", "贸易方式"),
    "declaration.tax": ("Tax (CNY)", "税款（元）"),
    "declaration.released": ("Released", "放行时间"),
    "declaration.updated": ("Updated", "更新时间"),
    "declaration.agencies": ("Each agency's answer", "各部门回执"),
    "declaration.agency": ("Agency", "部门"),
    "declaration.agency_status": ("Answer", "结果"),
    "declaration.reasons": ("Reasons", "原因"),
    "declaration.decided": ("Decided", "决定时间"),
    "declaration.timeline": ("Status timeline", "状态记录"),
    "declaration.when": ("When", "时间"),
    "declaration.note": ("Note", "说明"),
    "declaration.afterlife": ("Cancellations and returns", "撤销与退货"),
    "declaration.action_kind": ("Kind", "类型"),
    "declaration.action_status": ("State", "状态"),
    "declaration.reason": ("Reason", "原因"),
    "declaration.requested_by": ("Asked by", "申请人"),
    "declaration.completed": ("Completed", "完成时间"),
    "declaration.refund": ("Tax refunded (CNY)", "退税（元）"),
    "declaration.documents": ("Documents", "单证"),
    "declaration.masked": (
        "Buyers' and payers' ID and phone numbers are masked, as the API masks them for "
        "everyone but regulators.",
        "订购人和支付人的证件号码、电话号码已按接口规则脱敏，仅监管机构可见完整信息。",
    ),
    "declaration.unmasked": (
        "Personal data is shown in full: it is for supervision only.",
        "个人信息完整显示，仅限监管使用。",
    ),
    "document.order": ("Order (CEB311)", "电子订单（CEB311）"),
    "document.payment": ("Payment (CEB411)", "支付单（CEB411）"),
    "document.logistics": ("Waybill (CEB511)", "物流运单（CEB511）"),
    "document.items": ("Goods", "商品"),
    "document.field": ("Field", "字段"),
    # Enterprises.
    "enterprises.title": ("Enterprises", "企业备案"),
    "enterprises.code": ("Customs code", "海关编码"),
    "enterprises.name": ("Name", "企业名称"),
    "enterprises.roles": ("Roles", "企业类型"),
    "enterprises.status": ("Filing status", "备案状态"),
    "enterprises.grade": ("Credit grade", "信用等级"),
    "enterprises.registrations": ("Registered with", "已登记部门"),
    "enterprises.filed": ("Filed", "备案时间"),
    "enterprises.find": ("Open by customs code", "按海关编码打开"),
    "enterprises.none_found": ("No filing matches.", "没有符合条件的备案。"),
    "enterprise.title": ("{name}", "{name}"),
    "enterprise.uscc": ("Unified social credit code", "统一社会信用代码"),
    "enterprise.contact": ("Contact", "联系人"),
    "enterprise.telephone": ("Telephone", "联系电话"),
    "enterprise.status_reason": ("Reason for the status", "状态原因"),
    "enterprise.updated": ("Updated", "更新时间"),
    "enterprise.registration_no": ("Registration number", "登记编号"),
    "enterprise.not_registered": ("not yet registered", "尚未登记"),
    "enterprise.declarations": ("Its declarations", "相关申报单"),
    "enterprise.actions": ("Regulators' actions", "监管操作"),
    "enterprise.actions_note": (
        "Each action is kept in the audit trail with your name and reason, and sent to "
        "every agency.",
        "每项操作连同操作人和原因记入审计记录，并通知各部门。",
    ),
    "enterprise.grade_action": ("Set the credit grade", "调整信用等级"),
    "enterprise.grade_submit": ("Set the grade", "确认调整"),
    "enterprise.suspend": ("Suspend the filing", "暂停备案"),
    "enterprise.reinstate": ("Reinstate the filing", "恢复备案"),
    "enterprise.reason": ("Reason (kept in the audit trail)", "原因（记入审计记录）"),
    "enterprise.no_status_action": (
        "No status change is possible from {status}.",
        "当前状态为{status}，无可执行的状态变更。",
    ),
    "enterprise.done.graded": ("The credit grade was set.", "信用等级已调整。"),
    "enterprise.done.suspended": ("The filing was suspended.", "备案已暂停。"),
    "enterprise.done.active": ("The filing was reinstated.", "备案已恢复。"),
    "enterprise.reason_missing": (
        "Give a reason of 1 to 500 characters.",
        "请填写原因（1 至 500 个字符）。",
    ),
    "enterprise.grade_missing": ("Choose a credit grade.", "请选择信用等级。"),
    "enterprise.status_missing": ("Choose a filing status.", "请选择备案状态。"),
    # The published index.
    "index.title": ("Published index (综合指数)", "综合指数"),
    "index.intro": (
        "The monthly statistics the single window publishes: declarations created in the "
        "month, their value and tax, how many were cleared, the submissions refused, and "
        "the cancellations and returns completed in the month.",
        "单一窗口按月发布的统计：当月创建的申报单及其货值、税款、放行情况，被拒绝的"
        "申报，以及当月完成的撤销和退货。",
    ),
    "index.months": ("Months", "月数"),
    "index.month": ("Month", "月份"),
    "index.declarations": ("Declarations", "申报单数"),
    "index.value": ("Declared value (CNY)", "申报货值（元）"),
    "index.tax": ("Tax (CNY)", "税款（元）"),
    "index.clearance_rate": ("Clearance rate", "放行率"),
    "index.refusals": ("Refused submissions", "拒绝受理"),
    "index.cancellations": ("Cancellations", "撤销"),
    "index.returns": ("Returns", "退货"),
    "index.refunds": ("Tax refunded (CNY)", "退税（元）"),
    "index.chart": ("Declarations per month", "每月申报量"),
    "index.download": ("Download as CSV", "下载 CSV"),
}

# Names of the values the service stores, by kind: shown translated, and as stored when
# a value is not listed (a status added later still shows).
VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "status": {
        "accepted": ("accepted", "已受理"),
        "in_review": ("in review", "审核中"),
        "inspection": ("inspection", "查验中"),
        "cleared": ("cleared", "已放行"),
        "detained": ("detained", "已扣留"),
        "rejected": ("rejected", "已退单"),
        "cancelled": ("cancelled", "已撤销"),
        "returned": ("returned", "已退货"),
        "partially_returned": ("partially returned", "部分退货"),
    },
    "agency_status": {
        "pending": ("pending", "待处理"),
        "acknowledged": ("acknowledged", "已接收"),
        "inspection": ("inspection", "查验"),
        "released": ("released", "放行"),
        "detained": ("detained", "扣留"),
        "passed": ("passed", "检验通过"),
        "assessed": ("tax assessed", "已计税"),
        "recorded": ("recorded", "已登记"),
        "rejected": ("rejected", "拒绝"),
    },
    "agency": {
        "customs": ("Customs", "海关"),
        "inspection": ("Inspection and quarantine", "检验检疫"),
        "tax": ("Tax", "税务"),
        "forex": ("Foreign exchange", "外汇"),
        "commerce": ("Commerce", "商务"),
    },
    "grade": {
        "advanced": ("advanced", "高级认证"),
        "general": ("general", "一般信用"),
        "discredited": ("discredited", "失信"),
        "unknown": ("unknown", "未知"),
    },
    "filing": {
        "pending": ("pending", "待生效"),
        "active": ("active", "正常"),
        "suspended": ("suspended", "已暂停"),
        "revoked": ("revoked", "已撤销"),
    },
    "role": {
        "platform": ("platform", "电商平台"),
        "ecommerce": ("e-commerce company", "电商企业"),
        "payment": ("payment company", "支付企业"),
        "logistics": ("logistics company", "物流企业"),
        "agent": ("customs broker", "申报企业"),
    },
    "action": {
        "cancellation": ("cancellation", "撤销申请"),
        "return": ("return", "退货申请"),
    },
    "action_state": {
        "awaiting_customs": ("awaiting customs", "待海关审核"),
        "awaiting_agencies": ("awaiting tax and forex", "待税务、外汇处理"),
        "completed": ("completed", "已完成"),
        "refused": ("refused", "已拒绝"),
    },
}


@dataclass(frozen=True, slots=True)
class Translator:
    """The words of one page, in its language."""

    language: Language

    def __call__(self, key: str, **values: object) -> str:
        english, chinese = MESSAGES[key]
        text = chinese if self.language == "zh" else english
        return text.format(**values) if values else text

    def value(self, kind: str, stored: str | None) -> str:
        if stored is None:
            return ""
        names = VALUES[kind].get(stored)
        if names is None:
            return stored
        return names[1] if self.language == "zh" else names[0]

    def either(self, english: str, chinese: str) -> str:
        """A text the service stores in both languages (its errors)."""
        return chinese if self.language == "zh" else english


def choose(request: Request) -> Language:
    for given in (request.query_params.get(QUERY), request.cookies.get(COOKIE)):
        language = _known(given)
        if language is not None:
            return language
    return from_accept_language(request.headers.get("accept-language", ""))


def asked_for(request: Request) -> Language | None:
    """The language a link switched to (``?lang=``), to remember in the cookie."""
    return _known(request.query_params.get(QUERY))


def _known(given: str | None) -> Language | None:
    return next((language for language in LANGUAGES if language == given), None)


def from_accept_language(header: str) -> Language:
    """The first of the console's languages in the browser's order of preference."""
    found: list[tuple[float, int, Language]] = []
    for position, part in enumerate(header.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        language = next((known for known in LANGUAGES if known == primary), None)
        if language is None:
            continue
        weight = 1.0
        for param in params.split(";"):
            name, _, number = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(number)
                except ValueError:
                    weight = 0.0
        if weight > 0:
            # Higher weight first; at equal weight, the one listed first.
            found.append((-weight, position, language))
    return min(found)[2] if found else DEFAULT


def switch_links(request: Request) -> Mapping[Language, str]:
    """The current page in each language: its address with ``lang`` set."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != QUERY]
    return {
        language: f"{request.url.path}?{urlencode([*kept, (QUERY, language)])}"
        for language in LANGUAGES
    }
