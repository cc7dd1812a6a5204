"""CEB 202205 XML, the customs' message standard: safe parsing and XSD validation
(``xml``), messages to and from the service's JSON documents (``messages``), the receipts
the window answers with (``receipts``). Bytes in, documents or bytes out: no storage, no
HTTP."""
