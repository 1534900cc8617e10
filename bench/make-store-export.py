#!/usr/bin/env python3
"""Writes a large Effica-style export for the store benchmark: the clean rows of a bundled
sample (every row the generator did not make dirty), repeated with record and episode ids made
unique per copy, until ROWS data rows are written. Streams: memory stays small for any size.

Usage: bench/make-store-export.py SAMPLE_FOLDER ROWS OUT_FILE
"""
import csv
import os
import sys


def main():
    folder, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    export = next(os.path.join(folder, f) for f in os.listdir(folder) if f != "expected-rejects.csv")
    with open(os.path.join(folder, "expected-rejects.csv"), newline="") as f:
        dirty = {int(r["line"]) for r in csv.DictReader(f, delimiter=";")}
    with open(export, newline="", encoding="utf-8") as f:
        lines = f.read().split("\n")
    header, body = lines[0], [l for n, l in enumerate(lines[1:], start=2) if l and n not in dirty]
    columns = header.split(";")
    record_id, episode_id = columns.index("TUNNUS"), columns.index("JAKSO_ID")
    parsed = list(csv.reader(body, delimiter=";"))
    written = 0
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=";", lineterminator="\n")
        f.write(header + "\n")
        copy = 0
        while written < rows:
            for row in parsed:
                if written == rows:
                    break
                row = list(row)
                row[record_id] = "%s-%d" % (row[record_id], copy)
                if row[episode_id]:
                    row[episode_id] = "%s-%d" % (row[episode_id], copy)
                writer.writerow(row)
                written += 1
            copy += 1


if __name__ == "__main__":
    main()
