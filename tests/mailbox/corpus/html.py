"""Messages whose only readable part is HTML, as the common mail programs write it."""

from __future__ import annotations

from .plain import OFFER, head

HTML_TYPE = 'text/html; charset="utf-8"'

HTML = [
    dict(
        name="outlook_web_html_reply",
        client="Outlook on the web (HTML only)",
        raw=head(
            "Lee Park <lee.park@westmorlandandfurness.gov.uk>",
            "Re: Training dates",
            31,
            ctype=HTML_TYPE,
        )
        + '<html><head><style type="text/css" style="display:none;"> P {margin-top:0;margin-bottom:0;} </style></head>'
        '<body dir="ltr"><div style="font-family: Aptos, sans-serif;">Please book me on 14 April.</div>'
        '<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">'
        '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt">'
        "<b>From:</b> Signs of Safety &lt;SignsOfSafety@cumbria.gov.uk&gt;<br><b>Sent:</b> 02 January 2026 15:02<br>"
        "<b>To:</b> Lee Park<br><b>Subject:</b> Training dates</font><div>&nbsp;</div></div>"
        f"<div>{OFFER}</div></body></html>\n",
        keeps=("14 April",),
        drops=("2 March",),
        course="barrow_april",
    ),
    dict(
        name="outlook_windows_html_reply",
        client="Outlook for Windows (HTML only)",
        raw=head(
            '"Bloggs, Jo" <jo.bloggs@cumberland.gov.uk>', "RE: Training dates", 32, ctype=HTML_TYPE
        )
        + '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta name=Generator content="Microsoft Word 15">'
        "<style><!-- p.MsoNormal {margin:0cm;} --></style></head><body lang=EN-GB><div class=WordSection1>"
        "<p class=MsoNormal>Hi,<o:p></o:p></p><p class=MsoNormal>Can I have a place on 10&nbsp;March please?<o:p></o:p></p>"
        "<p class=MsoNormal>Jo<o:p></o:p></p>"
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm">'
        "<p class=MsoNormal><b>From:</b> Signs of Safety &lt;SignsOfSafety@cumbria.gov.uk&gt; <br>"
        "<b>Sent:</b> 02 January 2026 15:02<br><b>To:</b> Bloggs, Jo &lt;jo.bloggs@cumberland.gov.uk&gt;<br>"
        "<b>Subject:</b> Training dates<o:p></o:p></p></div>"
        "<p class=MsoNormal>Places on 14 April in Barrow.<o:p></o:p></p></div></body></html>\n",
        keeps=("10 March",),
        drops=("14 April",),
        course="carlisle_march",
    ),
    dict(
        name="gmail_html_reply",
        client="Gmail (HTML only)",
        raw=head("Tom Fox <tom.fox@gmail.com>", "Re: Training dates", 33, ctype=HTML_TYPE)
        + '<div dir="ltr">Please book me on 6 October.<div><br></div><div>Tom</div></div><br>'
        '<div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Fri, 2 Jan 2026 at 15:02, Signs of Safety '
        '&lt;<a href="mailto:SignsOfSafety@cumbria.gov.uk">SignsOfSafety@cumbria.gov.uk</a>&gt; wrote:<br></div>'
        '<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">'
        f'<div dir="ltr">{OFFER}</div></blockquote></div>\n',
        keeps=("6 October",),
        drops=("2 March",),
        course="kendal_october",
    ),
    dict(
        name="apple_html_reply",
        client="Apple Mail (HTML only)",
        raw=head("Zoe Hart <zoe.hart@me.com>", "Re: Training dates", 34, ctype=HTML_TYPE)
        + '<html><body style="overflow-wrap: break-word;">I would like 2 March please.<br><br>'
        '<blockquote type="cite"><div>On 2 Jan 2026, at 15:02, Signs of Safety &lt;SignsOfSafety@cumbria.gov.uk&gt; wrote:</div>'
        "<br><div><div>Places on 14 April in Barrow.</div></div></blockquote></body></html>\n",
        keeps=("2 March",),
        drops=("14 April",),
        course="kendal_march",
    ),
    dict(
        name="html_signature_table",
        client="Outlook for Windows (HTML with a signature table)",
        raw=head("Kim Hall <kim.hall@cumberland.gov.uk>", "Training", 35, ctype=HTML_TYPE)
        + "<html><body><p>Hello,</p><p>Please book me on the course on 14&nbsp;April.</p>"
        "<p>I will need a hearing loop.</p><p>Kind regards,</p>"
        "<table><tr><td><b>Kim Hall</b></td><td>Social Worker</td></tr>"
        "<tr><td>Tel</td><td>01228 000000</td></tr></table>"
        "<p style='font-size:8pt'>This email is confidential and intended only for the named recipient.</p>"
        "</body></html>\n",
        keeps=("14 April", "hearing loop"),
        drops=("Social Worker", "confidential"),
        course="barrow_april",
    ),
    dict(
        name="html_list_and_script",
        client="A web form that sends HTML",
        raw=head("Ada Lane <ada.lane@cumberland.gov.uk>", "Booking request", 36, ctype=HTML_TYPE)
        + "<html><head><title>10 March</title><script>var x='10 March'</script></head><body>"
        "<h1>Booking request</h1><ul><li>Name: Ada Lane</li><li>Course: 6&nbsp;October, Kendal</li></ul>"
        "<p>Sent by the team&#8217;s form.</p></body></html>\n",
        keeps=("6 October", "Ada Lane"),
        drops=("10 March", "var x"),
        course="kendal_october",
    ),
    dict(
        name="html_form_table",
        client="An online form that sends its answers as an HTML table",
        raw=head("Joy Penn <joy.penn@cumberland.gov.uk>", "Training request", 37, ctype=HTML_TYPE)
        + "<html><body><p>A request from the intranet form:</p><table>"
        "<tr><td>Name:</td><td>Joy Penn</td></tr><tr><td>Date:</td><td>14/04/2026</td></tr>"
        "<tr><td>Town:</td><td>Barrow</td></tr></table></body></html>\n",
        keeps=("14/04/2026", "Joy Penn"),
        drops=("Date:14", "2026Town"),  # the cells of a row must not run together
        course="barrow_april",
    ),
]
