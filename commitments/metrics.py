"""The manual metrics: values entered by hand with their evidence."""

from core import registries
from core.metrics import Metric

MANUAL_SCORE = "manual.score"
MANUAL_SHARE = "manual.share"
MANUAL_COUNT = "manual.count"
MANUAL_YES_NO = "manual.yes_no"

MANUAL_METRICS = [
    Metric(key=MANUAL_SCORE, label="Score saisi (grille, visite mystère)", unit="%"),
    Metric(key=MANUAL_SHARE, label="Part saisie (numérateur / dénominateur)", unit="%"),
    Metric(key=MANUAL_COUNT, label="Nombre saisi", unit="nombre"),
    Metric(key=MANUAL_YES_NO, label="Oui / non", unit="oui/non"),
]


def register_all() -> None:
    for metric in MANUAL_METRICS:
        registries.METRICS.register(metric.key, metric)
