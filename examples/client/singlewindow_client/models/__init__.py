"""Contains all the data models used in inputs/outputs"""

from .action_agency_answer import ActionAgencyAnswer
from .action_agency_answer_reasons_item import ActionAgencyAnswerReasonsItem
from .action_answer_out import ActionAnswerOut
from .after_release import AfterRelease
from .agency import Agency
from .agency_result import AgencyResult
from .agency_result_detail_type_0 import AgencyResultDetailType0
from .agency_status import AgencyStatus
from .api_key_create import ApiKeyCreate
from .api_key_issued import ApiKeyIssued
from .api_key_page import ApiKeyPage
from .api_key_public import ApiKeyPublic
from .audit_checkpoint import AuditCheckpoint
from .audit_checkpoint_page import AuditCheckpointPage
from .audit_verification import AuditVerification
from .batch_item_answer import BatchItemAnswer
from .cancellation_request import CancellationRequest
from .certificate_page import CertificatePage
from .certificate_public import CertificatePublic
from .certificate_public_algorithm import CertificatePublicAlgorithm
from .certificate_registration import CertificateRegistration
from .checkpoint_problem import CheckpointProblem
from .clearance_status import ClearanceStatus
from .clearance_times import ClearanceTimes
from .credit_grade import CreditGrade
from .credit_grade_change import CreditGradeChange
from .day_count import DayCount
from .declaration_accepted import DeclarationAccepted
from .declaration_action_out import DeclarationActionOut
from .declaration_action_out_kind import DeclarationActionOutKind
from .declaration_action_out_status import DeclarationActionOutStatus
from .declaration_batch_answer import DeclarationBatchAnswer
from .declaration_batch_request import DeclarationBatchRequest
from .declaration_detail import DeclarationDetail
from .declaration_event_out import DeclarationEventOut
from .declaration_event_page import DeclarationEventPage
from .declaration_outcome import DeclarationOutcome
from .declaration_outcome_outcome import DeclarationOutcomeOutcome
from .declaration_page import DeclarationPage
from .declaration_set import DeclarationSet
from .declaration_set_trademode import DeclarationSetTrademode
from .declaration_summary import DeclarationSummary
from .document_answer import DocumentAnswer
from .document_kind import DocumentKind
from .document_state import DocumentState
from .document_status import DocumentStatus
from .enterprise_create import EnterpriseCreate
from .enterprise_filed import EnterpriseFiled
from .enterprise_filed_registrations import EnterpriseFiledRegistrations
from .enterprise_page import EnterprisePage
from .enterprise_public import EnterprisePublic
from .enterprise_public_registrations import EnterprisePublicRegistrations
from .export_declarations_v1_regulator_declarations_export_get_format import (
    ExportDeclarationsV1RegulatorDeclarationsExportGetFormat,
)
from .feed_item import FeedItem
from .feed_item_data import FeedItemData
from .feed_item_subjecttype import FeedItemSubjecttype
from .feed_page import FeedPage
from .filing_status import FilingStatus
from .filing_status_change import FilingStatusChange
from .filing_status_change_status import FilingStatusChangeStatus
from .healthz_healthz_get_response_healthz_healthz_get import HealthzHealthzGetResponseHealthzHealthzGet
from .kept_checkpoint_result import KeptCheckpointResult
from .key_kind import KeyKind
from .logistics import Logistics
from .order import Order
from .order_document import OrderDocument
from .order_document_app_type_type_0 import OrderDocumentAppTypeType0
from .order_document_item import OrderDocumentItem
from .order_documents import OrderDocuments
from .order_item import OrderItem
from .payment import Payment
from .payment_document import PaymentDocument
from .payment_document_app_type_type_0 import PaymentDocumentAppTypeType0
from .problem import Problem
from .ranked import Ranked
from .readyz_readyz_get_response_readyz_readyz_get import ReadyzReadyzGetResponseReadyzReadyzGet
from .reason import Reason
from .receipt import Receipt
from .receipt_batch import ReceiptBatch
from .receipt_status import ReceiptStatus
from .receipts_applied import ReceiptsApplied
from .regulator_agency import RegulatorAgency
from .return_item import ReturnItem
from .return_request import ReturnRequest
from .returned_line_out import ReturnedLineOut
from .role import Role
from .row_problem import RowProblem
from .row_problem_subjecttype import RowProblemSubjecttype
from .signature_policy_change import SignaturePolicyChange
from .signature_policy_public import SignaturePolicyPublic
from .stats import Stats
from .stats_byagency import StatsByagency
from .stats_byagency_additional_property import StatsByagencyAdditionalProperty
from .stats_bystatus import StatsBystatus
from .stats_refusalsbycode import StatsRefusalsbycode
from .tax_assessed import TaxAssessed
from .tax_assessment import TaxAssessment
from .validation_result import ValidationResult
from .violation import Violation
from .waybill_document import WaybillDocument
from .waybill_document_app_type_type_0 import WaybillDocumentAppTypeType0
from .webhook_create import WebhookCreate
from .webhook_create_events_item import WebhookCreateEventsItem
from .webhook_create_format import WebhookCreateFormat
from .webhook_created import WebhookCreated
from .webhook_created_format import WebhookCreatedFormat
from .webhook_delivery_page import WebhookDeliveryPage
from .webhook_delivery_public import WebhookDeliveryPublic
from .webhook_delivery_public_outcome import WebhookDeliveryPublicOutcome
from .webhook_health import WebhookHealth
from .webhook_page import WebhookPage
from .webhook_public import WebhookPublic
from .webhook_public_format import WebhookPublicFormat

