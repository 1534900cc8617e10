#!/usr/bin/env python3
"""The map benchmark's Python peer: what bench/map/episodes.json does, in a plain csv+json
script (renames, upper-casing, code recoding through the same code tables, dates d.m.yyyy to
ISO with a calendar check), one regional record as JSON per line on stdout.

Usage: bench/map/peer.py CODES_FOLDER EXPORT
"""
import csv
import datetime
import json
import sys


def table(path):
    with open(path, encoding="utf-8", newline="") as f:
        return {row["local"]: row["regional"] for row in csv.DictReader(f, delimiter=";")}


def iso(text):
    day, month, year = (int(part) for part in text.split("."))
    return datetime.date(year, month, day).isoformat()


def main():
    codes, export = sys.argv[1], sys.argv[2]
    services = table(codes + "/legacy-services.csv")
    producers = table(codes + "/legacy-producer-types.csv")
    referrals = table(codes + "/legacy-referral-sources.csv")
    out = sys.stdout
    with open(export, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            record = {
                "entity": "service_episode",
                "episodeId": row["id"],
                "client": {"identityCode": row["hetu"].upper(), "homeMunicipality": row["kotikunta"]},
                "serviceType": services[row["palvelu"].upper()],
                "organiserMunicipality": "536",
                "producer": {"name": row["tuottaja"], "type": producers[row["tuottajalaji"]]},
                "referralSource": referrals.get(row["ohjaus"].upper(), "other"),
                "startDate": iso(row["alkaa"]),
            }
            if row["paattyy"]:
                record["endDate"] = iso(row["paattyy"])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
