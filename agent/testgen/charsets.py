"""Character-set phrases: "lowercase English letters", "digits", "only '0' and '1'",
"'F', 'W', or 'E'", "\"UP\", \"RIGHT\"" -> the characters (or whole values) allowed.

A phrase is understood only when, after removing the names of character classes
and quoted characters, nothing but filler words remains; otherwise it is unknown
(never a guess).
"""

from __future__ import annotations

import re
import string

_LOWER = string.ascii_lowercase
_UPPER = string.ascii_uppercase
_DIGITS = string.digits
_SYMBOLS = "".join(c for c in string.punctuation)

_GENERIC_LETTERS = r"(?:english )?(?:letters?|alphabets?)"
# longest phrases first: the first match removes its span from the text
_CLASSES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), chars) for p, chars in (
        (r"printable ascii characters?", string.printable.strip() + " "),
        (r"english letters? \(?(?:both )?(?:lower[- ]?case and upper[- ]?case|upper[- ]?case and "
         r"lower[- ]?case)\)?", _LOWER + _UPPER),
        (r"(?:lower[- ]?case and upper[- ]?case|upper[- ]?case and lower[- ]?case) (?:english )?"
         r"(?:letters?|characters?|alphabets?)", _LOWER + _UPPER),
        (r"lower[- ]?case (?:english )?(?:letters?|characters?|alphabets?)", _LOWER),
        (r"upper[- ]?case (?:english )?(?:letters?|characters?|alphabets?)", _UPPER),
        (r"lower[- ]?case (?:english )?letters? \('a' to 'z'\)", _LOWER),
        (_GENERIC_LETTERS, _LOWER + _UPPER),
        (r"(?:numeric |decimal )?digits?", _DIGITS),
        (r"(?:white ?)?spaces?(?: characters?)?|space characters?|blank spaces?", " "),
        (r"(?:special )?symbols?", _SYMBOLS),
        (r"vowels?", "aeiou"),
    )
]
_RANGE = re.compile(r"\['(.)',\s*'(.)'\]|'(.)'\s*(?:to|-|\.\.)\s*'(.)'")
_QUOTED_CHAR = re.compile(r"'(.)'|\"(.)\"")
_QUOTED_WORD = re.compile(r"\"([^\"]+)\"|'([^']{2,})'")
_FILLER = set(["only", "of", "and", "or", "the", "characters", "character", "english", "letters", "letter", "consists", "consist", "contains", "contain", "is", "are", "either", "one", "from", "a", "an", "set", "following", "each", "in", "within", "with", "no", "other", "all", "lowercase", "uppercase", "also", "just", "as", "well", "be", "can", "may", "will", "either:", "following:", "range", "these", "those"])


def charset_phrase(text: str) -> str | None:
    """The characters a phrase allows, or None when any part of it is not understood."""
    rest = text.strip().rstrip(".")
    chars: set[str] = set()
    rest = rest.replace("`", "")
    for m in list(_RANGE.finditer(rest)):
        lo, hi = m.group(1) or m.group(3), m.group(2) or m.group(4)
        if ord(lo) > ord(hi):
            return None
        chars.update(chr(c) for c in range(ord(lo), ord(hi) + 1))
    rest = _RANGE.sub(" ", rest)
    for m in _QUOTED_CHAR.finditer(rest):
        chars.add(m.group(1) if m.group(1) is not None else m.group(2))
    rest = _QUOTED_CHAR.sub(" ", rest)
    lowered = rest.lower()
    for pattern, allowed in _CLASSES:
        if pattern.pattern == _GENERIC_LETTERS and chars:
            continue  # "letters 'a' to 'e'": the quoted ones say which letters
        if pattern.search(lowered):
            chars.update(allowed)
            lowered = pattern.sub(" ", lowered)
    words = re.findall(r"[\w:'\"\[\]()]+", lowered)
    if not chars or any(w not in _FILLER for w in words):
        return None
    return "".join(sorted(chars))


def word_choices(text: str) -> list[str] | None:
    """`"UP", "RIGHT", "DOWN", and "LEFT"` -> the words, when that is all the phrase says."""
    found = [a or b for a, b in _QUOTED_WORD.findall(text)]
    if len(found) < 2:
        return None
    rest = _QUOTED_WORD.sub(" ", text).lower()
    words = re.findall(r"[\w:'\"]+", rest)
    if any(w not in _FILLER for w in words):
        return None
    return found
