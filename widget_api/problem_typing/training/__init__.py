"""The shipped training set: one ``<label>.jsonl`` file of hand-written sentences per problem
type (``{"text", "lang", "label"}`` per line) and the template expansion in ``expand.py``.

Every sentence was written for this project, for the fictional Québec winter clothing store
"Nordet" (parkas, tuques, mitaines, bottes; carriers Postes Canada, Purolator, UPS, Intelcom,
Nationex; 3PL "LogiPro"). Nothing here is copied from the external evaluation data.
"""
