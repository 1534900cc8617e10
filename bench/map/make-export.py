#!/usr/bin/env python3
"""Writes the map benchmark's export (bench/map/episodes.json's dialect): ROWS service episodes,
one per row, with valid identity codes and codes from the legacy code tables. Fixed seed; streams.

Usage: bench/map/make-export.py ROWS OUT_FILE
"""
import random
import sys

CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
SERVICES = ["KTT", "SOSKU", "VATT", "KVTT", "TUTY"]
REFERRALS = ["TE", "KELA", "AS", "VP", "TH", "TYP", "OMA", "MUU", "XX"]


def identity_code(rng):
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(50, 99)
    number = rng.randint(2, 899)
    digits = "%02d%02d%02d%03d" % (day, month, year, number)
    return "%02d%02d%02d-%03d%s" % (day, month, year, number, CHECK[int(digits) % 31])


def main():
    rows, out = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(536)
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write("id,hetu,kotikunta,palvelu,tuottaja,tuottajalaji,ohjaus,alkaa,paattyy\n")
        for n in range(1, rows + 1):
            start = "%d.%d.%d" % (rng.randint(1, 28), rng.randint(1, 12), rng.randint(2015, 2021))
            end = "%d.%d.2022" % (rng.randint(1, 28), rng.randint(1, 12)) if n % 3 else ""
            f.write("NOK-%07d,%s,536,%s,Työpaja Oy,%d,%s,%s,%s\n" % (
                n, identity_code(rng), rng.choice(SERVICES), rng.randint(1, 3),
                rng.choice(REFERRALS), start, end))


if __name__ == "__main__":
    main()
