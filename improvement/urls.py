"""The improvement plan's pages (improvement.action_views) and the steering committee's and the
annual review's (improvement.meeting_views)."""

from improvement import action_urls, meeting_urls

app_name = "improvement"

urlpatterns = action_urls.urlpatterns + meeting_urls.urlpatterns
