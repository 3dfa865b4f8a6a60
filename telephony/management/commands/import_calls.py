"""Import a telephone exchange's call log: `manage.py import_calls --org SLUG --source NAME FILE`."""

from imports import import_command
from telephony.importing import CALLS

Command = import_command(
    CALLS,
    "Importe le journal d'appels d'un standard (Asterisk Master.csv, ou tout CSV/XLSX/ODS décrit par une source) : "
    "affiche les lignes lues, importées, déjà importées et rejetées.",
)
