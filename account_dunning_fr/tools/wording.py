# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""Placeholders of the wording of the dunning documents, without ``env``: which ones a user may
write, which unknown ones a text holds, and the text with their values."""

# Placeholders a user may write in the wording fields.
PLACEHOLDERS = ("{amount}", "{deadline_days}", "{deadline_date}", "{company}", "{customer}")

# Kinds of document, from courteous to firm (see account.dunning.level._compute_wording_kind).
WORDING_KINDS = [
    ("courtesy", "Courtesy reminder (before the due date)"),
    ("first", "First reminder"),
    ("firm", "Firm reminder"),
    ("formal_notice", "Formal notice"),
]


def braced_words(text):
    """The words written between braces in ``text``."""
    words = []
    for chunk in (text or "").split("{")[1:]:
        if "}" in chunk:
            words.append(chunk.split("}", 1)[0])
    return words


def unknown_placeholders(text):
    """The placeholders of ``text`` that are not in ``PLACEHOLDERS`` ("{amont}"), in order."""
    return [f"{{{word}}}" for word in braced_words(text) if f"{{{word}}}" not in PLACEHOLDERS]


def fill_placeholders(text, values):
    """``text`` with the placeholders of ``PLACEHOLDERS`` replaced by ``values`` (strings).

    A plain replacement, never ``str.format``: a stray brace typed by a user cannot break the
    rendering of a document."""
    for placeholder in PLACEHOLDERS:
        if placeholder in (text or ""):
            text = text.replace(placeholder, values.get(placeholder[1:-1], ""))
    return text or ""
