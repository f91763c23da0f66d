"""Developer tools that write code: ``heavy add-table`` and ``heavy rename``.

Both plan every change first, refuse bad input with one line before touching anything, and then
apply the whole plan or, on failure, undo what they did (``file_changes.py``).
"""
