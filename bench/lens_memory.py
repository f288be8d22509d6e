"""Benchmark (f): what a 40-megapixel phone photo costs the server in the moss lens. A visitor in Chromium opens
Make, the lens tab, uploads the photo and moves three sliders; the server's peak resident memory (VmHWM) is read
before the upload and after the third move. The same is done with a 1-megapixel photo on a second server in the
same run, as the baseline. Each server is fresh and warmed first (the page and the lens tab opened once).

Run: .venv/bin/python bench/lens_memory.py   (target: at most +250 MB for the 40 MP photo and three moves)
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageFilter
from playwright.sync_api import expect, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import ROOT, running_server  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM, FLAGS  # noqa: E402

TARGET_MB = 250


def phone_photo(width: int, height: int) -> bytes:
    """A photo-like JPEG (smooth detail, an EXIF turn) of ``width`` x ``height`` pixels."""
    small = Image.effect_noise((max(1, width // 8), max(1, height // 8)), 90).convert("RGB").filter(ImageFilter.GaussianBlur(1))
    big = small.resize((width, height), Image.Resampling.BICUBIC)
    exif = big.getexif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    big.save(buffer, format="JPEG", quality=82, exif=exif)
    return buffer.getvalue()


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def lens_peak(browser, photo: Path) -> tuple[float, float]:
    """(peak MB before the upload, peak MB after the upload and three slider moves) on a fresh server."""
    with running_server("serve.py", env={"EXPLORER_TILES": "offline"}) as server:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for _ in range(2):  # warm: the page, the tab, the uploader
            page.goto(server.base + "/make")
            page.get_by_role("tab", name="Moss lens").click()
            expect(page.locator("input[type=file]")).to_be_attached(timeout=30_000)
        before = peak_mb(server.pid)
        page.locator("input[type=file]").set_input_files(str(photo))
        view = page.locator("img").last
        expect(page.get_by_role("slider").first).to_be_visible(timeout=60_000)
        for slider in page.get_by_role("slider").all()[:3]:
            shown = view.get_attribute("src")
            slider.focus()
            for _ in range(5):
                slider.press("ArrowRight")
            expect(page.locator("img").last).not_to_have_attribute("src", shown or "", timeout=30_000)
        page.wait_for_timeout(1000)
        after = peak_mb(server.pid)
        page.close()
    return before, after


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        photos = {"40 MP": (7296, 5472), "1 MP (baseline)": (1152, 864)}
        results = {}
        for name, size in photos.items():
            path = Path(folder) / f"{size[0]}x{size[1]}.jpg"
            path.write_bytes(phone_photo(*size))
            before, after = lens_peak(browser, path)
            results[name] = after - before
            print(
                f"{name}: {path.stat().st_size / 1e6:.1f} MB file; server peak {before:.0f} MB -> {after:.0f} MB "
                f"(+{after - before:.0f} MB) for the upload and three slider moves"
            )
        browser.close()
    grown = results["40 MP"]
    print(
        f"40 MP photo: +{grown:.0f} MB at the peak (target <= +{TARGET_MB} MB); "
        f"{grown - results['1 MP (baseline)']:.0f} MB more than the 1 MP baseline"
    )


if __name__ == "__main__":
    main()
