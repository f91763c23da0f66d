"""The ``users`` table: who a user is, and the key pair that encrypts their private data.

Encryption lives here, on the SQL model, because the SQL model is the raw stored form: callers
hand plain bytes to :meth:`SQLUser.encrypt_with_public_key` and get plain bytes back from
:meth:`SQLUser.decrypt_with_private_key`; nothing above this layer sees key material.
"""

from __future__ import annotations

import os
import struct
from datetime import datetime
from typing import NewType
from uuid import UUID, uuid4

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Uuid
from sqlmodel import Field

from heavy.data.heavy_model import HeavyModel, timestamp_field

UserId = NewType("UserId", UUID)

RSA_KEY_BITS = 2048
_OAEP = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA256()), algorithm=hashes.SHA256(), label=None)
_NONCE_BYTES = 12


class SQLUser(HeavyModel, table=True):
    __tablename__ = "users"

    id: UserId = Field(default_factory=lambda: UserId(uuid4()), primary_key=True, sa_type=Uuid)
    created_at: datetime = timestamp_field()
    updated_at: datetime = timestamp_field()
    display_name: str = Field(default="", max_length=100)
    email: str | None = Field(default=None, max_length=320, unique=True, description="normalised: lower case")
    password_hash: str | None = Field(default=None, max_length=200, description="argon2id, PHC string format")
    public_key: bytes | None = Field(default=None, description="PEM, SubjectPublicKeyInfo")
    encrypted_private_key: bytes | None = Field(
        default=None, description="PEM, PKCS#8, encrypted with a passphrase derived from the app secret"
    )

    def generate_public_private_keys(self, passphrase: bytes) -> None:
        """Give this user a new RSA key pair; the private half is stored encrypted with ``passphrase``."""
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
        self.public_key = private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.encrypted_private_key = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase),
        )

    def encrypt_with_public_key(self, plaintext: bytes) -> bytes:
        """Encrypt data of any length for this user (RSA-OAEP wraps a fresh AES-256-GCM key)."""
        public_key = serialization.load_pem_public_key(self._require(self.public_key))
        assert isinstance(public_key, rsa.RSAPublicKey)
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(_NONCE_BYTES)
        wrapped_key = public_key.encrypt(data_key, _OAEP)
        ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, None)
        return struct.pack(">H", len(wrapped_key)) + wrapped_key + nonce + ciphertext

    def decrypt_with_private_key(self, token: bytes, passphrase: bytes) -> bytes:
        """Reverse :meth:`encrypt_with_public_key`; raises ``InvalidTag`` if the data was altered."""
        private_key = serialization.load_pem_private_key(
            self._require(self.encrypted_private_key), password=passphrase
        )
        assert isinstance(private_key, rsa.RSAPrivateKey)
        (wrapped_length,) = struct.unpack(">H", token[:2])
        wrapped_key = token[2 : 2 + wrapped_length]
        nonce = token[2 + wrapped_length : 2 + wrapped_length + _NONCE_BYTES]
        ciphertext = token[2 + wrapped_length + _NONCE_BYTES :]
        data_key = private_key.decrypt(wrapped_key, _OAEP)
        return AESGCM(data_key).decrypt(nonce, ciphertext, None)

    def _require(self, key_material: bytes | None) -> bytes:
        if key_material is None:
            raise ValueError(f"user {self.id} has no key pair yet: call generate_public_private_keys() first")
        return key_material
