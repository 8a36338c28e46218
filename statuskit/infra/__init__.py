"""Infrastructure under everything: the cache folder and the worker pool."""
