"""The life of a record above the index: approved corrections and removals, duplicate merging,
the run log, the stale sweep and crawl schedules. Crawlers and search_api both use it."""
