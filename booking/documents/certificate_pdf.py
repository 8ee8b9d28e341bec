"""A certificate of completion as an accessible PDF, from templates/certificates/.

WeasyPrint renders the HTML and CSS: a tagged PDF (PDF/UA-1) whose title is set from the
page's <title>, with real text and dark text on white. It needs Pango from Debian's packages
(`make install` and `.ci/run` install it where missing). The QR code (segno) holds the
check page's address, which is also printed under it.
"""

from __future__ import annotations

import functools

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..mail.outbound.composing import TEMPLATES
from ..services.certificates import CertificateDetails
from ..words import TEMPLATE_FILTERS


@functools.cache
def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(("html",))
    )
    environment.filters.update(TEMPLATE_FILTERS)
    return environment


def check_url(site_url: str, number: str) -> str:
    """The short address that checks a certificate."""
    return f"{site_url.rstrip('/')}/certificates/{number}"


def certificate_html(details: CertificateDetails, *, site_url: str) -> str:
    url = check_url(site_url, details.number)
    qr = segno.make(url, error="m").svg_data_uri(scale=4, dark="#0b0c0c")
    return (
        _environment()
        .get_template("certificates/certificate.html")
        .render(c=details, check_url=url, qr=qr)
    )


def certificate_pdf(details: CertificateDetails, *, site_url: str) -> bytes:
    """The certificate as PDF bytes."""
    import weasyprint  # loaded when first needed: it loads Pango, which takes a moment

    html = weasyprint.HTML(string=certificate_html(details, site_url=site_url))
    return html.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def filename(details: CertificateDetails) -> str:
    return f"certificate-{details.number}.pdf"
