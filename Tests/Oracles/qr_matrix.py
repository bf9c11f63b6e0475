#!/usr/bin/env python3
"""The QR symbol python-qrcode makes for each request — a JSON line {"data": base64, "version",
"mask"} on stdin, level M, byte mode, no quiet zone — printed as one JSON line: {"version",
"mask", "rows": ["0101…"]}. The tests compare it module by module with Kontor's own encoder.
(segno pads a one-byte message with an extra zero byte, a valid but different symbol, so it
cannot serve as a module-by-module oracle.)"""
import base64
import json
import sys

import qrcode
import qrcode.util

for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    q = qrcode.QRCode(
        version=req["version"], error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=req["mask"], border=0
    )
    q.add_data(qrcode.util.QRData(base64.b64decode(req["data"]), mode=qrcode.util.MODE_8BIT_BYTE))
    q.make(fit=False)
    rows = ["".join("1" if m else "0" for m in row) for row in q.get_matrix()]
    print(json.dumps({"version": q.version, "mask": req["mask"], "rows": rows}), flush=True)
