"""A citizen's contact, typed by an agent, gives an e-mail address only when it holds exactly
one valid address: a message must not go to a guess."""

import pytest

from core.contacts import single_email_address


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("jeanne@exemple.fr", "jeanne@exemple.fr"),
        ("  Jeanne.Usagere@Exemple.FR. ", "jeanne.usagere@exemple.fr"),
        ("Mme Roy <a.roy@mail.fr>, 06 12 34 56 78", "a.roy@mail.fr"),
        ("a.roy@mail.fr ; A.Roy@mail.fr", "a.roy@mail.fr"),  # the same address twice
        ("a.roy@mail.fr, b.roy@mail.fr", None),
        ("12 rue Haute, 75001 Paris", None),
        ("jeanne@@exemple.fr", None),
        ("jeanne@exemple", None),
        ("", None),
    ],
)
def test_a_contact_gives_its_address_only_when_it_holds_exactly_one_valid_one(text, address):
    assert single_email_address(text) == address
