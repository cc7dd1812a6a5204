"""Examples of the API's request bodies and answers, for the OpenAPI document: what the
service took and answered in a run with the demo parties (their names, codes and buyers are
made up). The tests check each against its schema, so that an example never shows a field
the service would refuse or not send."""

import base64
from typing import Any

# The evidence of the complaints below, as filed: a photo of the goods' serial label (JPEG),
# the brand owner's letter (PDF) and a screenshot of a listing (PNG); their pictures a few
# pixels wide, to keep this short. Where the answer is the file itself, its example is the
# file byte for byte, each byte shown as the character of the same code (Latin-1).
_LABEL_PHOTO = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb00430001010101010101"
    "0101010101010101010101010101010101010101010101010101010101010101"
    "01010101010101010101010101010101010101010101010101ffc0000b080008"
    "000801011100ffc40014000100000000000000000000000000000000ffc40014"
    "100100000000000000000000000000000000ffda0008010100003f003fffd9"
)
_BRAND_LETTER = (
    "%PDF-1.4\n"
    "1 0 obj\n"
    "<< /Type /Catalog /Pages 2 0 R >>\n"
    "endobj\n"
    "2 0 obj\n"
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>\n"
    "endobj\n"
    "3 0 obj\n"
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> "
    ">> /Contents 5 0 R >>\n"
    "endobj\n"
    "4 0 obj\n"
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>\n"
    "endobj\n"
    "5 0 obj\n"
    "<< /Length 227 >>\n"
    "stream\n"
    "BT /F1 11 Tf 14 TL 56 780 Td (Brand protection department, on behalf of the maker) Tj T* "
    "(Serial P5K-CN-4A7-2611 was never made or sold by the maker.) Tj T* (The hair dryer sold "
    "as order ORD20261206001 is not genuine.) Tj T* ET\n"
    "endstream\n"
    "endobj\n"
    "xref\n"
    "0 6\n"
    "0000000000 65535 f \n"
    "0000000009 00000 n \n"
    "0000000058 00000 n \n"
    "0000000115 00000 n \n"
    "0000000241 00000 n \n"
    "0000000311 00000 n \n"
    "trailer\n"
    "<< /Size 6 /Root 1 0 R >>\n"
    "startxref\n"
    "589\n"
    "%%EOF\n"
).encode("ascii")
_SCREENSHOT = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a"
    "73000000104944415478da6338616404440c100a00233604b1ae7db9bc000000"
    "0049454e44ae426082"
)

# Request bodies, by the name of their schema.
BODY_EXAMPLES: dict[str, Any] = {
    "DeclarationSet": {
        "tradeMode": "9610",
        "order": {
            "orderType": "I",
            "orderNo": "ORD00000001",
            "ebpCode": "3301960001",
            "ebpName": "杭州云购跨境电子商务平台有限公司",
            "ebcCode": "3301960002",
            "ebcName": "杭州海淘优选贸易有限公司",
            "goodsValue": "978.80",
            "freight": "10.00",
            "discount": "0",
            "taxTotal": "89.98",
            "acturalPaid": "1078.78",
            "currency": "142",
            "buyerRegNo": "U04057849",
            "buyerName": "何伟芳",
            "buyerTelephone": "13115885643",
            "buyerIdType": "1",
            "buyerIdNumber": "110101198504057849",
            "payCode": "3101960003",
            "payName": "上海通汇支付服务有限公司",
            "payTransactionId": "PAYORD00000001",
            "consignee": "何伟芳",
            "consigneeTelephone": "13115885643",
            "consigneeAddress": "北京市东城区王府井大街138号",
            "items": [
                {
                    "gnum": 1,
                    "itemNo": "SKU-101000",
                    "itemName": "美白牙膏",
                    "gmodel": "120g/支，品牌：狮王",
                    "unit": "007",
                    "qty": "2",
                    "price": "39.90",
                    "totalPrice": "79.80",
                    "currency": "142",
                    "country": "116",
                    "gcode": "3306101000",
                },
                {
                    "gnum": 2,
                    "itemNo": "SKU-990090",
                    "itemName": "真皮休闲鞋",
                    "gmodel": "男款42码，牛皮",
                    "unit": "011",
                    "qty": "1",
                    "price": "899.00",
                    "totalPrice": "899.00",
                    "currency": "142",
                    "country": "303",
                    "gcode": "6403990090",
                },
            ],
        },
        "payment": {
            "payCode": "3101960003",
            "payName": "上海通汇支付服务有限公司",
            "payTransactionId": "PAYORD00000001",
            "orderNo": "ORD00000001",
            "ebpCode": "3301960001",
            "ebpName": "杭州云购跨境电子商务平台有限公司",
            "payerIdType": "1",
            "payerIdNumber": "110101198504057849",
            "payerName": "何伟芳",
            "telephone": "13115885643",
            "amountPaid": "1078.78",
            "currency": "142",
            "payTime": "20261206123954",
        },
        "logistics": {
            "logisticsCode": "4403960004",
            "logisticsName": "深圳速达国际物流有限公司",
            "logisticsNo": "SF0000000001",
            "orderNo": "ORD00000001",
            "freight": "10.00",
            "insuredFee": "0.00",
            "currency": "142",
            "weight": "1.0",
            "packNo": 1,
            "goodsInfo": "跨境零售进口商品",
            "consignee": "何伟芳",
            "consigneeAddress": "北京市东城区王府井大街138号",
            "consigneeTelephone": "13115885643",
        },
    },
    "DeclarationBatchRequest": {
        "declarations": [
            {
                "tradeMode": "9610",
                "order": {
                    "orderType": "I",
                    "orderNo": "ORD00000002",
                    "ebpCode": "3301960001",
                    "ebpName": "杭州云购跨境电子商务平台有限公司",
                    "ebcCode": "3301960002",
                    "ebcName": "杭州海淘优选贸易有限公司",
                    "goodsValue": "836.80",
                    "freight": "10.00",
                    "discount": "0",
                    "taxTotal": "77.06",
                    "acturalPaid": "923.86",
                    "currency": "142",
                    "buyerRegNo": "U05074813",
                    "buyerName": "王敏",
                    "buyerTelephone": "13403150545",
                    "buyerIdType": "1",
                    "buyerIdNumber": "110105196205074813",
                    "payCode": "3101960003",
                    "payName": "上海通汇支付服务有限公司",
                    "payTransactionId": "PAYORD00000002",
                    "consignee": "王敏",
                    "consigneeTelephone": "13403150545",
                    "consigneeAddress": "北京市朝阳区建国路88号",
                    "items": [
                        {
                            "gnum": 1,
                            "itemNo": "SKU-008900",
                            "itemName": "积木玩具",
                            "gmodel": "1000片，塑料",
                            "unit": "007",
                            "qty": "1",
                            "price": "499.00",
                            "totalPrice": "499.00",
                            "currency": "142",
                            "country": "133",
                            "gcode": "9503008900",
                        },
                        {
                            "gnum": 2,
                            "itemNo": "SKU-100021",
                            "itemName": "纯棉T恤",
                            "gmodel": "100%棉，针织，M码",
                            "unit": "007",
                            "qty": "2",
                            "price": "129.00",
                            "totalPrice": "258.00",
                            "currency": "142",
                            "country": "116",
                            "gcode": "6109100021",
                        },
                        {
                            "gnum": 3,
                            "itemNo": "SKU-101000",
                            "itemName": "美白牙膏",
                            "gmodel": "120g/支，品牌：狮王",
                            "unit": "007",
                            "qty": "2",
                            "price": "39.90",
                            "totalPrice": "79.80",
                            "currency": "142",
                            "country": "116",
                            "gcode": "3306101000",
                        },
                    ],
                },
                "payment": {
                    "payCode": "3101960003",
                    "payName": "上海通汇支付服务有限公司",
                    "payTransactionId": "PAYORD00000002",
                    "orderNo": "ORD00000002",
                    "ebpCode": "3301960001",
                    "ebpName": "杭州云购跨境电子商务平台有限公司",
                    "payerIdType": "1",
                    "payerIdNumber": "110105196205074813",
                    "payerName": "王敏",
                    "telephone": "13403150545",
                    "amountPaid": "923.86",
                    "currency": "142",
                    "payTime": "20261206123954",
                },
                "logistics": {
                    "logisticsCode": "4403960004",
                    "logisticsName": "深圳速达国际物流有限公司",
                    "logisticsNo": "SF0000000002",
                    "orderNo": "ORD00000002",
                    "freight": "10.00",
                    "insuredFee": "0.00",
                    "currency": "142",
                    "weight": "1.5",
                    "packNo": 1,
                    "goodsInfo": "跨境零售进口商品",
                    "consignee": "王敏",
                    "consigneeAddress": "北京市朝阳区建国路88号",
                    "consigneeTelephone": "13403150545",
                },
            },
            {
                "tradeMode": "9610",
                "order": {
                    "orderType": "I",
                    "orderNo": "ORD00000003",
                    "ebpCode": "3301960001",
                    "ebpName": "杭州云购跨境电子商务平台有限公司",
                    "ebcCode": "3301960002",
                    "ebcName": "杭州海淘优选贸易有限公司",
                    "goodsValue": "159.00",
                    "freight": "10.00",
                    "discount": "0",
                    "taxTotal": "15.38",
                    "acturalPaid": "1.00",
                    "currency": "142",
                    "buyerRegNo": "U01019444",
                    "buyerName": "吴伟洋",
                    "buyerTelephone": "13126692604",
                    "buyerIdType": "1",
                    "buyerIdNumber": "110105199401019444",
                    "payCode": "3101960003",
                    "payName": "上海通汇支付服务有限公司",
                    "payTransactionId": "PAYORD00000003",
                    "consignee": "吴伟洋",
                    "consigneeTelephone": "13126692604",
                    "consigneeAddress": "北京市朝阳区建国路88号",
                    "items": [
                        {
                            "gnum": 1,
                            "itemNo": "SKU-909090",
                            "itemName": "鱼油软胶囊",
                            "gmodel": "400粒/瓶，品牌：Blackmores",
                            "unit": "007",
                            "qty": "1",
                            "price": "159.00",
                            "totalPrice": "159.00",
                            "currency": "142",
                            "country": "601",
                            "gcode": "2106909090",
                        },
                    ],
                },
                "payment": {
                    "payCode": "3101960003",
                    "payName": "上海通汇支付服务有限公司",
                    "payTransactionId": "PAYORD00000003",
                    "orderNo": "ORD00000003",
                    "ebpCode": "3301960001",
                    "ebpName": "杭州云购跨境电子商务平台有限公司",
                    "payerIdType": "1",
                    "payerIdNumber": "110105199401019444",
                    "payerName": "吴伟洋",
                    "telephone": "13126692604",
                    "amountPaid": "184.38",
                    "currency": "142",
                    "payTime": "20261206123954",
                },
                "logistics": {
                    "logisticsCode": "4403960004",
                    "logisticsName": "深圳速达国际物流有限公司",
                    "logisticsNo": "SF0000000003",
                    "orderNo": "ORD00000003",
                    "freight": "10.00",
                    "insuredFee": "0.00",
                    "currency": "142",
                    "weight": "0.5",
                    "packNo": 1,
                    "goodsInfo": "跨境零售进口商品",
                    "consignee": "吴伟洋",
                    "consigneeAddress": "北京市朝阳区建国路88号",
                    "consigneeTelephone": "13126692604",
                },
            },
        ],
    },
    "EnterpriseCreate": {
        "uscc": "91310101UHUXQEEGUR",
        "customsCode": "3301960001",
        "name": "杭州云购跨境电子商务平台有限公司",
        "roles": [
            "platform",
        ],
        "contactName": "罗娜",
        "telephone": "19563855860",
    },
    "ApiKeyCreate": {
        "kind": "regulator",
        "agency": "customs",
        "label": "customs risk desk",
    },
    "CreditGradeChange": {
        "creditGrade": "advanced",
        "reason": "AEO advanced certification granted",
    },
    "FilingStatusChange": {
        "status": "suspended",
        "reason": "Filing under review after repeated refused declarations",
    },
    "ReceiptBatch": {
        "receipts": [
            {
                "declarationId": "01a249a6-bedd-7564-ab4f-9a91a2548770",
                "agency": "customs",
                "status": "released",
                "sequence": 2,
                "decidedAt": "2026-12-06T04:39:54.371263+00:00",
            },
        ],
    },
    "WebhookCreate": {
        "url": "https://hooks.yungou.example.cn/singlewindow",
        "events": [
            "declaration.status_changed",
        ],
        "format": "json",
    },
    "OrderDocument": {
        "orderType": "I",
        "orderNo": "ORD00000004",
        "ebpCode": "3301960001",
        "ebpName": "杭州云购跨境电子商务平台有限公司",
        "ebcCode": "3301960002",
        "ebcName": "杭州海淘优选贸易有限公司",
        "goodsValue": "3280.00",
        "freight": "10.00",
        "discount": "0",
        "taxTotal": "299.39",
        "acturalPaid": "3589.39",
        "currency": "142",
        "buyerRegNo": "U12216986",
        "buyerName": "李涛艳",
        "buyerTelephone": "13600538584",
        "buyerIdType": "1",
        "buyerIdNumber": "110105196712216986",
        "payCode": "3101960003",
        "payName": "上海通汇支付服务有限公司",
        "payTransactionId": "PAYORD00000004",
        "consignee": "李涛艳",
        "consigneeTelephone": "13600538584",
        "consigneeAddress": "北京市朝阳区建国路88号",
        "items": [
            {
                "gnum": 1,
                "itemNo": "SKU-210000",
                "itemName": "皮革手提包",
                "gmodel": "牛皮，中号",
                "unit": "007",
                "qty": "1",
                "price": "3280.00",
                "totalPrice": "3280.00",
                "currency": "142",
                "country": "502",
                "gcode": "4202210000",
            },
        ],
    },
    "PaymentDocument": {
        "payCode": "3101960003",
        "payName": "上海通汇支付服务有限公司",
        "payTransactionId": "PAYORD00000004",
        "orderNo": "ORD00000004",
        "ebpCode": "3301960001",
        "ebpName": "杭州云购跨境电子商务平台有限公司",
        "payerIdType": "1",
        "payerIdNumber": "110105196712216986",
        "payerName": "李涛艳",
        "telephone": "13600538584",
        "amountPaid": "3589.39",
        "currency": "142",
        "payTime": "20261206123954",
    },
    "WaybillDocument": {
        "logisticsCode": "4403960004",
        "logisticsName": "深圳速达国际物流有限公司",
        "logisticsNo": "SF0000000004",
        "orderNo": "ORD00000004",
        "freight": "10.00",
        "insuredFee": "0.00",
        "currency": "142",
        "weight": "0.5",
        "packNo": 1,
        "goodsInfo": "跨境零售进口商品",
        "consignee": "李涛艳",
        "consigneeAddress": "北京市朝阳区建国路88号",
        "consigneeTelephone": "13600538584",
    },
    "CertificateRegistration": {
        "certificate": (
            "-----BEGIN CERTIFICATE-----\n"
            "MIICujCCAaKgAwIBAgIUd8E8l7WiP4uqxWv5TMLji/sOtlkwDQYJKoZI"
            "hvcNAQEL\n"
            "BQAwFzEVMBMGA1UEAwwM5rWL6K+V5LyB5LiaMB4XDTI2MTIwNTA0Mzk1"
            "NFoXDTI3\n"
            "MTIwNTA0Mzk1NFowFzEVMBMGA1UEAwwM5rWL6K+V5LyB5LiaMIIBIjAN"
            "BgkqhkiG\n"
            "9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmc4CiKg3kDOgFnvsNsd2sKyTwl71"
            "O0uivoC6\n"
            "ajRMbNP6NAs2SZXbs4mKT+xKkuqk2ww8GAGbXbBu4eqeGKs9W94nCkjE"
            "EPW5bQo6\n"
            "ueOcoSNP7anT9Gm196v1RqXgtub6ZWKiUT9UXrSslL2c3VwsM7f6sZCY"
            "g3EqecHr\n"
            "NB8rjWjKgypJlcewEiNZNIpDZ2GAUzfw0wT1slvyeTKpQm5NMzp0FoIf"
            "WMQ3EIBz\n"
            "nMDH3YTqOXMBVcMZF7RD0jVFA3rEb28C3wCvL/fw6o/UilkPeuKFEwS4"
            "1/H55/id\n"
            "RGYSD39MpMB0lKbPhFk/BjmqjeV/gF12i0kQD+9kDhRKi1+a4wIDAQAB"
            "MA0GCSqG\n"
            "SIb3DQEBCwUAA4IBAQBIMIQz/DCzv9pyd9aYQR6u1o3jJpYPRJqKwrW2"
            "NgF02jZ8\n"
            "CM5RDd7JyVAv5RRUwOKhcpgMQoOf7H26B5tCmfchETFIGHC2iFHfGveV"
            "SVjoCsnV\n"
            "wImqGEHtqajT2crxkYUxiLTr4npsKevTNtiw8K53Rc9gZq8viF+OOkjz"
            "x1l5MPp8\n"
            "sNEr+Nb/LkQcqPCH7ke/eHbQk3GLi0qUofMwqA6/s5U9dN3Rw8ajXf+P"
            "NaUXnOsl\n"
            "Ms+/Ph5uFmmbvelZEE7V420ZinsynF3R9s9YvWJJIkjDAuQsNLVfIaQr"
            "VtKVoSQD\n"
            "akep2iWeHQ7bgQUUJOokIX/uKkuXlMcZD0O/AHyX\n"
            "-----END CERTIFICATE-----\n"
        ),
    },
    "SignaturePolicyChange": {
        "unsignedAccepted": False,
    },
    "CancellationRequest": {
        "reason": "Order voided at the buyer's request before shipping",
    },
    "ReturnRequest": {
        "logisticsNo": "SF0000000001",
        "items": [
            {
                "gnum": 1,
                "qty": "1",
            },
        ],
        "reason": "The buyer sent one item back within the return window",
    },
    "AuditCheckpoint": {
        "seq": 36,
        "hash": ("e7252b3ab7bc8abd3ea1933c8d714015975a8660c6a5824f9b92582a8e4cfd61"),
        "createdAt": "2026-12-06T04:39:54.655673Z",
        "keyId": "d3bbfd9d4fe86b07",
        "signature": ("fa0a0ecfa6aac8dbad583e59abe63c4112a1ad37766b2c1dfa9df73ce404dc98"),
    },
    # Goods: product filings, delivery events, recalls, certificates of origin.
    "ProductFilingCreate": {
        "ebcCode": "3301960002",
        "itemNo": "SKU-990099",
        "name": "保湿面霜",
        "hsCode": "3304990099",
        "barcode": "6901234567892",
        "brand": "雪肌",
        "manufacturer": "Shiseido Co., Ltd.",
        "originCountry": "116",
        "unit": "007",
        "specification": "50ml/瓶",
    },
    "DeliveryEventCreate": {
        "event": "delivered",
        "at": "2026-12-06T04:46:10+00:00",
        "place": "北京市朝阳区建国路88号",
        "note": "本人签收",
    },
    "RecallCreate": {
        "barcode": "6901234567892",
        "batch": "LOT-2026-11A",
        "reason": "Microbial contamination found in batch LOT-2026-11A.",
    },
    "OriginCertificateCreate": {
        "ebcCode": "3301960002",
        "fta": "rcep",
        "hsCode": "6109100021",
        "value": "12000.00",
        "exportCountry": "116",
    },
    # Trust: the credit negative list, complaints and take-down notices.
    "ListingCreate": {
        "customsCode": "3301960002",
        "reason": (
            "Sold counterfeit hair dryers through cross-border retail imports (complaint upheld)."
        ),
        "legalBasis": "《中华人民共和国电子商务法》第十三条、第八十五条",
        "authority": "杭州市市场监督管理局",
        "until": "2029-12-06T00:00:00+08:00",
    },
    "ListingLift": {
        "reason": "Duties and fine paid; rectification accepted by the customs district.",
    },
    "ComplaintCreate": {
        "kind": "counterfeit",
        "enterpriseCode": "3301960002",
        "product": {
            "name": "电吹风",
            "itemNo": "SKU-310000",
            "barcode": "6953018310002",
        },
        "listingUrl": "https://www.yungou.example.cn/item/SKU-310000",
        "orderNo": "ORD20261206001",
        "logisticsNo": "SF1206000001",
        "description": "收到的电吹风序列号在品牌官网查询不到，做工粗糙，插头无3C标志，怀疑为假货。",
        "complainant": {
            "kind": "consumer",
            "name": "张洋",
            "contact": "13506710094",
        },
        "attachments": [
            {
                "filename": "serial-label.jpg",
                "contentType": "image/jpeg",
                "data": base64.b64encode(_LABEL_PHOTO).decode(),
            },
            {
                "filename": "brand-letter.pdf",
                "contentType": "application/pdf",
                "data": base64.b64encode(_BRAND_LETTER).decode(),
            },
        ],
    },
    "ComplaintDecision": {
        "decision": "uphold",
        "reason": "Brand owner confirmed the serial number is not genuine; counterfeit goods.",
        "blockProduct": True,
        "acknowledgeWithinHours": 24,
    },
    "TakedownAcknowledgement": {
        "actionTaken": (
            "Listing SKU-310000 removed; the seller's store is suspended pending review."
        ),
    },
}

