"""The scenario layer: a scenario file read, merged and validated into plain typed data.

``schema`` (the pydantic model and its cross-checks), ``loading`` (YAML, ``extends:``,
``file:line: field.path: message`` errors), ``variants`` (changed copies without files)
and ``generate`` (seeded synthetic scenarios). Nothing here imports OR-Tools or pandas.
"""
