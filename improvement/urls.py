"""The improvement plan's pages (improvement.action_views), the steering committee's and the
annual review's (improvement.meeting_views) and the auditor's notes' (improvement.note_views)."""

from improvement import action_urls, meeting_urls, note_urls

app_name = "improvement"

urlpatterns = action_urls.urlpatterns + meeting_urls.urlpatterns + note_urls.urlpatterns
