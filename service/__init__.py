"""The query service: competency questions now, the web service later."""
