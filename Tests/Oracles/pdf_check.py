#!/usr/bin/env python3
"""Checks PDFs the way a recipient's tools would read them. Per file, one JSON object:
{"file", "qpdf": "ok" | its complaint, "facturx": "ok" | error | "none",
 "xml_sha256": hash of the embedded factur-x.xml (XSD-checked by factur-x), "flavor",
 "text": pdftotext -layout output, "pages": count, "qr": [decoded payloads of page 1],
 "pdfa": [PDF/A-3b rules of ISO 19005-3 the file breaks, of those checked here]}.
No PDF/A validator (veraPDF) is reachable from this machine's registries, so `pdfa`
checks the rules a reader can check with pikepdf and LittleCMS: header, file identifier, no
encryption, XMP identification matching the Info dictionary, an sRGB output intent whose ICC
profile LittleCMS loads, every font embedded with its widths matching the font program, no
transparency, and attachments with AFRelationship, MIME type and /AF.
Needs qpdf, poppler-utils (pdftotext, pdftoppm, pdfinfo) and zbar-tools (zbarimg) on PATH."""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import facturx
import pikepdf
from PIL import ImageCms


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
    result["pdfa"] = pdfa_findings(path)
    return result


def pdfa_findings(path):
    from io import BytesIO
    findings = []
    raw = open(path, "rb").read()
    if not raw.startswith(b"%PDF-1.") or raw[raw.index(b"\n") + 1 : raw.index(b"\n") + 2] != b"%":
        findings.append("6.1.2: header with a binary comment line")
    with pikepdf.open(path) as pdf:
        if pdf.is_encrypted:
            findings.append("6.1.3: encrypted")
        if "/ID" not in pdf.trailer:
            findings.append("6.1.3: trailer without /ID")
        root = pdf.Root
        meta = pdf.open_metadata()
        if str(meta.get("pdfaid:part")) != "3" or str(meta.get("pdfaid:conformance")) != "B":
            findings.append("6.6.4: XMP does not identify PDF/A-3B")
        info = pdf.docinfo
        for key, prop in [("/Title", "dc:title"), ("/Author", "dc:creator"), ("/Producer", "pdf:Producer"), ("/Creator", "xmp:CreatorTool")]:
            if key in info:
                xmp = meta.get(prop)
                if isinstance(xmp, list):
                    xmp = xmp[0] if xmp else None
                if str(info[key]) != str(xmp):
                    findings.append(f"6.6.2.3: Info {key} {str(info[key])!r} is not XMP {prop} {xmp!r}")
        intents = root.get("/OutputIntents", [])
        pdfa = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
        if len(pdfa) != 1:
            findings.append("6.2.3: exactly one GTS_PDFA1 output intent")
        else:
            icc = pdfa[0].DestOutputProfile.read_bytes()
            try:
                profile = ImageCms.ImageCmsProfile(BytesIO(icc))
                if profile.profile.xcolor_space.strip() != "RGB":
                    findings.append("6.2.3: output intent profile is not RGB")
            except Exception as e:  # noqa: BLE001
                findings.append(f"6.2.3: ICC profile does not load: {e}")
        for page in pdf.pages:
            if "/Group" in page.obj:
                findings.append("6.4: page transparency group")
            for name, font in (page.Resources.get("/Font") or {}).items():
                for descendant in font.get("/DescendantFonts", [font]):
                    fd = descendant.get("/FontDescriptor")
                    if fd is None or not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                        findings.append(f"6.2.11.4: font {name} not embedded")
                        continue
                    if descendant.get("/Subtype") == "/CIDFontType2" and "/CIDToGIDMap" not in descendant:
                        findings.append(f"6.2.11.3: {name} without CIDToGIDMap")
                    findings += width_findings(name, descendant, fd)
        names = root.get("/Names", {}).get("/EmbeddedFiles", {}).get("/Names", [])
        specs = [names[i + 1] for i in range(0, len(names), 2)]
        for spec in specs:
            if "/AFRelationship" not in spec:
                findings.append("6.8: file specification without AFRelationship")
            ef = spec.EF.F
            if "/Subtype" not in ef:
                findings.append("6.8: embedded file without MIME type")
            if "/Params" not in ef or "/ModDate" not in ef.Params:
                findings.append("6.8: embedded file without /Params /ModDate")
        if specs and len(root.get("/AF", [])) != len(specs):
            findings.append("6.8: embedded files not listed in the catalog's /AF")
    return findings


def width_findings(name, cidfont, fd):
    """/W of a CIDFontType2 against the advances in the embedded program (ISO 19005-3 6.2.11.5)."""
    from fontTools.ttLib import TTFont
    from io import BytesIO
    font = TTFont(BytesIO(fd.FontFile2.read_bytes()))
    units = font["head"].unitsPerEm
    order = font.getGlyphOrder()
    advances = [font["hmtx"][g][0] for g in order]
    findings = []
    w = list(cidfont.get("/W", []))
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], pikepdf.Array):
            for k, width in enumerate(w[i + 1]):
                cid = first + k
                expected = advances[cid] * 1000 / units if cid < len(advances) else None
                if expected is None or abs(float(width) - expected) > 1:
                    findings.append(f"6.2.11.5: {name} CID {cid} width {width} is not {expected}")
            i += 2
        else:
            i += 3
    return findings[:5]


def etree_from(xml):
    from lxml import etree
    return etree.fromstring(xml)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(json.dumps(check(path)), flush=True)
