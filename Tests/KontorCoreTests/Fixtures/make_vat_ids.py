"""Regenerates vat-ids.tsv: VAT IDs judged by python-stdnum, an independent implementation.

Run: python3 -m venv /tmp/v && /tmp/v/bin/pip install python-stdnum && /tmp/v/bin/python make_vat_ids.py
Each line is "<id>\t<1 if stdnum says valid else 0>". For every prefix the file holds numbers
with correct check digits and near misses (one digit changed), so the Swift rules are compared
with stdnum on both sides of the line.
"""
import random
from stdnum.eu import vat

random.seed(4217)
LENGTHS = {
    'AT': ['Ud8'], 'BE': ['0d9', '1d9'], 'BG': ['d9', 'd10'], 'CY': ['0d7L', '1d7L', '3d7L', '9d7L'],
    'CZ': ['d8', '6d8', 'd10'], 'DE': ['d9'], 'DK': ['d8'], 'EE': ['10d7'], 'EL': ['d9'],
    'ES': ['d8L', 'Xd7L', 'Bd7d', 'Ad7d', 'Pd7L', 'Qd7L', 'Md7L'], 'FI': ['d8'], 'FR': ['d11'],
    'HR': ['d11'], 'HU': ['d8'], 'IE': ['d7L', 'd7LA', 'dLd5L'], 'IT': ['d11'], 'LT': ['d9', 'd12'],
    'LU': ['d8'], 'LV': ['4d10', 'd11'], 'MT': ['d8'], 'NL': ['d9B01', 'd9B02'], 'PL': ['d10'],
    'PT': ['d9'], 'RO': ['d2', 'd6', 'd8', 'd10', 'd13'], 'SE': ['d10_01'], 'SI': ['d8'], 'SK': ['d10'],
    'XI': ['d9', 'd12'],
}
LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
ALPHABET = '0123456789' + LETTERS


def expand(pattern):
    out, i = '', 0
    while i < len(pattern):
        c = pattern[i]
        if c == 'd':
            j = i + 1
            while j < len(pattern) and pattern[j].isdigit():
                j += 1
            n = int(pattern[i + 1:j] or 1)
            out += ''.join(random.choice('0123456789') for _ in range(n))
            i = j
        elif c == 'L':
            out += random.choice(LETTERS)
            i += 1
        elif c == '_':
            i += 1
        else:
            out += c
            i += 1
    return out


lines = set()
for prefix, patterns in LENGTHS.items():
    valid = 0
    tries = 0
    while valid < 40 and tries < 3000:
        tries += 1
        body = expand(random.choice(patterns))
        # search the last position for a check character that makes it valid
        for c in ALPHABET:
            candidate = prefix + body[:-1] + c
            if vat.is_valid(candidate):
                lines.add((candidate, 1))
                valid += 1
                pos = random.randrange(2, len(candidate))
                repl = random.choice('0123456789')
                miss = candidate[:pos] + repl + candidate[pos + 1:]
                lines.add((miss, 1 if vat.is_valid(miss) else 0))
                break
        else:
            if random.random() < 0.02:
                lines.add((prefix + body, 1 if vat.is_valid(prefix + body) else 0))
for example in ['DE136695976', 'ATU13585627', 'GB123456789', 'EL094259216', 'XI980780684']:
    lines.add((example, 1 if vat.is_valid(example) else 0))

with open('vat-ids.tsv', 'w') as f:
    for candidate, ok in sorted(lines):
        f.write(f'{candidate}\t{ok}\n')
