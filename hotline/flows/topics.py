"""Words that say what kind of help a first text asks for, in each language."""
from __future__ import annotations

from ..i18n import NP_

# Words that say what kind of help a first text asks for, per category. A first text that names
# exactly one kind starts its questions; the words themselves are kept as the request's details.
TOPICS = {
    # Translators: words in a first text that ask for food, separated by |, lower case; single
    # words or short phrases a person would text. Never words that also fit another kind of help.
    "food": NP_("topic", "food|groceries|grocery|hungry|meal|meals|diapers|baby formula|something to eat"),
    # Translators: words in a first text that ask for a ride, separated by |, lower case; not
    # "appointment" or "clinic" (a need for a doctor is not always a need for a ride). Words are
    # compared without accent marks: leave out any that then spell a common other word.
    "ride": NP_("topic", "ride|a lift|drive me|driver|transport|transportation"),
    # Translators: words in a first text that ask for help with housing, separated by |, lower case.
    "housing": NP_("topic", "housing|rent|evicted|eviction|shelter|homeless|landlord|place to stay"),
    # Translators: words in a first text that ask for childcare, separated by |, lower case.
    "childcare": NP_("topic", "childcare|child care|babysitter|babysitting|daycare"),
    # Translators: words in a first text that ask for help with health, separated by |, lower case.
    "health": NP_("topic", "health|medicine|medication|pharmacy|prescription|sick"),
    # Translators: words in a first text that ask for emergency money, separated by |, lower case.
    "money": NP_("topic", "money|cash|bills|utility bill|electric bill|emergency money"),
}
