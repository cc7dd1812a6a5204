from enum import StrEnum


class CertificatePublicAlgorithm(StrEnum):
    RSA = "rsa"
    SM2 = "sm2"

    def __str__(self) -> str:
        return str(self.value)
