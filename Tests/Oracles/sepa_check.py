"""The receiving bank's side of a pain.008 file, independent of Kontor's writer.

For each file named on the command line, prints one JSON line: whether it validates against the
official ISO 20022 XSD of its version (as shipped by the `sepaxml` package), what an lxml reading
of it finds (group header, payment-information blocks, transactions), whether the counts and
control sums agree, and whether every IBAN and BIC passes `schwifty` and the creditor id
python-stdnum's `eu.at_02` (SEPA creditor identifier).
"""
import json
import os
import sys
from decimal import Decimal

import sepaxml
from lxml import etree
from schwifty import BIC, IBAN
from stdnum.eu import at_02

SCHEMAS = os.path.join(os.path.dirname(sepaxml.__file__), "schemas")


def text(node, path, ns):
    found = node.find(path, ns)
    return None if found is None else found.text


def check(path):
    tree = etree.parse(path)
    root = tree.getroot()
    namespace = etree.QName(root).namespace
    version = namespace.rsplit(":", 1)[-1]
    schema = etree.XMLSchema(etree.parse(os.path.join(SCHEMAS, version + ".xsd")))
    valid = schema.validate(tree)
    ns = {"p": namespace}
    header = root.find("p:CstmrDrctDbtInitn/p:GrpHdr", ns)
    bic_tag = "BICFI" if version.endswith(".08") else "BIC"
    blocks = []
    problems = []
    total, count = Decimal(0), 0
    for block in root.findall("p:CstmrDrctDbtInitn/p:PmtInf", ns):
        txs = []
        block_sum = Decimal(0)
        for tx in block.findall("p:DrctDbtTxInf", ns):
            amount = Decimal(text(tx, "p:InstdAmt", ns))
            block_sum += amount
            iban = text(tx, "p:DbtrAcct/p:Id/p:IBAN", ns)
            bic = text(tx, "p:DbtrAgt/p:FinInstnId/p:" + bic_tag, ns)
            try:
                IBAN(iban)
            except Exception as e:  # noqa: BLE001
                problems.append(f"debtor IBAN {iban}: {e}")
            if bic is not None:
                try:
                    BIC(bic)
                except Exception as e:  # noqa: BLE001
                    problems.append(f"debtor BIC {bic}: {e}")
            txs.append({
                "end_to_end_id": text(tx, "p:PmtId/p:EndToEndId", ns),
                "amount": str(amount),
                "currency": tx.find("p:InstdAmt", ns).get("Ccy"),
                "mandate": text(tx, "p:DrctDbtTx/p:MndtRltdInf/p:MndtId", ns),
                "signed": text(tx, "p:DrctDbtTx/p:MndtRltdInf/p:DtOfSgntr", ns),
                "amended": text(tx, "p:DrctDbtTx/p:MndtRltdInf/p:AmdmntInd", ns) == "true",
                "original_mandate": text(tx, "p:DrctDbtTx/p:MndtRltdInf/p:AmdmntInfDtls/p:OrgnlMndtId", ns),
                "original_iban": text(tx, "p:DrctDbtTx/p:MndtRltdInf/p:AmdmntInfDtls/p:OrgnlDbtrAcct/p:Id/p:IBAN", ns),
                "original_agent": text(tx, "p:DrctDbtTx/p:MndtRltdInf/p:AmdmntInfDtls/p:OrgnlDbtrAgt/p:FinInstnId/p:Othr/p:Id", ns),
                "debtor": text(tx, "p:Dbtr/p:Nm", ns),
                "iban": iban,
                "bic": bic,
                "remittance": text(tx, "p:RmtInf/p:Ustrd", ns),
            })
        creditor_id = text(block, "p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", ns)
        if not at_02.is_valid(creditor_id or ""):
            problems.append(f"creditor id {creditor_id} is not valid")
        creditor_iban = text(block, "p:CdtrAcct/p:Id/p:IBAN", ns)
        try:
            IBAN(creditor_iban)
        except Exception as e:  # noqa: BLE001
            problems.append(f"creditor IBAN {creditor_iban}: {e}")
        if Decimal(text(block, "p:CtrlSum", ns)) != block_sum:
            problems.append(f"block {text(block, 'p:PmtInfId', ns)}: control sum {text(block, 'p:CtrlSum', ns)} != {block_sum}")
        if int(text(block, "p:NbOfTxs", ns)) != len(txs):
            problems.append(f"block {text(block, 'p:PmtInfId', ns)}: NbOfTxs != {len(txs)}")
        total += block_sum
        count += len(txs)
        blocks.append({
            "id": text(block, "p:PmtInfId", ns),
            "date": text(block, "p:ReqdColltnDt", ns),
            "scheme": text(block, "p:PmtTpInf/p:LclInstrm/p:Cd", ns),
            "sequence": text(block, "p:PmtTpInf/p:SeqTp", ns),
            "count": int(text(block, "p:NbOfTxs", ns)),
            "control_sum": text(block, "p:CtrlSum", ns),
            "creditor_id": creditor_id,
            "transactions": txs,
        })
    if Decimal(text(header, "p:CtrlSum", ns)) != total:
        problems.append(f"group control sum {text(header, 'p:CtrlSum', ns)} != {total}")
    if int(text(header, "p:NbOfTxs", ns)) != count:
        problems.append(f"group NbOfTxs {text(header, 'p:NbOfTxs', ns)} != {count}")
    return {
        "file": path,
        "version": version,
        "xsd": "valid" if valid else "; ".join(str(e) for e in schema.error_log),
        "message_id": text(header, "p:MsgId", ns),
        "count": int(text(header, "p:NbOfTxs", ns)),
        "control_sum": text(header, "p:CtrlSum", ns),
        "blocks": blocks,
        "problems": problems,
    }


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(json.dumps(check(name)), flush=True)
