#!/usr/bin/env python3
"""Reads .eml files with Python's `email` package (policy.default, as a mail client would) and
prints one JSON line each: from, to, subject, date, message_id, the text and HTML parts, and
each attachment's file name, type and SHA-256."""
import email
import hashlib
import json
import sys
from email import policy

for path in sys.argv[1:]:
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=policy.default)
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    attachments = [
        {"filename": part.get_filename(), "content_type": part.get_content_type(),
         "sha256": hashlib.sha256(part.get_payload(decode=True)).hexdigest()}
        for part in msg.iter_attachments()
    ]
    print(json.dumps({
        "file": path, "from": str(msg["From"]), "to": str(msg["To"]), "subject": str(msg["Subject"]),
        "date": str(msg["Date"]), "message_id": str(msg["Message-ID"]),
        "text": text.get_content() if text else None, "html": html.get_content() if html else None,
        "attachments": attachments, "defects": [str(d) for d in msg.defects],
    }), flush=True)
