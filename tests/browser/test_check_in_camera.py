"""The check-in page reads a QR code from the camera: Chromium plays a video file as the
camera (a .y4m written here from the code segno draws), and the page checks the person in
and shows their name, without a reload. axe checks the page with the camera running."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import segno
from playwright.sync_api import expect

from booking.models import AttendanceMark, Mark
from booking.services import check_in

from .conftest import CHROMIUM, LAUNCH_ARGS
from .test_register_on_a_phone import PHONE, sign_in

ON_THE_DAY = datetime(2026, 3, 2, 9, 20, tzinfo=UTC)
WIDTH, HEIGHT = 640, 480


def write_y4m(text: str, path: Path, frames: int = 10) -> Path:
    """A short greyscale video of a QR code in the middle of a white frame (YUV 4:2:0)."""
    matrix = [list(row) for row in segno.make_qr(text, error="m").matrix]
    scale = 10
    size = len(matrix) * scale
    left, top = (WIDTH - size) // 2, (HEIGHT - size) // 2
    luma = bytearray(b"\xeb" * (WIDTH * HEIGHT))  # white
    for y in range(size):
        row = matrix[y // scale]
        offset = (top + y) * WIDTH + left
        for x in range(size):
            if row[x // scale]:
                luma[offset + x] = 0x10  # black
    chroma = b"\x80" * (WIDTH * HEIGHT // 4)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * frames)
    return path


@pytest.fixture
def camera_day(live_app, make):
    from .test_register_on_a_phone import EMAIL, PASSWORD, SECRET

    live_app.config["CLOCK_OVERRIDE"] = ON_THE_DAY
    make.coordinator(
        EMAIL, PASSWORD, totp_secret=SECRET, totp_confirmed_at=datetime(2026, 1, 5, tzinfo=UTC)
    )
    course = make.course()
    booking = make.booking(course, make.person(full_name="Cara Doyle"))
    code = dict((d.day_number, c) for d, c in check_in.codes_for(booking))[1]
    return course.days[0], code


def test_the_camera_reads_a_check_in_code_and_shows_the_name(
    live_server, playwright_instance, axe, screenshot, camera_day, db, tmp_path
):
    day, code = camera_day
    day_id = day.id
    db.session.commit()
    video = write_y4m(code, tmp_path / "code.y4m")
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            *LAUNCH_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
        context.set_default_timeout(15_000)
        page = context.new_page()
        sign_in(page, live_server)
        page.goto(f"{live_server}/coordinator/registers/days/{day_id}/check-in")
        page.get_by_role("button", name="Scan codes with the camera").click()
        result = page.get_by_role("status").filter(has_text="Cara Doyle")
        expect(result).to_contain_text("Checked in at 9:20am.")
        expect(page.locator("#register-counts")).to_contain_text("1 present")
        axe.check(page)
        screenshot(page, "check-in-camera-1-checked-in")
        page.get_by_role("button", name="Stop the camera").click()
    finally:
        browser.close()
    db.session.rollback()
    assert [m.mark for m in db.session.query(AttendanceMark)] == [Mark.PRESENT]
