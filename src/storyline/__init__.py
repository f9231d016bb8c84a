"""storyline: turn a pile of news articles about a developing story into a sourced, structured account."""
import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"
