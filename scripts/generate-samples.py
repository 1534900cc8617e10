#!/usr/bin/env python3
"""Generates the bundled sample exports under samples/, reproducibly (fixed seed).

Every identity code is from the range reserved for temporary and test codes (individual
number 900-999): no real person's. Each export is written with the deliberately dirty
records it contains listed beside it (expected-rejects.csv: line, record, rule), so that
tests check the gateway against what the generator meant, not against hard-coded numbers.

Usage: scripts/generate-samples.py [--seed N] [--out DIR]
"""
import argparse
import csv
import datetime
import io
import os
import random

CONTROL_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"

# Local (Finnish) values of the Effica-style CSV dialect, as municipal systems export them.
SERVICES = [
    "Kuntouttava työtoiminta",
    "Sosiaalinen kuntoutus",
    "Vammaisten työtoiminta (SHL 27 e §)",
    "Kehitysvammaisten työtoiminta",
    "Tuettu työllistyminen",
]
PRODUCER_TYPES = {"Oma tuotanto": ["Nokian kaupungin toimintakeskus", "Nokian työvalmennus"],
                  "Yhdistys/säätiö": ["Pirkanmaan Kuntoutussäätiö", "Nokian Seudun Työpajayhdistys ry"],
                  "Yksityinen": ["Valmennuspalvelu Oy", "Työote; Kuntoutus Oy"]}
REFERRALS = ["TE-palvelut", "Kela", "Aikuissosiaalityö", "Vammaispalvelut", "Terveydenhuolto",
             "TYP", "Oma hakeutuminen", "Muu"]
HEADER = ["JAKSO_ID", "HETU", "KOTIKUNTA", "PALVELU", "TUOTTAJA", "TUOTTAJATYYPPI",
          "OHJAAVA_TAHO", "ALKUPVM", "LOPPUPVM", "TAVOITTEET", "PALAUTE"]


def identity_code(rng):
    """A valid test identity code: real birth date, individual number 900-999."""
    birth = datetime.date(1958, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 46))
    individual = rng.randrange(900, 1000)
    if birth.year >= 2000:
        sign = rng.choice("ABCDEF")
    else:
        sign = rng.choice("-YXWVU")
    digits = f"{birth:%d%m}{birth.year % 100:02d}"
    control = CONTROL_CHARACTERS[int(f"{digits}{individual:03d}") % 31]
    return f"{digits}{sign}{individual:03d}{control}"


def finnish_date(date, rng):
    """d.m.yyyy, padded or not, as the exports mix them."""
    if rng.random() < 0.5:
        return f"{date.day:02d}.{date.month:02d}.{date.year}"
    return f"{date.day}.{date.month}.{date.year}"


def episode_row(rng, number):
    start = datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 7))
    ongoing = rng.random() < 0.35
    end = None if ongoing else start + datetime.timedelta(days=rng.randrange(30, 2000))
    if end and end > datetime.date(2022, 12, 31):
        end = None
    producer_type = rng.choice(list(PRODUCER_TYPES))
    return [
        f"NOK-{number:06d}",
        identity_code(rng),
        rng.choice(["536", "536", "536", "837", "980"]),
        rng.choice(SERVICES),
        rng.choice(PRODUCER_TYPES[producer_type]),
        producer_type,
        rng.choice(REFERRALS),
        finnish_date(start, rng),
        finnish_date(end, rng) if end else "",
        rng.choice(["K", "K", "K", "E"]),
        rng.choice(["K", "K", "E"]) if end else "E",
    ]


def spoil(row, rule, rng):
    """Makes one row break one rule, on purpose."""
    if rule == "map.date":
        row[7] = "31.02.2021"
    elif rule == "identity-code.control":
        code = row[1]
        wrong = CONTROL_CHARACTERS[(CONTROL_CHARACTERS.index(code[10]) + 1) % 31]
        row[1] = code[:10] + wrong
    elif rule == "map.code-unmapped":
        row[3] = "Päivätoiminta"
    elif rule == "episode.end-before-start":
        row[7], row[8] = "15.06.2021", "1.3.2021"
        row[10] = "E"
    elif rule == "read.field-count":
        del row[6]
    elif rule == "identity-code.date":
        row[1] = "290201A9" + row[1][8:]
    return row


def write_nokia(out_dir, rng, rows=400):
    """Nokia (536): an Effica-style CSV export, ';'-delimited, UTF-8, CRLF line ends."""
    dirty = {40: "map.date", 97: "identity-code.control", 150: "map.code-unmapped",
             211: "episode.end-before-start", 288: "read.field-count", 333: "identity-code.date"}
    folder = os.path.join(out_dir, "nokia")
    os.makedirs(folder, exist_ok=True)
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(HEADER)
    expected = []
    line = 2
    for number in range(1, rows + 1):
        row = episode_row(rng, number)
        if number in dirty:
            spoil(row, dirty[number], rng)
            expected.append((line, number, dirty[number]))
        writer.writerow(row)
        line += 1
    with open(os.path.join(folder, "palvelujaksot.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(text.getvalue())
    with open(os.path.join(folder, "expected-rejects.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("line;record;rule\n")
        for line, record, rule in expected:
            f.write(f"{line};{record};{rule}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=20221231)
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "samples"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    write_nokia(args.out, rng)


if __name__ == "__main__":
    main()
