"""The text pipeline: one stage per concern, the same code for a crawl, `monitor extract`
and a re-run over the archive (see `pipelines.stages.process`)."""
