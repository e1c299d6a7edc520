"""User text made safe to show: control characters become visible `<U+XXXX>` marks, not actions.

Comment text, commenter names, list user names, reviewer names and review notes come from people
outside the institution. Printed raw, an ESC sequence can clear a terminal or recolour a report,
a C1 control or U+2028 can start a forged line, and a bidi override reverses the sentence around
it. `visible` replaces each such character by one notation, used in every terminal and text output:

    <U+XXXX>   the character's code point, four upper-case hex digits (ESC -> <U+001B>,
               RIGHT-TO-LEFT OVERRIDE -> <U+202E>)

It covers C0 controls U+0000-U+001F (newline and tab stay where the output allows them, and a
CRLF pair then counts as one newline), DEL U+007F, C1 controls U+0080-U+009F, the line and
paragraph separators U+2028-U+2029, and the bidi embedding, override and isolate controls
U+202A-U+202E and U+2066-U+2069 (those stay where the output isolates user text itself, as HTML
does with `<bdi>`). Everything else, including right-to-left letters and the LRM/RLM/ALM marks
that right-to-left names need, is left as it is.

`reveal` undoes the notation. It is reversible enough for reading evidence: only the code points
above are decoded, so only a text that literally contained e.g. "<U+001B>" comes back different.
Machine outputs (JSON, CSV) keep the exact text and are not passed through here.
"""

from __future__ import annotations

import functools
import re

BIDI_CONTROLS = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
# Each of these ends a line or acts on the terminal; Python's splitlines (and so rich) breaks at
# \v, \f, \x1c-\x1e, \x85, U+2028 and U+2029 too, which is how a comment could forge a table row.
LINE_AND_TERMINAL_CONTROLS = frozenset([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0),
                                        0x2028, 0x2029])
SHOWN = LINE_AND_TERMINAL_CONTROLS | BIDI_CONTROLS
_MARK = re.compile(r"<U\+([0-9A-F]{4})>")


def mark(code_point: int) -> str:
    """The notation for one code point, e.g. `<U+001B>`."""
    return f"<U+{code_point:04X}>"


@functools.cache
def _table(keep: str, isolated: bool) -> dict[int, str]:
    kept = {ord(char) for char in keep} | (BIDI_CONTROLS if isolated else set())
    return {code: mark(code) for code in SHOWN - kept}


def visible(text: str, *, keep: str = "\n\t", isolated: bool = False) -> str:
    """`text` with every control character in SHOWN replaced by its `<U+XXXX>` mark."""
    if "\n" in keep:
        text = text.replace("\r\n", "\n")  # a Windows line break is a newline, not a carriage return
    return text.translate(_table(keep, isolated))


def reveal(text: str) -> str:
    """The inverse of `visible`: each `<U+XXXX>` mark of a SHOWN code point back as the character."""
    def decode(match: re.Match[str]) -> str:
        code = int(match[1], 16)
        return chr(code) if code in SHOWN else match[0]
    return _MARK.sub(decode, text)
