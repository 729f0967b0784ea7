"""Teach: a classifier from the user's own labels (examples, the head, the task); the backbones'
embeddings and the trained head's runner live with Understand (``understand/embeddings.py``,
``understand/trained.py``), which runs what Teach makes.  No Qt."""
