"""The HTTP API and web page (``storyline serve``): :func:`storyline.serve.app.create_app`.

Imported only by the ``serve`` and ``bench search`` commands, so FastAPI and uvicorn stay out of
``storyline --help`` and the other commands' start-up.
"""
