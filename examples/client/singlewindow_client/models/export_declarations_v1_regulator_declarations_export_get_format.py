from enum import StrEnum


class ExportDeclarationsV1RegulatorDeclarationsExportGetFormat(StrEnum):
    CSV = "csv"
    NDJSON = "ndjson"

    def __str__(self) -> str:
        return str(self.value)