# Answers, by the name of their schema.
RESPONSE_EXAMPLES: dict[str, Any] = {
    "DeclarationAccepted": {
        "id": "01a249a6-bedd-7564-ab4f-9a91a2548770",
        "status": "accepted",
        "cebStatus": 120,
        "createdAt": "2026-12-06T04:39:54.359510Z",
    },
    "DeclarationDetail": {
        "id": "01a249a6-bedd-7564-ab4f-9a91a2548770",
        "ebpCode": "3301960001",
        "ebcCode": "3301960002",
        "orderNo": "ORD00000001",
        "logisticsCode": "4403960004",
        "logisticsNo": "SF0000000001",
        "tradeMode": "9610",
        "status": "cleared",
        "cebStatus": 800,
        "dutiableValue": "988.80000",
        "createdAt": "2026-12-06T04:39:54.359510Z",
        "updatedAt": "2026-12-06T04:39:54.403505Z",
        "version": 1,
        "documents": {
            "order": {
                "guid": None,
                "appType": None,
                "appTime": None,
                "appStatus": None,
                "orderType": "I",
                "orderNo": "ORD00000001",
                "ebpCode": "3301960001",
                "ebpName": "杭州云购跨境电子商务平台有限公司",
                "ebcCode": "3301960002",
                "ebcName": "杭州海淘优选贸易有限公司",
                "goodsValue": "978.80",
                "freight": "10.00",
                "discount": "0",
                "taxTotal": "89.98",
                "acturalPaid": "1078.78",
                "currency": "142",
                "buyerRegNo": "U04057849",
                "buyerName": "何伟芳",
                "buyerTelephone": "13*******43",
                "buyerIdType": "1",
                "buyerIdNumber": "1101**********7849",
                "payCode": "3101960003",
                "payName": "上海通汇支付服务有限公司",
                "payTransactionId": "PAYORD00000001",
                "batchNumbers": None,
                "consignee": "何伟芳",
                "consigneeTelephone": "13*******43",
                "consigneeAddress": "北京市东城区王府井大街138号",
                "consigneeDistrict": None,
                "note": None,
                "items": [
                    {
                        "gnum": 1,
                        "itemNo": "SKU-101000",
                        "itemName": "美白牙膏",
                        "gmodel": "120g/支，品牌：狮王",
                        "itemDescribe": None,
                        "barCode": None,
                        "unit": "007",
                        "qty": "2",
                        "price": "39.90",
                        "totalPrice": "79.80",
                        "currency": "142",
                        "country": "116",
                        "note": None,
                        "gcode": "3306101000",
                    },
                    {
                        "gnum": 2,
                        "itemNo": "SKU-990090",
                        "itemName": "真皮休闲鞋",
                        "gmodel": "男款42码，牛皮",
                        "itemDescribe": None,
                        "barCode": None,
                        "unit": "011",
                        "qty": "1",
                        "price": "899.00",
                        "totalPrice": "899.00",
                        "currency": "142",
                        "country": "303",
                        "note": None,
                        "gcode": "6403990090",
                    },
                ],
            },
            "payment": {
                "guid": None,
                "appType": None,
                "appTime": None,
                "appStatus": None,
                "payCode": "3101960003",
                "payName": "上海通汇支付服务有限公司",
                "payTransactionId": "PAYORD00000001",
                "orderNo": "ORD00000001",
                "ebpCode": "3301960001",
                "ebpName": "杭州云购跨境电子商务平台有限公司",
                "payerIdType": "1",
                "payerIdNumber": "1101**********7849",
                "payerName": "何伟芳",
                "telephone": "13*******43",
                "amountPaid": "1078.78",
                "currency": "142",
                "payTime": "20261206123954",
                "note": None,
            },
            "logistics": {
                "guid": None,
                "appType": None,
                "appTime": None,
                "appStatus": None,
                "logisticsCode": "4403960004",
                "logisticsName": "深圳速达国际物流有限公司",
                "logisticsNo": "SF0000000001",
                "billNo": None,
                "orderNo": "ORD00000001",
                "freight": "10.00",
                "insuredFee": "0.00",
                "currency": "142",
                "weight": "1.0",
                "packNo": 1,
                "goodsInfo": "跨境零售进口商品",
                "consignee": "何伟芳",
                "consigneeAddress": "北京市东城区王府井大街138号",
                "consigneeTelephone": "13*******43",
                "note": None,
            },
            "tradeMode": "9610",
            "customsCode": None,
            "portCode": None,
        },
        "agencies": [
            {
                "agency": "customs",
                "status": "released",
                "detail": {
                    "reasons": [],
                    "decidedAt": "2026-12-06T04:39:54.371263+00:00",
                },
                "updatedAt": "2026-12-06T04:39:54.378066Z",
            },
            {
                "agency": "forex",
                "status": "recorded",
                "detail": {
                    "reasons": [],
                    "decidedAt": "2026-12-06T04:39:54.400224+00:00",
                },
                "updatedAt": "2026-12-06T04:39:54.403505Z",
            },
            {
                "agency": "inspection",
                "status": "passed",
                "detail": {
                    "reasons": [],
                    "decidedAt": "2026-12-06T04:39:54.384246+00:00",
                },
                "updatedAt": "2026-12-06T04:39:54.388026Z",
            },
            {
                "agency": "tax",
                "status": "assessed",
                "detail": {
                    "reasons": [],
                    "decidedAt": "2026-12-06T04:39:54.390861+00:00",
                    "tax": {
                        "customsTax": "0",
                        "valueAddedTax": "60.79",
                        "consumptionTax": "0",
                        "total": "60.79",
                    },
                },
                "updatedAt": "2026-12-06T04:39:54.394647Z",
            },
        ],
        "tax": {
            "customsTax": "0",
            "valueAddedTax": "60.79",
            "consumptionTax": "0",
            "total": "60.79",
        },
        "releasedAt": "2026-12-06T04:39:54.378066Z",
        "cancellations": [],
        "returns": [],
    },
    "DeclarationPage": {
        "nextCursor": None,
        "items": [
            {
                "id": "01a249a6-bedd-7564-ab4f-9a91a2548770",
                "ebpCode": "3301960001",
                "ebcCode": "3301960002",
                "orderNo": "ORD00000001",
                "logisticsCode": "4403960004",
                "logisticsNo": "SF0000000001",
                "tradeMode": "9610",
                "status": "cleared",
                "cebStatus": 800,
                "dutiableValue": "988.80000",
                "createdAt": "2026-12-06T04:39:54.359510Z",
                "updatedAt": "2026-12-06T04:39:54.403505Z",
            },
        ],
    },
    "DeclarationEventPage": {
        "nextCursor": None,
        "items": [
            {
                "id": 1,
                "status": "accepted",
                "cebStatus": 120,
                "agency": None,
                "note": ("Accepted by the single window; queued for the agencies."),
                "createdAt": "2026-12-06T04:39:54.359510Z",
            },
            {
                "id": 2,
                "status": "in_review",
                "cebStatus": 300,
                "agency": "customs",
                "note": "customs: released",
                "createdAt": "2026-12-06T04:39:54.378066Z",
            },
            {
                "id": 3,
                "status": "in_review",
                "cebStatus": 300,
                "agency": "inspection",
                "note": "inspection: passed",
                "createdAt": "2026-12-06T04:39:54.388026Z",
            },
            {
                "id": 4,
                "status": "in_review",
                "cebStatus": 300,
                "agency": "tax",
                "note": "tax: assessed",
                "createdAt": "2026-12-06T04:39:54.394647Z",
            },
            {
                "id": 5,
                "status": "cleared",
                "cebStatus": 800,
                "agency": "forex",
                "note": "forex: recorded",
                "createdAt": "2026-12-06T04:39:54.403505Z",
            },
        ],
    },
    "DeclarationBatchAnswer": {
        "accepted": 1,
        "refused": 1,
        "results": [
            {
                "index": 0,
                "outcome": "accepted",
                "id": "01a249a6-bf40-710e-af8c-798e48d9cf43",
                "status": "accepted",
                "cebStatus": 120,
                "location": ("/v1/declarations/01a249a6-bf40-710e-af8c-798e48d9cf43"),
                "violations": [],
            },
            {
                "index": 1,
                "outcome": "declaration_refused",
                "violations": [
                    {
                        "code": "paid_amount_formula",
                        "pointer": "/order/acturalPaid",
                        "message": (
                            "acturalPaid 1.00 should be goodsValue + "
                            "freight + taxTotal − discount = 184.38"
                        ),
                        "messageZh": (
                            "实际支付金额 1.00 应等于 商品价格 + 运杂"
                            "费 + 代扣税款 − 非现金抵扣 = 184.38"
                        ),
                    },
                    {
                        "code": "paid_amount_mismatch",
                        "pointer": "/payment/amountPaid",
                        "message": ("amountPaid 184.38 differs from the order's acturalPaid 1.00"),
                        "messageZh": ("支付金额 184.38 与订单实际支付金额 1.00 不一致"),
                    },
                ],
            },
        ],
    },
    "ValidationResult": {
        "valid": False,
        "violations": [
            {
                "code": "paid_amount_formula",
                "pointer": "/order/acturalPaid",
                "parameter": None,
                "line": None,
                "element": None,
                "message": (
                    "acturalPaid 1.00 should be goodsValue + freight + taxTotal − discount = 184.38"
                ),
                "messageZh": (
                    "实际支付金额 1.00 应等于 商品价格 + 运杂费 + 代扣税款 − 非现金抵扣 = 184.38"
                ),
            },
            {
                "code": "paid_amount_mismatch",
                "pointer": "/payment/amountPaid",
                "parameter": None,
                "line": None,
                "element": None,
                "message": ("amountPaid 184.38 differs from the order's acturalPaid 1.00"),
                "messageZh": "支付金额 184.38 与订单实际支付金额 1.00 不一致",
            },
        ],
    },
    "EnterpriseFiled": {
        "customsCode": "3301960001",
        "uscc": "91310101UHUXQEEGUR",
        "name": "杭州云购跨境电子商务平台有限公司",
        "roles": [
            "platform",
        ],
        "contactName": "罗娜",
        "telephone": "19563855860",
        "status": "pending",
        "creditGrade": "general",
        "registrations": {},
        "createdAt": "2026-12-06T04:39:54.274886Z",
        "updatedAt": "2026-12-06T04:39:54.274886Z",
        "apiKey": {
            "id": "613d2ccc-568d-4a6f-b45a-33e70ec0de04",
            "prefix": "sw_e_P1jFiDN",
            "key": "sw_e_P1jFiDNUiOPcov44bGSwTgB0gq3GV-fOFQQzO8hsrXc",
        },
    },
    "EnterprisePage": {
        "nextCursor": "WzRd",
        "items": [
            {
                "customsCode": "4403960004",
                "uscc": "91110101L9F0M2EL8J",
                "name": "深圳速达国际物流有限公司",
                "roles": [
                    "logistics",
                ],
                "contactName": "胡娟",
                "telephone": "16242315791",
                "status": "active",
                "creditGrade": "general",
                "registrations": {
                    "customs": "CUS4403960004",
                    "forex": "FOR4403960004",
                    "inspection": "INS4403960004",
                    "tax": "TAX4403960004",
                },
                "createdAt": "2026-12-06T04:39:54.307677Z",
                "updatedAt": "2026-12-06T04:39:54.323190Z",
            },
        ],
    },
    "EnterprisePublic": {
        "customsCode": "3301960001",
        "uscc": "91310101UHUXQEEGUR",
        "name": "杭州云购跨境电子商务平台有限公司",
        "roles": [
            "platform",
        ],
        "contactName": "罗娜",
        "telephone": "19563855860",
        "status": "active",
        "creditGrade": "general",
        "registrations": {
            "customs": "CUS3301960001",
            "forex": "FOR3301960001",
            "inspection": "INS3301960001",
            "tax": "TAX3301960001",
        },
        "createdAt": "2026-12-06T04:39:54.274886Z",
        "updatedAt": "2026-12-06T04:39:54.323190Z",
    },
    "ApiKeyIssued": {
        "id": "2c1444eb-8c84-46b7-b253-996b1e7536ae",
        "prefix": "sw_r_9jDfclh",
        "key": "sw_r_9jDfclhMvPrGTBEq5fEQr1S00s0iYWW1WhF5Yq2qNZc",
    },
    "ApiKeyPage": {
        "items": [
            {
                "id": "613d2ccc-568d-4a6f-b45a-33e70ec0de04",
                "prefix": "sw_e_P1jFiDN",
                "kind": "enterprise",
                "agency": None,
                "customsCode": "3301960001",
                "label": "first key",
                "createdBy": "admin:bootstrap",
                "createdAt": "2026-12-06T04:39:54.282795Z",
                "revokedAt": None,
            },
        ],
        "nextCursor": None,
    },
    "WebhookCreated": {
        "id": "cc5cfe00-8781-46ab-b944-6771466aeeb0",
        "url": "https://hooks.yungou.example.cn/singlewindow",
        "events": [
            "declaration.status_changed",
        ],
        "customsCode": "3301960001",
        "format": "json",
        "createdAt": "2026-12-06T04:39:54.475704Z",
        "health": {
            "lastSuccessAt": None,
            "lastFailureAt": None,
            "lastFailureReason": None,
            "consecutiveFailures": 0,
            "parked": False,
            "nextAttemptAt": None,
        },
        "secret": "whsec_C0QBr9Je9uX46RNEMJ9Uhc7Y7r/Ne/KFn1w+rJLcErA=",
    },
    "WebhookPage": {
        "items": [
            {
                "id": "cc5cfe00-8781-46ab-b944-6771466aeeb0",
                "url": "https://hooks.yungou.example.cn/singlewindow",
                "events": [
                    "declaration.status_changed",
                ],
                "customsCode": "3301960001",
                "format": "json",
                "createdAt": "2026-12-06T04:39:54.475704Z",
                "health": {
                    "lastSuccessAt": None,
                    "lastFailureAt": None,
                    "lastFailureReason": None,
                    "consecutiveFailures": 0,
                    "parked": False,
                    "nextAttemptAt": None,
                },
            },
        ],
        "nextCursor": None,
    },
    "WebhookPublic": {
        "id": "cc5cfe00-8781-46ab-b944-6771466aeeb0",
        "url": "https://hooks.yungou.example.cn/singlewindow",
        "events": [
            "declaration.status_changed",
        ],
        "customsCode": "3301960001",
        "format": "json",
        "createdAt": "2026-12-06T04:39:54.475704Z",
        "health": {
            "lastSuccessAt": None,
            "lastFailureAt": None,
            "lastFailureReason": None,
            "consecutiveFailures": 0,
            "parked": False,
            "nextAttemptAt": None,
        },
    },
    "Stats": {
        "createdFrom": "2026-11-06T04:39:54.503407Z",
        "createdTo": "2026-12-06T04:39:54.503407Z",
        "declarations": 2,
        "byStatus": {
            "accepted": 1,
            "cleared": 1,
        },
        "byDay": [
            {
                "day": "2026-12-06",
                "declarations": 2,
            },
        ],
        "byAgency": {
            "customs": {
                "released": 1,
            },
            "forex": {
                "recorded": 1,
            },
            "inspection": {
                "passed": 1,
            },
            "tax": {
                "assessed": 1,
            },
        },
        "refusalsByCode": {
            "paid_amount_formula": 1,
            "paid_amount_mismatch": 1,
        },
        "clearanceSeconds": {
            "cleared": 1,
            "p50": 0.044,
            "p90": 0.044,
            "p99": 0.044,
        },
        "declaredValue": "1835.60000",
        "taxTotal": "60.79000",
        "topHsChaptersByLines": [
            {
                "key": "64",
                "lines": 1,
                "value": "899.00000",
            },
            {
                "key": "33",
                "lines": 1,
                "value": "79.80000",
            },
        ],
        "topHsChaptersByValue": [
            {
                "key": "64",
                "lines": 1,
                "value": "899.00000",
            },
            {
                "key": "33",
                "lines": 1,
                "value": "79.80000",
            },
        ],
        "topCountriesByLines": [
            {
                "key": "303",
                "lines": 1,
                "value": "899.00000",
            },
            {
                "key": "116",
                "lines": 1,
                "value": "79.80000",
            },
        ],
        "topCountriesByValue": [
            {
                "key": "303",
                "lines": 1,
                "value": "899.00000",
            },
            {
                "key": "116",
                "lines": 1,
                "value": "79.80000",
            },
        ],
        "afterRelease": {
            "cancellations": 0,
            "returns": 0,
            "refused": 0,
            "refundTotal": "0.00000",
            "quotaGivenBack": "0.00000",
        },
        "certificatesOfOrigin": [
            {"fta": "china_asean", "month": "2026-12", "applications": 1, "value": "8600.00"},
            {"fta": "rcep", "month": "2026-12", "applications": 2, "value": "12100.50"},
        ],
    },
    "FeedPage": {
        "items": [
            {
                "seq": 1,
                "kind": "filing.created",
                "subjectType": "enterprise",
                "subjectId": "3301960001",
                "actor": "admin:bootstrap",
                "occurredAt": "2026-12-06T04:39:54.274886Z",
                "data": {
                    "contactName": "罗娜",
                    "creditGrade": "general",
                    "customsCode": "3301960001",
                    "name": "杭州云购跨境电子商务平台有限公司",
                    "roles": [
                        "platform",
                    ],
                    "stateSha256": (
                        "4a1974e1c809e8a487e5cf36b2ed9270260985ff413f54c12e00c7bb4eee26e5"
                    ),
                    "status": "pending",
                    "telephone": "19563855860",
                    "uscc": "91310101UHUXQEEGUR",
                },
                "hash": ("463adb79de3e93b3de25a2f7ffaef2b0764db9cd1fb51cfad543f9385218e4b5"),
            },
            {
                "seq": 2,
                "kind": "key.issued",
                "subjectType": "key",
                "subjectId": "613d2ccc-568d-4a6f-b45a-33e70ec0de04",
                "actor": "admin:bootstrap",
                "occurredAt": "2026-12-06T04:39:54.285036Z",
                "data": {
                    "agency": None,
                    "customsCode": "3301960001",
                    "id": "613d2ccc-568d-4a6f-b45a-33e70ec0de04",
                    "kind": "enterprise",
                    "label": "first key",
                    "prefix": "sw_e_P1jFiDN",
                    "stateSha256": (
                        "d101cabd33b228099a73603e32a19766068263c276837db7f0d2829c063c7a61"
                    ),
                },
                "hash": ("4cd6bd698d3686422866e923a637c4f9ee7c8835e7c1c3a86a700b38844a9b48"),
            },
        ],
        "nextCursor": "2",
    },
    "AuditCheckpoint": {
        "seq": 36,
        "hash": ("e7252b3ab7bc8abd3ea1933c8d714015975a8660c6a5824f9b92582a8e4cfd61"),
        "createdAt": "2026-12-06T04:39:54.655673Z",
        "keyId": "d3bbfd9d4fe86b07",
        "signature": ("fa0a0ecfa6aac8dbad583e59abe63c4112a1ad37766b2c1dfa9df73ce404dc98"),
    },
    "AuditCheckpointPage": {
        "items": [
            {
                "seq": 36,
                "hash": ("e7252b3ab7bc8abd3ea1933c8d714015975a8660c6a5824f9b92582a8e4cfd61"),
                "createdAt": "2026-12-06T04:39:54.655673Z",
                "keyId": "d3bbfd9d4fe86b07",
                "signature": ("fa0a0ecfa6aac8dbad583e59abe63c4112a1ad37766b2c1dfa9df73ce404dc98"),
            },
        ],
        "nextCursor": None,
    },
    "AuditVerification": {
        "ok": True,
        "checked": 36,
        "brokenSeq": None,
        "problem": None,
        "headHash": ("e7252b3ab7bc8abd3ea1933c8d714015975a8660c6a5824f9b92582a8e4cfd61"),
        "checkpointsChecked": 1,
        "checkpointProblems": [],
        "rowsChecked": 10,
        "rowProblemCount": 0,
        "rowProblems": [],
        "unanchoredRows": 0,
        "checkpoint": None,
    },
    "CertificatePublic": {
        "id": 1,
        "customsCode": "3301960001",
        "fingerprint": ("52cc1a7615312ec87748a828815219766f6675a2c44344809690b23569bc179e"),
        "algorithm": "rsa",
        "subject": "CN=测试企业",
        "notBefore": "2026-12-05T04:39:54Z",
        "notAfter": "2027-12-05T04:39:54Z",
        "createdAt": "2026-12-06T04:39:54.710988Z",
        "revokedAt": None,
        "certificate": (
            "-----BEGIN CERTIFICATE-----\n"
            "MIICujCCAaKgAwIBAgIUd8E8l7WiP4uqxWv5TMLji/sOtlkwDQYJKoZI"
            "hvcNAQEL\n"
            "BQAwFzEVMBMGA1UEAwwM5rWL6K+V5LyB5LiaMB4XDTI2MTIwNTA0Mzk1"
            "NFoXDTI3\n"
            "MTIwNTA0Mzk1NFowFzEVMBMGA1UEAwwM5rWL6K+V5LyB5LiaMIIBIjAN"
            "BgkqhkiG\n"
            "9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmc4CiKg3kDOgFnvsNsd2sKyTwl71"
            "O0uivoC6\n"
            "ajRMbNP6NAs2SZXbs4mKT+xKkuqk2ww8GAGbXbBu4eqeGKs9W94nCkjE"
            "EPW5bQo6\n"
            "ueOcoSNP7anT9Gm196v1RqXgtub6ZWKiUT9UXrSslL2c3VwsM7f6sZCY"
            "g3EqecHr\n"
            "NB8rjWjKgypJlcewEiNZNIpDZ2GAUzfw0wT1slvyeTKpQm5NMzp0FoIf"
            "WMQ3EIBz\n"
            "nMDH3YTqOXMBVcMZF7RD0jVFA3rEb28C3wCvL/fw6o/UilkPeuKFEwS4"
            "1/H55/id\n"
            "RGYSD39MpMB0lKbPhFk/BjmqjeV/gF12i0kQD+9kDhRKi1+a4wIDAQAB"
            "MA0GCSqG\n"
            "SIb3DQEBCwUAA4IBAQBIMIQz/DCzv9pyd9aYQR6u1o3jJpYPRJqKwrW2"
            "NgF02jZ8\n"
            "CM5RDd7JyVAv5RRUwOKhcpgMQoOf7H26B5tCmfchETFIGHC2iFHfGveV"
            "SVjoCsnV\n"
            "wImqGEHtqajT2crxkYUxiLTr4npsKevTNtiw8K53Rc9gZq8viF+OOkjz"
            "x1l5MPp8\n"
            "sNEr+Nb/LkQcqPCH7ke/eHbQk3GLi0qUofMwqA6/s5U9dN3Rw8ajXf+P"
            "NaUXnOsl\n"
            "Ms+/Ph5uFmmbvelZEE7V420ZinsynF3R9s9YvWJJIkjDAuQsNLVfIaQr"
            "VtKVoSQD\n"
            "akep2iWeHQ7bgQUUJOokIX/uKkuXlMcZD0O/AHyX\n"
            "-----END CERTIFICATE-----\n"
        ),
    },
    "CertificatePage": {
        "items": [
            {
                "id": 1,
                "customsCode": "3301960001",
                "fingerprint": ("52cc1a7615312ec87748a828815219766f6675a2c44344809690b23569bc179e"),
                "algorithm": "rsa",
                "subject": "CN=测试企业",
                "notBefore": "2026-12-05T04:39:54Z",
                "notAfter": "2027-12-05T04:39:54Z",
                "createdAt": "2026-12-06T04:39:54.710988Z",
                "revokedAt": None,
                "certificate": (
                    "-----BEGIN CERTIFICATE-----\n"
                    "MIICujCCAaKgAwIBAgIUd8E8l7WiP4uqxWv5TMLji/sOtlkw"
                    "DQYJKoZIhvcNAQEL\n"
                    "BQAwFzEVMBMGA1UEAwwM5rWL6K+V5LyB5LiaMB4XDTI2MTIw"
                    "NTA0Mzk1NFoXDTI3\n"
                    "MTIwNTA0Mzk1NFowFzEVMBMGA1UEAwwM5rWL6K+V5LyB5Lia"
                    "MIIBIjANBgkqhkiG\n"
                    "9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmc4CiKg3kDOgFnvsNsd2"
                    "sKyTwl71O0uivoC6\n"
                    "ajRMbNP6NAs2SZXbs4mKT+xKkuqk2ww8GAGbXbBu4eqeGKs9"
                    "W94nCkjEEPW5bQo6\n"
                    "ueOcoSNP7anT9Gm196v1RqXgtub6ZWKiUT9UXrSslL2c3Vws"
                    "M7f6sZCYg3EqecHr\n"
                    "NB8rjWjKgypJlcewEiNZNIpDZ2GAUzfw0wT1slvyeTKpQm5N"
                    "Mzp0FoIfWMQ3EIBz\n"
                    "nMDH3YTqOXMBVcMZF7RD0jVFA3rEb28C3wCvL/fw6o/UilkP"
                    "euKFEwS41/H55/id\n"
                    "RGYSD39MpMB0lKbPhFk/BjmqjeV/gF12i0kQD+9kDhRKi1+a"
                    "4wIDAQABMA0GCSqG\n"
                    "SIb3DQEBCwUAA4IBAQBIMIQz/DCzv9pyd9aYQR6u1o3jJpYP"
                    "RJqKwrW2NgF02jZ8\n"
                    "CM5RDd7JyVAv5RRUwOKhcpgMQoOf7H26B5tCmfchETFIGHC2"
                    "iFHfGveVSVjoCsnV\n"
                    "wImqGEHtqajT2crxkYUxiLTr4npsKevTNtiw8K53Rc9gZq8v"
                    "iF+OOkjzx1l5MPp8\n"
                    "sNEr+Nb/LkQcqPCH7ke/eHbQk3GLi0qUofMwqA6/s5U9dN3R"
                    "w8ajXf+PNaUXnOsl\n"
                    "Ms+/Ph5uFmmbvelZEE7V420ZinsynF3R9s9YvWJJIkjDAuQs"
                    "NLVfIaQrVtKVoSQD\n"
                    "akep2iWeHQ7bgQUUJOokIX/uKkuXlMcZD0O/AHyX\n"
                    "-----END CERTIFICATE-----\n"
                ),
            },
        ],
        "unsignedAccepted": True,
    },
    "SignaturePolicyPublic": {
        "customsCode": "3301960001",
        "unsignedAccepted": True,
        "updatedAt": "2026-12-06T04:39:54.726213Z",
    },
    "DocumentAnswer": {
        "kind": "waybill",
        "ebpCode": "3301960001",
        "orderNo": "ORD00000004",
        "status": "assembled",
        "received": [
            "order",
            "payment",
            "waybill",
        ],
        "missing": [],
        "expiresAt": "2026-12-07T04:39:54.752888Z",
        "declaration": {
            "outcome": "accepted",
            "id": "01a249a6-c083-7681-bd27-c7d24cc397cb",
            "status": "accepted",
            "cebStatus": 120,
            "location": ("/v1/declarations/01a249a6-c083-7681-bd27-c7d24cc397cb"),
            "violations": [],
        },
    },
    "OrderDocuments": {
        "ebpCode": "3301960001",
        "orderNo": "ORD00000004",
        "received": [
            "order",
            "payment",
            "waybill",
        ],
        "missing": [],
        "documents": [
            {
                "kind": "order",
                "status": "assembled",
                "sender": "3301960001",
                "appType": "1",
                "fingerprint": ("c06d18feea70b4570f614408c1107272bbe8ca5ba6603837a8cdece8afd22b2d"),
                "receivedAt": "2026-12-06T04:39:54.730894Z",
                "updatedAt": "2026-12-06T04:39:54.758563Z",
                "expiresAt": "2026-12-07T04:39:54.730894Z",
            },
            {
                "kind": "payment",
                "status": "assembled",
                "sender": "3101960003",
                "appType": "1",
                "fingerprint": ("eeec53725bf938f5e5a018652ee1da4c1807d559fd2b54371a8603609020e8b3"),
                "receivedAt": "2026-12-06T04:39:54.745855Z",
                "updatedAt": "2026-12-06T04:39:54.758563Z",
                "expiresAt": "2026-12-07T04:39:54.745855Z",
            },
            {
                "kind": "waybill",
                "status": "assembled",
                "sender": "4403960004",
                "appType": "1",
                "fingerprint": ("cbd1f73139e3e53b4cd449cf321d3d0d7574865e3afa1bc5c83e706c3f9cfccc"),
                "receivedAt": "2026-12-06T04:39:54.752888Z",
                "updatedAt": "2026-12-06T04:39:54.758563Z",
                "expiresAt": "2026-12-07T04:39:54.752888Z",
            },
        ],
        "declaration": {
            "outcome": "accepted",
            "id": "01a249a6-c083-7681-bd27-c7d24cc397cb",
            "status": "accepted",
            "cebStatus": 120,
            "location": ("/v1/declarations/01a249a6-c083-7681-bd27-c7d24cc397cb"),
            "violations": [],
        },
    },
    "ActionAnswerOut": {
        "declarationId": "01a249a6-c090-7630-a023-c1243439b08b",
        "status": "cancelled",
        "cebStatus": 899,
        "version": 1,
        "action": {
            "id": "01a249a6-c09e-7377-83ad-0c117c8a2c15",
            "kind": "cancellation",
            "status": "completed",
            "version": 1,
            "reason": "Order voided at the buyer's request before shipping",
            "logisticsNo": None,
            "items": [],
            "quotaGivenBack": "1038",
            "refund": None,
            "agencies": [],
            "requestedBy": "enterprise:3301960001",
            "createdAt": "2026-12-06T04:39:54.778696Z",
            "completedAt": "2026-12-06T04:39:54.778696Z",
        },
    },
    "ReceiptsApplied": {
        "applied": 1,
        "ignored": 0,
        "unknown": [],
    },
    "WebhookDeliveryPage": {
        "nextCursor": None,
        "items": [
            {
                "id": "0f0e4d8e-7c2b-4f5e-9a41-5d2c8b7e6a10",
                "eventId": "3f6f5a1c-2d4e-4b8a-9c7d-1e2f3a4b5c6d",
                "outcome": "delivered",
                "statusCode": 204,
                "error": None,
                "durationMs": 41,
                "redelivery": False,
                "attemptedAt": "2026-12-06T04:39:06.120000Z",
            },
        ],
    },
    "WebhookDeliveryPublic": {
        "id": "0f0e4d8e-7c2b-4f5e-9a41-5d2c8b7e6a10",
        "eventId": "3f6f5a1c-2d4e-4b8a-9c7d-1e2f3a4b5c6d",
        "outcome": "delivered",
        "statusCode": 204,
        "error": None,
        "durationMs": 41,
        "redelivery": True,
        "attemptedAt": "2026-12-06T04:39:06.120000Z",
    },
    # Goods: product filings, delivery events, traces, recalls, certificates of origin.
    "FiledProduct": {
        "ebcCode": "3301960002",
        "itemNo": "SKU-990099",
        "name": "保湿面霜",
        "hsCode": "3304990099",
        "barcode": "6901234567892",
        "brand": "雪肌",
        "manufacturer": "Shiseido Co., Ltd.",
        "originCountry": "116",
        "unit": "007",
        "specification": "50ml/瓶",
        "version": 1,
        "filedBy": "enterprise:3301960002",
        "createdAt": "2026-12-06T05:46:10.213595Z",
        "updatedAt": "2026-12-06T05:46:10.213595Z",
    },
    "FiledProductPage": {
        "nextCursor": None,
        "items": [
            {
                "ebcCode": "3301960002",
                "itemNo": "SKU-990099",
                "name": "保湿面霜",
                "hsCode": "3304990099",
                "barcode": "6901234567892",
                "brand": "雪肌",
                "manufacturer": "Shiseido Co., Ltd.",
                "originCountry": "116",
                "unit": "007",
                "specification": "50ml/瓶",
                "version": 1,
                "filedBy": "enterprise:3301960002",
                "createdAt": "2026-12-06T05:46:10.213595Z",
                "updatedAt": "2026-12-06T05:46:10.213595Z",
            }
        ],
    },
    "WaybillDeliveries": {
        "declarationId": "01a249e3-69b0-777a-8e8b-cc03c12c69da",
        "logisticsCode": "4403960004",
        "logisticsNo": "SF0000000001",
        "delivered": True,
        "events": [
            {
                "event": "picked_up",
                "at": "2026-12-06T00:46:10Z",
                "place": "东京成田机场货站",
                "note": None,
                "recordedBy": "enterprise:4403960004",
                "recordedAt": "2026-12-06T05:46:10.258203Z",
            },
            {
                "event": "delivered",
                "at": "2026-12-06T04:46:10Z",
                "place": "北京市朝阳区建国路88号",
                "note": "本人签收",
                "recordedBy": "enterprise:4403960004",
                "recordedAt": "2026-12-06T05:46:10.266979Z",
            },
        ],
    },
    "GoodsTrace": {
        "sources": [
            {
                "ebcCode": "3301960002",
                "itemNo": "SKU-990099",
                "name": "保湿面霜",
                "hsCode": "3304990099",
                "barcode": "6901234567892",
                "brand": "雪肌",
                "manufacturer": "Shiseido Co., Ltd.",
                "originCountry": "116",
            }
        ],
        "shipments": [
            {
                "declarationId": "01a249e3-69b0-777a-8e8b-cc03c12c69da",
                "createdAt": "2026-12-06T05:46:10.251251Z",
                "ebpCode": "3301960001",
                "ebcCode": "3301960002",
                "orderNo": "ORD00000001",
                "status": "accepted",
                "cebStatus": 120,
                "lines": [
                    {
                        "gnum": 1,
                        "itemNo": "SKU-990099",
                        "barCode": None,
                        "itemName": "保湿面霜",
                        "qty": "1",
                        "gcode": "3304990099",
                        "country": "116",
                    }
                ],
                "destination": {
                    "consignee": "胡艳军",
                    "consigneeTelephone": "13321872363",
                    "consigneeAddress": "上海市徐汇区漕溪北路201号",
                    "consigneeDistrict": None,
                },
                "logisticsCode": "4403960004",
                "logisticsNo": "SF0000000001",
                "delivered": True,
                "deliveries": [
                    {
                        "event": "picked_up",
                        "at": "2026-12-06T00:46:10Z",
                        "place": "东京成田机场货站",
                        "note": None,
                        "recordedBy": "enterprise:4403960004",
                        "recordedAt": "2026-12-06T05:46:10.258203Z",
                    },
                    {
                        "event": "delivered",
                        "at": "2026-12-06T04:46:10Z",
                        "place": "北京市朝阳区建国路88号",
                        "note": "本人签收",
                        "recordedBy": "enterprise:4403960004",
                        "recordedAt": "2026-12-06T05:46:10.266979Z",
                    },
                ],
            }
        ],
        "nextCursor": None,
    },
    "RecallDetail": {
        "id": "01a249e3-69f5-70e2-8f2e-42956470405e",
        "barcode": "6901234567892",
        "batch": "LOT-2026-11A",
        "reason": "Microbial contamination found in batch LOT-2026-11A.",
        "productName": "保湿面霜",
        "agency": "market",
        "issuedBy": "regulator:market:b3db3df2-7b30-413e-8ff7-4a172da5a0e2",
        "issuedAt": "2026-12-06T05:46:10.289342Z",
        "declarations": 1,
        "delivered": 1,
        "affected": [
            {
                "declarationId": "01a249e3-69b0-777a-8e8b-cc03c12c69da",
                "ebpCode": "3301960001",
                "ebcCode": "3301960002",
                "orderNo": "ORD00000001",
                "logisticsCode": "4403960004",
                "logisticsNo": "SF0000000001",
                "status": "accepted",
                "delivered": True,
                "lines": [1],
                "declaredAt": "2026-12-06T05:46:10.251251Z",
            }
        ],
        "nextCursor": None,
    },
    "RecallPage": {
        "nextCursor": None,
        "items": [
            {
                "id": "01a249e3-69f5-70e2-8f2e-42956470405e",
                "barcode": "6901234567892",
                "batch": "LOT-2026-11A",
                "reason": "Microbial contamination found in batch LOT-2026-11A.",
                "productName": "保湿面霜",
                "agency": "market",
                "issuedBy": "regulator:market:b3db3df2-7b30-413e-8ff7-4a172da5a0e2",
                "issuedAt": "2026-12-06T05:46:10.289342Z",
                "declarations": 1,
                "delivered": 1,
            }
        ],
    },
    "OriginCertificatePublic": {
        "id": "01a249e3-6a03-71de-a430-eefd04198c76",
        "ebcCode": "3301960002",
        "fta": "rcep",
        "hsCode": "6109100021",
        "value": "12000.00",
        "exportCountry": "116",
        "appliedBy": "enterprise:3301960002",
        "appliedAt": "2026-12-06T05:46:10.307189Z",
    },
    "OriginCertificatePage": {
        "nextCursor": None,
        "items": [
            {
                "id": "01a249e3-6a03-71de-a430-eefd04198c76",
                "ebcCode": "3301960002",
                "fta": "rcep",
                "hsCode": "6109100021",
                "value": "12000.00",
                "exportCountry": "116",
                "appliedBy": "enterprise:3301960002",
                "appliedAt": "2026-12-06T05:46:10.307189Z",
            }
        ],
    },
    # Trust: credit records, the credit negative list, complaints and take-down notices.
    "CreditSummary": {
        "customsCode": "3301960002",
        "name": "杭州海淘优选贸易有限公司",
        "creditGrade": "discredited",
        "listed": True,
        "listedUntil": "2029-12-05T16:00:00Z",
    },
    "CreditRecord": {
        "customsCode": "3301960002",
        "name": "杭州海淘优选贸易有限公司",
        "creditGrade": "discredited",
        "listed": True,
        "listedUntil": "2029-12-05T16:00:00Z",
        "status": "active",
        "events": [
            {
                "kind": "graded",
                "source": "regulator:customs:e3557d55-b9f4-4b55-a9aa-44ef42a7c132",
                "occurredAt": "2026-12-06T06:05:40.065487Z",
                "detail": {
                    "from": "general",
                    "to": "discredited",
                    "reason": "Listed on the credit negative list",
                },
            },
            {
                "kind": "listed",
                "source": "regulator:market:d2aa736f-5d4a-4803-82a9-e49906ede61d",
                "occurredAt": "2026-12-06T06:05:40.046889Z",
                "detail": {
                    "listingId": "01a249f5-434f-7778-973b-db0e480599c3",
                    "reason": (
                        "Sold counterfeit hair dryers through cross-border retail imports (complai"
                        "nt upheld)."
                    ),
                    "legalBasis": "《中华人民共和国电子商务法》第十三条、第八十五条",
                    "authority": "杭州市市场监督管理局",
                    "until": "2029-12-06T00:00:00+08:00",
                },
            },
            {
                "kind": "lifted",
                "source": "regulator:customs:e3557d55-b9f4-4b55-a9aa-44ef42a7c132",
                "occurredAt": "2026-12-06T06:05:40.036654Z",
                "detail": {
                    "listingId": "01a249f5-433b-7186-892b-1502970719ba",
                    "reason": (
                        "Duties and fine paid; rectification accepted by the customs district."
                    ),
                },
            },
            {
                "kind": "listed",
                "source": "regulator:customs:e3557d55-b9f4-4b55-a9aa-44ef42a7c132",
                "occurredAt": "2026-12-06T06:05:40.025790Z",
                "detail": {
                    "listingId": "01a249f5-433b-7186-892b-1502970719ba",
                    "reason": "Understated the value of declared goods in 12 declarations.",
                    "legalBasis": "《海关注册登记和备案企业信用管理办法》第十九条",
                    "authority": "海关 Customs",
                    "until": None,
                },
            },
            {
                "kind": "complaint_upheld",
                "source": "regulator:market:d2aa736f-5d4a-4803-82a9-e49906ede61d",
                "occurredAt": "2026-12-06T06:05:39.945268Z",
                "detail": {
                    "complaintId": "01a249f5-42d7-74b7-82ac-51fa4c38e4a3",
                    "kind": "counterfeit",
                    "product": {
                        "name": "电吹风",
                        "itemNo": "SKU-310000",
                        "barcode": "6953018310002",
                    },
                    "takedownId": "01a249f5-42ed-770c-9c30-8617d95fb46d",
                    "reason": (
                        "Brand owner confirmed the serial number is not genuine; counterfeit goods."
                    ),
                },
            },
        ],
        "refusalsByMonth": [
            {
                "month": "2026-12",
                "rejected": 1,
                "detained": 1,
                "source": "declarations",
            },
        ],
    },
    "ListingPublic": {
        "id": "01a249f5-434f-7778-973b-db0e480599c3",
        "customsCode": "3301960002",
        "uscc": "911101081EFLAULL43",
        "name": "杭州海淘优选贸易有限公司",
        "reason": (
            "Sold counterfeit hair dryers through cross-border retail imports (complaint upheld)."
        ),
        "legalBasis": "《中华人民共和国电子商务法》第十三条、第八十五条",
        "authority": "杭州市市场监督管理局",
        "agency": "market",
        "listedAt": "2026-12-06T06:05:40.046889Z",
        "until": "2029-12-06T00:00:00+08:00",
        "listedBy": "regulator:market:d2aa736f-5d4a-4803-82a9-e49906ede61d",
        "inForce": True,
        "liftedAt": None,
        "liftedBy": None,
        "liftReason": None,
    },
    "ListingPage": {
        "nextCursor": None,
        "items": [
            {
                "id": "01a249f5-434f-7778-973b-db0e480599c3",
                "customsCode": "3301960002",
                "uscc": "911101081EFLAULL43",
                "name": "杭州海淘优选贸易有限公司",
                "reason": (
                    "Sold counterfeit hair dryers through cross-border retail imports (complaint u"
                    "pheld)."
                ),
                "legalBasis": "《中华人民共和国电子商务法》第十三条、第八十五条",
                "authority": "杭州市市场监督管理局",
                "agency": "market",
                "listedAt": "2026-12-06T06:05:40.046889Z",
                "until": "2029-12-05T16:00:00Z",
                "listedBy": "regulator:market:d2aa736f-5d4a-4803-82a9-e49906ede61d",
                "inForce": True,
                "liftedAt": None,
                "liftedBy": None,
                "liftReason": None,
            },
            {
                "id": "01a249f5-433b-7186-892b-1502970719ba",
                "customsCode": "3301960002",
                "uscc": "911101081EFLAULL43",
                "name": "杭州海淘优选贸易有限公司",
                "reason": "Understated the value of declared goods in 12 declarations.",
                "legalBasis": "《海关注册登记和备案企业信用管理办法》第十九条",
                "authority": "海关 Customs",
                "agency": "customs",
                "listedAt": "2026-12-06T06:05:40.025790Z",
                "until": None,
                "listedBy": "regulator:customs:e3557d55-b9f4-4b55-a9aa-44ef42a7c132",
                "inForce": False,
                "liftedAt": "2026-12-06T06:05:40.036654Z",
                "liftedBy": "regulator:customs:e3557d55-b9f4-4b55-a9aa-44ef42a7c132",
                "liftReason": (
                    "Duties and fine paid; rectification accepted by the customs district."
                ),
            },
        ],
    },
    "BlacklistPage": {
        "nextCursor": None,
        "items": [
            {
                "name": "杭州海淘优选贸易有限公司",
                "customsCode": "3301960002",
                "uscc": "911101081EFLAULL43",
                "reason": (
                    "Sold counterfeit hair dryers through cross-border retail imports (complaint u"
                    "pheld)."
                ),
                "authority": "杭州市市场监督管理局",
                "listedAt": "2026-12-06T06:05:40.046889Z",
                "until": "2029-12-05T16:00:00Z",
            },
        ],
    },
    "ComplaintFiled": {
        "id": "01a249f5-42d7-74b7-82ac-51fa4c38e4a3",
        "status": "open",
        "followUpToken": "swc_rkHXgCfb2jGelpvbFAfm9rlABl1epGlb8sfSUB0z_H8",
        "createdAt": "2026-12-06T06:05:39.926768Z",
    },
    "ComplaintRecord": {
        "id": "01a249f5-42d7-74b7-82ac-51fa4c38e4a3",
        "status": "upheld",
        "kind": "counterfeit",
        "createdAt": "2026-12-06T06:05:39.926768Z",
        "updatedAt": "2026-12-06T06:05:39.945268Z",
        "outcome": {
            "decision": "upheld",
            "reason": "Brand owner confirmed the serial number is not genuine; counterfeit goods.",
            "decidedAt": "2026-12-06T06:05:39.945268Z",
        },
        "takedown": {
            "id": "01a249f5-42ed-770c-9c30-8617d95fb46d",
            "complaintId": "01a249f5-42d7-74b7-82ac-51fa4c38e4a3",
            "platformCode": "3301960001",
            "sellerCode": "3301960002",
            "product": {
                "name": "电吹风",
                "itemNo": "SKU-310000",
                "barcode": "6953018310002",
            },
            "listingUrl": "https://www.yungou.example.cn/item/SKU-310000",
            "reason": "Brand owner confirmed the serial number is not genuine; counterfeit goods.",
            "issuedAt": "2026-12-06T06:05:39.945268Z",
            "acknowledgeBy": "2026-12-07T06:05:39.945268Z",
            "acknowledgedAt": None,
            "actionTaken": None,
            "late": False,
        },
        "enterpriseCode": "3301960002",
        "product": {
            "name": "电吹风",
            "itemNo": "SKU-310000",
            "barcode": "6953018310002",
        },
        "listingUrl": "https://www.yungou.example.cn/item/SKU-310000",
        "orderNo": "ORD20261206001",
        "logisticsNo": "SF1206000001",
        "description": "收到的电吹风序列号在品牌官网查询不到，做工粗糙，插头无3C标志，怀疑为假货。",
        "complainantKind": "consumer",
        "complainantName": "张洋",
        "complainantContact": "13506710094",
        "filedBy": "anonymous:anonymous",
        "attachments": [
            {
                "position": 1,
                "filename": "serial-label.jpg",
                "contentType": "image/jpeg",
                "size": 159,
                "sha256": "24ac74130806ae02d7e4ee72881b977601999c6c9f94ee1545ed4830459b737f",
            },
            {
                "position": 2,
                "filename": "brand-letter.pdf",
                "contentType": "application/pdf",
                "size": 772,
                "sha256": "6c4e6e3116dcd09cf6e7b18b63ddbc1349733ca8465ba1da2546c359935425a1",
            },
        ],
        "sellerCode": "3301960002",
        "platformCode": "3301960001",
        "productBlocked": True,
        "decidedBy": "regulator:market:d2aa736f-5d4a-4803-82a9-e49906ede61d",
    },
    "ComplaintPage": {
        "nextCursor": None,
        "items": [
            {
                "id": "01a249f5-42e0-7459-acef-b48b92720353",
                "status": "open",
                "kind": "ip_infringement",
                "createdAt": "2026-12-06T06:05:39.936157Z",
                "updatedAt": "2026-12-06T06:05:39.936157Z",
                "outcome": None,
                "takedown": None,
                "enterpriseCode": "3301960001",
                "product": {
                    "name": "手工香皂",
                    "itemNo": "SKU-110000",
                    "barcode": None,
                },
                "listingUrl": "https://www.yungou.example.cn/item/SKU-110000",
                "orderNo": None,
                "logisticsNo": None,
                "description": (
                    "The listing uses our registered trademark and product photos without licence."
                ),
                "complainantKind": "rights_holder",
                "complainantName": "Savon de Provence SARL",
                "complainantContact": "legal@savon-provence.example.fr",
                "filedBy": "anonymous:anonymous",
                "attachments": [
                    {
                        "position": 1,
                        "filename": "listing-screenshot.png",
                        "contentType": "image/png",
                        "size": 73,
                        "sha256": (
                            "ffb9a59898ce808fcf04660ba1563efa5ace9fc9a7c8efbea287296dc8409596"
                        ),
                    },
                ],
                "sellerCode": None,
                "platformCode": None,
                "productBlocked": False,
                "decidedBy": None,
            },
            {
                "id": "01a249f5-42d7-74b7-82ac-51fa4c38e4a3",
                "status": "upheld",
                "kind": "counterfeit",
                "createdAt": "2026-12-06T06:05:39.926768Z",
                "updatedAt": "2026-12-06T06:05:39.945268Z",
                "outcome": {
                    "decision": "upheld",
                    "reason": (
                        "Brand owner confirmed the serial number is not genuine; counterfeit goods."
                    ),
                    "decidedAt": "2026-12-06T06:05:39.945268Z",
                },
                "takedown": {
                    "id": "01a249f5-42ed-770c-9c30-8617d95fb46d",
                    "complaintId": "01a249f5-42d7-74b7-82ac-51fa4c38e4a3",
                    "platformCode": "3301960001",
                    "sellerCode": "3301960002",
                    "product": {
                        "name": "电吹风",
                        "itemNo": "SKU-310000",
                        "barcode": "6953018310002",
                    },
                    "listingUrl": "https://www.yungou.example.cn/item/SKU-310000",
                    "reason": (
                        "Brand owner confirmed the serial number is not genuine; counterfeit goods."
                    ),
                    "issuedAt": "2026-12-06T06:05:39.945268Z",
                    "acknowledgeBy": "2026-12-07T06:05:39.945268Z",
                    "acknowledgedAt": "2026-12-06T06:05:39.965013Z",
                    "actionTaken": (
                        "Listing SKU-310000 removed; the seller's store is suspended pending revie"
                        "w."
                    ),
                    "late": False,
                },
                "enterpriseCode": "3301960002",
                "product": {
                    "name": "电吹风",
                    "itemNo": "SKU-310000",
                    "barcode": "6953018310002",
                },
                "listingUrl": "https://www.yungou.example.cn/item/SKU-310000",
                "orderNo": "ORD20261206001",
                "logisticsNo": "SF1206000001",
                "description": (
                    "收到的电吹风序列号在品牌官网查询不到，做工粗糙，插头无3C标志，怀疑为假货。"
                ),
                "complainantKind": "consumer",
                "complainantName": "张洋",
                "complainantContact": "13506710094",
                "filedBy": "anonymous:anonymous",
                "attachments": [
                    {
                        "position": 1,
                        "filename": "serial-label.jpg",
                        "contentType": "image/jpeg",
                        "size": 159,
                        "sha256": (
                            "24ac74130806ae02d7e4ee72881b977601999c6c9f94ee1545ed4830459b737f"
                        ),
                    },
                    {
                        "position": 2,
                        "filename": "brand-letter.pdf",
                        "contentType": "application/pdf",
                        "size": 772,
                        "sha256": (
                            "6c4e6e3116dcd09cf6e7b18b63ddbc1349733ca8465ba1da2546c359935425a1"
                        ),
                    },
                ],
                "sellerCode": "3301960002",
                "platformCode": "3301960001",
                "productBlocked": True,
                "decidedBy": "regulator:market:d2aa736f-5d4a-4803-82a9-e49906ede61d",
            },
        ],
    },
    "Trace": {
        "nextCursor": None,
        "complaintId": "01a249f5-42d7-74b7-82ac-51fa4c38e4a3",
        "product": {
            "name": "电吹风",
            "itemNo": "SKU-310000",
            "barcode": "6953018310002",
        },
        "seller": {
            "customsCode": "3301960002",
            "uscc": "911101081EFLAULL43",
            "name": "杭州海淘优选贸易有限公司",
            "roles": [
                "ecommerce",
            ],
            "contactName": "马洋敏",
            "telephone": "15622175577",
            "status": "active",
            "creditGrade": "general",
            "registrations": {
                "customs": "CUS3301960002",
                "forex": "FOR3301960002",
                "inspection": "INS3301960002",
                "tax": "TAX3301960002",
            },
            "createdAt": "2026-12-06T06:05:39.831340Z",
            "updatedAt": "2026-12-06T06:05:39.858093Z",
        },
        "items": [
            {
                "id": "01a249f5-42cd-7786-811d-6c5bad50fd1d",
                "createdAt": "2026-12-06T06:05:39.918015Z",
                "status": "accepted",
                "cebStatus": 120,
                "ebpCode": "3301960001",
                "ebcCode": "3301960002",
                "orderNo": "ORD20261206004",
                "lines": [
                    {
                        "gnum": 1,
                        "itemNo": "SKU-310000",
                        "barCode": "6953018310002",
                        "itemName": "电吹风",
                        "qty": "1",
                        "totalPrice": "2999.00",
                    },
                ],
                "payment": {
                    "payCode": "3101960003",
                    "payName": "上海通汇支付服务有限公司",
                    "payTransactionId": "PAYORD20261206004",
                    "payerName": "刘磊超",
                    "payerIdNumber": "11010119810103102X",
                    "payerTelephone": "13382573117",
                },
                "waybill": {
                    "logisticsCode": "4403960004",
                    "logisticsName": "深圳速达国际物流有限公司",
                    "logisticsNo": "SF1206000004",
                },
            },
            {
                "id": "01a249f5-42c5-77e4-8d3a-bb6823d22fac",
                "createdAt": "2026-12-06T06:05:39.909547Z",
                "status": "detained",
                "cebStatus": 501,
                "ebpCode": "3301960001",
                "ebcCode": "3301960002",
                "orderNo": "ORD20261206002",
                "lines": [
                    {
                        "gnum": 1,
                        "itemNo": "SKU-310000",
                        "barCode": "6953018310002",
                        "itemName": "电吹风",
                        "qty": "1",
                        "totalPrice": "2999.00",
                    },
                ],
                "payment": {
                    "payCode": "3101960003",
                    "payName": "上海通汇支付服务有限公司",
                    "payTransactionId": "PAYORD20261206002",
                    "payerName": "朱娟娜",
                    "payerIdNumber": "310101196011148564",
                    "payerTelephone": "13032596827",
                },
                "waybill": {
                    "logisticsCode": "4403960004",
                    "logisticsName": "深圳速达国际物流有限公司",
                    "logisticsNo": "SF1206000002",
                },
            },
            {
                "id": "01a249f5-42a2-704e-91a3-be9cf299e490",
                "createdAt": "2026-12-06T06:05:39.903803Z",
                "status": "accepted",
                "cebStatus": 120,
                "ebpCode": "3301960001",
                "ebcCode": "3301960002",
                "orderNo": "ORD20261206001",
                "lines": [
                    {
                        "gnum": 1,
                        "itemNo": "SKU-310000",
                        "barCode": "6953018310002",
                        "itemName": "电吹风",
                        "qty": "1",
                        "totalPrice": "2999.00",
                    },
                ],
                "payment": {
                    "payCode": "3101960003",
                    "payName": "上海通汇支付服务有限公司",
                    "payTransactionId": "PAYORD20261206001",
                    "payerName": "张洋",
                    "payerIdNumber": "310104196409013052",
                    "payerTelephone": "13506710094",
                },
                "waybill": {
                    "logisticsCode": "4403960004",
                    "logisticsName": "深圳速达国际物流有限公司",
                    "logisticsNo": "SF1206000001",
                },
            },
        ],
        "paymentCompanies": [
            {
                "customsCode": "3101960003",
                "name": "上海通汇支付服务有限公司",
            },
        ],
        "logisticsCompanies": [
            {
                "customsCode": "4403960004",
                "name": "深圳速达国际物流有限公司",
            },
        ],
    },
    "TakedownPublic": {
        "id": "01a249f5-42ed-770c-9c30-8617d95fb46d",
        "complaintId": "01a249f5-42d7-74b7-82ac-51fa4c38e4a3",
        "platformCode": "3301960001",
        "sellerCode": "3301960002",
        "product": {
            "name": "电吹风",
            "itemNo": "SKU-310000",
            "barcode": "6953018310002",
        },
        "listingUrl": "https://www.yungou.example.cn/item/SKU-310000",
        "reason": "Brand owner confirmed the serial number is not genuine; counterfeit goods.",
        "issuedAt": "2026-12-06T06:05:39.945268Z",
        "acknowledgeBy": "2026-12-07T06:05:39.945268Z",
        "acknowledgedAt": "2026-12-06T06:05:39.965013Z",
        "actionTaken": (
            "Listing SKU-310000 removed; the seller's store is suspended pending review."
        ),
        "late": False,
    },
    "TakedownPage": {
        "nextCursor": None,
        "items": [
            {
                "id": "01a249f5-42ed-770c-9c30-8617d95fb46d",
                "complaintId": "01a249f5-42d7-74b7-82ac-51fa4c38e4a3",
                "platformCode": "3301960001",
                "sellerCode": "3301960002",
                "product": {
                    "name": "电吹风",
                    "itemNo": "SKU-310000",
                    "barcode": "6953018310002",
                },
                "listingUrl": "https://www.yungou.example.cn/item/SKU-310000",
                "reason": (
                    "Brand owner confirmed the serial number is not genuine; counterfeit goods."
                ),
                "issuedAt": "2026-12-06T06:05:39.945268Z",
                "acknowledgeBy": "2026-12-07T06:05:39.945268Z",
                "acknowledgedAt": "2026-12-06T06:05:39.965013Z",
                "actionTaken": (
                    "Listing SKU-310000 removed; the seller's store is suspended pending review."
                ),
                "late": False,
            },
        ],
    },
}

