"""The evidence pack of a closed year (issue 15, docs/evidence-pack.md): one ZIP for the AFNOR
auditor, built in the background with its progress, holding per commitment the indicator values
with their definitions and targets, the records behind each figure (no personal data), the
manual evidence files; the checks' results, surveys, steering committees, annual review,
improvement actions, corrections after closing and the year's journal; and an index (HTML and
PDF) linking every file. The top layer: it reads every app below and writes only its own rows."""
