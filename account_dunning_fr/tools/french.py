# Copyright 2026 account_dunning_fr developers
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
"""French typography of a translated text, without ``env``."""

import re

# a name starting with one of these takes the elided "d'" and "qu'": "à l'ordre d'Atelier
# Dupont", but "à l'ordre de Société X"; a name starting with "h" is left alone (aspirated
# or mute: only its owner knows)
VOWELS = "aeiouyàâäéèêëîïôöùûüÿæœ"


def elide_before(text, name, lang):
    """``text`` with the French "de" and "que" that come right before ``name`` elided when
    ``name`` starts with a vowel and ``lang`` is French: "Par chèque à l'ordre de Atelier
    Dupont" becomes "Par chèque à l'ordre d'Atelier Dupont". Other languages, and names
    starting with a consonant, are left as they are."""
    if not (text and name and lang and lang.startswith("fr")) or name[0].lower() not in VOWELS:
        return text
    return re.sub(rf"\b([Dd]|[Qq]u)e (?={re.escape(name)})", r"\1'", text)
