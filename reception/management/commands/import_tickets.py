"""Import a queue system's export: `manage.py import_tickets --org SLUG --source NAME FILE`."""

from imports import import_command
from reception import importing
from reception.importing import TICKETS

Command = import_command(
    TICKETS,
    "Importe l'export d'un système de file d'attente (CSV, XLSX ou ODS décrit par une source) : affiche les lignes "
    "lues, importées, déjà importées et rejetées.",
    before=importing.register,  # the web pages register it when the reception app starts
)