__all__ = (
    "ActionAgencyAnswer",
    "ActionAgencyAnswerReasonsItem",
    "ActionAnswerOut",
    "AfterRelease",
    "Agency",
    "AgencyResult",
    "AgencyResultDetailType0",
    "AgencyStatus",
    "ApiKeyCreate",
    "ApiKeyIssued",
    "ApiKeyPage",
    "ApiKeyPublic",
    "AuditCheckpoint",
    "AuditCheckpointPage",
    "AuditVerification",
    "BatchItemAnswer",
    "CancellationRequest",
    "CertificatePage",
    "CertificatePublic",
    "CertificatePublicAlgorithm",
    "CertificateRegistration",
    "CheckpointProblem",
    "ClearanceStatus",
    "ClearanceTimes",
    "CreditGrade",
    "CreditGradeChange",
    "DayCount",
    "DeclarationAccepted",
    "DeclarationActionOut",
    "DeclarationActionOutKind",
    "DeclarationActionOutStatus",
    "DeclarationBatchAnswer",
    "DeclarationBatchRequest",
    "DeclarationDetail",
    "DeclarationEventOut",
    "DeclarationEventPage",
    "DeclarationOutcome",
    "DeclarationOutcomeOutcome",
    "DeclarationPage",
    "DeclarationSet",
    "DeclarationSetTrademode",
    "DeclarationSummary",
    "DocumentAnswer",
    "DocumentKind",
    "DocumentState",
    "DocumentStatus",
    "EnterpriseCreate",
    "EnterpriseFiled",
    "EnterpriseFiledRegistrations",
    "EnterprisePage",
    "EnterprisePublic",
    "EnterprisePublicRegistrations",
    "ExportDeclarationsV1RegulatorDeclarationsExportGetFormat",
    "FeedItem",
    "FeedItemData",
    "FeedItemSubjecttype",
    "FeedPage",
    "FilingStatus",
    "FilingStatusChange",
    "FilingStatusChangeStatus",
    "HealthzHealthzGetResponseHealthzHealthzGet",
    "KeptCheckpointResult",
    "KeyKind",
    "Logistics",
    "Order",
    "OrderDocument",
    "OrderDocumentAppTypeType0",
    "OrderDocumentItem",
    "OrderDocuments",
    "OrderItem",
    "Payment",
    "PaymentDocument",
    "PaymentDocumentAppTypeType0",
    "Problem",
    "Ranked",
    "ReadyzReadyzGetResponseReadyzReadyzGet",
    "Reason",
    "Receipt",
    "ReceiptBatch",
    "ReceiptsApplied",
    "ReceiptStatus",
    "RegulatorAgency",
    "ReturnedLineOut",
    "ReturnItem",
    "ReturnRequest",
    "Role",
    "RowProblem",
    "RowProblemSubjecttype",
    "SignaturePolicyChange",
    "SignaturePolicyPublic",
    "Stats",
    "StatsByagency",
    "StatsByagencyAdditionalProperty",
    "StatsBystatus",
    "StatsRefusalsbycode",
    "TaxAssessed",
    "TaxAssessment",
    "ValidationResult",
    "Violation",
    "WaybillDocument",
    "WaybillDocumentAppTypeType0",
    "WebhookCreate",
    "WebhookCreated",
    "WebhookCreatedFormat",
    "WebhookCreateEventsItem",
    "WebhookCreateFormat",
    "WebhookDeliveryPage",
    "WebhookDeliveryPublic",
    "WebhookDeliveryPublicOutcome",
    "WebhookHealth",
    "WebhookPage",
    "WebhookPublic",
    "WebhookPublicFormat",
)
