"""statuskit: one versioned record, two audience tracks, approved by both teams.

>>> from statuskit import load_content, gate
>>> release, report = gate(load_content(Path("content")), at)
"""

from .errors import ContentError, Problem, StatuskitError
from .gate.release import Release, gate
from .model.content import load_content
from .version import __version__

__all__ = ["ContentError", "Problem", "Release", "StatuskitError", "gate", "load_content", "__version__"]
