"""The Scrapy project: spiders fetch pages and extract what they hold; pipelines pass it on."""
