"""The moss lens: a visitor's photo seen as through Shuxiu's microscope. Uploads are checked; nothing is stored."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageDraw, ImageEnhance, ImageOps, UnidentifiedImageError

from explorer.errors import ExplorerError
from explorer.i18n import N_, t
from explorer.theme import PALETTE

MAX_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # about 7,300 x 5,500: any phone photo, far below a decompression bomb
FORMATS = ("JPEG", "MPO", "PNG", "WEBP")  # MPO: a phone's JPEG with more than one picture in it (the first is shown)
VIEW = 900
MAX_SIDE = 3000  # the photo is kept at most this long on its longer side: enough for the 8x lens, ~27 MB


class LensError(ExplorerError):
    """An upload the moss lens cannot use; ``text(language)`` says why, for the visitor, in their language."""

    def __init__(self, message: str, **values: object):
        super().__init__(message.format(**values))
        self.message, self.values = message, values

    def text(self, language: str = "en") -> str:
        return t(self.message, language, **self.values)


def open_photo(data: bytes, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS, max_side: int = MAX_SIDE) -> Image.Image:
    """A checked RGB image from uploaded bytes, upright and at most ``max_side`` pixels on its longer side, or a
    :class:`LensError` saying what is wrong. A JPEG is decoded at a reduced scale straight away (``draft``), so a
    40-megapixel phone photo never sits in memory at full size; other formats are decoded, then reduced."""
    if not data:
        raise LensError(N_("The file is empty."))
    if len(data) > max_bytes:
        raise LensError(
            N_("The file is {size} MB; photos up to {limit} MB are accepted."),
            size=f"{len(data) / 1_048_576:.1f}",
            limit=max_bytes // 1_048_576,
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise LensError(N_("This is a {kind} file; please choose a JPEG, PNG or WebP photo."), kind=image.format)
            width, height = image.size
            if width * height > max_pixels:
                raise LensError(
                    N_(
                        "The photo is {width} x {height} pixels, too large to look at here; please send one "
                        "of at most {limit} megapixels."
                    ),
                    width=width,
                    height=height,
                    limit=max_pixels // 1_000_000,
                )
            if image.format in ("JPEG", "MPO") and max(width, height) > max_side:
                scale = max_side / max(width, height)
                image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
            image.load()
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise LensError(N_("The file claims to be an enormous image; it was refused.")) from exc
    except UnidentifiedImageError as exc:
        raise LensError(N_("This file is not a photo the lens can read; please choose a JPEG, PNG or WebP image.")) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise LensError(N_("The photo seems damaged and could not be read completely; please try another one.")) from exc
    return ImageOps.exif_transpose(image).convert("RGB")


def microscope_view(
    image: Image.Image, focus: tuple[float, float] = (0.5, 0.5), zoom: float = 3.0, contrast: float = 1.5
) -> Image.Image:
    """A circular field of view on an enlarged detail around ``focus`` (fractions of width and height)."""
    width, height = image.size
    side = max(8, int(min(width, height) / max(zoom, 1.0)))
    cx = min(max(focus[0], 0.0), 1.0) * width
    cy = min(max(focus[1], 0.0), 1.0) * height
    left = int(min(max(cx - side / 2, 0), width - side))
    top = int(min(max(cy - side / 2, 0), height - side))
    detail = image.crop((left, top, left + side, top + side)).resize((VIEW, VIEW), Image.Resampling.LANCZOS)
    detail = ImageEnhance.Contrast(detail).enhance(contrast)
    detail = ImageEnhance.Color(detail).enhance(1.25)
    detail = ImageEnhance.Sharpness(detail).enhance(1.6)

    field = Image.new("RGB", (VIEW, VIEW), (12, 14, 10))
    mask = Image.new("L", (VIEW, VIEW), 0)
    inset = 30
    ImageDraw.Draw(mask).ellipse((inset, inset, VIEW - inset, VIEW - inset), fill=255)
    field.paste(detail, (0, 0), mask)
    draw = ImageDraw.Draw(field)
    draw.ellipse((inset, inset, VIEW - inset, VIEW - inset), outline=PALETTE["moss_light"], width=6)
    # a reticle: a fine cross and a scale bar, as in an eyepiece
    mid = VIEW // 2
    draw.line((mid - 40, mid, mid + 40, mid), fill=(255, 255, 255), width=1)
    draw.line((mid, mid - 40, mid, mid + 40), fill=(255, 255, 255), width=1)
    draw.line((VIEW * 0.62, VIEW * 0.8, VIEW * 0.76, VIEW * 0.8), fill=(255, 255, 255), width=3)
    return field


def view_png(image: Image.Image, focus: tuple[float, float] = (0.5, 0.5), zoom: float = 3.0, contrast: float = 1.5) -> bytes:
    """The microscope view of a photo from :func:`open_photo`, as PNG bytes (each move of the lens)."""
    view = microscope_view(image, focus, zoom, contrast)
    buffer = io.BytesIO()
    view.save(buffer, format="PNG")
    return buffer.getvalue()


def lens_png(data: bytes, focus: tuple[float, float] = (0.5, 0.5), zoom: float = 3.0, contrast: float = 1.5) -> bytes:
    """Upload bytes in, microscope view PNG bytes out; raises :class:`LensError` for unusable uploads."""
    return view_png(open_photo(data), focus, zoom, contrast)
