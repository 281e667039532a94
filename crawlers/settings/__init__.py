"""Scrapy settings per environment: `base` holds everything, `dev`/`prod`/`local` differ."""
