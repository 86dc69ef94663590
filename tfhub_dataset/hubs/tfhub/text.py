"""Bytes to text, recording what had to be repaired."""

from __future__ import annotations

from tfhub_dataset.hubs.tfhub.anomaly import Anomaly

BOM = b"\xef\xbb\xbf"


def decode_text(path: str, data: bytes) -> tuple[str, list[Anomaly]]:
    """Decode a source file as UTF-8 with LF line ends; repairs are returned as anomalies."""
    anomalies: list[Anomaly] = []
    if data.startswith(BOM):
        data = data[len(BOM) :]
        anomalies.append(Anomaly(path, 1, "bom", "UTF-8 byte order mark removed"))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        text = data.decode("utf-8", errors="replace")
        anomalies.append(
            Anomaly(
                path, line, "invalid-utf8", f"byte {data[exc.start]:#04x} at offset {exc.start}"
            )
        )
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        anomalies.append(Anomaly(path, line, "line-endings", "CR/CRLF line ends normalised to LF"))
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
        anomalies.append(Anomaly(path, None, "invalid-utf8", "NUL characters replaced"))
    return text, anomalies