# A CEB311 order message, as sent under either XML media type.
_CEB311_MESSAGE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<ceb:CEB311Message xmlns:ceb="http://www.chinaport.gov.cn/ce'
    'b" guid="D4FCE9E8-5374-4AAC-9F21-16ED7F719C69" version="1.0"'
    ">\n"
    "  <ceb:Order>\n"
    "    <ceb:OrderHead>\n"
    "      <ceb:guid>665BDEBC-61F7-40CF-A304-B1B704264328</ceb:gu"
    "id>\n"
    "      <ceb:appType>1</ceb:appType>\n"
    "      <ceb:appTime>20261206123954</ceb:appTime>\n"
    "      <ceb:appStatus>2</ceb:appStatus>\n"
    "      <ceb:orderType>I</ceb:orderType>\n"
    "      <ceb:orderNo>ORD00000006</ceb:orderNo>\n"
    "      <ceb:ebpCode>3301960001</ceb:ebpCode>\n"
    "      <ceb:ebpName>杭州云购跨境电子商务平台有限公司</ceb:ebp"
    "Name>\n"
    "      <ceb:ebcCode>3301960002</ceb:ebcCode>\n"
    "      <ceb:ebcName>杭州海淘优选贸易有限公司</ceb:ebcName>\n"
    "      <ceb:goodsValue>658.00</ceb:goodsValue>\n"
    "      <ceb:freight>10.00</ceb:freight>\n"
    "      <ceb:discount>0</ceb:discount>\n"
    "      <ceb:taxTotal>154.04</ceb:taxTotal>\n"
    "      <ceb:acturalPaid>822.04</ceb:acturalPaid>\n"
    "      <ceb:currency>142</ceb:currency>\n"
    "      <ceb:buyerRegNo>U07252189</ceb:buyerRegNo>\n"
    "      <ceb:buyerName>马伟</ceb:buyerName>\n"
    "      <ceb:buyerTelephone>13474101768</ceb:buyerTelephone>\n"
    "      <ceb:buyerIdType>1</ceb:buyerIdType>\n"
    "      <ceb:buyerIdNumber>110101196607252189</ceb:buyerIdNumb"
    "er>\n"
    "      <ceb:payCode>3101960003</ceb:payCode>\n"
    "      <ceb:payName>上海通汇支付服务有限公司</ceb:payName>\n"
    "      <ceb:payTransactionId>PAYORD00000006</ceb:payTransacti"
    "onId>\n"
    "      <ceb:consignee>马伟</ceb:consignee>\n"
    "      <ceb:consigneeTelephone>13474101768</ceb:consigneeTele"
    "phone>\n"
    "      <ceb:consigneeAddress>北京市东城区王府井大街138号</ceb"
    ":consigneeAddress>\n"
    "    </ceb:OrderHead>\n"
    "    <ceb:OrderList>\n"
    "      <ceb:gnum>1</ceb:gnum>\n"
    "      <ceb:itemNo>SKU-990099</ceb:itemNo>\n"
    "      <ceb:itemName>保湿面霜</ceb:itemName>\n"
    "      <ceb:gmodel>50ml/瓶，品牌：雪肌，成分：水、甘油</ceb:g"
    "model>\n"
    "      <ceb:unit>007</ceb:unit>\n"
    "      <ceb:qty>2</ceb:qty>\n"
    "      <ceb:price>329.00</ceb:price>\n"
    "      <ceb:totalPrice>658.00</ceb:totalPrice>\n"
    "      <ceb:currency>142</ceb:currency>\n"
    "      <ceb:country>116</ceb:country>\n"
    "    </ceb:OrderList>\n"
    "  </ceb:Order>\n"
    "  <ceb:BaseTransfer>\n"
    "    <ceb:copCode>3301960001</ceb:copCode>\n"
    "    <ceb:copName>杭州云购跨境电子商务平台有限公司</ceb:copNa"
    "me>\n"
    "    <ceb:dxpMode>DXP</ceb:dxpMode>\n"
    "    <ceb:dxpId>DXPENT0000000001</ceb:dxpId>\n"
    "  </ceb:BaseTransfer>\n"
    "</ceb:CEB311Message>\n"
)

