"""Names are data, on the terminal too: the one way user text reaches a console.

Scenario, asset, wave, sensor and effector names (and file paths, and values echoed in error
messages) come from files that anyone may have written. On their way to a terminal they must
neither run escape sequences (``\\x1b[2J`` clears the screen, ``\\x1b]0;...\\x07`` sets the
window title, a C1 ``\\x9b`` is a CSI on some terminals, bidi overrides reorder what the
reader sees) nor be read as rich markup (``[link=...]``, ``[/bold]``) or emoji codes
(``:smile:``).

- :func:`term` escapes the dangerous characters of one string, the way Python's ``repr``
  writes them (``\\x1b``, ``\\u202e``), so the reader sees what the file holds.
- :func:`term_block` does the same for text of many lines (newlines and tabs kept): what a
  command prints with ``sys.stdout.write``.
- :func:`console` is the rich console every table of the CLI is rendered with: no markup, no
  emoji codes, and every string passed to it goes through :func:`term`.
- :func:`json_text` is :func:`json.dumps` whose output is safe on a terminal: JSON already
  escapes C0 controls; this escapes DEL, C1 controls, line and paragraph separators and bidi
  controls as ``\\uXXXX`` too (the same data: JSON readers see no difference).

Only the standard library is imported at module level (the CLI imports this module).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from rich.console import Console

#: C0 and C1 controls, DEL, surrogates, line/paragraph separators and the bidi controls
#: (LRM/RLM, ALM, LRE..RLO, LRI..PDI): everything that can move the cursor, change the
#: terminal's state or reorder the text a reader sees.
_C0 = "\x00-\x1f"
_C0_BUT_NL_TAB = "\x00-\x08\x0b-\x1f"
_UNSAFE = _C0 + "\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_RE = re.compile(f"[{_UNSAFE}]")
#: The same without newline and tab, for text of several lines.
_UNSAFE_BLOCK_RE = re.compile(f"[{_UNSAFE.replace(_C0, _C0_BUT_NL_TAB)}]")
#: In JSON text: what json.dumps(ensure_ascii=False) leaves raw (it escapes C0 itself).
_JSON_UNSAFE_RE = re.compile(f"[{_UNSAFE.removeprefix(_C0)}]")


def _escape(match: re.Match[str]) -> str:
    c = match.group()
    code = ord(c)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plural(n: int, word: str) -> str:
    """``"1 sensor"``, ``"3 sensors"``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def term(text: object) -> str:
    """``text`` as a string that is safe to print: control, bidi and separator characters
    written as ``\\xNN`` / ``\\uNNNN`` escapes (newlines and tabs too: a name is one line)."""
    return _UNSAFE_RE.sub(_escape, str(text))


def term_block(text: str) -> str:
    """:func:`term` for text of several lines: newlines and tabs are kept, every other unsafe
    character is escaped."""
    return _UNSAFE_BLOCK_RE.sub(_escape, text)


def json_text(obj: Any, *, indent: int | None = 2) -> str:
    """``json.dumps(obj, indent=indent, ensure_ascii=False) + "\\n"`` with the characters that
    are unsafe on a terminal written as ``\\uXXXX`` (valid JSON of the same data; text without
    such characters is byte-identical to plain :func:`json.dumps`)."""
    text = json.dumps(obj, indent=indent, ensure_ascii=False)
    return _JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def console(*, stderr: bool = False) -> Console:
    """The rich console of the CLI: markup and emoji codes off, every string escaped with
    :func:`term` on its way in (table cells, titles, printed text)."""
    from rich.console import Console

    class _SafeConsole(Console):
        def render_str(self, text: str, **kwargs: Any) -> Any:
            kwargs["markup"] = False
            kwargs["emoji"] = False
            return super().render_str(term(text), **kwargs)

    return _SafeConsole(stderr=stderr, markup=False, emoji=False)


__all__ = ["console", "json_text", "term", "term_block"]
