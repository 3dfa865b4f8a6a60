"""Reading a citizen's contact as typed by an agent: a field may hold an e-mail address, a
phone number, a postal address, or several of them."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# Anything between separators that has an "@" in it: a candidate address.
_CANDIDATE = re.compile(r"[^\s,;<>()\[\]\"']*@[^\s,;<>()\[\]\"']*")


def single_email_address(text: str) -> str | None:
    """The one e-mail address `text` holds, lower-cased ("Mme Roy <A.Roy@Mail.fr>, 06 12…" gives
    "a.roy@mail.fr"); None when it holds none, an invalid one, or several different ones: a
    message must not go to a guess."""
    candidates = {candidate.strip(".").lower() for candidate in _CANDIDATE.findall(text)}
    if len(candidates) != 1:
        return None
    (address,) = candidates
    try:
        validate_email(address)
    except ValidationError:
        return None
    return address