# Bodies and answers that have no schema of their own (XML, CSV, PEM, the health checks),
# by operation ("METHOD path" for the body, "METHOD path 2xx" for the answer) and media type.
OPERATION_EXAMPLES: dict[tuple[str, str], Any] = {
    ("POST /v1/ceb/messages", "application/xml"): _CEB311_MESSAGE,
    ("POST /v1/ceb/messages", "text/xml"): _CEB311_MESSAGE,
    ("POST /v1/ceb/messages 2xx", "application/xml"): (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<CEB312Message xmlns="http://www.chinaport.gov.cn/ceb" guid='
        '"69519860-94A1-4C13-BBCA-C6A34411BDB5" version="1.0">\n'
        "  <OrderReturn>\n"
        "    <guid>665BDEBC-61F7-40CF-A304-B1B704264328</guid>\n"
        "    <ebpCode>3301960001</ebpCode>\n"
        "    <ebcCode>3301960002</ebcCode>\n"
        "    <orderNo>ORD00000006</orderNo>\n"
        "    <returnStatus>2</returnStatus>\n"
        "    <returnTime>20261206123954892</returnTime>\n"
        "    <returnInfo>accepted: 新增申报成功 declared</returnInfo>"
        "\n"
        "  </OrderReturn>\n"
        "</CEB312Message>\n"
    ),
    ("GET /v1/declarations/{declarationId}/ceb621.xml 2xx", "application/xml"): (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<ceb:CEB621Message xmlns:ceb="http://www.chinaport.gov.cn/ce'
        'b" guid="CAFE8837-0517-415F-A88C-88DDA22C0A8F" version="1.0"'
        ">\n"
        "  <ceb:Inventory>\n"
        "    <ceb:InventoryHead>\n"
        "      <ceb:guid>A46B4030-7E90-44DD-A509-2947DEBE800C</ceb:gu"
        "id>\n"
        "      <ceb:appType>1</ceb:appType>\n"
        "      <ceb:appTime>20261206123954</ceb:appTime>\n"
        "      <ceb:appStatus>2</ceb:appStatus>\n"
        "      <ceb:orderNo>ORD00000001</ceb:orderNo>\n"
        "      <ceb:ebpCode>3301960001</ceb:ebpCode>\n"
        "      <ceb:ebpName>杭州云购跨境电子商务平台有限公司</ceb:ebp"
        "Name>\n"
        "      <ceb:ebcCode>3301960002</ceb:ebcCode>\n"
        "      <ceb:ebcName>杭州海淘优选贸易有限公司</ceb:ebcName>\n"
        "      <ceb:logisticsNo>SF0000000001</ceb:logisticsNo>\n"
        "      <ceb:logisticsCode>4403960004</ceb:logisticsCode>\n"
        "      <ceb:logisticsName>深圳速达国际物流有限公司</ceb:logis"
        "ticsName>\n"
        "      <ceb:copNo>ORD00000001</ceb:copNo>\n"
        "      <ceb:preNo>SW3985995087278110</ceb:preNo>\n"
        "      <ceb:assureCode>3301960002</ceb:assureCode>\n"
        "      <ceb:ieFlag>I</ceb:ieFlag>\n"
        "      <ceb:declTime>20261206</ceb:declTime>\n"
        "      <ceb:customsCode>0000</ceb:customsCode>\n"
        "      <ceb:portCode>0000</ceb:portCode>\n"
        "      <ceb:buyerIdType>1</ceb:buyerIdType>\n"
        "      <ceb:buyerIdNumber>110101198504057849</ceb:buyerIdNumb"
        "er>\n"
        "      <ceb:buyerName>何伟芳</ceb:buyerName>\n"
        "      <ceb:buyerTelephone>13115885643</ceb:buyerTelephone>\n"
        "      <ceb:consigneeAddress>北京市东城区王府井大街138号</ceb"
        ":consigneeAddress>\n"
        "      <ceb:agentCode>3301960002</ceb:agentCode>\n"
        "      <ceb:agentName>杭州海淘优选贸易有限公司</ceb:agentName"
        ">\n"
        "      <ceb:tradeMode>9610</ceb:tradeMode>\n"
        "      <ceb:trafMode>5</ceb:trafMode>\n"
        "      <ceb:country>116</ceb:country>\n"
        "      <ceb:freight>10.00</ceb:freight>\n"
        "      <ceb:insuredFee>0.00</ceb:insuredFee>\n"
        "      <ceb:currency>142</ceb:currency>\n"
        "      <ceb:packNo>1</ceb:packNo>\n"
        "      <ceb:grossWeight>1.0</ceb:grossWeight>\n"
        "      <ceb:netWeight>1.0</ceb:netWeight>\n"
        "    </ceb:InventoryHead>\n"
        "    <ceb:InventoryList>\n"
        "      <ceb:gnum>1</ceb:gnum>\n"
        "      <ceb:itemNo>SKU-101000</ceb:itemNo>\n"
        "      <ceb:itemName>美白牙膏</ceb:itemName>\n"
        "      <ceb:gcode>3306101000</ceb:gcode>\n"
        "      <ceb:gname>美白牙膏</ceb:gname>\n"
        "      <ceb:gmodel>120g/支，品牌：狮王</ceb:gmodel>\n"
        "      <ceb:country>116</ceb:country>\n"
        "      <ceb:currency>142</ceb:currency>\n"
        "      <ceb:qty>2</ceb:qty>\n"
        "      <ceb:unit>007</ceb:unit>\n"
        "      <ceb:qty1>2</ceb:qty1>\n"
        "      <ceb:unit1>007</ceb:unit1>\n"
        "      <ceb:price>39.90</ceb:price>\n"
        "      <ceb:totalPrice>79.80</ceb:totalPrice>\n"
        "    </ceb:InventoryList>\n"
        "    <ceb:InventoryList>\n"
        "      <ceb:gnum>2</ceb:gnum>\n"
        "      <ceb:itemNo>SKU-990090</ceb:itemNo>\n"
        "      <ceb:itemName>真皮休闲鞋</ceb:itemName>\n"
        "      <ceb:gcode>6403990090</ceb:gcode>\n"
        "      <ceb:gname>真皮休闲鞋</ceb:gname>\n"
        "      <ceb:gmodel>男款42码，牛皮</ceb:gmodel>\n"
        "      <ceb:country>303</ceb:country>\n"
        "      <ceb:currency>142</ceb:currency>\n"
        "      <ceb:qty>1</ceb:qty>\n"
        "      <ceb:unit>011</ceb:unit>\n"
        "      <ceb:qty1>1</ceb:qty1>\n"
        "      <ceb:unit1>011</ceb:unit1>\n"
        "      <ceb:price>899.00</ceb:price>\n"
        "      <ceb:totalPrice>899.00</ceb:totalPrice>\n"
        "    </ceb:InventoryList>\n"
        "  </ceb:Inventory>\n"
        "  <ceb:BaseTransfer>\n"
        "    <ceb:copCode>3301960002</ceb:copCode>\n"
        "    <ceb:copName>杭州海淘优选贸易有限公司</ceb:copName>\n"
        "    <ceb:dxpMode>DXP</ceb:dxpMode>\n"
        "    <ceb:dxpId/>\n"
        "  </ceb:BaseTransfer>\n"
        "<!-- ds:Signature: the window's enveloped signature (RSA-SHA"
        "256 or SM2-SM3) --></ceb:CEB621Message>"
    ),
    ("GET /v1/regulator/declarations/export 2xx", "text/csv"): (
        "id,createdAt,status,cebStatus,ebpCode,ebcCode,payCode,logist"
        "icsCode,orderNo,logisticsNo,dutiableValue,taxTotal,finalized"
        "At\r\n"
        "01a249a6-bedd-7564-ab4f-9a91a2548770,2026-12-06T04:39:54.359"
        "510+00:00,cleared,800,3301960001,3301960002,3101960003,44039"
        "60004,ORD00000001,SF0000000001,988.80000,60.79000,2026-12-06"
        "T04:39:54.403505+00:00\r\n"
        "01a249a6-bf40-710e-af8c-798e48d9cf43,2026-12-06T04:39:54.432"
        "734+00:00,accepted,120,3301960001,3301960002,3101960003,4403"
        "960004,ORD00000002,SF0000000002,846.80000,,\r\n"
    ),
    ("GET /v1/regulator/declarations/export 2xx", "application/x-ndjson"): (
        '{"id": "01a249a6-bedd-7564-ab4f-9a91a2548770", "createdAt": '
        '"2026-12-06T04:39:54.359510+00:00", "status": "cleared", "ce'
        'bStatus": 800, "ebpCode": "3301960001", "ebcCode": "33019600'
        '02", "payCode": "3101960003", "logisticsCode": "4403960004",'
        ' "orderNo": "ORD00000001", "logisticsNo": "SF0000000001", "d'
        'utiableValue": "988.80000", "taxTotal": "60.79000", "finaliz'
        'edAt": "2026-12-06T04:39:54.403505+00:00"}\n'
        '{"id": "01a249a6-bf40-710e-af8c-798e48d9cf43", "createdAt": '
        '"2026-12-06T04:39:54.432734+00:00", "status": "accepted", "c'
        'ebStatus": 120, "ebpCode": "3301960001", "ebcCode": "3301960'
        '002", "payCode": "3101960003", "logisticsCode": "4403960004"'
        ', "orderNo": "ORD00000002", "logisticsNo": "SF0000000002", "'
        'dutiableValue": "846.80000", "taxTotal": null, "finalizedAt"'
        ": null}\n"
    ),
    ("GET /v1/ceb/certificate 2xx", "application/x-pem-file"): (
        "-----BEGIN CERTIFICATE-----\n"
        "MIIC2DCCAcCgAwIBAgIUZl46CrdKpo1EyYNDZndLFoQmhs8wDQYJKoZIhvcN"
        "AQEL\n"
        "BQAwJjEkMCIGA1UEAwwbU2luZ2xlIFdpbmRvdyAoZGV2ZWxvcG1lbnQpMB4X"
        "DTI2\n"
        "MTIwNTA0Mzk1NFoXDTM2MTIwMzA0Mzk1NFowJjEkMCIGA1UEAwwbU2luZ2xl"
        "IFdp\n"
        "bmRvdyAoZGV2ZWxvcG1lbnQpMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIB"
        "CgKC\n"
        "AQEArHTsa8l/nKp62No1FOrfl/smUIo6gMfc4Hdt2nl2M/71afaOB+jhYbih"
        "Naj3\n"
        "92QJLRig8JVliu7Qbmkblvof6YwUMtnkXxD2aAQfkXkh8i+QF52YpWAd/t2O"
        "P2YM\n"
        "eePD5whFhG+Hs24pFPadwFOcCyTlA42N4Jry7AMbQ7oL1+F0OlhtG3OxhVnc"
        "Yegh\n"
        "e9fRIMRMe7nPelp3qRrQUBgRtiBzAd3484RJiqMQkD1Oc7/uXd4w0u9RunEm"
        "EOOW\n"
        "BEgBkZiJ5MHaeEP3Kew95YzhbMWw0KIkU9MAcSnCGhL2VOhhRZHL2txihPjW"
        "RYT4\n"
        "wrBMGBq4Bbihr2IMJGevTW1VywIDAQABMA0GCSqGSIb3DQEBCwUAA4IBAQAR"
        "S6Vy\n"
        "j288h0TelKt8VK4VaiFUQUu3Y2o3vezNEKNLalhq+TKhH5TN8aivPaf0XLAO"
        "xwPw\n"
        "JLqmylp9yFaEiw67cm20GcunBV1WJ6mYqGfGyNkpUykGqPdbyHqZZsKvlfPU"
        "QmhL\n"
        "3mCfozn1a1XfSTTH+/uR/UjfzGpdVm7Wpy3wcPp/WpPClRCZK6OJbE7XkO/c"
        "n2OZ\n"
        "PP7SVz9OxLcNrUT4pQxg8KZOQ1gklD4KvQUZf7xfH2tIoSqnDHyi3GGHkUAR"
        "rb8E\n"
        "mEaAsZmxEdkI1xXzcDkq3aqwWPiIPmLvi/5VmfkqnFqJrgNcx+wW2skdsw6g"
        "4Ykw\n"
        "SzMg1QxfCxwv9jSn\n"
        "-----END CERTIFICATE-----\n"
    ),
    ("GET /healthz 2xx", "application/json"): {
        "status": "ok",
    },
    ("GET /readyz 2xx", "application/json"): {
        "status": "ready",
    },
    # Trust: what a complainant sees of their complaint; a complaint's evidence, as filed.
    ("GET /v1/complaints/{complaintId} 2xx", "application/json"): {
        "id": "01a249f5-42d7-74b7-82ac-51fa4c38e4a3",
        "status": "upheld",
        "kind": "counterfeit",
        "createdAt": "2026-12-06T06:05:39.926768Z",
        "updatedAt": "2026-12-06T06:05:39.945268Z",
        "outcome": {
            "decision": "upheld",
            "reason": "Brand owner confirmed the serial number is not genuine; counterfeit goods.",
            "decidedAt": "2026-12-06T06:05:39.945268Z",
        },
        "takedown": {
            "id": "01a249f5-42ed-770c-9c30-8617d95fb46d",
            "complaintId": "01a249f5-42d7-74b7-82ac-51fa4c38e4a3",
            "platformCode": "3301960001",
            "sellerCode": "3301960002",
            "product": {
                "name": "电吹风",
                "itemNo": "SKU-310000",
                "barcode": "6953018310002",
            },
            "listingUrl": "https://www.yungou.example.cn/item/SKU-310000",
            "reason": "Brand owner confirmed the serial number is not genuine; counterfeit goods.",
            "issuedAt": "2026-12-06T06:05:39.945268Z",
            "acknowledgeBy": "2026-12-07T06:05:39.945268Z",
            "acknowledgedAt": "2026-12-06T06:05:39.965013Z",
            "actionTaken": (
                "Listing SKU-310000 removed; the seller's store is suspended pending review."
            ),
            "late": False,
        },
    },
    (
        "GET /v1/regulator/complaints/{complaintId}/attachments/{position} 2xx",
        "image/jpeg",
    ): _LABEL_PHOTO.decode("latin-1"),
    (
        "GET /v1/regulator/complaints/{complaintId}/attachments/{position} 2xx",
        "image/png",
    ): _SCREENSHOT.decode("latin-1"),
    (
        "GET /v1/regulator/complaints/{complaintId}/attachments/{position} 2xx",
        "application/pdf",
    ): _BRAND_LETTER.decode("latin-1"),
}
