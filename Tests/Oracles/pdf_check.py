#!/usr/bin/env python3
"""Checks PDFs the way a recipient's tools would read them. Per file, one JSON object:
{"file", "qpdf": "ok" | its complaint, "facturx": "ok" | error | "none",
 "xml_sha256": hash of the embedded factur-x.xml (XSD-checked by factur-x), "flavor",
 "text": pdftotext -layout output, "pages": count, "qr": [decoded payloads of page 1]}.
Needs qpdf, poppler-utils (pdftotext, pdftoppm, pdfinfo) and zbar-tools (zbarimg) on PATH."""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import facturx


def run(args):
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check(path):
    result = {"file": path}
    code, out, err = run(["qpdf", "--check", path])
    result["qpdf"] = "ok" if code == 0 and "No syntax or stream encoding errors" in out else (out + err)[-2000:]
    data = open(path, "rb").read()
    try:
        name, xml = facturx.get_xml_from_pdf(data, check_xsd=True)
        if xml:
            result["facturx"] = "ok"
            result["xml_name"] = name
            result["xml_sha256"] = hashlib.sha256(xml).hexdigest()
            tree = etree_from(xml)
            result["flavor"] = facturx.get_flavor(tree)
            result["level"] = facturx.get_level(tree)
        else:
            result["facturx"] = "none"
    except Exception as e:  # noqa: BLE001 - every failure is a finding
        result["facturx"] = f"{type(e).__name__}: {e}"[:2000]
    code, out, err = run(["pdftotext", "-layout", path, "-"])
    result["text"] = out if code == 0 else "pdftotext failed: " + err
    code, out, _ = run(["pdfinfo", path])
    result["pages"] = next((int(l.split()[1]) for l in out.splitlines() if l.startswith("Pages:")), 0)
    with tempfile.TemporaryDirectory() as d:
        prefix = os.path.join(d, "page")
        run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", path, prefix])
        pngs = sorted(f for f in os.listdir(d) if f.endswith(".png"))
        result["qr"] = []
        if pngs:
            png = os.path.join(d, pngs[0])
            keep = os.environ.get("KONTOR_KEEP_PNG")
            if keep:
                os.makedirs(keep, exist_ok=True)
                import shutil
                shutil.copy(png, os.path.join(keep, os.path.basename(path) + ".png"))
            code, out, _ = run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png])
            if code == 0:
                result["qr"] = [out.rstrip("\n")]
    return result


def etree_from(xml):
    from lxml import etree
    return etree.fromstring(xml)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(json.dumps(check(path)), flush=True)
