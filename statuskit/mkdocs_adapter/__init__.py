"""Front end: the MkDocs plugin (:mod:`statuskit.mkdocs_adapter.plugin`) and its theme shells."""
