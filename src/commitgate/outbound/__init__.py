"""What may leave the machine: the files never sent, and the secrets
replaced in what is.

    neversend.py  files held back by name (keys, .env, credentials)
    redact.py     secret values replaced by placeholders, lines kept in place
    rules.py      the shapes redaction recognises, most specific first
    shapes.py     what a secret value looks like; which files are KEY=VALUE
    pem.py        private key blocks
"""
