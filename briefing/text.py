"""Text normalisation shared by usernames and the word lists.

Two strings that a reader would read as the same word must compare equal:
"Аlex" with a Cyrillic "А" poses as "Alex", and "дурaк" with a Latin "a"
must still match the banned "дурак". The skeleton folds case, compatibility
forms (fullwidth letters) and look-alike letters onto one representative.
"""

import unicodedata

# Letters that render (nearly) the same as a Latin letter, lower case, after
# casefold(): so upper-case look-alikes (В, Н, М, Т, К) count through theirs.
_LOOKALIKES = {
    # Cyrillic
    "а": "a",
    "в": "b",
    "е": "e",
    "ё": "e",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "ѕ": "s",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "һ": "h",
    "ӏ": "l",
    # Greek
    "α": "a",
    "β": "b",
    "ε": "e",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "μ": "m",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
}
_SKELETON_TABLE = str.maketrans(_LOOKALIKES)


def skeleton(text: str) -> str:
    """Return the form of `text` under which look-alike strings are equal."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return folded.translate(_SKELETON_TABLE)


def without_invisible(text: str) -> str:
    """`text` without invisible format characters (zero-width space, soft
    hyphen, joiners), which would otherwise split a word unseen."""
    return "".join(char for char in text if unicodedata.category(char) != "Cf")
