"""Plain-text requests and replies as the common mail programs write them."""

from __future__ import annotations


def head(
    sender: str, subject: str, n: int, *extra: str, ctype: str = "text/plain; charset=utf-8"
) -> str:
    lines = [
        f"From: {sender}",
        "To: Signs of Safety <SignsOfSafety@cumbria.gov.uk>",
        f"Subject: {subject}",
        f"Date: Mon, 5 Jan 2026 09:{n % 60:02d}:00 +0000",
        f"Message-ID: <corpus-{n}@example.test>",
        "MIME-Version: 1.0",
        f"Content-Type: {ctype}",
        *extra,
    ]
    return "\n".join(lines) + "\n\n"


OFFER = "There are places on 2 March in Kendal and 10 March in Carlisle."

PLAIN = [
    dict(
        name="outlook_windows_reply_underscores",
        client="Outlook for Windows",
        raw=head('"Sam Reid" <sam.reid@cumberland.gov.uk>', "RE: Training dates", 1)
        + "Hi,\n\nYes please, book me on 14 April.\n\nThanks\nSam\n\n"
        "________________________________\nFrom: Signs of Safety <SignsOfSafety@cumbria.gov.uk>\n"
        "Sent: 02 January 2026 15:02\nTo: Reid, Sam <sam.reid@cumberland.gov.uk>\n"
        f"Subject: Training dates\n\n{OFFER}\n",
        keeps=("book me on 14 April",),
        drops=("2 March", "Sent: 02 January"),
        course="barrow_april",
    ),
    dict(
        name="outlook_windows_original_message",
        client="Outlook for Windows (older)",
        raw=head("Kim Hall <kim.hall@cumberland.gov.uk>", "RE: Training", 2)
        + "Can I have the Carlisle one on 10 March please.\n\nKim Hall\nSocial Worker\n\n"
        "-----Original Message-----\nFrom: Signs of Safety [mailto:SignsOfSafety@cumbria.gov.uk]\n"
        "Sent: 02 January 2026 15:02\nTo: Kim Hall\nSubject: Training\n\n"
        "Places on 14 April in Barrow.\n",
        keeps=("10 March",),
        drops=("14 April",),
        course="carlisle_march",
    ),
    dict(
        name="outlook_web_reply",
        client="Outlook on the web",
        raw=head("Lee Park <lee.park@westmorlandandfurness.gov.uk>", "Re: Training dates", 3)
        + "Please book me onto the 2nd March course.\n\nLee\n"
        "________________________________\nFrom: Signs of Safety <SignsOfSafety@cumbria.gov.uk>\n"
        "Sent: Friday, January 2, 2026 3:02 PM\nTo: Lee Park <lee.park@westmorlandandfurness.gov.uk>\n"
        "Subject: Training dates\n\nThere is also 14 April in Barrow.\n",
        keeps=("2nd March",),
        drops=("14 April",),
        course="kendal_march",
    ),
    dict(
        name="outlook_mac_reply",
        client="Outlook for Mac",
        raw=head("Ola Berg <ola.berg@cumberland.gov.uk>", "Re: Training dates", 4)
        + "I'd like a place on 6 October please.\n\nOla\n\n"
        "From: Signs of Safety <SignsOfSafety@cumbria.gov.uk>\n"
        "Date: Friday, 2 January 2026 at 15:02\nTo: Ola Berg <ola.berg@cumberland.gov.uk>\n"
        f"Subject: Training dates\n\n{OFFER}\n",
        keeps=("6 October",),
        drops=("2 March",),
        course="kendal_october",
    ),
    dict(
        name="outlook_ios_reply",
        client="Outlook on a phone (iOS)",
        raw=head("Ray Cole <ray.cole@cumberland.gov.uk>", "Re: Training dates", 5)
        + "Can I book 14 April please\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n"
        "________________________________\nFrom: Signs of Safety <SignsOfSafety@cumbria.gov.uk>\n"
        "Sent: Friday, January 2, 2026 3:02:11 PM\nTo: Ray Cole <ray.cole@cumberland.gov.uk>\n"
        f"Subject: Training dates\n\n{OFFER}\n",
        keeps=("14 April",),
        drops=("Get Outlook", "2 March"),
        course="barrow_april",
    ),
    dict(
        name="outlook_android_reply",
        client="Outlook on a phone (Android)",
        raw=head("Bea Lowe <bea.lowe@cumberland.gov.uk>", "Re: Training dates", 6)
        + "Please book me on the 10th March one\n\nSent from Outlook for Android<https://aka.ms/AAb9ysg>\n"
        "________________________________\nFrom: Signs of Safety <SignsOfSafety@cumbria.gov.uk>\n"
        "Sent: Friday, January 2, 2026 3:02:11 PM\nTo: Bea Lowe\n"
        "Subject: Training dates\n\nPlaces on 14 April in Barrow.\n",
        keeps=("10th March",),
        drops=("Sent from Outlook", "14 April"),
        course="carlisle_march",
    ),
    dict(
        name="gmail_reply",
        client="Gmail",
        raw=head("Tom Fox <tom.fox@gmail.com>", "Re: Training dates", 7)
        + "Hi there,\n\nCould I book a place on 14th April?\n\nThanks\nTom\n\n"
        "On Fri, 2 Jan 2026 at 15:02, Signs of Safety <SignsOfSafety@cumbria.gov.uk> wrote:\n\n"
        f"> {OFFER}\n>\n> Signs of Safety team\n",
        keeps=("14th April",),
        drops=("2 March",),
        course="barrow_april",
    ),
    dict(
        name="gmail_reply_wrapped_header",
        client="Gmail (long name wraps the header)",
        raw=head("Ann Moss <ann.moss@gmail.com>", "Re: Training dates", 8)
        + "Yes please - 10 March.\n\n"
        "On Fri, 2 Jan 2026 at 15:02, Signs of Safety Training Team Cumbria <\n"
        "SignsOfSafety@cumbria.gov.uk> wrote:\n\n> Places on 14 April in Barrow.\n",
        keeps=("10 March",),
        drops=("14 April",),
        course="carlisle_march",
    ),
    dict(
        name="gmail_phone_reply",
        client="Gmail on a phone",
        raw=head("Ivy Shaw <ivy.shaw@gmail.com>", "Re: Training dates", 9)
        + "Book me on 2 March please\n\n"
        "On Fri, 2 Jan 2026, 15:02 Signs of Safety, <SignsOfSafety@cumbria.gov.uk> wrote:\n\n"
        "> Places on 14 April in Barrow.\n",
        keeps=("2 March",),
        drops=("14 April",),
        course="kendal_march",
    ),
    dict(
        name="apple_iphone_reply",
        client="Apple Mail on iPhone",
        raw=head("Max Ford <max.ford@icloud.com>", "Re: Training dates", 10)
        + "6th October please\n\nSent from my iPhone\n\n"
        "> On 2 Jan 2026, at 15:02, Signs of Safety <SignsOfSafety@cumbria.gov.uk> wrote:\n>\n"
        f"> {OFFER}\n",
        keeps=("6th October",),
        drops=("iPhone", "2 March"),
        course="kendal_october",
    ),
    dict(
        name="apple_mac_reply",
        client="Apple Mail on a Mac",
        raw=head("Zoe Hart <zoe.hart@me.com>", "Re: Training dates", 11)
        + "Hello, please put me down for 14 April.\n\nZoe\n\n"
        "> On 2 Jan 2026, at 15:02, Signs of Safety <SignsOfSafety@cumbria.gov.uk> wrote:\n>\n"
        f"> {OFFER}\n",
        keeps=("14 April",),
        drops=("2 March",),
        course="barrow_april",
    ),
    dict(
        name="yahoo_reply",
        client="Yahoo Mail",
        raw=head("Dee Kerr <dee.kerr@yahoo.co.uk>", "Re: Training dates", 12)
        + "Please book 10 March for me.\n\n"
        "On Friday, 2 January 2026 at 15:02:11 GMT, Signs of Safety <SignsOfSafety@cumbria.gov.uk> wrote:\n\n"
        "Places on 14 April in Barrow.\n",
        keeps=("10 March",),
        drops=("14 April",),
        course="carlisle_march",
    ),
    dict(
        name="samsung_reply",
        client="Samsung Email",
        raw=head("Gus Bell <gus.bell@cumberland.gov.uk>", "RE: Training dates", 13)
        + "Can I come on 2 March\n\n\n\nSent from my Galaxy\n\n\n"
        "-------- Original message --------\nFrom: Signs of Safety <SignsOfSafety@cumbria.gov.uk>\n"
        "Date: 02/01/2026 15:02 (GMT+00:00)\nTo: Gus Bell <gus.bell@cumberland.gov.uk>\n"
        "Subject: Training dates\n\nPlaces on 14 April in Barrow.\n",
        keeps=("2 March",),
        drops=("Galaxy", "14 April"),
        course="kendal_march",
    ),
    dict(
        name="nhsmail_request_with_footer",
        client="NHSmail (Outlook with the NHSmail footer)",
        raw=head(
            '"TAYLOR, Sam (NORTH CUMBRIA INTEGRATED CARE NHS FOUNDATION TRUST)" <sam.taylor@nhs.net>',
            "Signs of Safety training",
            14,
        )
        + "Hello,\n\nPlease could you book me a place on the 10 March course in Carlisle.\n\n"
        "Kind regards\n\nSam Taylor\nSafeguarding Nurse\nNorth Cumbria Integrated Care NHS Foundation Trust\n"
        "Tel: 01228 000000 | Mobile: 07700 900000\n\n\n"
        "********************************************************************************************************************\n\n"
        "This message may contain confidential information. If you are not the intended recipient please inform the\n"
        "sender that you have received the message in error before deleting it.\n"
        "Please do not disclose, copy or distribute information in this e-mail or take any action in relation to its contents. "
        "To do so is strictly prohibited and may be unlawful. Thank you for your co-operation.\n\n"
        "NHSmail is the secure email and directory service available for all NHS staff in England. "
        "NHSmail is approved for exchanging patient data and other sensitive information with NHSmail and "
        "other accredited email services.\n\n"
        "For more information and to find out how you can switch, https://portal.nhs.net/help/joiningnhsmail\n",
        keeps=("10 March course in Carlisle",),
        drops=("Safeguarding Nurse", "NHSmail is the secure", "intended recipient"),
        course="carlisle_march",
    ),
    dict(
        name="council_request_with_disclaimer",
        client="Outlook for Windows with a council footer",
        raw=head('"Bloggs, Jo" <jo.bloggs@cumberland.gov.uk>', "Training place", 15)
        + "Good morning,\n\nI would like to attend the training in Barrow on 14/04/2026.\n\n"
        "Many thanks\n\nJo Bloggs (she/her)\nFamily Support Worker | Early Help | Cumberland Council\n"
        "Tel: 01228 000 000 | www.cumberland.gov.uk\n\n"
        "Please consider the environment before printing this email.\n\n"
        "This email and any files transmitted with it are confidential and intended solely for the use of "
        "the individual to whom they are addressed. Available on 10 March for calls.\n",
        keeps=("14/04/2026",),
        drops=("Family Support Worker", "10 March"),
        course="barrow_april",
    ),
    dict(
        name="dash_dash_signature",
        client="Thunderbird",
        raw=head("Pat Gray <pat.gray@cumberland.gov.uk>", "Training", 16)
        + "Please book me on 6 October.\n\n-- \nPat Gray\nTeam Manager, available 2 March onwards\n",
        keeps=("6 October",),
        drops=("Team Manager",),
        course="kendal_october",
    ),
    dict(
        name="list_of_people_with_dashes",
        client="Outlook for Windows (a list written with dashes)",
        raw=head("Val Hope <val.hope@cumberland.gov.uk>", "Training places", 17)
        + "Hello, could you book me on 10 March, and tell me which of these also suits:\n"
        "- the Barrow course\n- the October course in Kendal\n\nThanks,\nVal\n",
        keeps=("book me on 10 March", "- the Barrow course", "- the October course"),
        drops=(),
        course="carlisle_march",
    ),
    dict(
        name="thanks_comma_at_the_start_of_a_sentence",
        client="Gmail",
        raw=head("Ian Cross <ian.cross@gmail.com>", "Re: Training dates", 18)
        + "Hello,\n\nThanks, that's great - please book me onto 14 April.\n\nIan\n\n"
        "On Fri, 2 Jan 2026 at 15:02, Signs of Safety <SignsOfSafety@cumbria.gov.uk> wrote:\n"
        f"> {OFFER}\n",
        keeps=("book me onto 14 April",),
        drops=("2 March",),
        course="barrow_april",
    ),
    dict(
        name="gmail_forward_inline",
        client="Gmail (forwarded inline)",
        raw=head("Mo Dale <mo.dale@cumberland.gov.uk>", "Fwd: Training", 19)
        + "Hi, please could you book my new starter on this one? Thanks, Mo\n\n"
        "---------- Forwarded message ---------\nFrom: Signs of Safety <SignsOfSafety@cumbria.gov.uk>\n"
        "Date: Fri, 2 Jan 2026 at 15:02\nSubject: Training\nTo: <mo.dale@cumberland.gov.uk>\n\n"
        f"{OFFER}\n",
        keeps=("my new starter",),
        drops=("2 March",),
    ),
    dict(
        name="apple_forward",
        client="Apple Mail (forwarded)",
        raw=head("Nia Rowe <nia.rowe@me.com>", "Fwd: Training", 20)
        + "Could my colleague have a place?\n\nBegin forwarded message:\n\n"
        "> From: Signs of Safety <SignsOfSafety@cumbria.gov.uk>\n> Subject: Training\n"
        f"> Date: 2 January 2026 at 15:02:11 GMT\n>\n> {OFFER}\n",
        keeps=("my colleague",),
        drops=("2 March",),
    ),
    dict(
        name="bold_headers_from_html_reply",
        client="Outlook's plain part of an HTML reply (bold header names)",
        raw=head("Rae Holt <rae.holt@cumberland.gov.uk>", "RE: Training dates", 21)
        + "Yes, 6 October please.\n\n*From:* Signs of Safety <SignsOfSafety@cumbria.gov.uk>\n"
        "*Sent:* 02 January 2026 15:02\n*To:* Rae Holt\n*Subject:* Training dates\n\n"
        f"{OFFER}\n",
        keeps=("6 October",),
        drops=("2 March",),
        course="kendal_october",
    ),
    dict(
        name="sign_off_then_a_question",
        client="Outlook for Windows",
        raw=head("Ed Nash <ed.nash@cumberland.gov.uk>", "Training", 22)
        + "Please book me on 2 March.\nThanks\n"
        "Also, is there parking at the Kendal venue, as I will be driving from the west coast that morning?\n\nEd\n",
        keeps=("2 March", "is there parking"),
        drops=(),
        course="kendal_march",
    ),
    # Dates said relative to the day the message was written (the clock is set to it).
    dict(
        name="next_tuesday_from_a_phone",
        client="Outlook on the phone (iOS)",
        raw=head("Lou Pike <lou.pike@cumberland.gov.uk>", "Training", 23).replace(
            "Mon, 5 Jan 2026 09:23:00", "Thu, 5 Mar 2026 09:23:00"
        )
        + "Hi, could I book onto the course next Tuesday please?\n\nLou\n\nGet Outlook for iOS\n",
        keeps=("next Tuesday",),
        drops=("Get Outlook",),
        course="carlisle_march",
        now="2026-03-05T09:30:00+00:00",
        guess="Read “next Tuesday” as Tuesday 10 March 2026.",
    ),
    dict(
        name="the_14th_in_gmail",
        client="Gmail on the web",
        raw=head("Ash Kerr <ash.kerr@gmail.com>", "Signs of Safety", 24).replace(
            "Mon, 5 Jan 2026 09:24:00", "Wed, 1 Apr 2026 09:24:00"
        )
        + "Hello,\n\nPlease can you book me onto the course on the 14th?\n\nMany thanks,\nAsh\n",
        keeps=("on the 14th",),
        drops=("Many thanks", "Ash"),
        course="barrow_april",
        now="2026-04-01T09:30:00+00:00",
    ),
    dict(
        name="the_12th_when_no_course_runs",
        client="Apple Mail on an iPhone",
        raw=head("Bo Lane <bo.lane@icloud.com>", "Course", 25)
        + "Can I have a place on the 12th?\n\nSent from my iPhone\n",
        keeps=("on the 12th",),
        drops=("Sent from my iPhone",),
        course=None,
        guess="No course runs on Monday 12 January 2026.",
    ),
]
