from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag

from heavy.accounts.user_model import SQLUser

PASSPHRASE = b"correct horse battery staple"


@pytest.fixture(scope="module")
def user_with_keys() -> SQLUser:
    user = SQLUser(display_name="Ada")
    user.generate_public_private_keys(PASSPHRASE)
    return user


class TestSQLUserKeys:
    def test_generates_a_pem_public_key_and_an_encrypted_private_key(self, user_with_keys: SQLUser) -> None:
        assert user_with_keys.public_key is not None
        assert user_with_keys.public_key.startswith(b"-----BEGIN PUBLIC KEY-----")
        assert user_with_keys.encrypted_private_key is not None
        assert user_with_keys.encrypted_private_key.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")

    @pytest.mark.parametrize("plaintext", [b"", b"short secret", bytes(range(256)) * 40])
    def test_encrypt_then_decrypt_round_trips_data_of_any_length(
        self, user_with_keys: SQLUser, plaintext: bytes
    ) -> None:
        token = user_with_keys.encrypt_with_public_key(plaintext)

        assert plaintext not in token or not plaintext
        assert user_with_keys.decrypt_with_private_key(token, PASSPHRASE) == plaintext

    def test_each_encryption_is_different(self, user_with_keys: SQLUser) -> None:
        assert user_with_keys.encrypt_with_public_key(b"same") != user_with_keys.encrypt_with_public_key(
            b"same"
        )

    def test_altered_ciphertext_is_rejected(self, user_with_keys: SQLUser) -> None:
        token = bytearray(user_with_keys.encrypt_with_public_key(b"do not touch"))
        token[-1] ^= 0x01

        with pytest.raises(InvalidTag):
            user_with_keys.decrypt_with_private_key(bytes(token), PASSPHRASE)

    def test_the_wrong_passphrase_cannot_open_the_private_key(self, user_with_keys: SQLUser) -> None:
        token = user_with_keys.encrypt_with_public_key(b"x")

        # cryptography says "Bad decrypt. Incorrect password?" or, for a few wrong passwords,
        # "Could not deserialize key data": either way the key stays shut.
        with pytest.raises(ValueError, match=r"password|deserialize"):
            user_with_keys.decrypt_with_private_key(token, b"wrong")

    def test_using_keys_before_generating_them_says_what_to_do(self) -> None:
        with pytest.raises(ValueError, match=r"no key pair yet: call generate_public_private_keys\(\)"):
            SQLUser(display_name="No keys").encrypt_with_public_key(b"x")
