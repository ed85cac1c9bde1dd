"""What every layer shares (db, pipelines, spiders, monitor): constants only, importing
nothing of the project, so that db/ (the lowest layer) and pipelines/ both reach them
without one importing the other."""
