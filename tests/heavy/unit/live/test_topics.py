"""Topics: names and keys are checked where they are declared or used, unknown names are refused
with the names that exist, and the checks see the user and the key."""

from __future__ import annotations

from uuid import uuid4

import pytest
from pydantic import BaseModel

from heavy.accounts.users import ANONYMOUS_USER, User
from heavy.live import LiveError, MessageRefusedError, Topic, TopicRefusedError, UnknownTopicError, owner_only
from heavy.live.topics import topic_named


class Note(BaseModel):
    note_id: int


NOTES = Topic("test_unit_notes", Note, keyed=True, can_follow=owner_only, can_publish=owner_only)
PLAIN = Topic("test_unit_plain", Note)


def a_user() -> User:
    return User.model_validate({"id": uuid4(), "display_name": "Ada", "created_at": "2026-01-01T00:00:00Z"})


class TestDeclaring:
    @pytest.mark.parametrize("name", ["", "Upper", "has space", "1starts_with_digit", "x" * 65])
    def test_a_bad_name_is_refused_with_the_rule(self, name: str) -> None:
        with pytest.raises(ValueError, match="invalid topic name"):
            Topic(name, Note)

    def test_a_name_declared_twice_with_another_model_is_refused(self) -> None:
        class Other(BaseModel):
            other: str

        with pytest.raises(ValueError, match="declared twice"):
            Topic("test_unit_plain", Other)


class TestChannels:
    def test_a_keyed_topic_needs_a_key_and_a_plain_one_takes_none(self) -> None:
        assert NOTES.channel("42") == "test_unit_notes:42"
        assert PLAIN.channel() == "test_unit_plain"
        with pytest.raises(LiveError, match="needs a key"):
            NOTES.channel()
        with pytest.raises(LiveError, match="needs a key"):
            NOTES.channel("no spaces please")
        with pytest.raises(LiveError, match="takes no key"):
            PLAIN.channel("42")

    def test_an_unknown_channel_is_refused_naming_the_declared_topics(self) -> None:
        assert topic_named("test_unit_notes:7") is NOTES
        with pytest.raises(UnknownTopicError, match=r"no topic 'nope' is declared .*test_unit_plain"):
            topic_named("nope")


class TestChecks:
    def test_owner_only_lets_the_owner_in_and_no_one_else(self) -> None:
        ada, bob = a_user(), a_user()
        NOTES.check_follow(ada, str(ada.id))
        with pytest.raises(TopicRefusedError, match=f"user {bob.id} may not follow"):
            NOTES.check_follow(bob, str(ada.id))
        with pytest.raises(TopicRefusedError, match="a guest may not publish"):
            NOTES.check_publish(ANONYMOUS_USER, str(ada.id))

    def test_a_message_of_the_wrong_shape_names_the_field(self) -> None:
        with pytest.raises(MessageRefusedError, match="not a Note for 'test_unit_plain': note_id"):
            PLAIN.parse({"note_id": "x"})
