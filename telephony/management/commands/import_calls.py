"""Import a telephone exchange's call log: `manage.py import_calls --org SLUG --source NAME FILE`."""

from core.imports import import_command
from core.models import ImportKind

Command = import_command(
    ImportKind.CALLS,
    "Importe le journal d'appels d'un standard (Asterisk Master.csv, ou tout CSV/XLSX/ODS décrit par une source) : "
    "affiche les lignes lues, importées, déjà importées et rejetées.",
)
