"""Import another booking tool's appointments: `manage.py import_appointments --org SLUG --source NAME FILE`."""

from appointments import importing
from appointments.importing import APPOINTMENTS
from imports import import_command

Command = import_command(
    APPOINTMENTS,
    "Importe les rendez-vous d'un autre outil de réservation (tableau CSV, XLSX ou ODS, ou calendrier .ics, "
    "décrit par une source) : affiche les lignes lues, importées, déjà importées et rejetées.",
    before=importing.register,  # the web pages register it when the appointments app starts
)
