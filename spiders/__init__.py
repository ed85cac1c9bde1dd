"""One thin spider per site over the shared helpers in spiders.base and spiders.parsing."""
