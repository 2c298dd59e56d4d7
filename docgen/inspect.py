"""File sniffing: what a file really is (from its bytes, not its name), whether a PDF opens,
and what an e-mail says and carries. Pure: bytes and paths in, facts out; problems are
``BadFile`` with a code (the caller words the message for its users).
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

import filetype

# What `filetype` calls some types, and what we call them.
FILETYPE_ALIASES = {
    "audio/x-m4a": "audio/mp4",
    "video/mp4": "audio/mp4",
    "audio/wav": "audio/x-wav",
    "audio/x-amr": "audio/amr",
}
EMAIL_HEADERS = (
    b"from:",
    b"to:",
    b"subject:",
    b"date:",
    b"received:",
    b"message-id:",
    b"mime-version:",
    b"return-path:",
    b"delivered-to:",
)


class BadFile(Exception):
    """The file cannot be taken: ``code`` says why ("encrypted_pdf", "broken_pdf", "no_pages"),
    ``detail`` what the parser said."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def sniff_text(head: bytes) -> str | None:
    """message/rfc822 or text/plain for text content (UTF-8 or GB18030); None for binary."""
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("gb18030")
        except UnicodeDecodeError:
            return None
    lines = [line.strip().lower().encode() for line in text.splitlines()[:40] if line.strip()]
    headers = sum(1 for line in lines if line.startswith(EMAIL_HEADERS))
    if headers >= 3 and lines and b":" in lines[0]:
        return "message/rfc822"
    return "text/plain"


def guess_type(head: bytes) -> str | None:
    """The content type from the first bytes of a file (magic numbers, then text sniffing)."""
    kind = filetype.guess(head)
    if kind:
        return FILETYPE_ALIASES.get(kind.mime, kind.mime)
    return sniff_text(head)


def pdf_pages(path: Path) -> int:
    """Page count of a readable, unencrypted PDF (every page must parse); ``BadFile`` else."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise BadFile("encrypted_pdf")
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018 - every page must be readable
    except BadFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise BadFile("broken_pdf", type(exc).__name__) from None
    if pages == 0:
        raise BadFile("no_pages")
    return pages


@dataclass
class Email:
    meta: dict  # date (ISO, or None), from, to, cc, subject
    attachments: list[tuple[str, bytes]]  # (file name, bytes)
    body: str = ""  # the text the sender wrote (the plain part, or the HTML part's text)
    date_header: str = ""  # the Date header as written


def parse_email(path: Path) -> Email:
    """Date, from, to, cc, subject, the body text and the attachments of an e-mail (.eml)."""
    with open(path, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    sent = msg.get("Date")
    try:
        sent_at = parsedate_to_datetime(sent).isoformat() if sent else None
    except (TypeError, ValueError):
        sent_at = None
    meta = {
        "date": sent_at,
        "from": str(msg.get("From", "")),
        "to": str(msg.get("To", "")),
        "cc": str(msg.get("Cc", "") or ""),
        "subject": str(msg.get("Subject", "")),
    }
    return Email(meta, list(_attachments(msg)), _body(msg), str(sent or ""))


def _body(msg) -> str:
    """The body as text: the plain part when there is one, else the HTML part's text."""
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
    except (KeyError, LookupError):  # a malformed MIME tree
        return ""
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, UnicodeDecodeError, ValueError):  # an unknown or wrong charset
        payload = part.get_payload(decode=True) or b""
        text = payload.decode("gb18030", errors="replace")
    if part.get_content_subtype() == "html":
        text = _html_text(text)
    return text.replace("\r\n", "\n").strip()


def _html_text(html: str) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.out: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag, attrs):
            if tag in ("script", "style"):
                self.skip += 1
            elif tag in ("br", "p", "div", "tr", "li"):
                self.out.append("\n")

        def handle_endtag(self, tag):
            if tag in ("script", "style") and self.skip:
                self.skip -= 1

        def handle_data(self, data):
            if not self.skip:
                self.out.append(data)

    parser = Text()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.out).splitlines())
    return "\n".join(line for line in lines if line)


def audio_duration(path: Path) -> float | None:
    """A recording's length in seconds, read from the file by mutagen (MP3, M4A, WAV, ...);
    None when the format gives none (e.g. AMR) or the file does not parse."""
    import mutagen

    try:
        audio = mutagen.File(path)
    except (mutagen.MutagenError, OSError, ValueError, EOFError):
        return None
    length = getattr(getattr(audio, "info", None), "length", None)
    return float(length) if length else None


def _attachments(msg) -> Iterator[tuple[str, bytes]]:
    for part in msg.iter_attachments():
        payload = part.get_payload(decode=True)
        if payload:
            yield part.get_filename() or "attachment", payload


def recipients(meta: dict) -> set[str]:
    """The lower-cased addresses an e-mail went to (To and Cc)."""
    pairs = getaddresses([meta.get("to", ""), meta.get("cc", "")])
    return {addr.lower() for _, addr in pairs if addr}
