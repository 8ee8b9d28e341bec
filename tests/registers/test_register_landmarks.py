"""A register is one landmark, not one per person: a screen reader's list of landmarks stays
short on a full course, and two walk-ins with the same name do not clash."""

import re

#: Elements that make a landmark when named (section, form) or always (nav, aside, region).
LANDMARK = re.compile(
    r"<(section|form)\b[^>]*\baria-(label|labelledby)=|<(nav|aside)\b|role=\"(region|form)\""
)


def test_the_register_is_one_landmark_however_many_people_are_on_it(
    coordinator_client, make, course, day1, on_day_1
):
    for _ in range(3):
        make.booking(course, make.person(full_name="Sam Walker"))
    page = coordinator_client.get(f"/coordinator/registers/days/{day1.id}").get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    assert main.count("Sam Walker") >= 3
    landmarks = [m.group(0) for m in LANDMARK.finditer(main)]
    assert len(landmarks) == 1, landmarks
    assert landmarks[0].startswith('<section class="app-register"')
