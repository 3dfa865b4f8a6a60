"""The manual metrics: values entered by hand with their evidence."""

from core.metrics import Metric, registry

MANUAL_METRICS = [
    Metric(key="manual.score", label="Score saisi (grille, visite mystère)", unit="%"),
    Metric(key="manual.share", label="Part saisie (numérateur / dénominateur)", unit="%"),
    Metric(key="manual.count", label="Nombre saisi", unit="nombre"),
    Metric(key="manual.yes_no", label="Oui / non", unit="oui/non"),
]


def register_all() -> None:
    for metric in MANUAL_METRICS:
        registry.register(metric)
