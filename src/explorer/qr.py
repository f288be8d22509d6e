"""QR codes that let a kiosk visitor continue on their own phone."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from explorer.theme import PALETTE


def qr_png(url: str, box_size: int = 8) -> bytes:
    """A PNG of a QR code for ``url``, dark moss on white, with the quiet zone scanners need."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image(fill_color=PALETTE["moss_dark"], back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
