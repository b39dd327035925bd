"""The services' validation messages in the reader's language.

The services answer in English, the contract's language (docs/rpc-contract.md): marshmallow's
own messages and the suite's field messages (coop_shared.money, coop_shared.schema_fields,
coop_shared.wire_schemas). Someone using the console or the portal in French or Dutch reads them
here in their language: fixed texts through the catalogues (`service_messages.po`), texts that
carry a value (a bound, a length, the choices, what was typed) by pattern, the value kept as the
service wrote it. A text not known here is shown as the service wrote it.
"""

from __future__ import annotations

import re

from coop_web.i18n import N_
from coop_web.i18n import gettext as _

# Marked for the catalogues (the catalogue test requires their French and Dutch); `translated`
# finds them through gettext like any text.
FIXED = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Unknown field."),
    N_("Invalid input type."),
    N_("Invalid type."),
    N_("Invalid value."),
    N_("Not a valid string."),
    N_("Not a valid number."),
    N_("Not a valid integer."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid email address."),
    N_("Not a valid UUID."),
    N_("Not a valid URL."),
    N_("Not a valid list."),
    N_("Number too large."),
    N_("String does not match expected pattern."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Amounts must be decimal strings, not floats."),
    N_("Amounts must be finite."),
    N_("At most two decimals (cents)."),
    N_("The amount must be greater than zero."),
    N_("The amount may not be negative."),
    N_("A quantity is greater than zero."),
    N_("At most four decimals."),
    N_('A rate is a fraction between 0 and 1, e.g. "0.21".'),
    N_("Pass an id string or an object with 'id'."),
)

# (what the service writes, the same text with its values named): marshmallow's validators
# (Range, Length, OneOf) and coop_shared.money.
PATTERNS = tuple(
    (re.compile(pattern), template)
    for pattern, template in (
        (
            r"Must be greater than or equal to (?P<low>\S+) and less than or equal to (?P<high>\S+)\.",
            N_("Must be between %(low)s and %(high)s."),
        ),
        (r"Must be greater than or equal to (?P<value>\S+)\.", N_("Must be at least %(value)s.")),
        (r"Must be greater than (?P<value>\S+)\.", N_("Must be more than %(value)s.")),
        (r"Must be less than or equal to (?P<value>\S+)\.", N_("Must be at most %(value)s.")),
        (r"Must be less than (?P<value>\S+)\.", N_("Must be less than %(value)s.")),
        (r"Shorter than minimum length (?P<value>\d+)\.", N_("At least %(value)s characters.")),
        (r"Longer than maximum length (?P<value>\d+)\.", N_("At most %(value)s characters.")),
        (
            r"Length must be between (?P<low>\d+) and (?P<high>\d+)\.",
            N_("Between %(low)s and %(high)s characters."),
        ),
        (r"Length must be (?P<value>\d+)\.", N_("Exactly %(value)s characters.")),
        (r"Must be one of: (?P<choices>.+)\.", N_("Must be one of: %(choices)s.")),
        (r"Not a decimal amount: (?P<value>.+)\.", N_("Not a decimal amount: %(value)s.")),
    )
)


def translated(messages) -> str:
    """A field's messages in the reader's language, joined: a text, a list of them, or a nested
    schema's {"0": {"amount": [...]}}. A text not known here stays as the service wrote it."""
    if isinstance(messages, dict):
        return " ".join(translated(nested) for nested in messages.values())
    if isinstance(messages, list | tuple):
        return " ".join(translated(text) for text in messages)
    text = str(messages)
    for pattern, template in PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return _(template, **found.groupdict())
    return _(text)
