"""Front end: the click command line (:mod:`statuskit.cli.main`)."""
