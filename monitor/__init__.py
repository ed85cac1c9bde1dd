"""monitor: a bilingual news-monitoring scraper and archive for China's metals industry."""

__version__ = "0.1.0"
