"""The survey as a PDF document."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from documents.pdf import render_pdf
from reports.telephony_survey import TelephonySurvey

TEMPLATE = "reports/pdf/telephony_survey.html"


class SvgStyleNoise(logging.Filter):
    """WeasyPrint reads the `style` attributes of inline SVG elements as HTML styles too and
    warns about every SVG property (fill, stroke…) before drawing them correctly as SVG."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "unknown property" not in record.getMessage()


@contextmanager
def quiet_svg_styles() -> Iterator[None]:
    logger = logging.getLogger("weasyprint")
    noise = SvgStyleNoise()
    logger.addFilter(noise)
    try:
        yield
    finally:
        logger.removeFilter(noise)


def survey_pdf(survey: TelephonySurvey) -> bytes:
    """The tagged (PDF/UA) survey report, in French, on A4."""
    with quiet_svg_styles():
        return render_pdf(TEMPLATE, {"org": survey.organisation, "survey": survey})


def survey_filename(survey: TelephonySurvey) -> str:
    site = f"-{survey.site.code}" if survey.site else ""
    return f"enquete-telephonique{site}-{survey.request.start.isoformat()}.pdf"
